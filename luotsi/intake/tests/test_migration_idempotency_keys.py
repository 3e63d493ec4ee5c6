"""The retry keys kept on contacts before the one idempotency store: the migration moves the keys
younger than the store's retention into it, so a retry sent across the deploy is still answered
(read again through the gateway), and then drops the field."""

from __future__ import annotations

import datetime as dt
import json
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from luotsi.access.models import AccessLogEntry, ClientRelationship, Outcome
from luotsi.api.models import ApiToken, IdempotencyRecord
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Contact
from luotsi.intake.tests.factories import build_world

_APPEND_ONLY = import_module("luotsi.access.migrations.0002_access_log_append_only")

NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
BEFORE = [("intake", "0013_assessment_result_content")]
AFTER = [("intake", "0015_contact_idempotency_key_removed")]
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


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
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
        _migrate(AFTER)

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
