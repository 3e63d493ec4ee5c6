"""Goals of the plan and the steps towards them: adding, changing and removing them, a goal's
situation factors, a step done.

A change or removal never touches an accepted version (a snapshot): the next accepted version
lists it under "what changed" (``versions.version_changes``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.plans.models import CodeList, Goal, GoalFactor, Plan, Step
from luotsi.plans.revisions import plan_change_log, plan_write, remove_from_plan
from luotsi.plans.services.common import (
    active_professional,
    care_team_grant,
    code_item,
    fail,
    withholding_ground,
)


@dataclass
class GoalInput:
    goal_area_id: int | None
    client_wording: str
    target_date: date | None = None
    priority: int = 2
    section_id: int | None = None


def goal_add(*, actor, plan: Plan, data: GoalInput, expected_revision: int | None = None) -> Goal:
    errors = {}
    if not data.client_wording.strip():
        errors["client_wording"] = _("Write the goal in the client's own words.")
    if data.priority not in Goal.Priority.values:
        errors["priority"] = _("Choose the priority.")
    if data.target_date and data.target_date < timezone.localdate():
        errors["target_date"] = _("The target date cannot be in the past.")
    if errors:
        fail(errors)
    area = code_item(CodeList.GOAL_AREA, data.goal_area_id, "goal_area")
    section = None
    if data.section_id:
        section = plan.sections.filter(pk=data.section_id).first()
        if section is None:
            fail({"section": _("Choose a section of this plan.")})
    with plan_write(actor, plan, expected_revision) as locked:
        goal = Goal.objects.create(plan=locked, section=section, goal_area=area,
                                   client_wording=data.client_wording.strip(),
                                   target_date=data.target_date, priority=data.priority)
        plan_change_log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} added")
    return goal


def goal_factor_add(*, actor, goal: Goal, factor_id, effect: str, note: str = "",
                    expected_revision: int | None = None) -> GoalFactor:
    if effect not in GoalFactor.Effect.values:
        fail({"effect": _("Choose whether the factor supports or hinders the goal.")})
    factor = code_item(CodeList.SITUATION_FACTOR, factor_id, "factor")
    with plan_write(actor, goal.plan, expected_revision) as locked:
        row = GoalFactor.objects.create(goal=goal, factor=factor, effect=effect, note=note.strip())
        plan_change_log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} factor")
    return row


@dataclass
class StepInput:
    what: str
    owner_kind: str
    due_on: date | None
    owner_id: int | None = None
    goal_id: int | None = None
    # The statutory ground the step is not shown to the client on: a ground's code, "" to show
    # it, ``None`` to leave it as it is (the API's writes).
    withheld_ground: str | None = None


def step_add(*, actor, plan: Plan, data: StepInput, expected_revision: int | None = None) -> Step:
    errors = {}
    if not data.what.strip():
        errors["what"] = _("Write what will be done.")
    if data.owner_kind not in Step.Owner.values:
        errors["owner_kind"] = _("Choose who does it: the client or a professional.")
    if data.owner_kind == Step.Owner.PROFESSIONAL and not data.owner_id:
        errors["owner"] = _("Name the professional who does it.")
    if data.due_on is None:
        errors["due_on"] = _("Give the date by when it is done.")
    if errors or data.due_on is None:
        fail(errors)
    owner = active_professional(data.owner_id, "owner") if data.owner_kind == Step.Owner.PROFESSIONAL \
        else None
    goal = plan.goals.filter(pk=data.goal_id).first() if data.goal_id else None
    if data.goal_id and goal is None:
        fail({"goal": _("Choose a goal of this plan.")})
    with plan_write(actor, plan, expected_revision) as locked:
        step = Step.objects.create(plan=locked, goal=goal, what=data.what.strip(),
                                   owner_kind=data.owner_kind, owner=owner, due_on=data.due_on)
        care_team_grant(actor, locked, owner)
        plan_change_log(actor, locked, LogAction.UPDATE, f"step {step.pk} added")
    return step


def step_mark_done(*, actor, step: Step, done_on: date | None = None,
                   expected_revision: int | None = None) -> Step:
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        fail({"done_on": _("A step cannot be done in the future.")})
    with plan_write(actor, step.plan, expected_revision) as locked:
        step.done_on = done_on
        step.save(update_fields=["done_on", "updated_at"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"step {step.pk} done")
    return step


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
        fail(errors)
    area = (goal.goal_area if str(data.goal_area_id) == str(goal.goal_area_id)
            else code_item(CodeList.GOAL_AREA, data.goal_area_id, "goal_area"))
    with plan_write(actor, plan, expected_revision) as locked:
        goal.goal_area = area
        goal.client_wording = data.client_wording.strip()
        goal.target_date = data.target_date
        goal.priority = data.priority
        goal.section_id = data.section_id or None
        goal.save(update_fields=["goal_area", "client_wording", "target_date", "priority",
                                 "section", "updated_at"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} changed")
    return goal


def goal_remove(*, actor, goal: Goal, expected_revision: int) -> None:
    """Remove a goal with its steps, situation factors, methods and ratings."""
    with plan_write(actor, goal.plan, expected_revision) as locked:
        steps = goal.steps.count()
        ratings = goal.ratings.count()
        goal_id = goal.pk
        goal.delete()
        plan_change_log(actor, locked, LogAction.UPDATE,
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
    if errors or data.due_on is None:
        fail(errors)
    owner = (active_professional(data.owner_id, "owner")
             if data.owner_kind == Step.Owner.PROFESSIONAL else None)
    withheld = (step.withheld_ground_id if data.withheld_ground is None
                else getattr(withholding_ground(data.withheld_ground, "withheld_ground"), "pk",
                             None))
    detail = f"step {step.pk} changed"
    if withheld != step.withheld_ground_id:
        detail += (f"; not shown to the client on the ground {withheld}" if withheld
                   else "; shown to the client")
    with plan_write(actor, plan, expected_revision) as locked:
        step.what = data.what.strip()
        step.owner_kind = data.owner_kind
        step.owner = owner
        step.due_on = data.due_on
        step.goal_id = data.goal_id or None
        step.withheld_ground_id = withheld
        step.save(update_fields=["what", "owner_kind", "owner", "due_on", "goal",
                                 "withheld_ground", "updated_at"])
        care_team_grant(actor, locked, owner)
        plan_change_log(actor, locked, LogAction.UPDATE, detail)
    return step


def step_remove(*, actor, step: Step, expected_revision: int) -> None:
    remove_from_plan(actor=actor, row=step, expected_revision=expected_revision, what="step")
