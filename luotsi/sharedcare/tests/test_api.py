"""The shared-client API over HTTP: candidates with why, the shared-client record, network
meetings and consultations; access (404 as for a missing person), the access log, idempotent
POSTs, bad input naming the field, and query counts that do not grow with the data."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.api.models import ApiToken
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import Step
from luotsi.sharedcare import services
from luotsi.sharedcare.models import Consultation, Meeting, SharedClient
from luotsi.sharedcare.tests import factories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/shared-clients"


def _log_lock() -> int:
    """PostgreSQL takes an advisory lock on the access-log chain before appending: one query."""
    return 1 if connection.vendor == "postgresql" else 0


def _caller(client, user):
    _record, token = ApiToken.issue(user)
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, data=None, **extra):
        kwargs = {"headers": {**headers, **extra.pop("headers", {})}}
        if data is not None:
            kwargs["data"], kwargs["content_type"] = data, "application/json"
        return getattr(client, method)(f"{BASE}{path}", **kwargs, **extra)

    return call


@pytest.fixture
def as_alice(client, alice):
    return _caller(client, alice)


@pytest.fixture
def as_bob(client, bob):
    return _caller(client, bob)


@pytest.fixture
def as_nurse(client, nurse):
    return _caller(client, nurse)


def _confirm(alice, person, checklist, care_team=()):
    today = timezone.localdate()
    return services.shared_client_confirm(actor=alice, person_id=person.pk,
                                          data=services.ConfirmInput(
        answers={item.pk: "yes" for item in checklist}, consent_given=True,
        consent_sectors=["working_age_social", "health"],
        consent_scope="Tiedot palvelujen yhteensovittamiseksi", consent_from=today,
        consent_until=today + timedelta(days=365), coordinator_id=alice.pk,
        care_team_ids=[u.pk for u in care_team]))


@pytest.fixture
def confirmed(alice, nurse, flagged, checklist):
    return _confirm(alice, flagged, checklist, care_team=[nurse])


def _logged(person, action, user, outcome=Outcome.ALLOWED):
    return AccessLogEntry.objects.filter(person_id=person.pk, category=Category.SHARED_CARE,
                                         action=action, outcome=outcome, user_id=user.pk)


def _fields(response) -> list[str]:
    return [f["field"] for f in response.json()["error"]["fields"]]


def _due(days: int = 7) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# --- candidates -------------------------------------------------------------------------------

def test_candidates__visible_flagged_persons_with_the_rules_and_their_numbers(
        as_alice, alice, flagged):
    response = as_alice("get", "/candidates")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["count"] == 1 and body["area"] is None
    item = body["items"][0]
    assert item["id"] == flagged.pk and item["last_name"] == flagged.last_name
    today = timezone.localdate()
    assert item["first_flagged"] == (today - timedelta(days=10)).isoformat()
    # The why of the person page: the rule, the number behind it over its window, per sector.
    [rule] = item["rules"]
    assert {k: rule[k] for k in ("code", "measure", "threshold", "window_days", "value")} == {
        "code": "multi_sector", "measure": "distinct_sectors", "threshold": 3,
        "window_days": 365, "value": 3}
    assert rule["window_to"] == today.isoformat()
    assert rule["window_from"] == (today - timedelta(days=364)).isoformat()
    assert sum(row["count"] for row in rule["breakdown"]) == 5  # the employment event is older
    assert rule["name"] == factories.rule().name_fi  # Finnish by default
    assert _logged(flagged, LogAction.LIST, alice).count() == 1



def test_candidates__the_why_of_a_conditioned_rule_counts_as_the_rule_counts(
        as_alice, case, client_person):
    """A rule counting two kinds only, with two sectors used together and an age range: the
    value is over those kinds (not every event), and the conditions come with it."""
    factories.events(client_person)
    the_rule = factories.rule(code="conditioned", measure="total_events", threshold=3,
                              event_kinds=["emergency_visit", "decision"], min_age=0,
                              max_age=120, sectors_together=["social", "health"])
    factories.flag(client_person, the_rule=the_rule)
    [rule] = as_alice("get", "/candidates").json()["items"][0]["rules"]
    assert rule["value"] == 3  # the decision and two emergency visits of the five events
    assert rule["event_kinds"] == ["decision", "emergency_visit"]
    assert (rule["min_age"], rule["max_age"]) == (0, 120)
    assert sorted(row["count"] for row in rule["sectors_together"]) == [1, 2]
    assert rule["breakdown"] == []

def test_candidates__rule_names_in_the_callers_language(as_alice, flagged):
    body = as_alice("get", "/candidates", headers={"Accept-Language": "sv"}).json()
    assert body["items"][0]["rules"][0]["name"] == factories.rule().name_sv


def test_candidates__other_team_and_decided_persons_not_listed(as_alice, as_bob, alice, flagged):
    assert as_bob("get", "/candidates").json() == {"items": [], "count": 0, "area": None}
    services.shared_client_decline(actor=alice, person_id=flagged.pk, reason="Ei nyt, myöhemmin")
    assert as_alice("get", "/candidates").json()["count"] == 0


def test_candidates__team_lead_gets_area_counts_without_names(client, lead, flagged, municipality):
    body = _caller(client, lead)("get", "/candidates").json()
    assert body["area"] == [{"region": municipality.region.name, "municipality": "Porvoo",
                             "flagged": 1, "candidates": 1, "confirmed": 0, "declined": 0}]
    assert body["count"] == 0  # the lead has no relationship with the person


def test_candidates__without_client_work_forbidden(client, charlie):
    response = _caller(client, charlie)("get", "/candidates")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_candidates__paging_and_bad_limit_named(as_alice, alice):
    the_rule = factories.rule()
    people = [PersonFactory() for _ in range(3)]
    for person in people:
        RelationshipFactory(person=person, user=alice)
        factories.flag(person, the_rule=the_rule)
    page = as_alice("get", "/candidates?limit=2&offset=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    response = as_alice("get", "/candidates?limit=0")
    assert response.status_code == 422 and _fields(response) == ["limit"]


@pytest.mark.parametrize("count", [1, 12])
def test_candidates__query_count_does_not_grow(as_alice, alice, django_assert_num_queries,
                                               count):
    the_rule = factories.rule()
    for _ in range(count):
        person = PersonFactory()
        RelationshipFactory(person=person, user=alice)
        factories.flag(person, the_rule=the_rule)
        factories.events(person)
    as_alice("get", "/candidates")  # warm the team cache
    # token, team, count, page, flags, events; the log: savepoint, last record, insert, release
    with django_assert_num_queries(10 + _log_lock()):
        response = as_alice("get", "/candidates")
    assert response.json()["count"] == count


# --- the shared-client record -----------------------------------------------------------------

def test_record__status_coordinator_care_team_consents_and_logged(as_alice, alice, nurse,
                                                                  flagged, checklist):
    before = as_alice("get", f"/{flagged.pk}").json()
    assert before["status"] is None and before["flagged"] is True
    assert before["coordinator"] is None and before["care_team"] == [] and before["history"] == []

    shared = _confirm(alice, flagged, checklist, care_team=[nurse])
    body = as_alice("get", f"/{flagged.pk}").json()
    assert body["status"] == "confirmed" and body["plan_id"] == shared.plan_id
    assert body["coordinator"]["id"] == alice.pk
    assert body["coordination_started_on"] == timezone.localdate().isoformat()
    assert nurse.pk in [m["id"] for m in body["care_team"]]
    assert {c["sector"] for c in body["consents"]} == {"working_age_social", "health"}
    assert all(c["in_force"] for c in body["consents"])
    assert [h["status"] for h in body["history"]] == ["confirmed"]
    assert _logged(flagged, LogAction.VIEW, alice).filter(detail="api: shared client").count() == 2


def test_person_endpoints__no_relationship_is_the_same_404_as_a_missing_person(
        as_bob, bob, flagged, confirmed):
    missing = as_bob("get", "/999999")
    assert missing.status_code == 404
    assert_refused(bob, 999999)  # a missing person: the id asked for
    for path in (f"/{flagged.pk}", f"/{flagged.pk}/meetings", f"/{flagged.pk}/consultations"):
        response = as_bob("get", path)
        assert response.status_code == 404 and response.json() == missing.json()
        assert_refused(bob, flagged)
    response = as_bob("post", f"/{flagged.pk}/meetings",
                      {"held_at": timezone.now().isoformat()})
    assert response.status_code == 404 and response.json() == missing.json()
    assert_refused(bob, flagged)
    response = as_bob("post", f"/{flagged.pk}/consultations", {"question": "?"})
    assert response.status_code == 404
    assert_refused(bob, flagged)
    refused = _logged(flagged, LogAction.VIEW, bob, outcome=Outcome.REFUSED)
    assert refused.count() == 5
    assert not Meeting.objects.exists() and not Consultation.objects.exists()


# --- network meetings -------------------------------------------------------------------------

def _meeting_body(nurse, **changes):
    held = timezone.make_aware(datetime.combine(timezone.localdate(), time(10, 0)))
    body = {"held_at": held.isoformat(), "kind": "in_person", "place": "Sosiaaliasema",
            "agenda": "Tilanne", "notes": "Keskusteltiin", "professional_ids": [nurse.pk],
            "client_present": True,
            "close_persons": [{"name": "Maija Asiakas", "relation": "sisar"}],
            "decisions": [
                {"what": "Varaa aika lääkärille", "owner_kind": "client", "due_on": _due()},
                {"what": "Lääkitys tarkistetaan", "owner_kind": "professional",
                 "owner_id": nurse.pk, "due_on": _due(14)}]}
    body.update(changes)
    return body


def test_meeting_post__decisions_become_plan_steps_and_logged(as_alice, alice, nurse, flagged,
                                                              confirmed):
    response = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse))
    assert response.status_code == 201, response.json()
    body = response.json()
    steps = Step.objects.filter(plan=confirmed.plan).order_by("pk")
    assert [(s.what, s.owner_kind, s.owner_id) for s in steps] == [
        ("Varaa aika lääkärille", "client", None),
        ("Lääkitys tarkistetaan", "professional", nurse.pk)]
    assert [d["step_id"] for d in body["decisions"]] == [s.pk for s in steps]
    kinds = {(p["kind"], p["user_id"], p["sector"]) for p in body["participants"]}
    assert ("professional", nurse.pk, "health") in kinds and ("client", None, "") in kinds
    updates = _logged(flagged, LogAction.UPDATE, alice)
    assert updates.filter(detail__startswith=f"network meeting {body['id']} saved").count() == 1

    listed = as_alice("get", f"/{flagged.pk}/meetings").json()
    assert listed["count"] == 1 and listed["items"][0] == body


def test_meeting_post__same_key_same_body_one_meeting_other_body_refused(as_alice, nurse,
                                                                         flagged, confirmed):
    key = {"Idempotency-Key": "meeting-2026-01"}
    body = _meeting_body(nurse)
    first = as_alice("post", f"/{flagged.pk}/meetings", body, headers=key)
    again = as_alice("post", f"/{flagged.pk}/meetings", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Meeting.objects.count() == 1 and Step.objects.count() == 2
    other = as_alice("post", f"/{flagged.pk}/meetings", {**body, "place": "Etä"}, headers=key)
    assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
    assert Meeting.objects.count() == 1


def test_meeting_post__bad_input_names_the_field_and_saves_nothing(as_alice, nurse, flagged,
                                                                   confirmed):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(
        nurse, held_at=None, kind="dance",
        close_persons=[{"name": "", "relation": "veli"}],
        decisions=[{"what": "Hyvä", "owner_kind": "client", "due_on": _due()},
                   {"what": "", "owner_kind": "professional", "due_on": past}]))
    assert response.status_code == 422
    assert set(_fields(response)) == {"held_at", "kind", "close_persons.0.name",
                                      "decisions.1.what", "decisions.1.owner_id",
                                      "decisions.1.due_on"}
    unknown = as_alice("post", f"/{flagged.pk}/meetings",
                       _meeting_body(nurse, professional_ids=[999999]))
    assert unknown.status_code == 422 and _fields(unknown) == ["professional_ids"]
    typo = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse, title="x"))
    assert typo.status_code == 422 and _fields(typo) == ["title"]
    bad_date = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(
        nurse, decisions=[{"what": "x", "owner_kind": "client", "due_on": "31.12.2026"}]))
    assert bad_date.status_code == 422 and _fields(bad_date) == ["decisions.0.due_on"]
    assert not Meeting.objects.exists() and not Step.objects.exists()


def test_meeting_post__not_a_confirmed_shared_client_refused(as_alice, nurse, flagged):
    response = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse))
    assert response.status_code == 422 and _fields(response) == ["person"]
    assert not Meeting.objects.exists()


def test_meeting_post__error_in_the_callers_language(as_alice, nurse, flagged, confirmed):
    fi = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse, held_at=None))
    sv = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse, held_at=None),
                  headers={"Accept-Language": "sv"})
    en = as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse, held_at=None),
                  headers={"Accept-Language": "en"})
    messages = [r.json()["error"]["fields"][0]["message"] for r in (fi, sv, en)]
    assert messages[2] == "Give the date and time of the meeting."
    assert len(set(messages)) == 3


@pytest.mark.parametrize("count", [1, 6])
def test_meetings_get__query_count_does_not_grow(as_alice, alice, nurse, flagged, confirmed,
                                                 django_assert_num_queries, count):
    for _ in range(count):
        as_alice("post", f"/{flagged.pk}/meetings", _meeting_body(nurse))
    # token; access: person, team, relationships, the log (savepoint, last record, insert,
    # release); count, page, participants, decisions
    with django_assert_num_queries(12 + _log_lock()):
        response = as_alice("get", f"/{flagged.pk}/meetings")
    assert response.json()["count"] == count


# --- consultations ----------------------------------------------------------------------------

def _question(expert, **changes):
    body = {"sector": "health", "expert_id": expert.pk, "question": "Miten lääkitys vaikuttaa?",
            "due_on": _due(3), "basis": "consent"}
    body.update(changes)
    return body


def test_consultation_post__refused_without_consent_or_statutory_basis(as_alice, nurse, flagged):
    no_consent = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse))
    assert no_consent.status_code == 422 and _fields(no_consent) == ["basis"]
    no_basis = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse, basis=""))
    assert no_basis.status_code == 422 and _fields(no_basis) == ["basis"]
    for basis in ("shl_41", "child_welfare_25", "statutory"):
        refused = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse, basis=basis))
        assert refused.status_code == 422 and _fields(refused) == ["basis"], basis
    old_field = as_alice("post", f"/{flagged.pk}/consultations",
                         _question(nurse, basis="client_data_act", statutory_basis="shl_41"))
    assert old_field.status_code == 422 and _fields(old_field) == ["statutory_basis"]
    nobody = as_alice("post", f"/{flagged.pk}/consultations",
                      _question(nurse, expert_id=None, question=" ", due_on=None,
                                basis="client_data_act"))
    assert set(_fields(nobody)) == {"expert_id", "question", "due_on"}
    assert not Consultation.objects.exists()
    assert not AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).exists()


def test_consultation_post__statutory_basis_disclosed_and_logged(as_alice, as_nurse, alice,
                                                                 nurse, flagged):
    response = as_alice("post", f"/{flagged.pk}/consultations",
                        _question(nurse, basis="client_data_act"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["basis"] == "client_data_act" and body["consent_id"] is None
    assert body["basis_source"] == ("Laki sosiaali- ja terveydenhuollon asiakastietojen "
                                    "käsittelystä 703/2023")
    assert body["expert"]["id"] == nurse.pk and body["is_open"] is True
    disclosed = _logged(flagged, LogAction.DISCLOSE, alice)
    assert disclosed.filter(detail__contains=f"consultation {body['id']} to nina").count() == 1
    assert "basis client_data_act" in disclosed.get().detail
    # The expert now sees the person and the consultation in their work list.
    work = as_nurse("get", "/consultations").json()
    assert work["count"] == 1 and work["items"][0]["id"] == body["id"]
    assert _logged(flagged, LogAction.LIST, nurse).count() == 1


def test_consultation_post__with_consent_links_it_idempotent(as_alice, nurse, flagged,
                                                             confirmed):
    key = {"Idempotency-Key": "ask-1"}
    first = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse), headers=key)
    again = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse), headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["consent_id"] is not None and again.json() == first.json()
    assert Consultation.objects.count() == 1
    assert AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).count() == 1
    other = as_alice("post", f"/{flagged.pk}/consultations",
                     _question(nurse, question="Toinen kysymys"), headers=key)
    assert other.status_code == 409 and Consultation.objects.count() == 1


def test_consultation_answer__by_the_expert_only_logged_once(as_alice, as_nurse, as_bob, alice,
                                                             bob, nurse, flagged, confirmed):
    asked = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse)).json()
    path = f"/consultations/{asked['id']}/answer"
    # The asker and an outsider: the consultation does not exist for them.
    assert as_alice("post", path, {"answer": "Minä vastaan"}).status_code == 404
    assert_refused(alice, None)
    assert as_bob("post", path, {"answer": "Minä vastaan"}).status_code == 404
    assert_refused(bob, None)
    assert as_bob("post", "/consultations/999999/answer", {"answer": "x"}).status_code == 404
    assert_refused(bob, None)
    empty = as_nurse("post", path, {"answer": " "})
    assert empty.status_code == 422 and _fields(empty) == ["answer"]

    key = {"Idempotency-Key": "answer-1"}
    answered = as_nurse("post", path, {"answer": "Lääkitys on kunnossa."}, headers=key)
    assert answered.status_code == 200, answered.json()
    assert answered.json()["answer"] == "Lääkitys on kunnossa."
    assert answered.json()["answered_by_id"] == nurse.pk
    replay = as_nurse("post", path, {"answer": "Lääkitys on kunnossa."}, headers=key)
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    twice = as_nurse("post", path, {"answer": "Uusi vastaus"})
    assert twice.status_code == 422 and _fields(twice) == ["answer"]
    assert _logged(flagged, LogAction.DISCLOSE, nurse).count() == 1
    assert Consultation.objects.get().answer == "Lääkitys on kunnossa."
    # The answer stays with the client's record.
    listed = as_alice("get", f"/{flagged.pk}/consultations").json()
    assert listed["items"][0]["answer"] == "Lääkitys on kunnossa."
    assert listed["items"][0]["is_open"] is False


@pytest.mark.parametrize("count", [1, 5])
def test_consultations_get__query_count_does_not_grow(as_alice, alice, nurse, health_team,
                                                      flagged, django_assert_num_queries, count):
    for index in range(count):
        services.consultation_ask(actor=alice, person_id=flagged.pk,
                                  data=services.ConsultationInput(
            sector="health", question=f"Kysymys {index}", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_id=nurse.pk if index % 2 else None,
            expert_team_id=None if index % 2 else health_team.pk))
    as_alice("get", f"/{flagged.pk}/consultations")  # the token's first use is recorded
    # token; access: person, team, relationships, the log (savepoint, last record, insert,
    # release); count, page
    with django_assert_num_queries(10 + _log_lock()):
        response = as_alice("get", f"/{flagged.pk}/consultations")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_work_list__query_count_does_not_grow(client, alice, nurse, django_assert_num_queries,
                                              count):
    for index in range(count):
        person = PersonFactory()
        RelationshipFactory(person=person, user=alice)
        services.consultation_ask(actor=alice, person_id=person.pk,
                                  data=services.ConsultationInput(
            sector="health", question=f"Kysymys {index}", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_id=nurse.pk))
    as_nurse = _caller(client, nurse)
    as_nurse("get", "/consultations")  # warm the team cache
    # token, team, count, page, the listed persons' bases; the log: savepoint, last record,
    # insert, release
    with django_assert_num_queries(9 + _log_lock()):
        response = as_nurse("get", "/consultations")
    assert response.json()["count"] == count


def test_openapi__shared_client_operations_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/v1/shared-clients/candidates", "/api/v1/shared-clients/{person_id}",
            "/api/v1/shared-clients/{person_id}/meetings",
            "/api/v1/shared-clients/{person_id}/consultations",
            "/api/v1/shared-clients/consultations",
            "/api/v1/shared-clients/consultations/{consultation_id}/answer"} <= set(paths)
    assert "post" in paths["/api/v1/shared-clients/{person_id}/meetings"]
    assert SharedClient  # the record's status values are the model's


def test_consultation_answered_late__keeps_its_lateness(as_alice, as_nurse, nurse, flagged,
                                                        confirmed):
    """An answer given after its due date stays late: late by N working days, in the API (and
    on the pages, test_views)."""
    from luotsi.deadlines.rules import working_days_late

    asked = as_alice("post", f"/{flagged.pk}/consultations", _question(nurse)).json()
    listed = as_alice("get", f"/{flagged.pk}/consultations").json()
    assert listed["items"][0]["late_working_days"] is None  # not answered
    due = timezone.localdate() - timedelta(days=8)
    Consultation.objects.filter(pk=asked["id"]).update(due_on=due)
    answered = as_nurse("post", f"/consultations/{asked['id']}/answer", {"answer": "Myöhässä."})
    assert answered.status_code == 200
    late = working_days_late(due, timezone.localdate())
    assert late >= 5
    assert answered.json()["late_working_days"] == late
    listed = as_alice("get", f"/{flagged.pk}/consultations").json()
    assert listed["items"][0]["late_working_days"] == late
