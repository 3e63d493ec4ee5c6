"""My ratings (/oma/ratings/): before a review the client rates their own goals on the plan's
AVAIN scale and writes their view; kept as the client's own rating (the plan's ``Evaluation``
rows, rater and entered by the client) beside the professional's, which the professional sees on
the plan page; a rating outside the scale or a view over the limit is refused in the client's
language and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, LogAction
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.oma.tests.builders import client_with_plan, sign_in_client
from luotsi.plans.models import Evaluation, Plan, Rating, RatingScale, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice):
    plan = client_with_plan(alice)
    RelationshipFactory(person=plan.person, user=alice)
    Review.objects.create(plan=plan, scheduled_on=timezone.localdate() + dt.timedelta(days=7))
    return plan


def _revision(plan) -> int:
    return Plan.objects.get(pk=plan.pk).revision


def _goal(plan):
    return plan.goals.get()


def test_the_client_rates_a_goal_and_writes_a_view(client, alice, plan):
    goal = _goal(plan)
    scale = RatingScale.objects.get(is_default=True)
    sign_in_client(client, plan.person)
    page = client.get("/oma/ratings/")
    html = page.content.decode()
    assert page.status_code == 200 and "Omat arvioni" in html and "Oma koti ja työ" in html
    assert html.count(f'name="value_{goal.pk}"') == scale.maximum - scale.minimum + 1
    answer = client.post("/oma/ratings/", {"revision": _revision(plan),
                                           f"value_{goal.pk}": "4",
                                           f"view_{goal.pk}": "Asunto löytyi melkein"})
    assert (answer.status_code, answer["Location"]) == (302, "/oma/ratings/")
    [own] = Evaluation.objects.filter(plan=plan)
    assert (own.subject, own.goal_id, own.value, own.note, own.rater, own.entered_by,
            own.recorded_by_id, own.occasion) == (
        "goal", goal.pk, 4, "Asunto löytyi melkein", "client", "client", None, "review")
    assert own.review == plan.reviews.get()
    record = AccessLogEntry.objects.order_by("-seq").first()
    assert (record.action, record.basis, record.username, record.person_id) == (
        LogAction.UPDATE, Basis.OWN_DATA, f"client:{plan.person_id}", plan.person_id)
    assert "Kiitos" in client.get("/oma/ratings/").content.decode()


def test_the_professional_sees_the_clients_rating_beside_their_own(client, alice, plan):
    goal = _goal(plan)
    scale = RatingScale.objects.get(is_default=True)
    Rating.objects.create(goal=goal, occasion="start", rated_on=timezone.localdate(),
                          scale=scale, value=2, rated_by_kind="professional", recorded_by=alice)
    sign_in_client(client, plan.person)
    client.post("/oma/ratings/", {"revision": _revision(plan), f"value_{goal.pk}": "3",
                                  f"view_{goal.pk}": "Parempi kuin ennen"})
    client.cookies.clear()
    client.force_login(alice)
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'class="client-own"' in html
    assert "<strong>3</strong>" in html and "Parempi kuin ennen" in html
    assert "<strong>2</strong>" in html  # the professional's own rating, beside


@pytest.mark.parametrize(("language", "scale_word", "view_word"), [
    ("fi", "Valitse luku", "Teksti on liian pitkä"),
    ("sv", "Välj ett tal", "Texten är för lång"),
    ("en", "Choose a number", "The text is too long"),
])
def test_outside_the_scale_or_too_long_is_refused_in_my_language(client, alice, language,
                                                                 scale_word, view_word):
    plan = client_with_plan(alice, language=language)
    goal = _goal(plan)
    sign_in_client(client, plan.person)
    for value in ("0", "6", "-1", "x", str(2**63 + 1), "3\x00", "4.5"):
        answer = client.post("/oma/ratings/", {"revision": _revision(plan),
                                               f"value_{goal.pk}": value})
        assert answer.status_code == 400, value
        assert scale_word in answer.content.decode(), value
    answer = client.post("/oma/ratings/", {"revision": _revision(plan), f"value_{goal.pk}": "3",
                                           f"view_{goal.pk}": "x" * 301})
    assert answer.status_code == 400 and view_word in answer.content.decode()
    answer = client.post("/oma/ratings/", {"revision": _revision(plan), f"value_{goal.pk}": "3",
                                           f"view_{goal.pk}": "a\x00b"})
    assert answer.status_code == 400
    assert not Evaluation.objects.exists()


def test_nothing_is_saved_when_one_goal_is_refused(client, alice, plan):
    from luotsi.oma.tests.builders import _item
    from luotsi.plans.models import CodeList, Goal

    first = _goal(plan)
    second = Goal.objects.create(plan=plan, goal_area=_item(CodeList.GOAL_AREA),
                                 client_wording="Työ")
    sign_in_client(client, plan.person)
    answer = client.post("/oma/ratings/", {"revision": _revision(plan), f"value_{first.pk}": "3",
                                           f"value_{second.pk}": "9"})
    assert answer.status_code == 400
    assert not Evaluation.objects.exists()


def test_a_repeat_of_the_same_post_is_refused_as_the_plan_changed(client, plan):
    goal = _goal(plan)
    sign_in_client(client, plan.person)
    post = {"revision": _revision(plan), f"value_{goal.pk}": "4"}
    assert client.post("/oma/ratings/", post).status_code == 302
    again = client.post("/oma/ratings/", post)
    assert again.status_code == 400 and "muuttui" in again.content.decode()
    assert Evaluation.objects.count() == 1


def test_an_empty_form_asks_for_a_rating(client, plan):
    sign_in_client(client, plan.person)
    answer = client.post("/oma/ratings/", {"revision": _revision(plan)})
    assert answer.status_code == 400
    assert not Evaluation.objects.exists()


# --- the services: how much each has helped ---------------------------------------------------


def _service(plan, status="ongoing"):
    service = plan.services.get()
    service.status = status
    service.save(update_fields=["status"])
    return service


def test_the_client_rates_how_much_a_service_has_helped(client, alice, plan):
    service = _service(plan)
    scale = RatingScale.objects.get(is_default=True)
    sign_in_client(client, plan.person)
    html = client.get("/oma/ratings/").content.decode()
    assert "Omat palveluni" in html and "Kuinka paljon tämä palvelu on auttanut sinua?" in html
    assert html.count(f'name="service_value_{service.pk}"') == scale.maximum - scale.minimum + 1
    assert f'id="service_view-{service.pk}"' in html
    # how much it helped: the ends of the scale named so, not by how a situation is
    fieldset = html[html.index(f'id="oma-rate-service-{service.pk}"'):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    lowest, highest = scale.levels.order_by("value")[0], scale.levels.order_by("-value")[0]
    assert "Ei lainkaan" in fieldset and "Erittäin paljon" in fieldset
    assert lowest.name_fi not in fieldset and highest.name_fi not in fieldset
    assert lowest.name_fi in html  # the goals keep the scale's own names
    answer = client.post("/oma/ratings/", {"revision": _revision(plan),
                                           f"service_value_{service.pk}": "5",
                                           f"service_view_{service.pk}": "Ohjaaja auttoi paljon"})
    assert (answer.status_code, answer["Location"]) == (302, "/oma/ratings/")
    [own] = Evaluation.objects.filter(plan=plan)
    assert (own.subject, own.service_id, own.goal_id, own.value, own.note, own.rater,
            own.entered_by, own.occasion) == (
        "service", service.pk, None, 5, "Ohjaaja auttoi paljon", "client", "client", "review")
    record = AccessLogEntry.objects.order_by("-seq").first()
    assert (record.action, record.basis, record.person_id) == (
        LogAction.UPDATE, Basis.OWN_DATA, plan.person_id)
    assert f"service {service.pk} evaluated 5 by the client" in record.detail

    client.cookies.clear()
    client.force_login(alice)
    meter = client.get(f"/plans/{plan.pk}/").content.decode()
    item = meter[meter.index(f'id="meter-service-{service.pk}"'):]
    item = item[:item.index("</article>")]
    assert 'class="client-own"' in item and "Ohjaaja auttoi paljon" in item


def test_a_goal_and_a_service_in_one_post_and_the_last_own_rating_shown(client, plan):
    goal, service = _goal(plan), _service(plan, status="ended")
    sign_in_client(client, plan.person)
    answer = client.post("/oma/ratings/", {"revision": _revision(plan), f"value_{goal.pk}": "2",
                                           f"service_value_{service.pk}": "4"})
    assert answer.status_code == 302
    assert sorted(Evaluation.objects.values_list("subject", "value")) == [
        ("goal", 2), ("service", 4)]
    html = client.get("/oma/ratings/").content.decode()
    today = timezone.localdate()
    on = f"{today.day}.{today.month}.{today.year}"
    assert f"Viimeisin arviosi {on}: 2" in html and f"Viimeisin arviosi {on}: 4" in html


def test_a_planned_service_is_not_offered_and_not_saved(client, plan):
    service = plan.services.get()  # planned: it has not begun
    sign_in_client(client, plan.person)
    html = client.get("/oma/ratings/").content.decode()
    assert f"service_value_{service.pk}" not in html and "Omat palveluni" not in html
    answer = client.post("/oma/ratings/", {"revision": _revision(plan),
                                           f"service_value_{service.pk}": "4"})
    assert answer.status_code == 400
    assert "Valitse arvio vähintään yhdelle tavoitteelle tai palvelulle." in \
        answer.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(("language", "words"), [
    ("fi", "kuinka paljon tämä palvelu on auttanut sinua"),
    ("sv", "hur mycket den här tjänsten har hjälpt dig"),
    ("en", "how much this service has helped you"),
])
def test_a_service_rating_outside_the_scale_refuses_the_whole_form(client, alice, language,
                                                                   words):
    plan = client_with_plan(alice, language=language)
    goal, service = _goal(plan), _service(plan)
    sign_in_client(client, plan.person)
    answer = client.post("/oma/ratings/", {"revision": _revision(plan), f"value_{goal.pk}": "3",
                                           f"service_value_{service.pk}": "9",
                                           f"service_view_{service.pk}": "Hyvä"})
    html = answer.content.decode()
    assert answer.status_code == 400 and words in html
    assert f'id="service_value-error-{service.pk}"' in html
    assert "Hyvä</textarea>" in html  # what the client wrote is kept
    assert not Evaluation.objects.exists()


def test_my_ratings_reads_a_fixed_number_of_queries(client, alice, plan,
                                                    django_assert_num_queries):
    from django.db import connection

    from luotsi.oma.tests.builders import _item
    from luotsi.plans.models import CodeList, Goal, PlanService

    service = _service(plan)
    for _ in range(3):  # more plans, and more goals and services in this one: same queries
        client_with_plan(alice)
        Goal.objects.create(plan=plan, goal_area=_item(CodeList.GOAL_AREA), client_wording="Työ")
        PlanService.objects.create(plan=plan, item=_item(CodeList.SERVICE), status="ongoing",
                                   sector="working_age_social")
    sign_in_client(client, plan.person)
    client.post("/oma/ratings/", {"revision": _revision(plan),
                                  f"service_value_{service.pk}": "3"})
    client.get("/oma/ratings/")
    # session, person, plan id, plan (gateway), the log append (last record, insert, in a
    # savepoint; the chain lock on PostgreSQL), the page's plan with its prefetches, the lists,
    # the scale's levels
    with django_assert_num_queries(26 + (connection.vendor == "postgresql")):
        assert client.get("/oma/ratings/").status_code == 200


def test_my_plan_links_a_begun_service_to_its_rating(client, alice, plan):
    from luotsi.oma.tests.builders import _item
    from luotsi.plans.models import CodeList, PlanService

    begun = _service(plan)
    planned = PlanService.objects.create(plan=plan, item=_item(CodeList.SERVICE),
                                         sector="working_age_social")
    sign_in_client(client, plan.person)
    html = client.get("/oma/plan/").content.decode()
    assert f'href="/oma/ratings/#oma-rate-service-{begun.pk}"' in html
    assert f"#oma-rate-service-{planned.pk}" not in html
    assert "Kerro, miten tämä palvelu on auttanut sinua" in html
    assert f'id="oma-rate-service-{begun.pk}"' in client.get("/oma/ratings/").content.decode()
