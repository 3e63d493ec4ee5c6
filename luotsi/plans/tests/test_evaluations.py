"""The AVAIN meter beside the goals' ratings: services and methods evaluated, situation factors
assessed again, and the client's own rating of every rated item, recorded by a professional with
the client or entered by the client themself; bad input refused naming the field, nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from luotsi.access.models import AccessLogEntry, Basis, Category
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, Evaluation, Plan, Rating

pytestmark = pytest.mark.django_db


def code(code_list: str) -> CodeListItem:
    return CodeListItem.objects.filter(version__current=True, code_list=code_list).order_by("sort_order", "pk").first()


@pytest.fixture
def rated_plan(alice, case, client_person) -> Plan:
    """A plan with a goal, a factor of it, a service and a method."""
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=code("goal_area").pk, client_wording="Oma asunto"))
    s.goal_factor_add(actor=alice, goal=goal, factor_id=code("situation_factor").pk,
                      effect="hinders")
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=code("service").pk, sector="family_services"))
    s.method_add(actor=alice, plan=plan, method_id=code("method").pk, goal_id=goal.pk)
    return Plan.objects.get(pk=plan.pk)


def _rows(plan: Plan):
    goal = plan.goals.get()
    return goal, goal.factors.get(), plan.services.get(), plan.methods.get()


def test_professional_evaluates_service_method_and_factor(alice, rated_plan):
    goal, factor, service, method = _rows(rated_plan)
    before = rated_plan.revision
    s.evaluation_add(actor=alice, plan=rated_plan, data=s.EvaluationInput(
        subject="service", item_id=service.pk, value=4, note="Auttoi"))
    s.evaluation_add(actor=alice, plan=rated_plan, data=s.EvaluationInput(
        subject="method", item_id=method.pk, value=2, occasion="review"))
    s.evaluation_add(actor=alice, plan=rated_plan, data=s.EvaluationInput(
        subject="factor", item_id=factor.pk, direction="better"))
    rows = list(Evaluation.objects.order_by("pk").values_list(
        "subject", "value", "direction", "rater", "entered_by", "recorded_by", "note"))
    assert rows == [("service", 4, "", "professional", "professional", alice.pk, "Auttoi"),
                    ("method", 2, "", "professional", "professional", alice.pk, ""),
                    ("factor", None, "better", "professional", "professional", alice.pk, "")]
    assert Plan.objects.get(pk=rated_plan.pk).revision == before + 3
    details = list(AccessLogEntry.objects.filter(category=Category.PLAN, action="update")
                   .order_by("-seq").values_list("detail", flat=True)[:3])
    assert f"service {service.pk} evaluated 4 by the professional" in details


def test_the_professionals_goal_rating_is_not_an_evaluation(alice, rated_plan):
    goal, *_ = _rows(rated_plan)
    with pytest.raises(ValidationError) as refused:
        s.evaluation_add(actor=alice, plan=rated_plan, data=s.EvaluationInput(
            subject="goal", item_id=goal.pk, value=3))
    assert set(refused.value.message_dict) == {"subject"}
    assert not Evaluation.objects.exists()


def test_client_rating_recorded_by_the_professional_beside_theirs(alice, rated_plan):
    goal, factor, service, _method = _rows(rated_plan)
    for subject, item_id, value, direction in (("goal", goal.pk, 5, ""),
                                               ("service", service.pk, 3, ""),
                                               ("factor", factor.pk, None, "worse")):
        s.record_client_rating(actor=alice, plan=rated_plan, data=s.EvaluationInput(
            subject=subject, item_id=item_id, value=value, direction=direction))
    assert set(Evaluation.objects.values_list("subject", "rater", "entered_by", "recorded_by")) \
        == {("goal", "client", "professional", alice.pk),
            ("service", "client", "professional", alice.pk),
            ("factor", "client", "professional", alice.pk)}


def test_client_enters_their_own_rating_logged_as_their_own(rated_plan, client_person):
    goal, *_ = _rows(rated_plan)
    before = rated_plan.revision
    evaluation = s.record_client_rating(actor=client_person, plan=rated_plan,
                                        data=s.EvaluationInput(subject="goal", item_id=goal.pk,
                                                               value=4, note="Parempi"))
    assert (evaluation.rater, evaluation.entered_by, evaluation.recorded_by) == \
        ("client", "client", None)
    assert Plan.objects.get(pk=rated_plan.pk).revision == before + 1
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert (entry.person_id, entry.basis, entry.role, entry.action) == \
        (client_person.pk, Basis.OWN_DATA, "client", "update")


def test_a_client_cannot_rate_another_persons_plan(rated_plan):
    goal, *_ = _rows(rated_plan)
    with pytest.raises(Http404):
        s.record_client_rating(actor=PersonFactory(), plan=rated_plan, data=s.EvaluationInput(
            subject="goal", item_id=goal.pk, value=4))
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("value", [0, 6, -1, 2**63, None, True], ids=[
    "zero", "six", "negative", "huge", "missing", "boolean"])
def test_rating_outside_the_scale_refused_naming_the_value(alice, rated_plan, value):
    _goal, _factor, service, _method = _rows(rated_plan)
    before = Plan.objects.get(pk=rated_plan.pk).revision
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        s.evaluation_add(actor=alice, plan=rated_plan, data=s.EvaluationInput(
            subject="service", item_id=service.pk, value=value))
    assert set(refused.value.message_dict) == {"value"}
    assert refused.value.message_dict["value"] == ["The rating must be between 1 and 5."]
    assert not Evaluation.objects.exists()
    assert Plan.objects.get(pk=rated_plan.pk).revision == before


def test_service_of_another_plan_refused_naming_the_service(alice, rated_plan, case, bob):
    other_person = PersonFactory()
    from luotsi.access.tests.factories import RelationshipFactory
    RelationshipFactory(person=other_person, user=alice)
    other, _created = s.plan_open(actor=alice, person_id=other_person.pk)
    foreign = s.service_add(actor=alice, plan=other, data=s.ServiceInput(
        item_id=code("service").pk, sector="working_age_social"))
    for call in (s.evaluation_add, s.record_client_rating):
        with pytest.raises(ValidationError) as refused:
            call(actor=alice, plan=rated_plan, data=s.EvaluationInput(
                subject="service", item_id=foreign.pk, value=3))
        assert set(refused.value.message_dict) == {"service"}
    assert not Evaluation.objects.exists()


def test_factor_needs_a_direction_and_review_must_be_the_plans(alice, rated_plan):
    _goal, factor, _service, _method = _rows(rated_plan)
    with pytest.raises(ValidationError) as refused:
        s.evaluation_add(actor=alice, plan=rated_plan, data=s.EvaluationInput(
            subject="factor", item_id=factor.pk, direction="sideways", review_id=987654))
    assert set(refused.value.message_dict) == {"direction", "review"}
    assert not Evaluation.objects.exists()


# --- the meter on the plan page ----------------------------------------------------------------


@pytest.fixture
def as_alice(client, alice, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(alice)
    return client


def _meter_post(plan: Plan, **values) -> dict:
    goal, factor, service, method = _rows(plan)
    names = {"goal": goal.pk, "factor": factor.pk, "service": service.pk, "method": method.pk}
    data = {"meter-occasion": "review", "meter-rated_on": "", "meter-review": ""}
    for key, value in values.items():
        subject, part = key.split("_", 1)
        data[f"meter-{subject}-{names[subject]}-{part}"] = value
    return data


def test_meter__one_sitting_rates_every_dimension_with_the_clients_own(as_alice, rated_plan):
    goal, factor, service, method = _rows(rated_plan)
    review = s.review_schedule(actor=rated_plan.coordinator or rated_plan.created_by,
                               plan=rated_plan, scheduled_on=timezone.localdate())
    data = _meter_post(rated_plan, goal_professional="2", goal_client="3",
                       service_professional="4", service_client="5", service_note="Auttoi",
                       method_professional="3", factor_professional="better",
                       factor_client="same")
    data["meter-review"] = str(review.pk)
    response = as_alice.post(f"/plans/{rated_plan.pk}/meter/", data)
    assert response.status_code == 302 and response["Location"].endswith("#meter")
    rating = Rating.objects.get()
    assert (rating.goal_id, rating.value, rating.rated_by_kind, rating.client_took_part,
            rating.review_id) == (goal.pk, 2, "professional", False, review.pk)
    assert set(Evaluation.objects.values_list("subject", "rater", "value", "direction",
                                              "note")) == {
        ("goal", "client", 3, "", ""), ("service", "professional", 4, "", "Auttoi"),
        ("service", "client", 5, "", "Auttoi"), ("method", "professional", 3, "", ""),
        ("factor", "professional", None, "better", ""), ("factor", "client", None, "same", "")}
    assert set(Evaluation.objects.values_list("review_id", flat=True)) == {review.pk}
    body = as_alice.get(f"/plans/{rated_plan.pk}/").content.decode()
    # both lines drawn: the goal's and the service's charts carry the client's own line
    assert f'aria-labelledby="chart-{goal.pk}-title"' in body
    assert "AVAIN ratings: 2; the client&#39;s own rating: 3" in body
    assert f'id="chart-service-{service.pk}-title"' in body
    service_chart = body.split(f'id="chart-service-{service.pk}-title"')[1].split("</svg>")[0]
    assert 'class="chart-point"' in service_chart and 'chart-point-client' in service_chart
    assert "Better" in body and "The same" in body


def test_meter__rating_outside_the_scale_refused_naming_the_item(as_alice, rated_plan):
    _goal, _factor, service, _method = _rows(rated_plan)
    data = _meter_post(rated_plan, goal_professional="3", service_professional="9")
    response = as_alice.post(f"/plans/{rated_plan.pk}/meter/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_meter-service-{service.pk}-professional"' in body
    assert f"{service.item.name}: the professional&#x27;s rating: Select a valid choice" in body
    assert not Rating.objects.exists() and not Evaluation.objects.exists()


def test_meter__nothing_rated_is_refused(as_alice, rated_plan):
    response = as_alice.post(f"/plans/{rated_plan.pk}/meter/", _meter_post(rated_plan))
    assert "Rate at least one goal, service, method or factor." in response.content.decode()
    assert not Evaluation.objects.exists()


def test_meter__nothing_chosen_in_advance(as_alice, rated_plan):
    body = as_alice.get(f"/plans/{rated_plan.pk}/").content.decode()
    form = body.split('id="form-meter"')[1].split("</details>")[0]
    assert "selected" not in form.replace('<option value="" selected>', "")
    assert 'name="meter-client_took_part"' in form and " checked" not in form
    for rater in ("professional", "client"):
        assert f'-{rater}"' in form


def test_meter__a_worker_without_access_gets_not_found(client, bob, rated_plan):
    client.force_login(bob)
    response = client.post(f"/plans/{rated_plan.pk}/meter/", _meter_post(
        rated_plan, goal_professional="3"))
    assert response.status_code == 404
    assert not Rating.objects.exists()
