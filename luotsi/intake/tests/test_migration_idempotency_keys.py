"""The retry keys kept on contacts and on advice records before the one idempotency store: the
migrations move the keys younger than the store's retention into it, so a retry sent across the
deploy is still answered (read again through the gateway or the record's access function), and
then drop the fields."""

from __future__ import annotations

import datetime as dt
import json
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from luotsi.access.models import AccessLogEntry, Category, ClientRelationship, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken, IdempotencyRecord
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import AdviceRecord, Contact
from luotsi.intake.tests.factories import build_world
from luotsi.organisation.models import ServiceTask, TeamKind
from luotsi.organisation.tests.factories import TeamFactory

_APPEND_ONLY = import_module("luotsi.access.migrations.0002_access_log_append_only")

NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
BEFORE = [("intake", "0013_assessment_result_content")]
ADVICE_BEFORE = [("intake", "0015_contact_idempotency_key_removed")]
ADVICE_FORM_KEY = "fedcba9876543210fedcba9876543210"
FORM_KEY = "0123456789abcdef0123456789abcdef"


def _triggers(*, back: bool) -> None:
    with connection.schema_editor() as editor:
        _APPEND_ONLY.reverse(None, editor)
        if back:
            _APPEND_ONLY.forward(None, editor)


@pytest.fixture
def _append_only_restored(django_db_setup, django_db_blocker):
    """Torn down last: puts the access log's append-only triggers back after the flush."""
    yield
    with django_db_blocker.unblock():
        _triggers(back=True)


@pytest.fixture
def migratable_db(_append_only_restored, transactional_db):
    """Migrations run outside a test transaction; the flush after the test empties every
    table, which the append-only access log refuses, so its triggers are off for that flush."""
    yield
    _triggers(back=False)


def _migrate(target=None):
    """Migrate to ``target``, or forward to the latest migrations of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _body(world, **overrides) -> dict:
    body = {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": "2026-02-03T09:15:00+02:00", "reporter_kind": "education",
        "reporter_name": "Opettaja Olli", "description": "Poissa koulusta kaksi viikkoa.",
        "municipality_code": "638", "persons": [{"role": "child", "person_id": world.child.pk}],
    }
    body.update(overrides)
    return body


def _fingerprint(body: dict) -> str:
    """The fingerprint the API stored on the contact: the contact's entries."""
    return services.ContactInput(
        kind=body["kind"], channel=body["channel"],
        received_at=dt.datetime.fromisoformat(body["received_at"]),
        reporter_kind=body["reporter_kind"], reporter_name=body["reporter_name"],
        description=body["description"], municipality_code=body["municipality_code"],
        persons=[services.PersonRef(role=p["role"], person_id=p["person_id"])
                 for p in body["persons"]]).fingerprint()


def _form() -> dict:
    return {"intent": "register", "kind": "child_welfare_notification", "clock": "",
            "channel": "phone", "received_date": "2026-02-03", "received_time": "09:30",
            "reporter_kind": "education", "reporter_name": "Opettaja Olli",
            "reporter_organisation": "Koulu", "reporter_phone": "040 123",
            "description": "Lapsi kertoi huolestuttavia asioita.", "municipality_code": "638",
            "child-0-hetu": "", "child-0-first_name": "Eino", "child-0-last_name": "Esimerkki",
            "child-0-temporary": "on", "idempotency_key": FORM_KEY}


class Api:
    def __init__(self, client, user):
        self.client, self.token = client, ApiToken.issue(user)[1]

    def post(self, body: dict, key: str | None = None):
        headers = {"Authorization": f"Bearer {self.token}"}
        if key:
            headers["Idempotency-Key"] = key
        return self.client.post("/api/v1/contacts", json.dumps(body),
                                content_type="application/json", headers=headers)


def test_keys_on_contacts_move_to_the_store_and_retries_are_answered(client, time_machine,
                                                                     migratable_db):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    iris, ilona = Api(client, world.iris), Api(client, world.ilona)
    body = _body(world)
    # Registered before the deploy: by the API with a key on the contact, by the form, by the
    # API through the store (after it), and two days ago (older than the store keeps keys).
    on_contact = iris.post(body).json()["id"]
    through_store = iris.post(_body(world, description="Kolmas asia."), key="store-key").json()
    client.force_login(world.iris)
    form_contact = int(client.post("/intake/contacts/new/", _form())["Location"].split("/")[-2])
    old = iris.post(_body(world, description="Vanha asia.")).json()["id"]

    try:
        apps = _migrate(BEFORE)
        OldContact = apps.get_model("intake", "Contact")
        # the form's key went back onto its contact with the reverse migration; the old world
        # kept keys only on contacts
        assert OldContact.objects.get(pk=form_contact).idempotency_key == f"web-{FORM_KEY}"
        IdempotencyRecord.objects.exclude(key="store-key").delete()
        OldContact.objects.filter(pk=on_contact).update(
            idempotency_key="old-key", request_fingerprint=_fingerprint(body))
        OldContact.objects.filter(pk=old).update(
            idempotency_key="expired-key", created_at=NOW - dt.timedelta(days=2),
            request_fingerprint=_fingerprint(_body(world, description="Vanha asia.")))
    finally:
        _migrate()

    assert sorted(IdempotencyRecord.objects.values_list("key", "response_body")) == [
        ("old-key", {"id": on_contact}), ("store-key", {"id": through_store["id"]}),
        (f"web-{FORM_KEY}", {"id": form_contact})]

    # the API retry is answered with the same contact, read again through the gateway
    again = iris.post(body, key="old-key")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == on_contact and again.json()["visible"] is True
    replayed = AccessLogEntry.objects.filter(
        user_id=world.iris.pk, detail=f"api: contact {on_contact} registration replayed")
    assert list(replayed.values_list("person_id", "outcome")) == [
        (world.child.pk, Outcome.ALLOWED)]
    # a retry stored by the store before the deploy is answered as before
    kept = iris.post(_body(world, description="Kolmas asia."), key="store-key")
    assert kept.headers["Idempotent-Replayed"] == "true"
    assert kept.json() == through_store
    # another request with the key is refused; another professional's identical key is theirs
    assert iris.post(_body(world, description="Toinen."), key="old-key").status_code == 409
    other = ilona.post(body, key="old-key")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.json()["id"] not in (on_contact, form_contact)
    # the form posted again after the deploy registers nothing
    client.force_login(world.iris)
    resent = client.post("/intake/contacts/new/", _form())
    assert resent.status_code == 302 and resent["Location"].endswith(f"/{form_contact}/")
    # a key older than the store keeps was not moved: the request is new
    assert iris.post(_body(world, description="Vanha asia."),
                     key="expired-key").json()["id"] != old
    assert Contact.objects.count() == 6

    # once the registrant has lost access to the child, the replay says only "registered"
    ClientRelationship.objects.filter(person=world.child).update(ends_at=NOW)
    lost = iris.post(body, key="old-key")
    assert lost.status_code == 201 and lost.json()["visible"] is False
    assert lost.json()["id"] == on_contact and lost.json()["deadlines"] == []
    assert replayed.count() == 1


def _advice_form(**overrides) -> dict:
    data = {"intent": "advice", "kind": "advice", "topic": "parenting", "channel": "phone",
            "asker_group": "parent", "received_date": "2026-02-03", "received_time": "09:30",
            "duration_minutes": "25", "outcome": "advice_given",
            "summary": "  Vanhempi kysyi kotiintuloajoista.  ",
            "idempotency_key": ADVICE_FORM_KEY}
    data.update(overrides)
    return data


def test_keys_on_advice_records_move_to_the_store_and_retries_are_answered(
        client, time_machine, migratable_db):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    client.force_login(world.iris)
    # Recorded before the deploy by the form, and two days ago with another key.
    posted = client.post("/intake/advice/new/", _advice_form())
    assert posted.status_code == 302
    recorded = int(posted["Location"].split("/")[-2])
    old_key = "0" * 32
    old = int(client.post("/intake/advice/new/", _advice_form(
        idempotency_key=old_key, summary="Vanha asia."))["Location"].split("/")[-2])

    try:
        apps = _migrate(ADVICE_BEFORE)
        OldAdvice = apps.get_model("intake", "AdviceRecord")
        # the reverse migration put the form's key back on its record, where the old world
        # kept it (and nothing in the store)
        assert OldAdvice.objects.get(pk=recorded).idempotency_key == f"web-{ADVICE_FORM_KEY}"
        IdempotencyRecord.objects.all().delete()
        OldAdvice.objects.filter(pk=old).update(created_at=NOW - dt.timedelta(days=2))
    finally:
        _migrate()

    stored = IdempotencyRecord.objects.get()
    assert (stored.user, stored.key, stored.path, stored.response_status,
            stored.response_body) == (world.iris, f"web-{ADVICE_FORM_KEY}", "/intake/advice/new/",
                                      201, {"id": recorded})
    assert stored.created_at == AdviceRecord.objects.get(pk=recorded).created_at

    # the form posted again after the deploy records nothing: the same record
    again = client.post("/intake/advice/new/", _advice_form())
    assert again.status_code == 302 and again["Location"].endswith(f"/{recorded}/")
    # the same form with other entries is refused, nothing saved
    changed = client.post("/intake/advice/new/", _advice_form(summary="Toinen asia."))
    assert changed.status_code == 200 and changed.context["form"].non_field_errors()
    # a key older than the store keeps was not moved: the form is new
    newer = client.post("/intake/advice/new/", _advice_form(idempotency_key=old_key,
                                                            summary="Vanha asia."))
    assert newer.status_code == 302 and not newer["Location"].endswith(f"/{old}/")
    assert AdviceRecord.objects.count() == 3

    # once the record is another team's, the retry is "not found", logged
    other = TeamFactory(code="other-intake", kind=TeamKind.INTAKE, region=None,
                        service_task=ServiceTask.FAMILY_SERVICES)
    AdviceRecord.objects.filter(pk=recorded).update(team=other)
    assert client.post("/intake/advice/new/", _advice_form()).status_code == 404
    assert_refused(world.iris, None, category=Category.INTAKE)
    assert AdviceRecord.objects.count() == 3
