"""Accepted versions of the plan (with what changed since the last) and its reviews."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.plans.models import Plan, PlanVersion, Review
from luotsi.plans.revisions import plan_change_log, plan_write
from luotsi.plans.selectors import plan_snapshot
from luotsi.plans.services.common import fail

# The parts of a snapshot compared row by row (each row has an ``id``), in the order listed.
# The plan's own fields in a snapshot, each a change of its own when it differs.
PLAN_FIELDS = ("client_situation", "client_view", "disagreement", "review_on", "coordinator",
               "named_worker", "needs_special_support", "language")
CHANGE_PARTS = ("sections", "support_needs", "goals", "factors", "services", "methods", "steps",
                "ratings", "evaluations", "reviews", "consents", "participants")
# Keys left out of a row's comparison: older snapshots kept a goal's factors inside the goal;
# they are compared as their own part now.
_NOT_COMPARED = frozenset({"factors"})


def _rows(snapshot: dict, part: str) -> dict | None:
    """The part's rows by id, or ``None`` when the snapshot cannot say (an older snapshot
    without the part, or with rows without ids)."""
    if part not in snapshot:
        return None
    rows = snapshot[part]
    if any("id" not in row for row in rows):
        return None
    return {row["id"]: row for row in rows}


def _same(before: dict, after: dict) -> bool:
    """Whether a row is unchanged in what both snapshots record of it: a field an older
    snapshot did not record yet (a step's withholding, a consent's status) is no change."""
    keys = (before.keys() & after.keys()) - _NOT_COMPARED
    return all(before[key] == after[key] for key in keys)


def _row_change(part: str, old: dict, new: dict) -> str:
    """The kind of change of a row present in both snapshots."""
    if part == "reviews" and new.get("held_on") and not old.get("held_on"):
        return "held"
    if part == "steps":
        if new.get("done_on") and not old.get("done_on"):
            return "done"
        if "withheld" in old and new.get("withheld") != old["withheld"]:
            return "withheld" if new.get("withheld") else "shown"
    if part == "consents":
        if new.get("withdrawn_on") and not old.get("withdrawn_on"):
            return "withdrawn"
        if "status" in old and new.get("status") != old["status"] and new["status"] == "given":
            return "given"
    return "changed"


def version_changes(previous: dict | None, current: dict) -> list[dict]:
    """What changed between two snapshots, as a list of {part, change, text}: every kind of
    row the plan records (goals, factors, ratings, held reviews, participants, …)."""
    if previous is None:
        return [{"part": "plan", "change": "created", "text": ""}]
    out = []
    for key in PLAN_FIELDS:
        if previous.get(key) != current.get(key):
            value = current.get(key)
            text = "" if isinstance(value, bool) else str(value or "")
            out.append({"part": key, "change": "changed", "text": text})
    for part in CHANGE_PARTS:
        before, after = _rows(previous, part), _rows(current, part)
        if before is None or after is None:  # a version from before the part was recorded
            continue
        for row_id in sorted(after.keys() - before.keys()):
            out.append({"part": part, "change": "added", "text": after[row_id].get("label", "")})
        for row_id in sorted(before.keys() - after.keys()):
            out.append({"part": part, "change": "removed",
                        "text": before[row_id].get("label", "")})
        for row_id in sorted(after.keys() & before.keys()):
            old, new = before[row_id], after[row_id]
            if _same(old, new):
                continue
            out.append({"part": part, "change": _row_change(part, old, new),
                        "text": new.get("label", "")})
    return out


def plan_accept(*, actor, plan: Plan, client_took_part: bool,
                expected_revision: int | None = None) -> PlanVersion:
    """Accept the plan with the client: an immutable version with what changed since the last."""
    with plan_write(actor, plan, expected_revision) as locked:
        if not locked.goals.exists():
            fail({"goals": _("Add at least one goal before accepting the plan.")})
        snapshot = plan_snapshot(locked)
        previous = locked.versions.order_by("-number").first()
        number = (previous.number if previous else 0) + 1
        version = PlanVersion.objects.create(
            plan=locked, number=number, accepted_at=timezone.now(), accepted_by=actor,
            client_took_part=client_took_part, snapshot=snapshot,
            changes=version_changes(previous.snapshot if previous else None, snapshot))
        locked.accepted_version = number
        locked.save(update_fields=["accepted_version"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"version {number} accepted")
    return version


def review_schedule(*, actor, plan: Plan, scheduled_on: date | None,
                    expected_revision: int | None = None) -> Review:
    if scheduled_on is None or scheduled_on < timezone.localdate():
        fail({"scheduled_on": _("The review date cannot be in the past.")})
    with plan_write(actor, plan, expected_revision) as locked:
        review = Review.objects.create(plan=locked, scheduled_on=scheduled_on)
        if locked.review_on != scheduled_on:
            locked.review_on = scheduled_on
            locked.save(update_fields=["review_on"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"review {review.pk} scheduled")
    return review


def review_record(*, actor, review: Review, held_on: date, notes: str,
                  next_review_on: date | None, expected_revision: int | None = None,
                  ) -> Review:
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("Record a review after it has been held.")
    if next_review_on is None or next_review_on <= held_on:
        errors["next_review_on"] = _("Give the date of the next review, after this one.")
    if errors or next_review_on is None:
        fail(errors)
    with plan_write(actor, review.plan, expected_revision) as locked:
        review.held_on, review.notes = held_on, notes.strip()
        review.save(update_fields=["held_on", "notes", "updated_at"])
        locked.review_on = next_review_on
        locked.save(update_fields=["review_on"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"review {review.pk} held")
    return review
