"""The AVAIN meter over all four dimensions in the browser, in Finnish and in Swedish, axe-checked:
a start and a review that each rate the goal, evaluate a service and a method, reassess a
situation factor and record the client's own ratings beside the professional's; nothing is
chosen in advance, an empty sitting is refused, and the charts draw both lines."""

from __future__ import annotations

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def rated_plan(alice, case, client_person):
    from luotsi.plans import services as s
    from luotsi.plans.models import CodeListItem

    def code(code_list: str) -> int:
        return CodeListItem.objects.filter(version__current=True, code_list=code_list).order_by("sort_order", "pk")[0].pk

    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=code("goal_area"), client_wording="Oma asunto"))
    s.goal_factor_add(actor=alice, goal=goal, factor_id=code("situation_factor"),
                      effect="hinders")
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(item_id=code("service"),
                                                              sector="family_services"))
    s.method_add(actor=alice, plan=plan, method_id=code("method"), goal_id=goal.pk)
    return plan


def _sitting(page, plan, occasion: str, choices: dict[str, str], review=None) -> None:
    from luotsi.plans.models import Plan

    plan = Plan.objects.get(pk=plan.pk)
    goal = plan.goals.get()
    rows = {"goal": goal.pk, "factor": goal.factors.get().pk, "service": plan.services.get().pk,
            "method": plan.methods.get().pk}
    panel = "details#form-meter"
    if page.locator(panel).get_attribute("open") is None:
        page.click(f"{panel} > summary")
    page.select_option("#id_meter-occasion", occasion)
    if review is not None:
        page.select_option("#id_meter-review", str(review.pk))
    for key, value in choices.items():
        subject, rater = key.split("_")
        page.select_option(f"#id_meter-{subject}-{rows[subject]}-{rater}", value)
    page.fill(f"#id_meter-service-{rows['service']}-note", "Tapaamiset auttoivat")
    with page.expect_navigation():
        page.click(f"{panel} form button.primary")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_meter__start_and_review_over_four_dimensions_with_the_clients_own(
        new_page, alice, rated_plan, language):
    from django.utils import timezone

    from luotsi.plans import services as s
    from luotsi.plans.models import Evaluation, Rating

    page = new_page(language=language)
    login(page, "alice")
    page.goto(f"/plans/{rated_plan.pk}/")
    page.click("details#form-meter > summary")
    form = page.locator("details#form-meter form")
    # Nothing chosen in advance: every rating empty, the attestation unticked.
    for select in form.locator("select").all():
        assert select.input_value() == ""
    assert not page.is_checked("#id_meter-client_took_part")
    assert_accessible(page)

    # An empty sitting is refused, naming why, and saves nothing.
    page.select_option("#id_meter-occasion", "start")
    with page.expect_navigation():
        page.click("details#form-meter form button.primary")
    assert page.locator("details#form-meter .error-summary").is_visible()
    assert not Evaluation.objects.exists()
    assert_accessible(page)

    # The start ...
    page.goto(f"/plans/{rated_plan.pk}/")
    _sitting(page, rated_plan, "start", {
        "goal_professional": "2", "goal_client": "3", "service_professional": "3",
        "service_client": "4", "method_professional": "2", "method_client": "2",
        "factor_professional": "worse", "factor_client": "same"})
    assert page.url.endswith("#meter")
    # ... and a review, held today.
    review = s.review_schedule(actor=alice, plan=rated_plan, scheduled_on=timezone.localdate())
    page.goto(f"/plans/{rated_plan.pk}/")
    _sitting(page, rated_plan, "review", {
        "goal_professional": "4", "goal_client": "5", "service_professional": "4",
        "service_client": "5", "method_professional": "3", "method_client": "4",
        "factor_professional": "better", "factor_client": "better"}, review=review)

    assert list(Rating.objects.order_by("pk").values_list("value", "rated_by_kind")) == [
        (2, "professional"), (4, "professional")]
    assert Evaluation.objects.filter(rater="client").count() == 8
    assert Evaluation.objects.filter(rater="professional").count() == 6
    assert set(Evaluation.objects.filter(occasion="review").values_list(
        "review_id", flat=True)) == {review.pk}

    goal = rated_plan.goals.get()
    service = rated_plan.services.get()
    method = rated_plan.methods.get()
    # Both lines in the goal's chart and in the service's and method's.
    for chart in (f"#goal-{goal.pk} svg.chart", f"#meter-service-{service.pk} svg.chart",
                  f"#meter-method-{method.pk} svg.chart"):
        assert page.locator(f"{chart} polyline.chart-line:not(.chart-line-client)").count() == 1
        assert page.locator(f"{chart} polyline.chart-line-client").count() == 1
        assert page.locator(f"{chart} rect.chart-point-client").count() == 2
    assert "2 → 4" in page.locator(f"#chart-{goal.pk}-title").text_content()
    assert "3 → 5" in page.locator(f"#chart-{goal.pk}-title").text_content()
    # The rows say who rated; the factor's reassessment is listed as text.
    assert page.locator(f"#goal-{goal.pk} .rating-list li.client-own").count() == 2
    assert page.locator(f"#meter-factor-{goal.factors.get().pk} .rating-list li").count() == 4
    assert page.locator(f"#meter-service-{service.pk}").get_by_text(
        "Tapaamiset auttoivat").count() == 4
    assert_accessible(page)
