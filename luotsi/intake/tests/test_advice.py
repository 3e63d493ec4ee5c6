"""Advice, guidance and professional consultations at the one door (issue 11, item 4): recorded
without any person data through the web form and ``POST /api/v1/contacts``, no statutory clock,
visible to the team and logged as intake records, converted into a named contact whose clocks
start at the original received time; and the team that made the routing decision."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, ClientRelationship, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.deadlines.rules import compute_deadlines
from luotsi.intake import services
from luotsi.intake.models import AdviceOutcome, AdviceRecord, Contact, Deadline
from luotsi.intake.tests.factories import build_world, child_hetu, contact_input

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
# Friday 30 January 2026, 15:40: the consultation, four days before its names are given.
RECEIVED = dt.datetime(2026, 1, 30, 15, 40, tzinfo=HELSINKI)


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _api(client, user, path: str, body: dict, language: str = "fi"):
    token = ApiToken.issue(user)[1]
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}",
                                "Accept-Language": language})


def _advice_body(**overrides) -> dict:
    body = {
        "kind": "professional_consultation", "topic": "notification_duty", "channel": "phone",
        "received_at": RECEIVED.isoformat(), "asker_group": "professional_school",
        "duration_minutes": 20, "outcome": "notification_advised",
        "summary": "Opettaja kysyi, pitäisikö tehdä lastensuojeluilmoitus poissaoloista.",
    }
    body.update(overrides)
    return body


def _fields(response) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def test_advice_api__recorded_without_person_data_or_clock(client, world):
    before = ClientRelationship.objects.count()
    response = _api(client, world.iris, "/contacts", _advice_body())
    assert response.status_code == 201, response.content
    body = response.json()
    record = AdviceRecord.objects.get(pk=body["id"])
    assert (record.kind, record.topic, record.asker_group, record.duration_minutes,
            record.outcome) == ("professional_consultation", "notification_duty",
                                "professional_school", 20, "notification_advised")
    assert record.received_at == RECEIVED and record.team == world.intake
    assert body["team"]["code"] == "family-intake" and body["converted_to_id"] is None
    # No person, no relationship, no deadline, no contact.
    assert ClientRelationship.objects.count() == before
    assert not Contact.objects.exists() and not Deadline.objects.exists()
    entry = AccessLogEntry.objects.filter(user_id=world.iris.pk).order_by("-seq").first()
    assert (entry.person_id, entry.category, entry.action, entry.outcome, entry.detail) == (
        None, Category.INTAKE, LogAction.CREATE, Outcome.ALLOWED, f"advice {record.pk}")


@pytest.mark.parametrize(("extra", "field"), [
    ({"persons": [{"role": "child", "hetu": "010516A998P"}]}, "persons"),
    ({"reporter_name": "Opettaja Olli"}, "reporter_name"),
    ({"clock": "child_welfare_notification"}, "clock"),
    ({"description": "Lapsi Eino"}, "description"),
])
def test_advice_api__person_data_or_clock_refused_naming_the_field(client, world, extra, field):
    response = _api(client, world.iris, "/contacts", _advice_body(**extra))
    assert response.status_code == 422, response.content
    assert field in _fields(response)
    assert not AdviceRecord.objects.exists()


def test_advice_api__identity_code_in_summary_refused_in_the_users_language(client, world):
    response = _api(client, world.iris, "/contacts", _advice_body(
        summary="Lapsen hetu on 131052-308T, kysyi neuvoa."), language="sv")
    assert response.status_code == 422, response.content
    assert "personbeteckning" in _fields(response)["summary"]
    assert not AdviceRecord.objects.exists()


@pytest.mark.parametrize(("extra", "field"), [
    ({"topic": "weather"}, "topic"), ({"asker_group": ""}, "asker_group"),
    ({"duration_minutes": 0}, "duration_minutes"), ({"outcome": "converted"}, "outcome"),
])
def test_advice_api__bad_codes_refused(client, world, extra, field):
    response = _api(client, world.iris, "/contacts", _advice_body(**extra))
    assert response.status_code == 422 and field in _fields(response)
    assert not AdviceRecord.objects.exists()


def test_advice_api__only_the_intake_team_records_advice(client, world):
    response = _api(client, world.alice, "/contacts", _advice_body())
    assert response.status_code == 403
    assert not AdviceRecord.objects.exists()


def test_named_contact__advice_fields_refused(client, world):
    response = _api(client, world.iris, "/contacts", {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": RECEIVED.isoformat(), "reporter_kind": "education",
        "description": "Poissaoloja.", "topic": "parenting",
        "persons": [{"role": "child", "person_id": world.child.pk}]})
    assert response.status_code == 422 and "topic" in _fields(response)
    assert not Contact.objects.exists()


def _record(world, **overrides) -> AdviceRecord:
    from luotsi.intake import advice
    values = {"kind": "professional_consultation", "topic": "notification_duty",
              "channel": "phone", "asker_group": "anonymous", "received_at": RECEIVED,
              "duration_minutes": 15, "outcome": "notification_advised",
              "summary": "Nimetön soittaja kysyi ilmoitusvelvollisuudesta."}
    values.update(overrides)
    return advice.advice_record(actor=world.iris, data=advice.AdviceInput(**values))


def test_convert_api__clocks_start_at_the_original_received_time(client, world):
    record = _record(world)
    response = _api(client, world.iris, "/contacts", {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": NOW.isoformat(), "reporter_kind": "anonymous",
        "description": "Soittaja antoi lapsen nimen.", "advice_id": record.pk,
        "persons": [{"role": "child", "person_id": world.child.pk}]})
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    record.refresh_from_db()
    assert contact.received_at == RECEIVED
    assert record.converted_to == contact and record.outcome == AdviceOutcome.CONVERTED
    assert contact.advice_record == record
    expected = {d.code: d.due_on for d in compute_deadlines(contact.clock, RECEIVED)}
    assert dict(contact.deadlines.values_list("code", "due_on")) == expected
    # LSL 26 §: seven working days from Friday 30.1. (not counted) is Tuesday 10.2.
    assert expected["investigation_decision"] == dt.date(2026, 2, 10)
    again = _api(client, world.iris, "/contacts", {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": NOW.isoformat(), "reporter_kind": "anonymous",
        "description": "Uudestaan.", "advice_id": record.pk,
        "persons": [{"role": "child", "person_id": world.child.pk}]})
    assert again.status_code == 422
    assert Contact.objects.count() == 1


def test_convert_api__another_teams_record_is_not_found(client, world):
    record = _record(world)
    response = _api(client, world.bob, "/contacts", {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": NOW.isoformat(), "reporter_kind": "anonymous",
        "description": "Nimi.", "advice_id": record.pk,
        "persons": [{"role": "child", "person_id": world.child.pk}]})
    assert response.status_code == 404
    assert_refused(world.bob, None, category=Category.INTAKE)
    assert not Contact.objects.exists()


def test_convert__refused_contact_leaves_the_record_unconverted(world):
    from django.core.exceptions import ValidationError

    from luotsi.intake import advice
    record = _record(world)
    with pytest.raises(ValidationError):
        advice.advice_convert(actor=world.iris, record=record,
                              data=contact_input(persons=[]))
    record.refresh_from_db()
    assert record.converted_to is None and record.outcome == "notification_advised"
    assert not Contact.objects.exists()


# --- the web pages ---------------------------------------------------------------------------

def _form(**overrides) -> dict:
    data = {"intent": "advice", "kind": "advice", "topic": "parenting", "channel": "phone",
            "asker_group": "parent", "received_date": "2026-02-03", "received_time": "09:30",
            "duration_minutes": "25", "outcome": "advice_given",
            "summary": "Vanhempi kysyi murrosikäisen kotiintuloajoista."}
    data.update(overrides)
    return data


def test_advice_page__recorded_and_shown_to_the_team_logged(client, world):
    client.force_login(world.iris)
    response = client.post("/intake/advice/new/", _form())
    record = AdviceRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/advice/{record.pk}/"
    assert record.received_at == dt.datetime(2026, 2, 3, 9, 30, tzinfo=HELSINKI)
    client.force_login(world.ilona)
    page = client.get(f"/intake/advice/{record.pk}/")
    assert page.status_code == 200
    assert f"/intake/contacts/new/?advice={record.pk}" in page.content.decode()
    entry = AccessLogEntry.objects.filter(user_id=world.ilona.pk).order_by("-seq").first()
    assert (entry.person_id, entry.action, entry.outcome, entry.detail) == (
        None, LogAction.VIEW, Outcome.ALLOWED, f"advice {record.pk}")


def test_advice_page__another_team_gets_not_found_logged(client, world):
    record = _record(world)
    client.force_login(world.alice)
    assert client.get(f"/intake/advice/{record.pk}/").status_code == 404
    assert_refused(world.alice, None, category=Category.INTAKE)


def test_advice_page__identity_code_refused_naming_the_field(client, world):
    client.force_login(world.iris)
    response = client.post("/intake/advice/new/", _form(summary="Hetu 131052-308T."),
                           HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    assert not AdviceRecord.objects.exists()


def test_advice_page__form_posted_twice_records_once(client, world):
    client.force_login(world.iris)
    data = _form(idempotency_key="a" * 32)
    client.post("/intake/advice/new/", data)
    client.post("/intake/advice/new/", data)
    assert AdviceRecord.objects.count() == 1


def test_convert_page__named_contact_received_at_the_advice_time(client, world):
    record = _record(world)
    client.force_login(world.iris)
    form = client.get(f"/intake/contacts/new/?advice={record.pk}")
    assert form.status_code == 200
    assert form.context["contact"].initial["received_date"] == RECEIVED.date()
    response = client.post(f"/intake/contacts/new/?advice={record.pk}", {
        "intent": "register", "kind": "child_welfare_notification", "channel": "phone",
        "received_date": "2026-02-03", "received_time": "10:00", "reporter_kind": "anonymous",
        "description": "Soittaja kertoi lapsen nimen.", "municipality_code": "638",
        "child-0-hetu": child_hetu(), "child-0-first_name": "Eeva", "child-0-last_name": "L",
    })
    assert response.status_code == 302, response.context and response.context["summary"]
    contact = Contact.objects.get()
    record.refresh_from_db()
    assert contact.received_at == RECEIVED and record.converted_to == contact
    assert record.outcome == AdviceOutcome.CONVERTED
    # Once converted, the form sends the worker back to the record.
    again = client.get(f"/intake/contacts/new/?advice={record.pk}")
    assert again.status_code == 302 and again["Location"] == f"/intake/advice/{record.pk}/"


# --- the team that made the routing decision -------------------------------------------------

def test_routing_team__the_deciding_intake_team_stays_when_routed(world):
    contact = services.contact_register(actor=world.iris, data=contact_input(child=world.child))
    assert contact.routing_team == world.intake
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(
        actor=world.iris, contact=contact, outcome="service_need_assessment",
        informed_on=timezone.localdate())
    contact.refresh_from_db()
    assert contact.team == world.east and contact.routing_team == world.intake


def test_routing_team__backfilled_from_the_registration_relationship(world):
    contact = services.contact_register(actor=world.iris, data=contact_input(child=world.child))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(
        actor=world.iris, contact=contact, outcome="service_need_assessment",
        informed_on=timezone.localdate())
    Contact.objects.update(routing_team=None)
    migration = importlib.import_module(
        "luotsi.intake.migrations.0012_advice_records_routing_team")
    migration.backfill_routing_team(apps, None)
    contact.refresh_from_db()
    assert contact.team == world.east and contact.routing_team == world.intake
