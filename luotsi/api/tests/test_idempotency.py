"""One Idempotency-Key mechanism for the whole API (``luotsi.api.idempotency``): registering a
contact keeps its key in the same table as the plan operations, scoped per professional; a key is
one request, whatever the operation; expired keys are purged for every operation alike."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.utils import timezone

from luotsi.api import idempotency
from luotsi.api.models import ApiToken, IdempotencyRecord
from luotsi.intake.models import Contact
from luotsi.intake.tests.factories import build_world
from luotsi.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _post(client, user, path: str, body: dict, key: str):
    token = ApiToken.issue(user)[1]
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def _contact(world) -> dict:
    return {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "reporter_kind": "education", "description": "Poissa koulusta.",
        "municipality_code": "638", "persons": [{"role": "child", "person_id": world.child.pk}],
    }


def test_contact_keys_live_with_the_other_operations_keys(client, world):
    response = _post(client, world.iris, "/contacts", _contact(world), key="one-key")
    assert response.status_code == 201, response.content
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.path, record.response_status) == (
        world.iris, "one-key", "/api/v1/contacts", 201)
    assert record.response_body["id"] == response.json()["id"]


def test_a_key_is_one_request_whatever_the_operation(client, world):
    assert _post(client, world.iris, "/contacts", _contact(world), key="k-1").status_code == 201
    # the same caller's key on another operation is another request: refused, nothing written
    response = _post(client, world.iris, f"/clients/{world.child.pk}/plan", {}, key="k-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert not Plan.objects.exists()


def test_another_callers_key_never_collides(client, world):
    assert _post(client, world.iris, "/contacts", _contact(world), key="same").status_code == 201
    response = _post(client, world.ilona, "/contacts", _contact(world), key="same")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert Contact.objects.count() == 2
    assert IdempotencyRecord.objects.filter(key="same").count() == 2


def test_expired_contact_keys_are_purged(client, world, time_machine):
    _post(client, world.iris, "/contacts", _contact(world), key="old")
    time_machine.move_to(timezone.now() + idempotency.RETENTION + dt.timedelta(minutes=1))
    assert idempotency.purge_expired() == 1
    assert not IdempotencyRecord.objects.exists()


# --- a replay is never answered without the access check ------------------------------------

def test_once_takes_the_access_check_and_runs_it_before_every_answer(world):
    """``access`` is a required argument of the store, run first on the first request and on
    every retry; the write runs once and is handed what the check gave."""
    with pytest.raises(TypeError):
        idempotency.once(user=world.iris, key="k", fingerprints=("f",), method="POST",  # type: ignore[call-arg]
                         path="/x", handler=lambda checked: (201, {"id": 1}))
    checks, writes = [], []

    def access():
        checks.append(1)
        return "checked"

    def handler(checked):
        writes.append(checked)
        return 201, {"id": 7}

    for _attempt in range(3):
        outcome = idempotency.once(user=world.iris, key="k", fingerprints=("f",),
                                   method="POST", path="/x", access=access, handler=handler)
        assert (outcome.status, outcome.body) == (201, {"id": 7})
    assert len(checks) == 3 and writes == ["checked"]

    def refused():
        raise PermissionError("no longer")

    with pytest.raises(PermissionError):
        idempotency.once(user=world.iris, key="k", fingerprints=("f",), method="POST",
                         path="/x", access=refused, handler=handler)
    assert writes == ["checked"]


def test_a_replay_after_lost_access_is_not_found_and_logged(client, alice, case, client_person):
    """A worker adds a goal with a key, loses access to the client, then retries: the retry is
    refused as "not found" and the refusal logged, not answered from the store."""
    from luotsi.access.models import Category, ClientRelationship
    from luotsi.access.tests.assertions import assert_refused
    from luotsi.plans import services as plan_services
    from luotsi.plans.models import Goal

    plan, _created = plan_services.plan_open(actor=alice, person_id=client_person.pk)
    body = {"goal_area": "housing", "client_wording": "Oma koti", "priority": 1}
    url = f"/clients/{client_person.pk}/plan/goals"
    first = _post(client, alice, url, body, key="goal-lost")
    assert first.status_code == 201, first.content
    again = _post(client, alice, url, body, key="goal-lost")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"

    ClientRelationship.objects.filter(person=client_person, user=alice).update(
        ends_at=timezone.now())
    lost = _post(client, alice, url, body, key="goal-lost")
    assert lost.status_code == 404
    assert "Idempotent-Replayed" not in lost.headers
    assert "Oma koti" not in lost.content.decode()
    assert_refused(alice, client_person, category=Category.PLAN)
    assert Goal.objects.filter(plan=plan).count() == 1


def test_advice_replay_reads_the_record_again_through_its_access_function(client, world):
    """The advice API stores only the record's id: a retry reads the record as it is now, and
    one no longer of the caller's team is "not found", logged."""
    from luotsi.access.models import AccessLogEntry, Category, Outcome
    from luotsi.access.tests.assertions import assert_refused
    from luotsi.intake.models import AdviceRecord
    from luotsi.organisation.models import ServiceTask, TeamKind
    from luotsi.organisation.tests.factories import TeamFactory

    body = {"kind": "advice", "topic": "parenting", "channel": "phone",
            "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "asker_group": "parent", "duration_minutes": 15, "outcome": "advice_given",
            "summary": "Kysyi neuvoa."}
    first = _post(client, world.iris, "/contacts", body, key="advice-1")
    assert first.status_code == 201, first.content
    record = AdviceRecord.objects.get()
    assert IdempotencyRecord.objects.get(key="advice-1").response_body == {"id": record.pk}

    AdviceRecord.objects.filter(pk=record.pk).update(summary="Kysyi neuvoa, täydennetty.")
    again = _post(client, world.iris, "/contacts", body, key="advice-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == {**first.json(), "summary": "Kysyi neuvoa, täydennetty."}
    assert AccessLogEntry.objects.filter(
        user_id=world.iris.pk, outcome=Outcome.ALLOWED,
        detail=f"api: advice {record.pk} recording replayed").count() == 1

    other = TeamFactory(code="other-intake", kind=TeamKind.INTAKE, region=None,
                        service_task=ServiceTask.FAMILY_SERVICES)
    AdviceRecord.objects.filter(pk=record.pk).update(team=other)
    lost = _post(client, world.iris, "/contacts", body, key="advice-1")
    assert lost.status_code == 404 and "Kysyi" not in lost.content.decode()
    assert_refused(world.iris, None, category=Category.INTAKE)
    assert AdviceRecord.objects.count() == 1


# --- every API operation that writes: takes the key, or says why it needs none ----------------

# Operations that create something: a retry with the same key creates nothing new.
TAKES_THE_KEY = {
    "POST /api/v1/persons",
    "POST /api/v1/contacts",
    "POST /api/v1/assessments/{assessment_id}/meetings",
    "POST /api/v1/assessments/{assessment_id}/support-measures",
    "POST /api/v1/assessments/{assessment_id}/referrals",
    "POST /api/v1/clients/{person_id}/plan",
    "POST /api/v1/clients/{person_id}/plan/goals",
    "POST /api/v1/clients/{person_id}/plan/steps",
    "POST /api/v1/clients/{person_id}/plan/ratings",
    "POST /api/v1/clients/{person_id}/plan/evaluations",
    "POST /api/v1/clients/{person_id}/plan/support-needs",
    "POST /api/v1/clients/{person_id}/plan/fhir",
    "POST /api/v1/shared-clients/{person_id}/meetings",
    "POST /api/v1/shared-clients/{person_id}/consultations",
    "POST /api/v1/shared-clients/consultations/{consultation_id}/answer",
}

# Writes that are idempotent by their nature: repeating one creates nothing and changes nothing
# the first did not (docs/decisions/0004-one-idempotency-mechanism.md lists them with the same
# reasons).
EXEMPT = {
    "PATCH /api/v1/clients/{person_id}/plan":
        "changes the plan's own fields under a required If-Match: a retry names a revision that "
        "the first request made old and is refused (412); it creates nothing",
    "DELETE /api/v1/clients/{person_id}/plan/support-needs/{need_id}":
        "removes a support need under a required If-Match: a retry names a revision that the "
        "first request made old and is refused (412), or the need is gone (404)",
    "POST /api/v1/contacts/{contact_id}/urgency":
        "sets the contact's urgency: a retry sets the same value (with expected_version, a "
        "retry after a change made meanwhile is refused with 409); it creates no row",
    "POST /api/v1/contacts/{contact_id}/initial-assessment":
        "a contact has one initial assessment: a retry is refused as already recorded",
    "POST /api/v1/contacts/{contact_id}/clock":
        "a retry asks for the clock the contact already carries and is refused naming `clock`",
    "POST /api/v1/contacts/{contact_id}/assign":
        "sets the contact's assignee and pair worker: a retry sets the same; it creates no row",
    "POST /api/v1/assessments/{assessment_id}/start":
        "an assessment starts once: a retry is refused as already started",
    "POST /api/v1/assessments/{assessment_id}/complete":
        "an assessment is completed once: a retry is refused as completed",
    "POST /api/v1/assessments/{assessment_id}/responsible-worker":
        "names the worker who becomes responsible: a retry names the one who already is and is "
        "refused on `responsible_worker_id`; nothing more is recorded",
    "PUT /api/v1/assessments/{assessment_id}/result":
        "replaces the result's content (PUT): a retry writes the same content",
}


def test_every_writing_operation_takes_the_key_or_is_exempt_with_a_reason(client):
    spec = client.get("/api/v1/openapi.json").json()
    writes = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "get":
                writes[f"{method.upper()} {path}"] = {
                    p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
    unclassified = set(writes) - TAKES_THE_KEY - set(EXEMPT)
    assert not unclassified, f"classify these writes here and in ADR 0004: {unclassified}"
    assert not (set(TAKES_THE_KEY) | set(EXEMPT)) - set(writes)
    assert not TAKES_THE_KEY & set(EXEMPT)
    assert [name for name in sorted(TAKES_THE_KEY)
            if idempotency.HEADER not in writes[name]] == []
    assert [name for name in sorted(EXEMPT) if idempotency.HEADER in writes[name]] == []
    assert all(reason.strip() for reason in EXEMPT.values())
    adr = (settings.BASE_DIR / "docs/decisions/0004-one-idempotency-mechanism.md").read_text()
    assert [name for name in sorted(writes) if f"`{name}`" not in adr] == []


def test_a_temporary_person_is_registered_once_per_key(client, alice):
    from luotsi.people.models import Person

    body = {"temporary": True, "first_name": "Nimetön", "last_name": "Vauva"}
    first = _post(client, alice, "/persons", body, key="person-1")
    again = _post(client, alice, "/persons", body, key="person-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == 1
    assert _post(client, alice, "/persons", {**body, "first_name": "Toinen"},
                 key="person-1").status_code == 409
    assert _post(client, alice, "/persons", body, key="person-2").status_code == 201
    assert Person.objects.count() == 2
