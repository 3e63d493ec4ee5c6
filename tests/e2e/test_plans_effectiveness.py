"""The AVAIN effectiveness report and editing or removing a goal, in the browser (Finnish and
Swedish), axe-checked (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import LAPTOP, assert_accessible, assert_columns_in_view, assert_path, login

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv"]


def _rated_plans(coordinator, values: list[tuple[int, int]]) -> None:
    from django.utils import timezone

    from luotsi.people.tests.factories import PersonFactory
    from luotsi.plans.models import (
        CodeListItem,
        Goal,
        Plan,
        PlanMethod,
        PlanSection,
        PlanService,
        Rating,
        RatingScale,
    )

    today = timezone.localdate()
    scale = RatingScale.objects.get(is_default=True)
    area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").first()
    method = CodeListItem.objects.filter(version__current=True, code_list="method").first()
    service = CodeListItem.objects.filter(version__current=True, code_list="service").first()
    for first, last in values:
        plan = Plan.objects.create(person=PersonFactory(), coordinator=coordinator,
                                   created_by=coordinator, updated_by=coordinator,
                                   review_on=today + dt.timedelta(days=30))
        section = PlanSection.objects.create(plan=plan, sector="working_age_social",
                                             responsible=coordinator)
        goal = Goal.objects.create(plan=plan, section=section, goal_area=area,
                                   client_wording="Oma koti")
        for days, value in ((90, first), (10, last)):
            Rating.objects.create(goal=goal, occasion="start" if days == 90 else "review",
                                  rated_on=today - dt.timedelta(days=days), scale=scale,
                                  value=value, rated_by_kind="together", recorded_by=coordinator)
        PlanMethod.objects.create(plan=plan, method=method)
        PlanService.objects.create(plan=plan, item=service, sector="working_age_social")


@pytest.mark.parametrize("language", LANGUAGES)
def test_effectiveness_report(new_page, lead, alice, language):
    _rated_plans(alice, [(1, 3), (2, 2), (3, 4), (4, 2)])
    page = new_page(language=language)
    page.set_viewport_size(LAPTOP)
    login(page, "lead")
    page.goto("/plans/effectiveness/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#total-goals").inner_text() == "4"
    assert_columns_in_view(page)
    assert page.locator("#chart-teams[role=img]").count() == 1
    assert page.locator("#table-teams tbody tr").count() == 1
    assert page.locator("#table-methods tbody tr").count() == 1
    assert_accessible(page)
    # filter by sector (a GET form, works without JavaScript)
    page.select_option("#id_sector", "employment")
    with page.expect_navigation():
        page.click("form.kpi-filters button.primary")
    assert page.locator("#total-goals").inner_text() == "0"
    assert_accessible(page)
    # the research file needs a purpose: refused, named, in the page's language
    with page.expect_navigation():
        page.click("section[aria-labelledby=research-heading] button")
    assert page.locator("#id_purpose-error").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_goal_edit_and_remove(new_page, alice, case, client_person, language):
    from luotsi.plans import services as s
    from luotsi.plans.models import CodeListItem, Goal

    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").order_by("sort_order").first()
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area.pk, client_wording="Löydän oman asunnon"))
    page = new_page(language=language)
    login(page, "alice")
    page.goto(f"/plans/{plan.pk}/")
    with page.expect_navigation():
        page.click(f"#edit-goal-{goal.pk}")
    assert_path(page, f"/plans/{plan.pk}/goals/{goal.pk}/edit/")
    assert_accessible(page)
    page.fill("#id_client_wording", "")
    with page.expect_navigation():
        page.click("form button.primary")
    assert page.locator(".error-summary").is_visible()  # named in the page's language
    assert_accessible(page)
    page.fill("#id_client_wording", "Asun omassa kodissa")
    with page.expect_navigation():
        page.click("form button.primary")
    assert_path(page, f"/plans/{plan.pk}/")
    assert "Asun omassa kodissa" in page.locator(f"#goal-{goal.pk}-heading").inner_text()
    with page.expect_navigation():
        page.click(f"#remove-goal-{goal.pk}")
    assert_path(page, f"/plans/{plan.pk}/goals/{goal.pk}/remove/")
    assert page.locator("#removed-text").inner_text() == "Asun omassa kodissa"
    assert_accessible(page)
    with page.expect_navigation():
        page.click("form button.danger")
    assert_path(page, f"/plans/{plan.pk}/")
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert page.locator("#no-goals").is_visible()
    assert_accessible(page)
