"""Writes that change or remove a goal or a step of the plan.

Like every plan write (``luotsi.plans.services``): validate everything first, then in one
transaction lock the plan, check the editor's revision (a save on top of someone else's newer
save raises ``PlanConflict`` and changes nothing), change the row, raise the revision and log.
Accepted versions are snapshots and are never touched: the next accepted version lists the
change or removal under "what changed" (``services._changes``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.plans.models import CodeList, Goal, Plan, PlanMethod, PlanService, Step
from luotsi.plans.services import (
    GoalInput,
    StepInput,
    _bump,
    _code,
    _fail,
    _grant_care_team,
    _log,
    _may_write,
    _professional,
)


def _goal_errors(plan: Plan, goal: Goal, data: GoalInput) -> dict[str, str]:
    errors = {}
    if not data.client_wording.strip():
        errors["client_wording"] = _("Write the goal in the client's own words.")
    if data.priority not in Goal.Priority.values:
        errors["priority"] = _("Choose the priority.")
    if (data.target_date and data.target_date != goal.target_date
            and data.target_date < timezone.localdate()):
        errors["target_date"] = _("The target date cannot be in the past.")
    if data.section_id and not plan.sections.filter(pk=data.section_id).exists():
        errors["section"] = _("Choose a section of this plan.")
    return errors


def goal_update(*, actor, goal: Goal, data: GoalInput, expected_revision: int) -> Goal:
    """Change a goal's area, wording, target date, priority and section."""
    plan = goal.plan
    errors = _goal_errors(plan, goal, data)
    if errors:
        _fail(errors)
    area = (goal.goal_area if str(data.goal_area_id) == str(goal.goal_area_id)
            else _code(CodeList.GOAL_AREA, data.goal_area_id, "goal_area"))
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        goal.goal_area = area
        goal.client_wording = data.client_wording.strip()
        goal.target_date = data.target_date
        goal.priority = data.priority
        goal.section_id = data.section_id or None
        goal.save(update_fields=["goal_area", "client_wording", "target_date", "priority",
                                 "section", "updated_at"])
        _log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} changed")
    return goal


def goal_remove(*, actor, goal: Goal, expected_revision: int) -> None:
    """Remove a goal with its steps, situation factors, methods and ratings."""
    _may_write(actor, goal.plan)
    with transaction.atomic():
        locked = _bump(goal.plan, actor, expected_revision)
        steps = goal.steps.count()
        ratings = goal.ratings.count()
        goal_id = goal.pk
        goal.delete()
        _log(actor, locked, LogAction.UPDATE,
             f"goal {goal_id} removed with {steps} steps and {ratings} ratings")


def step_update(*, actor, step: Step, data: StepInput, expected_revision: int) -> Step:
    """Change a step's text, owner, date and goal."""
    plan = step.plan
    errors = {}
    if not data.what.strip():
        errors["what"] = _("Write what will be done.")
    if data.owner_kind not in Step.Owner.values:
        errors["owner_kind"] = _("Choose who does it: the client or a professional.")
    if data.owner_kind == Step.Owner.PROFESSIONAL and not data.owner_id:
        errors["owner"] = _("Name the professional who does it.")
    if data.due_on is None:
        errors["due_on"] = _("Give the date by when it is done.")
    if data.goal_id and not plan.goals.filter(pk=data.goal_id).exists():
        errors["goal"] = _("Choose a goal of this plan.")
    if errors:
        _fail(errors)
    owner = (_professional(data.owner_id, "owner")
             if data.owner_kind == Step.Owner.PROFESSIONAL else None)
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        step.what = data.what.strip()
        step.owner_kind = data.owner_kind
        step.owner = owner
        step.due_on = data.due_on
        step.goal_id = data.goal_id or None
        step.save(update_fields=["what", "owner_kind", "owner", "due_on", "goal", "updated_at"])
        _grant_care_team(actor, locked, owner)
        _log(actor, locked, LogAction.UPDATE, f"step {step.pk} changed")
    return step


def step_remove(*, actor, step: Step, expected_revision: int) -> None:
    _may_write(actor, step.plan)
    with transaction.atomic():
        locked = _bump(step.plan, actor, expected_revision)
        step_id = step.pk
        step.delete()
        _log(actor, locked, LogAction.UPDATE, f"step {step_id} removed")


def service_remove(*, actor, service: PlanService, expected_revision: int) -> None:
    """Remove a service entered by mistake (an ended service is marked ended instead)."""
    _may_write(actor, service.plan)
    with transaction.atomic():
        locked = _bump(service.plan, actor, expected_revision)
        service_id = service.pk
        service.delete()
        _log(actor, locked, LogAction.UPDATE, f"service {service_id} removed")


def method_remove(*, actor, method: PlanMethod, expected_revision: int) -> None:
    _may_write(actor, method.plan)
    with transaction.atomic():
        locked = _bump(method.plan, actor, expected_revision)
        method_id = method.pk
        method.delete()
        _log(actor, locked, LogAction.UPDATE, f"method {method_id} removed")
