"""The client-plan API: listing, reading with ETag, If-Match updates, idempotent POSTs, access."""

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.api import idempotency
from luotsi.api.models import ApiToken, IdempotencyRecord
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, Evaluation, Goal, Plan, Rating, Step

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def bearer(user) -> dict:
    _record, token = ApiToken.issue(user)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def as_alice(client, alice):
    headers = bearer(alice)

    def call(method, path, data=None, **extra):
        kwargs = {"headers": {**headers, **extra.pop("headers", {})}}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        return getattr(client, method)(f"/api/v1{path}", **kwargs, **extra)

    return call


@pytest.fixture
def as_bob(client, bob):
    headers = bearer(bob)

    def call(method, path, data=None):
        kwargs = {"headers": headers}
        if data is not None:
            kwargs["data"], kwargs["content_type"] = data, "application/json"
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def area(code=None) -> CodeListItem:
    items = CodeListItem.objects.filter(version__current=True, code_list="goal_area")
    return items.get(code=code) if code else items.first()


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    return plan


def logged(person, action, user=None, outcome=Outcome.ALLOWED):
    rows = AccessLogEntry.objects.filter(person_id=person.pk, category=Category.PLAN,
                                         action=action, outcome=outcome)
    return rows.filter(user_id=user.pk) if user else rows


# --- GET /clients -----------------------------------------------------------------------------

def test_clients__lists_only_visible_persons_with_plan_filter(as_alice, alice, case,
                                                              client_person):
    s.plan_open(actor=alice, person_id=client_person.pk)
    other = PersonFactory(first_name="Bertta", last_name="Bäck")
    RelationshipFactory(person=other, user=alice)
    PersonFactory(first_name="Cecilia", last_name="Ceder")  # no relationship: never listed

    everyone = as_alice("get", "/clients").json()
    assert everyone["count"] == 2
    assert {p["id"] for p in everyone["items"]} == {client_person.pk, other.pk}
    row = next(p for p in everyone["items"] if p["id"] == client_person.pk)
    plan = Plan.objects.get(person=client_person)
    assert row == {"id": client_person.pk, "first_name": "Aino", "last_name": "Asiakas",
                   "birth_date": client_person.birth_date.isoformat(), "has_plan": True,
                   "plan_id": plan.pk}

    with_plan = as_alice("get", "/clients?has_plan=true").json()
    assert with_plan["count"] == 1 and with_plan["items"][0]["id"] == client_person.pk
    without = as_alice("get", "/clients?has_plan=false").json()
    assert without["count"] == 1 and without["items"] == [{
        "id": other.pk, "first_name": "Bertta", "last_name": "Bäck",
        "birth_date": other.birth_date.isoformat(), "has_plan": False, "plan_id": None}]
    # The listing is in the access log, one record per listed person.
    assert logged(other, LogAction.LIST, alice).count() == 2


def test_clients__pagination_keeps_the_count(as_alice, alice):
    people = [PersonFactory(last_name=f"Lista{i}") for i in range(3)]
    for person in people:
        RelationshipFactory(person=person, user=alice)
    page = as_alice("get", "/clients?limit=2&offset=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert page["items"][0]["id"] == people[2].pk
    # Only the shown page is logged as listed.
    assert logged(people[0], LogAction.LIST).count() == 0
    assert logged(people[2], LogAction.LIST).count() == 1


def test_clients__bad_filters_name_the_field(as_alice):
    response = as_alice("get", "/clients?limit=0")
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["limit"]
    response = as_alice("get", "/clients?has_plan=maybe")
    assert response.status_code == 422
    assert "has_plan" in response.json()["error"]["fields"][0]["field"]


def test_clients__bob_sees_no_one(as_bob, case, client_person):
    assert as_bob("get", "/clients").json() == {"items": [], "count": 0}


# --- GET /clients/{id}/plan -------------------------------------------------------------------

def test_plan__read_with_etag_and_logged(as_alice, alice, plan, client_person):
    response = as_alice("get", f"/clients/{client_person.pk}/plan")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == plan.pk and body["person_id"] == client_person.pk
    assert response["ETag"] == f'W/"{plan.pk}-{plan.revision}"'
    assert response["Cache-Control"] == "no-store"
    entry = logged(client_person, LogAction.VIEW, alice).filter(detail="api: plan").get()
    assert entry.basis == Basis.CASE


def test_plan__404_for_bob_and_refusal_logged(as_bob, bob, plan, client_person):
    for path in ("/plan", "/plan/fhir"):
        response = as_bob("get", f"/clients/{client_person.pk}{path}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert logged(client_person, LogAction.VIEW, bob, Outcome.REFUSED).exists()
    assert logged(client_person, LogAction.EXPORT, bob, Outcome.REFUSED).exists()
    response = as_bob("patch", f"/clients/{client_person.pk}/plan", {"client_view": "x"})
    assert response.status_code == 404
    assert_refused(bob, client_person)
    response = as_bob("post", f"/clients/{client_person.pk}/plan/goals",
                      {"goal_area": area().code, "client_wording": "x"})
    assert response.status_code == 404
    assert_refused(bob, client_person)
    assert Goal.objects.count() == 0


def test_plan__404_when_the_client_has_no_plan(as_alice, alice, case, client_person):
    response = as_alice("get", f"/clients/{client_person.pk}/plan")
    assert response.status_code == 404
    assert as_alice("get", "/clients/999999/plan").status_code == 404
    assert_refused(alice, 999999)


def test_plan__sections_of_hidden_sectors_are_left_out(as_alice, alice, plan, client_person):
    worker = UserFactory(username="wanda", teams=[TeamFactory(code="adult-sw",
                                                              service_task="working_age")])
    adult = s.section_add(actor=alice, plan=plan, sector="working_age_social",
                          responsible_id=worker.pk)
    family = s.section_add(actor=alice, plan=plan, sector="family_services",
                           responsible_id=alice.pk)
    hidden = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area("housing").pk, client_wording="Oma asunto", section_id=adult.pk))
    shown = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area("children").pk, client_wording="Lapset kouluun",
        section_id=family.pk))
    s.step_add(actor=alice, plan=plan, data=s.StepInput(
        what="Asuntohakemus", owner_kind="client", due_on=TODAY(), goal_id=hidden.pk))
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=CodeListItem.objects.get(version__current=True, code_list="service", code="housing_services").pk,
        sector="working_age_social"))
    # A consent to share with employment services does not open the plan to family services.
    s.consent_add(actor=alice, plan=plan, sector="employment", scope="Työnhaku",
                  valid_from=TODAY())

    body = as_alice("get", f"/clients/{client_person.pk}/plan").json()
    assert [x["sector"] for x in body["sections"]] == ["family_services"]
    assert [g["id"] for g in body["goals"]] == [shown.pk]
    assert body["steps"] == [] and body["services"] == []
    assert len(body["consents"]) == 1

    # With the client's consent to share with family services, alice sees the whole plan.
    s.consent_add(actor=alice, plan=plan, sector="family_services", scope="Koko suunnitelma",
                  valid_from=TODAY())
    body = as_alice("get", f"/clients/{client_person.pk}/plan").json()
    assert {g["id"] for g in body["goals"]} == {shown.pk, hidden.pk}
    assert len(body["services"]) == 1 and len(body["steps"]) == 1

    # Writing to a hidden goal is refused as if it did not exist.
    plan.consents.filter(sector="family_services").update(withdrawn_on=TODAY())
    response = as_alice("post", f"/clients/{client_person.pk}/plan/steps",
                        {"what": "x", "owner_kind": "client", "due_on": str(TODAY()),
                         "goal_id": hidden.pk})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "goal_id"


# --- PATCH with If-Match ----------------------------------------------------------------------

def test_patch__without_if_match_is_428(as_alice, plan, client_person):
    response = as_alice("patch", f"/clients/{client_person.pk}/plan", {"client_view": "Hyvä"})
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"
    response = as_alice("patch", f"/clients/{client_person.pk}/plan", {"client_view": "Hyvä"},
                        headers={"If-Match": "*"})
    assert response.status_code == 428
    # The precondition is checked before the body.
    assert as_alice("patch", f"/clients/{client_person.pk}/plan", {}).status_code == 428
    plan.refresh_from_db()
    assert plan.client_view == "" and plan.revision == 1


def test_patch__stale_tag_is_412_with_the_current_tag(as_alice, alice, plan, client_person):
    stale = as_alice("get", f"/clients/{client_person.pk}/plan")["ETag"]
    s.plan_update(actor=alice, plan=plan, changes=s.PlanChanges(client_situation="Muuttunut"),
                  expected_revision=plan.revision)
    current = Plan.objects.get(pk=plan.pk).revision

    response = as_alice("patch", f"/clients/{client_person.pk}/plan",
                        {"client_view": "Minun näkemys"}, headers={"If-Match": stale})
    assert response.status_code == 412
    error = response.json()["error"]
    assert error["code"] == "precondition_failed" and error["current_revision"] == current
    assert str(current) in error["message"]
    assert response["ETag"] == f'W/"{plan.pk}-{current}"'
    assert Plan.objects.get(pk=plan.pk).client_view == ""

    # A tag of another plan does not match either.
    response = as_alice("patch", f"/clients/{client_person.pk}/plan", {"client_view": "x"},
                        headers={"If-Match": f'W/"{plan.pk + 1}-{current}"'})
    assert response.status_code == 412


def test_patch__fresh_tag_applies_and_changes_the_etag(as_alice, alice, plan, client_person):
    tag = as_alice("get", f"/clients/{client_person.pk}/plan")["ETag"]
    review_on = TODAY() + dt.timedelta(days=30)
    response = as_alice("patch", f"/clients/{client_person.pk}/plan",
                        {"client_view": "  Haluan töihin  ", "review_on": str(review_on),
                         "language": "sv"},
                        headers={"If-Match": tag})
    assert response.status_code == 200
    body = response.json()
    assert body["client_view"] == "Haluan töihin" and body["language"] == "sv"
    assert body["review_on"] == review_on.isoformat() and body["revision"] == 2
    assert response["ETag"] != tag and response["ETag"] == f'W/"{plan.pk}-2"'
    # The strong form and a list of tags match as well.
    response = as_alice("patch", f"/clients/{client_person.pk}/plan",
                        {"disagreement": "Eri mieltä"},
                        headers={"If-Match": f'"{plan.pk}-1", "{plan.pk}-2"'})
    assert response.status_code == 200 and response.json()["revision"] == 3
    assert logged(client_person, LogAction.UPDATE, alice).filter(
        detail="plan: client_view, review_on, language").exists()
    # The old tag is now stale.
    response = as_alice("patch", f"/clients/{client_person.pk}/plan", {"client_view": "x"},
                        headers={"If-Match": tag})
    assert response.status_code == 412


@pytest.mark.parametrize("payload, field", [
    ({"review_on": "2000-01-01"}, "review_on"),
    ({"language": "de"}, "language"),
    ({"review_on": "ei päivä"}, "review_on"),
    ({"review_on": None}, "review_on"),
    ({"coordinator": 1}, "coordinator"),
    ({"revision": 99}, "revision"),
    ({}, "body"),
])
def test_patch__bad_input_is_422_naming_the_field(as_alice, plan, client_person, payload,
                                                  field):
    tag = f'W/"{plan.pk}-{plan.revision}"'
    response = as_alice("patch", f"/clients/{client_person.pk}/plan", payload,
                        headers={"If-Match": tag})
    assert response.status_code == 422
    assert field in [f["field"] for f in response.json()["error"]["fields"]]
    assert Plan.objects.get(pk=plan.pk).revision == plan.revision


# --- POST with Idempotency-Key ----------------------------------------------------------------

def test_post_plan__creates_then_opens(as_alice, alice, case, client_person):
    created = as_alice("post", f"/clients/{client_person.pk}/plan")
    assert created.status_code == 201
    plan = Plan.objects.get(person=client_person)
    assert created.json()["id"] == plan.pk
    assert created["ETag"] == f'W/"{plan.pk}-{plan.revision}"'
    opened = as_alice("post", f"/clients/{client_person.pk}/plan")
    assert opened.status_code == 200 and opened.json()["id"] == plan.pk
    assert Plan.objects.filter(person=client_person).count() == 1
    assert logged(client_person, LogAction.CREATE, alice).count() == 1


def test_post_plan__replayed_with_the_same_key(as_alice, case, client_person):
    key = {"Idempotency-Key": "open-plan-1"}
    first = as_alice("post", f"/clients/{client_person.pk}/plan", headers=key)
    again = as_alice("post", f"/clients/{client_person.pk}/plan", headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Plan.objects.filter(person=client_person).count() == 1
    # Without the key, the same call is a new request: it opens the existing plan.
    assert as_alice("post", f"/clients/{client_person.pk}/plan").status_code == 200


def test_post_goal__replay_conflict_and_per_user_keys(client, as_alice, alice, lead, plan,
                                                      client_person):
    url = f"/clients/{client_person.pk}/plan/goals"
    body = {"goal_area": "housing", "client_wording": "Oma koti", "priority": 1,
            "target_date": str(TODAY() + dt.timedelta(days=90))}
    key = {"Idempotency-Key": "goal-1"}
    first = as_alice("post", url, body, headers=key)
    assert first.status_code == 201
    created = first.json()
    assert created["client_wording"] == "Oma koti" and created["goal_area"]["code"] == "housing"
    assert first["ETag"] == f'W/"{plan.pk}-{created["plan_revision"]}"'

    # The same body with its keys in another order is the same request: replayed.
    replay = as_alice("post", url, dict(reversed(list(body.items()))), headers=key)
    assert replay.status_code == 201 and replay.json() == created
    assert replay["Idempotent-Replayed"] == "true"
    assert Goal.objects.filter(plan=plan).count() == 1

    # The same key with another body: 409, nothing written.
    conflict = as_alice("post", url, {**body, "client_wording": "Toinen"}, headers=key)
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    # The same key on another operation is another request too.
    other_path = as_alice("post", f"/clients/{client_person.pk}/plan/steps",
                          {"what": "Soita", "owner_kind": "client", "due_on": str(TODAY())},
                          headers=key)
    assert other_path.status_code == 409
    assert Goal.objects.filter(plan=plan).count() == 1 and Step.objects.count() == 0

    # Keys are per user: another professional's "goal-1" is their own request.
    RelationshipFactory(person=client_person, user=lead)
    lead_headers = {**bearer(lead), **key}
    theirs = client.post(f"/api/v1{url}", data=body, content_type="application/json",
                         headers=lead_headers)
    assert theirs.status_code == 201 and theirs.json()["id"] != created["id"]
    assert Goal.objects.filter(plan=plan).count() == 2
    assert IdempotencyRecord.objects.filter(key="goal-1").count() == 2


def test_post_goal__refused_request_is_not_stored(as_alice, plan, client_person):
    url = f"/clients/{client_person.pk}/plan/goals"
    key = {"Idempotency-Key": "goal-retry"}
    response = as_alice("post", url, {"goal_area": "housing", "client_wording": "  "},
                        headers=key)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["client_wording"]
    assert not IdempotencyRecord.objects.exists()
    response = as_alice("post", url, {"goal_area": "no-such-area", "client_wording": "Koti"},
                        headers=key)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["goal_area"]
    # Corrected, the same key goes through.
    response = as_alice("post", url, {"goal_area": "housing", "client_wording": "Koti"},
                        headers=key)
    assert response.status_code == 201
    assert Goal.objects.filter(plan=plan).count() == 1
    assert Plan.objects.get(pk=plan.pk).revision == plan.revision + 1


def test_idempotency_keys_expire(as_alice, plan, client_person):
    url = f"/clients/{client_person.pk}/plan/goals"
    key = {"Idempotency-Key": "old-key"}
    assert as_alice("post", url, {"goal_area": "housing", "client_wording": "Koti"},
                    headers=key).status_code == 201
    IdempotencyRecord.objects.update(
        created_at=timezone.now() - idempotency.RETENTION - dt.timedelta(minutes=1))
    # After the retention period the key is free again, and the old answer is gone.
    response = as_alice("post", url, {"goal_area": "debts", "client_wording": "Velat"},
                        headers=key)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().response_body["client_wording"] == "Velat"
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    assert idempotency.purge_expired() == 1


def test_post_goal__bad_input_and_unknown_fields(as_alice, plan, client_person):
    url = f"/clients/{client_person.pk}/plan/goals"
    response = as_alice("post", url, {"goal_area": "housing", "client_wording": "x",
                                      "plan_id": 5})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["plan_id"]
    response = as_alice("post", url, {"goal_area": "housing", "client_wording": "x",
                                      "target_date": "2001-01-01", "priority": 7})
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert response.status_code == 422 and fields == {"target_date", "priority"}
    response = as_alice("post", url, {"goal_area": "housing", "client_wording": "x",
                                      "section_id": 999999})
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["section_id"]
    response = as_alice("post", url, {"goal_area": "housing", "client_wording": "x"},
                        headers={"Idempotency-Key": "ä" * 3})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "Idempotency-Key"
    assert Goal.objects.count() == 0


def test_post_goal__stale_if_match_is_412(as_alice, alice, plan, client_person):
    url = f"/clients/{client_person.pk}/plan/goals"
    body = {"goal_area": "housing", "client_wording": "Koti"}
    stale = f'W/"{plan.pk}-{plan.revision}"'
    s.plan_update(actor=alice, plan=plan, changes=s.PlanChanges(client_view="x"),
                  expected_revision=plan.revision)
    response = as_alice("post", url, body, headers={"If-Match": stale,
                                                    "Idempotency-Key": "g"})
    assert response.status_code == 412
    assert response.json()["error"]["current_revision"] == plan.revision + 1
    assert Goal.objects.count() == 0 and not IdempotencyRecord.objects.exists()
    response = as_alice("post", url, body, headers={"If-Match": response["ETag"]})
    assert response.status_code == 201


def test_post_step(as_alice, alice, plan, client_person):
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=area().pk,
                                                               client_wording="Koti"))
    url = f"/clients/{client_person.pk}/plan/steps"
    response = as_alice("post", url, {"what": "Varaa aika", "owner_kind": "professional",
                                      "due_on": str(TODAY())})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["owner_id"]
    response = as_alice("post", url, {"what": "", "owner_kind": "", "due_on": None})
    assert {f["field"] for f in response.json()["error"]["fields"]} == {
        "what", "owner_kind", "due_on"}
    key = {"Idempotency-Key": "step-1"}
    body = {"what": "Varaa aika", "owner_kind": "professional", "owner_id": alice.pk,
            "due_on": str(TODAY() + dt.timedelta(days=7)), "goal_id": goal.pk}
    first = as_alice("post", url, body, headers=key)
    assert first.status_code == 201
    assert first.json()["owner_id"] == alice.pk and first.json()["goal_id"] == goal.pk
    assert as_alice("post", url, body, headers=key).json() == first.json()
    assert Step.objects.count() == 1


def test_post_rating(as_alice, alice, plan, client_person):
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=area().pk,
                                                               client_wording="Koti"))
    url = f"/clients/{client_person.pk}/plan/ratings"
    response = as_alice("post", url, {"goal_id": goal.pk, "value": 9,
                                      "rated_by_kind": "together"})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["value"]
    response = as_alice("post", url, {"goal_id": 999999, "value": 3,
                                      "rated_by_kind": "together"})
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["goal_id"]
    current = Plan.objects.get(pk=plan.pk).revision
    response = as_alice("post", url, {"goal_id": goal.pk, "value": 3, "rated_by_kind": "client"},
                        headers={"If-Match": f'W/"{plan.pk}-{current - 1}"'})
    assert response.status_code == 412
    key = {"Idempotency-Key": "rating-1", "If-Match": f'W/"{plan.pk}-{current}"'}
    body = {"goal_id": goal.pk, "value": 3, "rated_by_kind": "client", "client_took_part": True}
    first = as_alice("post", url, body, headers=key)
    assert first.status_code == 201
    rating = first.json()
    assert rating["value"] == 3 and rating["scale"]["minimum"] == 1
    assert rating["plan_revision"] == current + 1
    # The retry replays even though its If-Match is now stale: the write is not repeated.
    replay = as_alice("post", url, body, headers=key)
    assert replay.status_code == 201 and replay.json() == rating
    assert Rating.objects.count() == 1


def test_post_evaluation__service_method_factor_and_the_clients_own(as_alice, alice, plan,
                                                                     client_person, bob):
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=area().pk,
                                                               client_wording="Koti"))
    item = CodeListItem.objects.filter(version__current=True, code_list="service").first()
    service = s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=item.pk, sector="family_services"))
    url = f"/clients/{client_person.pk}/plan/evaluations"
    # bad input: a rating outside the scale, a service not on the plan: refused naming the field
    response = as_alice("post", url, {"subject": "service", "item_id": service.pk,
                                      "rater": "professional", "value": 9})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["value"]
    other = s.plan_open(actor=bob, person_id=_other_person(bob).pk)[0]
    foreign = s.service_add(actor=bob, plan=other, data=s.ServiceInput(
        item_id=item.pk, sector="family_services"))
    response = as_alice("post", url, {"subject": "service", "item_id": foreign.pk,
                                      "rater": "client", "value": 3})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["item_id"]
    response = as_alice("post", url, {"subject": "service", "item_id": service.pk,
                                      "rater": "professional", "value": 3, "extra": 1})
    assert response.status_code == 422
    assert not Evaluation.objects.exists()
    current = Plan.objects.get(pk=plan.pk).revision
    body = {"subject": "service", "item_id": service.pk, "rater": "professional", "value": 4,
            "note": "Auttoi", "occasion": "review"}
    key = {"Idempotency-Key": "evaluation-1", "If-Match": f'W/"{plan.pk}-{current}"'}
    first = as_alice("post", url, body, headers=key)
    assert first.status_code == 201
    assert first.json()["rater"] == "professional" and first.json()["value"] == 4
    assert as_alice("post", url, body, headers=key).json() == first.json()
    own = as_alice("post", url, {"subject": "goal", "item_id": goal.pk, "rater": "client",
                                 "value": 5})
    assert own.status_code == 201 and own.json()["rater"] == "client"
    assert list(Evaluation.objects.order_by("pk").values_list(
        "subject", "rater", "value", "entered_by", "recorded_by")) == [
        ("service", "professional", 4, "professional", alice.pk),
        ("goal", "client", 5, "professional", alice.pk)]


def _other_person(user):
    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.people.tests.factories import PersonFactory

    person = PersonFactory()
    RelationshipFactory(person=person, user=user)
    return person


def test_unauthenticated_is_401(client, plan, client_person):
    response = client.get(f"/api/v1/clients/{client_person.pk}/plan")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
