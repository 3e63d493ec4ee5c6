"""The services and working methods of the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.plans import sectors
from luotsi.plans.models import CodeList, Plan, PlanMethod, PlanSection, PlanService
from luotsi.plans.revisions import plan_change_log, plan_write, remove_from_plan
from luotsi.plans.services.common import active_professional, care_team_grant, code_item, fail


@dataclass
class ServiceInput:
    item_id: int | None
    sector: str
    provider: str = ""
    responsible_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = PlanService.Status.PLANNED


def service_add(*, actor, plan: Plan, data: ServiceInput,
                expected_revision: int | None = None) -> PlanService:
    errors = {}
    if not sectors.is_active(data.sector):
        errors["sector"] = _("Choose the sector.")
    if data.status not in PlanService.Status.values:
        errors["status"] = _("Choose the status of the service.")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = _("The service cannot end before it starts.")
    if errors:
        fail(errors)
    item = code_item(CodeList.SERVICE, data.item_id, "item")
    responsible = active_professional(data.responsible_id, "responsible")
    with plan_write(actor, plan, expected_revision) as locked:
        section = locked.sections.filter(sector=data.sector,
                                         status=PlanSection.Status.ACTIVE).first()
        service = PlanService.objects.create(
            plan=locked, section=section, item=item, sector=data.sector,
            provider=data.provider.strip(), responsible=responsible, starts_on=data.starts_on,
            ends_on=data.ends_on, status=data.status)
        care_team_grant(actor, locked, responsible)
        plan_change_log(actor, locked, LogAction.UPDATE, f"service {service.pk} added")
    return service


def service_remove(*, actor, service: PlanService, expected_revision: int) -> None:
    """Remove a service entered by mistake (an ended service is marked ended instead)."""
    remove_from_plan(actor=actor, row=service, expected_revision=expected_revision, what="service")


def method_add(*, actor, plan: Plan, method_id, goal_id=None, note: str = "",
               expected_revision: int | None = None) -> PlanMethod:
    method = code_item(CodeList.METHOD, method_id, "method")
    goal = plan.goals.filter(pk=goal_id).first() if goal_id else None
    if goal_id and goal is None:
        fail({"goal": _("Choose a goal of this plan.")})
    with plan_write(actor, plan, expected_revision) as locked:
        row = PlanMethod.objects.create(plan=locked, goal=goal, method=method, note=note.strip())
        plan_change_log(actor, locked, LogAction.UPDATE, f"method {row.pk} added")
    return row


def method_remove(*, actor, method: PlanMethod, expected_revision: int) -> None:
    remove_from_plan(actor=actor, row=method, expected_revision=expected_revision, what="method")
