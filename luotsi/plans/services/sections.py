"""Sector sections of the plan: adding one, filing a plan Bundle from another system as a draft
section, and merging a draft into the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.common import validation
from luotsi.organisation.decorators import require_action
from luotsi.organisation.permissions import Action
from luotsi.plans import sectors
from luotsi.plans.fhir.import_ import parse_bundle, read_plan
from luotsi.plans.models import CodeList, Goal, Plan, PlanSection, PlanService
from luotsi.plans.revisions import plan_change_log, plan_write, revision_bump
from luotsi.plans.services.common import (
    active_professional,
    care_team_grant,
    choosable_items,
    fail,
)


def section_add(*, actor, plan: Plan, sector: str, responsible_id=None, summary: str = "",
                expected_revision: int | None = None) -> PlanSection:
    errors = {}
    if not sectors.is_active(sector):
        errors["sector"] = _("Choose the sector.")
    if not responsible_id:
        errors["responsible"] = _("Name the professional responsible for the sector's part of "
                                  "the plan.")
    if errors:
        fail(errors)
    responsible = active_professional(responsible_id, "responsible")
    with plan_write(actor, plan, expected_revision) as locked:
        if locked.sections.filter(sector=sector, status=PlanSection.Status.ACTIVE).exists():
            fail({"sector": _("The plan already has a section for this sector.")})
        section = PlanSection.objects.create(plan=locked, sector=sector, responsible=responsible,
                                             summary=summary.strip())
        care_team_grant(actor, locked, responsible)
        plan_change_log(actor, locked, LogAction.UPDATE, f"section {sector} added")
    return section


def _imported_date(value, field_name: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        fail({field_name: _("The imported plan has an invalid date: %(value)s.") % {
            "value": value}})
    return validation.check_date(day, field_name)


@dataclass
class MergeResult:
    section: PlanSection
    goals: int
    services: int
    left_goals: int
    left_services: int


def section_merge(*, actor, section: PlanSection,
                  expected_revision: int | None = None) -> MergeResult:
    """Merge an imported draft section into the plan.

    The draft's ``imported`` content (``{"goals": [{"goal_area_code", "client_wording",
    "target_date"}], "services": [{"item_code", "provider", "sector"}]}``, as written by the
    FHIR import) becomes goals and services of the plan, in the sector's active section (created
    from the draft when the plan has none). A service the plan already has (same service, same
    sector) is not added twice. A goal or service whose code is not in the AVAIN code lists
    cannot become part of the plan: it stays in the draft for the team to add by hand; when
    nothing is left, the draft is removed. Everything or nothing is saved."""
    if section.status != PlanSection.Status.IMPORTED:
        fail({"section": _("Only an imported draft can be merged into the plan.")})
    content = section.imported if isinstance(section.imported, dict) else {}
    goals_in = [g for g in content.get("goals") or [] if isinstance(g, dict)]
    services_in = [s for s in content.get("services") or [] if isinstance(s, dict)]
    areas = choosable_items(CodeList.GOAL_AREA,
                            [str(g.get("goal_area_code") or "") for g in goals_in])
    items = choosable_items(CodeList.SERVICE,
                            [str(s.get("item_code") or "") for s in services_in])
    goal_rows, service_rows, left_goals, left_services = [], [], [], []
    for row in goals_in:
        area = areas.get(str(row.get("goal_area_code") or ""))
        wording = str(row.get("client_wording") or "").strip()
        if area is None or not wording:
            left_goals.append(row)
            continue
        goal_rows.append((area, wording, _imported_date(row.get("target_date"), "section")))
    for row in services_in:
        item = items.get(str(row.get("item_code") or ""))
        sector = str(row.get("sector") or section.sector)
        if item is None or not sectors.is_active(sector):
            left_services.append(row)
            continue
        service_rows.append((item, sector, str(row.get("provider") or "").strip()))
    if not goal_rows and not service_rows:
        fail({"section": _("Nothing in the imported plan can be merged: its goals and services "
                            "have no codes of the AVAIN code lists. Add them to the plan by "
                            "hand.")})
    with plan_write(actor, section.plan, expected_revision) as locked:
        draft = PlanSection.objects.select_for_update().filter(
            pk=section.pk, plan=locked, status=PlanSection.Status.IMPORTED).first()
        if draft is None:
            fail({"section": _("This draft has already been merged or removed.")})
        active = {s.sector: s for s in locked.sections.filter(status=PlanSection.Status.ACTIVE)}
        target = active.get(draft.sector)
        if target is None:
            target = active[draft.sector] = PlanSection.objects.create(
                plan=locked, sector=draft.sector, responsible=draft.responsible,
                summary=draft.summary, source=draft.source)
        elif draft.summary.strip():
            target.summary = "\n\n".join(p for p in (target.summary.strip(),
                                                     draft.summary.strip()) if p)
            target.save(update_fields=["summary", "updated_at"])
        for area, wording, target_date in goal_rows:
            Goal.objects.create(plan=locked, section=target, goal_area=area,
                                client_wording=wording, target_date=target_date)
        existing = set(locked.services.values_list("item_id", "sector"))
        added = 0
        for item, sector, provider in service_rows:
            if (item.pk, sector) in existing:
                continue
            existing.add((item.pk, sector))
            PlanService.objects.create(plan=locked, section=active.get(sector), item=item,
                                       sector=sector, provider=provider)
            added += 1
        if left_goals or left_services:
            draft.imported = {**content, "goals": left_goals, "services": left_services}
            draft.save(update_fields=["imported", "updated_at"])
        else:
            draft.delete()
        plan_change_log(actor, locked, LogAction.UPDATE,
             f"imported section {section.pk} merged: {len(goal_rows)} goals, {added} services")
    return MergeResult(section=target, goals=len(goal_rows), services=added,
                       left_goals=len(left_goals), left_services=len(left_services))


def section_import(*, actor, plan: Plan, body, sector: str | None = None,
                   expected_revision: int | None = None) -> PlanSection:
    """File a plan Bundle from another system as a draft section of ``plan``.

    The sector comes from ``sector`` or else the CarePlan's Luotsi sector category. Everything is
    checked before anything is written; the write raises the plan's revision and is logged.
    """
    require_action(actor, Action.VIEW_CLIENT)
    if sector and not sectors.is_active(sector):
        fail({"sector": _("Choose the sector.")})
    imported = read_plan(parse_bundle(body), plan.person)
    sector = sector or imported.sector
    if not sector:
        fail({"sector": _("Give the sector of the imported plan: the sector query parameter "
                           "or a CarePlan category of the Luotsi sector code system.")})
    for row in imported.services:
        row["sector"] = row["sector"] or sector
    with transaction.atomic():
        locked = revision_bump(plan, actor, expected_revision)
        section = PlanSection.objects.create(
            plan=locked, sector=sector, status=PlanSection.Status.IMPORTED,
            source=imported.source, imported=imported.as_json())
        plan_change_log(actor, locked, LogAction.CREATE,
             f"section {section.pk} ({sector}) imported from FHIR")
    return section
