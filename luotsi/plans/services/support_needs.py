"""The client's support needs (SHL 11 §) recorded in the plan (SHL 39 §): added from the current
version of the support-needs code list, each at most once per plan, and removed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.plans.models import CodeList, Plan, PlanSupportNeed
from luotsi.plans.revisions import plan_change_log, plan_write, remove_from_plan
from luotsi.plans.services.common import code_item, fail

NOTE_MAX = 300


def support_need_add(*, actor, plan: Plan, need_id, note: str = "",
                     expected_revision: int | None = None) -> PlanSupportNeed:
    """Record a support need of the client in the plan. A need already recorded (the same code,
    of any version of the list) is refused naming the field ``need``, and nothing is saved."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        fail({"note": _("Write the note in at most %(count)s characters.") % {"count": NOTE_MAX}})
    need = code_item(CodeList.SUPPORT_NEED, need_id, "need")
    with plan_write(actor, plan, expected_revision) as locked:
        # Checked under the plan's row lock, so that two saves of the same need cannot both
        # pass; the database's constraint is the last guard.
        if locked.support_needs.filter(need__code=need.code).exists():
            fail({"need": _("The support need “%(name)s” is already recorded in the plan.")
                  % {"name": need.name}})
        row = PlanSupportNeed.objects.create(plan=locked, need=need, note=note,
                                             recorded_by=actor)
        plan_change_log(actor, locked, LogAction.UPDATE, f"support need {row.pk} added")
    return row


def support_need_remove(*, actor, support_need: PlanSupportNeed,
                        expected_revision: int | None) -> None:
    remove_from_plan(actor=actor, row=support_need, expected_revision=expected_revision,
                     what="support need")
