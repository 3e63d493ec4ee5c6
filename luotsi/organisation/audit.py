"""What a change to a professional means for access to client data, told to whoever records it.

A professional's role, teams and the staff, superuser and active flags decide which clients they
reach (teams hold client relationships) and what they may do (role), so every change of them is
written to the access log and shown to the data-protection officer. The organisation app only
describes the change and sends ``professional_access_changed``; the access app, which may
import this one (never the reverse), writes the log record.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender: the User class; kwargs: actor (who changed it, None for a command), professional,
# created, changes, source (the command that changed it, "" for a person in the admin)
professional_access_changed = Signal()

FLAGS = ("is_active", "is_staff", "is_superuser")


def snapshot(user) -> dict:
    """The access-relevant state of ``user`` as stored (teams read from the database)."""
    return {
        "role": user.role,
        **{flag: bool(getattr(user, flag)) for flag in FLAGS},
        "teams": sorted(user.teams.values_list("code", flat=True)) if user.pk else [],
    }


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def describe_changes(before: dict | None, after: dict) -> list[str]:
    """Each changed part as text (codes, not translated: the log record is for every reader)."""
    if before is None:
        before = {"role": "", **{flag: False for flag in FLAGS}, "teams": []}
    changes = []
    if before["role"] != after["role"]:
        changes.append(f"role {before['role'] or '-'} -> {after['role']}")
    for flag in FLAGS:
        if before[flag] != after[flag]:
            changes.append(f"{flag} {_yes_no(before[flag])} -> {_yes_no(after[flag])}")
    added = sorted(set(after["teams"]) - set(before["teams"]))
    removed = sorted(set(before["teams"]) - set(after["teams"]))
    if added:
        changes.append("teams + " + ", ".join(added))
    if removed:
        changes.append("teams - " + ", ".join(removed))
    return changes


def announce(*, actor, professional, before: dict | None, source: str = "") -> list[str]:
    """Compare ``professional`` now with ``before`` and send the signal when anything changed.
    ``source`` names the command that made the change when no person did (``actor`` None)."""
    changes = describe_changes(before, snapshot(professional))
    if changes:
        professional_access_changed.send(
            sender=type(professional), actor=actor, professional=professional,
            created=before is None, changes=changes, source=source)
    return changes
