"""The plan's revision and change log, shared by every plan write.

Every change raises ``Plan.revision``: a save based on an older revision than the one stored is
refused (``PlanConflict``), so no one's work is silently overwritten. Every change is logged
through the gateway's write path with the writer's own basis for the client's plan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from luotsi.access import gateway
from luotsi.access.models import Basis, Category, LogAction
from luotsi.plans.models import Plan


class PlanConflict(Exception):
    """The plan changed after the editor loaded it. Carries the current plan for the message."""

    def __init__(self, plan: Plan, expected: int) -> None:
        super().__init__(f"plan {plan.pk} is at revision {plan.revision}, not {expected}")
        self.plan = plan
        self.expected = expected


def plan_write_check(actor, plan: Plan) -> None:
    """Before changing the plan: emergency access alone does not allow it (the refusal is
    logged); ``plan_change_log`` refuses the same inside the transaction."""
    gateway.check_write(actor, [plan.person_id], category=Category.PLAN, detail=f"plan {plan.pk}")


def plan_change_log(actor, plan: Plan, action: str, detail: str) -> None:
    """Log a change of ``plan`` with the basis on which ``actor`` works with the client's plan
    (the strongest they hold: case, care team, intake; emergency access is marked or refused by
    the gateway), ``none`` when they hold none."""
    basis = gateway.access_bases(actor, [plan.person_id], Category.PLAN).get(
        plan.person_id, Basis.NONE)
    gateway.record_write(actor, person_id=plan.person_id, category=Category.PLAN, action=action,
                         basis=basis, detail=detail)


def revision_bump(plan: Plan, actor, expected_revision: int | None) -> Plan:
    """Lock the plan row, check the editor's revision, and raise it."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise PlanConflict(locked, expected_revision)
    locked.revision += 1
    locked.updated_by = actor
    locked.save(update_fields=["revision", "updated_by", "updated_at"])
    return locked


@contextmanager
def plan_write(actor, plan: Plan, expected_revision: int | None) -> Iterator[Plan]:
    """One change of ``plan``: ``plan_write_check``, then one transaction in which the plan row
    is locked and its revision raised (``revision_bump``); the body gets the locked plan and
    makes its change and its ``plan_change_log`` record in the same transaction."""
    plan_write_check(actor, plan)
    with transaction.atomic():
        yield revision_bump(plan, actor, expected_revision)


def remove_from_plan(*, actor, row, expected_revision: int | None, what: str) -> None:
    """Remove ``row`` (a goal's step, a service, a method: anything with a ``plan``) as one
    change of its plan, logged as ``<what> <id> removed``."""
    with plan_write(actor, row.plan, expected_revision) as locked:
        row_id = row.pk
        row.delete()
        plan_change_log(actor, locked, LogAction.UPDATE, f"{what} {row_id} removed")
