"""Access-log records of changes to professionals' roles, teams and flags.

The organisation app announces each change (``organisation.audit``); this writes it to the access
log (no person; basis ``administration``), where the data-protection officer sees it among the
records that name no person. A role or a team is what opens client data to a professional, so a
superuser who gives themselves a team leaves a record like any other access.
"""

from __future__ import annotations

from django.dispatch import receiver

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.organisation.audit import professional_access_changed


@receiver(professional_access_changed, dispatch_uid="luotsi_access_log_professional_change")
def log_professional_access_change(sender, *, actor, professional, created, changes,
                                   source="", **kwargs):
    """A change made by a command (``source``, e.g. ``load_organisation``) is recorded with the
    command as the actor, as the other commands that write the log are."""
    detail = (f"professional {professional.get_username()} (id {professional.pk})"
              f"{' created' if created else ''}: " + "; ".join(changes))
    event = log.Event(None, Category.PROFESSIONAL_ACCESS,
                      LogAction.CREATE if created else LogAction.UPDATE,
                      Basis.ADMINISTRATION, Outcome.ALLOWED, detail)
    who = (log.Actor(None, source, "", "", "") if actor is None and source
           else log.Actor.of(actor))
    log.append(who, [event])
