"""The contacts and assessments API over HTTP: bearer tokens, idempotent registration, the one
error shape, the gateway's 404 and the access log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, ClientRelationship, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken, IdempotencyRecord
from luotsi.deadlines.calendar import HELSINKI
from luotsi.deadlines.rules import working_days_late
from luotsi.intake.models import Contact, ContactStatus, Deadline, DeadlineStatus
from luotsi.intake.tests.factories import RESULT_FIELDS, build_world, bulk_contacts, child_hetu
from luotsi.organisation.models import User

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date().isoformat()


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    world.extra["tokens"] = {}
    return world


class Api:
    """A signed-in API caller."""

    def __init__(self, client, world, username: str | None):
        self.client = client
        self.headers = {}
        if username:
            tokens = world.extra["tokens"]
            if username not in tokens:
                tokens[username] = ApiToken.issue(getattr(world, username))[1]
            self.headers["Authorization"] = f"Bearer {tokens[username]}"

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: dict, *, key: str | None = None):
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(f"/api/v1{path}", json.dumps(body),
                                content_type="application/json", headers=headers)


@pytest.fixture
def as_user(client, world):
    return lambda username=None: Api(client, world, username)


def _body(world, **overrides) -> dict:
    body = {
        "kind": "child_welfare_notification",
        "channel": "phone",
        "received_at": "2026-02-03T09:15:00+02:00",
        "reporter_kind": "education",
        "reporter_name": "Opettaja Olli",
        "reporter_organisation": "Kevätkummun koulu",
        "reporter_phone": "040 123 4567",
        "description": "Lapsi on ollut poissa koulusta kaksi viikkoa.",
        "municipality_code": "638",
        "persons": [{"role": "child", "person_id": world.child.pk}],
    }
    body.update(overrides)
    return body


def _fields(response) -> set[str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return {f["field"] for f in body["error"]["fields"]}


def _register(as_user, world, **overrides) -> dict:
    response = as_user("iris").post("/contacts", _body(world, **overrides))
    assert response.status_code == 201, response.content
    return response.json()


# --- registering: idempotency and bad input -------------------------------------------------------

def test_same_idempotency_key_and_body_registers_one_contact(world, as_user):
    iris = as_user("iris")

    first = iris.post("/contacts", _body(world), key="3f1c-retry")
    again = iris.post("/contacts", _body(world), key="3f1c-retry")

    assert (first.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    created = first.json()
    assert created["status"] == "new" and created["team"]["code"] == "family-intake"
    assert created["opened_on"] == TODAY
    assert [(d["code"], d["due_on"], d["basis"], d["status"]) for d in created["deadlines"]] == [
        ("urgency_assessment", TODAY, "LSL 26 § 2 mom.", "due_soon"),
        ("investigation_decision", "2026-02-12", "LSL 26 § 5 mom.", "on_time"),
        ("assessment_start", "2026-02-12", "LSL 26 § 5 mom.; SHL 36 §", "on_time"),
        ("assessment_completion", "2026-05-04", "LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5",
         "on_time"),
    ]
    assert Contact.objects.count() == 1
    # the key is kept with the API's other keys; the answer is rebuilt from the contact's id
    record = IdempotencyRecord.objects.get(user=world.iris, key="3f1c-retry")
    assert record.response_body == {"id": created["id"]}


def test_same_idempotency_key_with_another_body_is_a_conflict(world, as_user):
    iris = as_user("iris")
    iris.post("/contacts", _body(world), key="k-42")

    response = iris.post("/contacts", _body(world, description="Toinen asia."), key="k-42")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert Contact.objects.count() == 1


def test_another_workers_identical_key_is_their_own(world, as_user):
    iris, ilona = as_user("iris"), as_user("ilona")
    first = iris.post("/contacts", _body(world), key="shared-key")

    # the same key from another professional neither collides nor reveals iris's contact
    other = ilona.post("/contacts", _body(world, description="Toinen asia."), key="shared-key")

    assert (first.status_code, other.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in other.headers
    assert other.json()["id"] != first.json()["id"]
    assert Contact.objects.count() == 2
    # each key still replays its own caller's contact
    assert iris.post("/contacts", _body(world), key="shared-key").json()["id"] == \
        first.json()["id"]
    again = ilona.post("/contacts", _body(world, description="Toinen asia."), key="shared-key")
    assert again.json()["id"] == other.json()["id"]
    assert Contact.objects.count() == 2


def test_a_refused_request_does_not_use_up_the_key(world, as_user):
    iris = as_user("iris")
    refused = iris.post("/contacts", _body(world, municipality_code="999"), key="fix-and-retry")
    assert refused.status_code == 422

    fixed = iris.post("/contacts", _body(world), key="fix-and-retry")

    assert fixed.status_code == 201 and Contact.objects.count() == 1


def test_create_contact__replay_after_lost_access_is_read_again(as_user, world):
    """A retry answered from the idempotency store is read again through the gateway: once the
    registrant has lost access to the child, it says only that the contact was registered."""
    iris = as_user("iris")
    body = _body(world)
    first = iris.post("/contacts", body, key="retry-1")
    assert first.status_code == 201 and first.json()["visible"] is True
    contact_id = first.json()["id"]

    again = iris.post("/contacts", body, key="retry-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    iris_user = User.objects.get(username="iris")
    replayed = AccessLogEntry.objects.filter(
        user_id=iris_user.pk, detail=f"api: contact {contact_id} registration replayed")
    assert list(replayed.values_list("person_id", "outcome")) == [
        (world.child.pk, Outcome.ALLOWED)]

    ClientRelationship.objects.filter(person=world.child).update(ends_at=timezone.now())
    lost = iris.post("/contacts", body, key="retry-1")
    assert lost.status_code == 201 and lost.headers["Idempotent-Replayed"] == "true"
    assert lost.json()["id"] == contact_id and lost.json()["visible"] is False
    assert lost.json()["team"] is None and lost.json()["deadlines"] == []
    assert replayed.count() == 1
    assert Contact.objects.count() == 1


def test_without_a_key_each_request_registers(world, as_user):
    iris = as_user("iris")

    ids = {iris.post("/contacts", _body(world)).json()["id"] for _i in range(2)}

    assert len(ids) == 2


BAD_BODIES = {
    "invalid child hetu": (lambda w: {"persons": [
        {"role": "child", "hetu": "010116A9991", "last_name": "Lapsi"}]}, {"persons.0.hetu"}),
    "future received_at": (lambda w: {"received_at": "2026-02-03T12:00:00+02:00"},
                           {"received_at"}),
    "received_at without offset": (lambda w: {"received_at": "2026-02-03T09:00:00"},
                                   {"received_at"}),
    "not a date": (lambda w: {"received_at": "eilen"}, {"received_at"}),
    "no child": (lambda w: {"persons": [
        {"role": "guardian", "temporary": True, "last_name": "Huoltaja"}]}, {"persons"}),
    "unknown municipality": (lambda w: {"municipality_code": "999"}, {"municipality_code"}),
    "missing kind": (lambda w: {"kind": None}, {"kind"}),
    "unknown kind and channel": (lambda w: {"kind": "gossip", "channel": "pigeon"},
                                 {"kind", "channel"}),
    "a field the API does not take": (lambda w: {"team_id": 1}, {"team_id"}),
    "reporter name too long": (lambda w: {"reporter_name": "x" * 201}, {"reporter_name"}),
    "second person invalid": (lambda w: {"persons": [
        {"role": "child", "hetu": child_hetu(), "last_name": "Lapsi"},
        {"role": "guardian", "hetu": "311299-999X", "last_name": "Huoltaja"}]},
        {"persons.1.hetu"}),
}


@pytest.mark.parametrize("case", BAD_BODIES, ids=list(BAD_BODIES))
def test_bad_input_is_422_naming_the_field_and_nothing_is_saved(world, as_user, case):
    overrides, expected = BAD_BODIES[case]
    body = {k: v for k, v in _body(world, **overrides(world)).items() if v is not None}
    counts = (Contact.objects.count(), AccessLogEntry.objects.count())

    response = as_user("iris").post("/contacts", body, key="bad-1")

    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert _fields(response) == expected
    assert (Contact.objects.count(), AccessLogEntry.objects.count()) == counts


@pytest.mark.parametrize("key", ["k" * 201, "avain ääkkösin"])
def test_a_bad_idempotency_key_is_refused(world, as_user, key):
    response = as_user("iris").post("/contacts", _body(world), key=key)

    assert response.status_code == 422
    assert _fields(response) == {"Idempotency-Key"}
    assert not Contact.objects.exists()


# --- authentication and visibility ----------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/contacts"), ("get", "/contacts/1"), ("post", "/contacts"),
    ("post", "/contacts/1/urgency"), ("get", "/assessments/1"),
    ("post", "/assessments/1/complete"),
])
def test_401_without_a_token(world, as_user, method, path):
    api = as_user(None)
    response = api.get(path) if method == "get" else api.post(path, {})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_401_with_a_revoked_token(world, as_user):
    api = as_user("iris")
    ApiToken.objects.update(revoked_at=NOW)

    assert api.get("/contacts").status_code == 401


def test_bob_gets_404_like_for_a_missing_contact_and_the_refusal_is_logged(world, as_user):
    contact = _register(as_user, world)
    bob = as_user("bob")

    responses = [
        bob.get(f"/contacts/{contact['id']}"),
        bob.post(f"/contacts/{contact['id']}/urgency", {"urgency": "not_urgent"}),
        bob.post(f"/contacts/{contact['id']}/assign", {"assignee_id": world.bob.pk}),
        bob.get("/contacts/999999"),
    ]

    assert [r.status_code for r in responses] == [404] * 4
    assert {r.json()["error"]["code"] for r in responses} == {"not_found"}
    assert responses[0].json() == responses[3].json()
    refused = AccessLogEntry.objects.filter(username="bob", outcome=Outcome.REFUSED)
    assert list(refused.order_by("seq").values_list("person_id", "action")) == [
        (world.child.pk, LogAction.VIEW), (world.child.pk, LogAction.UPDATE),
        (world.child.pk, LogAction.UPDATE), (None, LogAction.VIEW)]
    assert bob.get("/contacts").json() == {"items": [], "count": 0}
    contact_row = Contact.objects.get(pk=contact["id"])
    assert (contact_row.urgency, contact_row.assignee) == ("", None)


def test_bob_gets_404_for_the_assessment(world, as_user):
    contact = _register(as_user, world)
    iris = as_user("iris")
    iris.post(f"/contacts/{contact['id']}/urgency", {"urgency": "not_urgent"})
    routed = iris.post(f"/contacts/{contact['id']}/initial-assessment",
                       {"outcome": "service_need_assessment", "informed_on": TODAY}).json()

    bob = as_user("bob")
    assert bob.get(f"/assessments/{routed['assessment_id']}").status_code == 404
    assert_refused(User.objects.get(username="bob"),
                   Contact.objects.get(pk=contact["id"]).child_id)
    assert bob.post(f"/assessments/{routed['assessment_id']}/start",
                    {"started_on": TODAY}).status_code == 404
    assert_refused(User.objects.get(username="bob"),
                   Contact.objects.get(pk=contact["id"]).child_id)
    assert as_user("alice").get(f"/assessments/{routed['assessment_id']}").status_code == 200


# --- reading ----------------------------------------------------------------------------------------

def test_detail_shows_deadlines_persons_and_logs_the_view(world, as_user):
    contact = _register(as_user, world, persons=[
        {"role": "child", "person_id": world.child.pk},
        {"role": "guardian", "temporary": True, "first_name": "Maija", "last_name": "Huoltaja"}])
    iris = as_user("iris")
    before = AccessLogEntry.objects.count()

    response = iris.get(f"/contacts/{contact['id']}")

    assert response.status_code == 200
    detail = response.json()
    assert detail["child_id"] == world.child.pk
    assert [p["role"] for p in detail["persons"]] == ["child", "guardian"]
    assert detail["persons"][0]["id"] == world.child.pk
    assert [d["code"] for d in detail["deadlines"]] == [
        "urgency_assessment", "investigation_decision", "assessment_start",
        "assessment_completion"]
    assert (detail["reporter_name"], detail["reporter_phone"]) == ("Opettaja Olli",
                                                                   "040 123 4567")
    assert detail["urgency"] is None and detail["initial_assessment"] is None
    assert detail["assessment_id"] is None and detail["probable_duplicates"] == []
    assert detail["municipality"]["code"] == "638" and detail["received_at"].startswith(
        "2026-02-03T07:15:00")
    viewed = AccessLogEntry.objects.filter(seq__gt=before).get()
    assert (viewed.person_id, viewed.category, viewed.action, viewed.outcome, viewed.basis) == (
        world.child.pk, Category.INTAKE, LogAction.VIEW, Outcome.ALLOWED, "intake")


def test_a_protected_reporter_is_not_in_the_output(world, as_user):
    contact = _register(as_user, world, reporter_protected=True)

    detail = as_user("iris").get(f"/contacts/{contact['id']}").json()

    assert detail["reporter_protected"] is True
    assert (detail["reporter_name"], detail["reporter_organisation"],
            detail["reporter_phone"]) == (None, None, None)
    assert detail["reporter_kind"] == "education"
    assert "Opettaja Olli" not in json.dumps(detail)


def test_a_probable_duplicate_is_shown(world, as_user):
    first = _register(as_user, world)
    second = _register(as_user, world, received_at="2026-02-03T09:40:00+02:00")

    detail = as_user("iris").get(f"/contacts/{second['id']}").json()

    assert detail["probable_duplicates"] == [first["id"]]


def test_list_is_paginated_counted_ordered_like_the_queue_and_logged(world, as_user):
    bulk_contacts(world, 12, team=world.intake)
    urgent = _register(as_user, world)
    as_user("iris").post(f"/contacts/{urgent['id']}/urgency",
                         {"urgency": "urgent", "note": "Välitön vaara."})
    iris = as_user("iris")
    before = AccessLogEntry.objects.count()

    first_page = iris.get("/contacts", limit=5).json()
    last_page = iris.get("/contacts", limit=5, offset=10).json()

    assert (first_page["count"], last_page["count"]) == (13, 13)
    assert len(first_page["items"]) == 5 and len(last_page["items"]) == 3
    assert first_page["items"][0]["id"] == urgent["id"]
    assert first_page["items"][0]["urgency"] == "urgent"
    seen = [i["id"] for i in first_page["items"]] + [i["id"] for i in last_page["items"]]
    assert len(set(seen)) == 8
    listed = AccessLogEntry.objects.filter(seq__gt=before)
    assert listed.count() == 8
    assert set(listed.values_list("action", "category", "outcome")) == {
        (LogAction.LIST, Category.INTAKE, Outcome.ALLOWED)}
    item = first_page["items"][1]
    assert set(item) >= {"id", "kind", "status", "urgency", "deadlines", "deadline_status",
                         "next_due", "team", "municipality", "child_id"}
    assert "reporter_name" not in item


def test_list_filters(world, as_user):
    mine = bulk_contacts(world, 2, team=world.intake, assignee=world.iris)
    bulk_contacts(world, 3, team=world.intake, kind="shl_contact")
    overdue = bulk_contacts(world, 1, team=world.intake,
                            received_at=NOW - dt.timedelta(days=30))
    iris = as_user("iris")

    def ids(**params) -> set[int]:
        page = iris.get("/contacts", **params).json()
        return {item["id"] for item in page["items"]}

    assert ids(assignee=world.iris.pk) == {c.pk for c in mine}
    assert len(ids(kind="shl_contact")) == 3
    assert ids(status="overdue") == {overdue[0].pk}
    assert len(ids(team=world.intake.pk)) == 6
    assert ids(team=world.east.pk) == set()
    assert len(ids(municipality="638")) == 6 and ids(municipality="444") == set()
    assert len(ids(unassigned=True)) == 4
    response = iris.get("/contacts", status="late", kind="gossip")
    assert response.status_code == 422 and _fields(response) == {"status", "kind"}
    response = iris.get("/contacts", limit=500, offset=-1)
    assert response.status_code == 422 and _fields(response) == {"limit", "offset"}


def _list_queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/contacts", limit=100)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_list_query_count_does_not_grow_with_the_contacts(world, as_user,
                                                          django_assert_max_num_queries):
    iris = as_user("iris")
    iris.get("/contacts")  # the token's first use is recorded once
    # 11 statements on SQLite, and the access-log chain lock on PostgreSQL.
    bulk_contacts(world, 10, team=world.intake)
    with django_assert_max_num_queries(12):
        small, count = _list_queries(iris)
    assert count == 10

    # The listed children are logged with one INSERT of up to 58 records on SQLite (999
    # parameters a statement), so the larger list stays within one.
    bulk_contacts(world, 45, team=world.intake)
    with django_assert_max_num_queries(12):
        large, count = _list_queries(iris)
    assert count == 55

    assert small == large, (small, large)


# --- the work through the API -----------------------------------------------------------------------

def test_a_notification_from_registration_to_a_client_relationship(world, as_user, time_machine):
    iris, alice = as_user("iris"), as_user("alice")
    contact = _register(as_user, world)
    cid = contact["id"]

    urgency = iris.post(f"/contacts/{cid}/urgency",
                        {"urgency": "not_urgent", "expected_version": contact["version"]})
    assert urgency.status_code == 200, urgency.content
    assert urgency.json()["deadlines"][0]["status"] == "met"
    assert alice.get(f"/contacts/{cid}").status_code == 404
    assert_refused(User.objects.get(username="alice"), Contact.objects.get(pk=cid).child_id)

    routed = iris.post(f"/contacts/{cid}/initial-assessment",
                       {"outcome": "service_need_assessment", "informed_on": TODAY})
    assert routed.status_code == 201, routed.content
    routed = routed.json()
    assert routed["status"] == "routed" and routed["team"]["code"] == "assessment-east"
    aid = routed["assessment_id"]

    detail = alice.get(f"/contacts/{cid}").json()
    assert detail["initial_assessment"]["outcome"] == "service_need_assessment"
    assert detail["urgency"]["value"] == "not_urgent"
    assert detail["assessment_id"] == aid

    assigned = as_user("lead").post(f"/contacts/{cid}/assign",
                                    {"assignee_id": world.alice.pk,
                                     "pair_worker_id": world.sami.pk})
    assert assigned.status_code == 200, assigned.content
    assert (assigned.json()["assignee_id"], assigned.json()["pair_worker_id"]) == (
        world.alice.pk, world.sami.pk)

    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    started = alice.post(f"/assessments/{aid}/start", {"started_on": "2026-02-05"})
    assert started.status_code == 200, started.content
    assert {d["code"]: d["status"] for d in started.json()["deadlines"]}["assessment_start"] \
        == "met"

    meeting = alice.post(f"/assessments/{aid}/meetings", {
        "kind": "home_visit", "held_on": "2026-02-05", "notes": "Kotikäynti, lapsi paikalla.",
        "participants": "äiti, lapsi"})
    assert meeting.status_code == 201, meeting.content

    assessment = alice.get(f"/assessments/{aid}").json()
    assert assessment["contact_ids"] == [cid]
    assert assessment["meetings"][0]["notes"] == "Kotikäynti, lapsi paikalla."
    version = assessment["version"]

    completed = alice.post(f"/assessments/{aid}/complete", {
        "outcome": "child_welfare_client", "reason": "Lastensuojelun tarve.",
        "completed_on": "2026-02-05", "responsible_worker_id": world.alice.pk,
        "informed_on": "2026-02-05", **RESULT_FIELDS, "expected_version": version})
    assert completed.status_code == 200, completed.content
    assert completed.json()["outcome"] == "child_welfare_client"
    assert {d["status"] for d in completed.json()["deadlines"]} == {"met"}
    assert Contact.objects.get(pk=cid).status == ContactStatus.CLOSED
    assert not Deadline.objects.exclude(status=DeadlineStatus.MET).exists()


def test_a_stale_version_is_a_conflict(world, as_user):
    contact = _register(as_user, world)
    iris = as_user("iris")
    iris.post(f"/contacts/{contact['id']}/urgency",
              {"urgency": "not_urgent", "expected_version": contact["version"]})

    again = iris.post(f"/contacts/{contact['id']}/urgency",
                      {"urgency": "urgent", "note": "Uusi tieto.",
                       "expected_version": contact["version"]})
    initial = iris.post(f"/contacts/{contact['id']}/initial-assessment",
                        {"outcome": "no_action", "reason": "Ei huolta.", "informed_on": TODAY,
                         "expected_version": contact["version"]})

    assert (again.status_code, initial.status_code) == (409, 409)
    assert again.json()["error"]["code"] == "conflict"
    assert Contact.objects.get(pk=contact["id"]).urgency == "not_urgent"


def test_write_errors_name_the_api_fields(world, as_user):
    contact = _register(as_user, world)
    iris = as_user("iris")

    urgent_without_note = iris.post(f"/contacts/{contact['id']}/urgency", {"urgency": "urgent"})
    no_reason = iris.post(f"/contacts/{contact['id']}/initial-assessment",
                          {"outcome": "no_action", "informed_on": TODAY})
    outsider = iris.post(f"/contacts/{contact['id']}/assign", {"assignee_id": world.alice.pk})
    nobody = iris.post(f"/contacts/{contact['id']}/assign", {"assignee_id": 999999})

    assert _fields(urgent_without_note) == {"urgency_note"}
    assert _fields(no_reason) == {"reason"}
    assert _fields(outsider) == {"assignee_id"}
    assert _fields(nobody) == {"assignee_id"}
    assert {r.status_code for r in (urgent_without_note, no_reason, outsider, nobody)} == {422}


def test_completion_errors_name_the_api_fields(world, as_user):
    contact = _register(as_user, world)
    iris, alice = as_user("iris"), as_user("alice")
    iris.post(f"/contacts/{contact['id']}/urgency", {"urgency": "not_urgent"})
    aid = iris.post(f"/contacts/{contact['id']}/initial-assessment",
                    {"outcome": "service_need_assessment",
                     "not_informed_reason": "Huoltajaa ei tavoitettu."}).json()["assessment_id"]

    before_start = alice.post(f"/assessments/{aid}/complete", {
        "outcome": "child_welfare_client", "reason": "Tarve.", "completed_on": TODAY})

    assert before_start.status_code == 422
    assert _fields(before_start) == {"completed_on", "responsible_worker_id", "informed_on",
                                     "conclusions", "client_view", "named_worker_need",
                                     "child_met_on", "support_need"}


def test_the_openapi_schema_documents_the_operations_and_the_conflict(world, client):
    schema = client.get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert {"/api/v1/contacts", "/api/v1/contacts/{contact_id}",
            "/api/v1/contacts/{contact_id}/urgency",
            "/api/v1/contacts/{contact_id}/initial-assessment",
            "/api/v1/contacts/{contact_id}/assign", "/api/v1/assessments/{assessment_id}",
            "/api/v1/assessments/{assessment_id}/start",
            "/api/v1/assessments/{assessment_id}/meetings",
            "/api/v1/assessments/{assessment_id}/complete"} <= set(paths)
    create = paths["/api/v1/contacts"]["post"]
    assert {"201", "409", "422"} <= set(create["responses"])
    assert "Idempotency-Key" in create["description"] and "409" in create["description"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


def test_a_deadline_met_late_gives_its_working_days_late(world, as_user, time_machine):
    """The urgency assessment is due on the opening day; made two days later (a working day
    between), the API keeps the lateness in a field of the deadline."""
    iris = as_user("iris")
    contact = _register(as_user, world)
    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    response = iris.post(f"/contacts/{contact['id']}/urgency",
                         {"urgency": "not_urgent", "expected_version": contact["version"]})
    assert response.status_code == 200, response.content
    deadlines = {d["code"]: d for d in response.json()["deadlines"]}
    urgency = deadlines["urgency_assessment"]
    assert urgency["status"] == "met"
    due, met = dt.date.fromisoformat(urgency["due_on"]), dt.date.fromisoformat(urgency["met_on"])
    assert urgency["late_working_days"] == working_days_late(due, met) >= 1
    assert deadlines["assessment_start"]["late_working_days"] is None  # not met
    detail = iris.get(f"/contacts/{contact['id']}").json()
    assert {d["code"]: d["late_working_days"] for d in detail["deadlines"]}[
        "urgency_assessment"] == urgency["late_working_days"]


def test_rows_added_to_an_assessment_are_added_once_per_key(world, as_user):
    """Meetings, support measures and referrals take an Idempotency-Key: a retry adds nothing
    and answers the first row's id; the same key with another body is a conflict; an unrelated
    worker's retry of the path is "not found", logged."""
    from luotsi.intake.models import AssessmentReferral, AssessmentSupport
    from luotsi.intake.models import Meeting as AssessmentMeeting
    from luotsi.intake.tests.factories import ServiceCatalogueItemFactory

    contact = _register(as_user, world)
    iris, alice = as_user("iris"), as_user("alice")
    assert iris.post(f"/contacts/{contact['id']}/urgency",
                     {"urgency": "not_urgent"}).status_code == 200
    routed = iris.post(f"/contacts/{contact['id']}/initial-assessment",
                       {"outcome": "service_need_assessment", "informed_on": TODAY})
    assert routed.status_code == 201, routed.content
    aid = routed.json()["assessment_id"]
    ServiceCatalogueItemFactory(code="perheneuvola", name_fi="Perheneuvola")
    rows = {
        "meetings": ({"kind": "office", "held_on": TODAY, "notes": "Tapaaminen."},
                     AssessmentMeeting),
        "support-measures": ({"measure": "other", "started_on": TODAY, "note": "Tuki."},
                             AssessmentSupport),
        "referrals": ({"service_code": "perheneuvola", "referred_on": TODAY},
                      AssessmentReferral),
    }
    for path, (body, model) in rows.items():
        url = f"/assessments/{aid}/{path}"
        first = alice.post(url, body, key=f"{path}-1")
        assert first.status_code == 201, first.content
        again = alice.post(url, body, key=f"{path}-1")
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        changed = {**body, "notes" if path == "meetings" else "note": "Toinen."}
        conflict = alice.post(url, changed, key=f"{path}-1")
        assert conflict.status_code == 409, conflict.content
        assert model.objects.count() == 1, path
        refused = as_user("bob").post(url, body, key=f"{path}-1")
        assert refused.status_code == 404
        assert_refused(world.bob, world.child)
