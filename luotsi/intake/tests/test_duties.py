"""Duties before "met": the LSL 26 § decision needs the informing of the child and guardian (or
why not), the LSL 27 § child-welfare clienthood its informing date, the service-need assessment
its result's required content (SHL 36 §). Each refusal names the field in the user's language
and saves nothing; a deadline met late says so on the page, in the API, in the sweeper and in
``manage.py deadlines``."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import (
    Assessment,
    Contact,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
    Notification,
)
from luotsi.intake.sweeper import sweep
from luotsi.intake.tests.factories import RESULT_FIELDS, build_world, contact_input
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _api(client, user, language="en"):
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}",
               "Accept-Language": language}

    def post(path, body):
        return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                           headers=headers)
    return post


def _fields(response) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def _assessed(world, **overrides) -> Contact:
    overrides.setdefault("child", world.child)
    contact = services.contact_register(actor=world.iris, data=contact_input(**overrides))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    contact.refresh_from_db()
    return contact


def _decision(contact: Contact) -> Deadline:
    return Deadline.objects.get(contact=contact, code="investigation_decision")


def _started(world) -> Assessment:
    contact = _assessed(world)
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment", informed_on=TODAY)
    contact.refresh_from_db()
    return services.assessment_start(actor=world.alice, assessment=contact.assessment,
                                     started_on=TODAY)


# --- LSL 26 §: the decision and the informing ------------------------------------------------------

@pytest.mark.parametrize("outcome", ["service_need_assessment", "advice", "no_action"])
def test_api_decision_without_informing_is_refused_and_not_met(world, client, outcome):
    contact = _assessed(world)
    post = _api(client, world.iris)

    response = post(f"/contacts/{contact.pk}/initial-assessment",
                    {"outcome": outcome, "reason": "Perusteet."})

    assert response.status_code == 422
    assert set(_fields(response)) == {"informed_on"}
    assert "LSL 26 §" in _fields(response)["informed_on"]
    assert not InitialAssessment.objects.exists()
    decision = _decision(contact)
    assert decision.met_on is None and decision.status != DeadlineStatus.MET
    contact.refresh_from_db()
    assert contact.status == "in_assessment" and contact.assessment_id is None


def test_api_decision_with_a_reason_for_not_informing_is_met(world, client):
    contact = _assessed(world)
    post = _api(client, world.iris)

    response = post(f"/contacts/{contact.pk}/initial-assessment", {
        "outcome": "service_need_assessment",
        "not_informed_reason": "Huoltajaa ei ole tavoitettu; yritetään uudelleen."})

    assert response.status_code == 201, response.content
    assert _decision(contact).met_on == TODAY
    read = client.get(f"/api/v1/contacts/{contact.pk}",
                      headers={"Authorization": f"Bearer {ApiToken.issue(world.iris)[1]}"})
    assert read.json()["initial_assessment"]["not_informed_reason"].startswith("Huoltajaa")


def test_a_contact_without_the_lsl_26_decision_needs_no_informing(world, client):
    contact = _assessed(world, kind="guardian_application", reporter_kind="guardian")
    post = _api(client, world.iris)

    response = post(f"/contacts/{contact.pk}/initial-assessment",
                    {"outcome": "advice", "reason": "Neuvottu puhelimessa."})

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(("language", "words"), [
    ("fi", "Kirjaa, milloin lapselle ja huoltajalle"), ("sv", "Registrera när barnet"),
    ("en", "Record when the child and guardian were informed")])
def test_form_decision_without_informing_names_the_field(world, client, language, words):
    contact = _assessed(world)
    client.cookies["django_language"] = language
    client.force_login(world.iris)

    response = client.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "no_action", "reason": "Ei huolta.",
        "expected_version": contact.version})

    assert response.status_code == 200
    text = response.content.decode()
    assert 'href="#id_informed_on"' in text
    assert words in text.split('id="id_informed_on-error">', 1)[1].split("</p>", 1)[0]
    assert not InitialAssessment.objects.exists()
    assert _decision(contact).met_on is None


def test_form_decision_with_the_reason_shows_it_in_the_history(world, client):
    contact = _assessed(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)

    response = client.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "no_action", "reason": "Ei huolta.",
        "not_informed_reason": "Kerrotaan ilmoittajan turvallisuuden vuoksi myöhemmin.",
        "expected_version": contact.version}, follow=True)

    text = response.content.decode()
    assert "Why the child and guardian were not informed" in text
    assert "Kerrotaan ilmoittajan turvallisuuden vuoksi myöhemmin." in text
    assert _decision(contact).met_on == TODAY


# --- LSL 27 §: child-welfare clienthood and its informing ----------------------------------------

def test_api_child_welfare_clienthood_needs_the_informing_date(world, client):
    started = _started(world)
    post = _api(client, world.alice)

    response = post(f"/assessments/{started.pk}/complete", {
        "outcome": "child_welfare_client", "reason": "Lastensuojelun tarve.",
        "completed_on": TODAY.isoformat(), "responsible_worker_id": world.alice.pk,
        **RESULT_FIELDS})

    assert response.status_code == 422 and set(_fields(response)) == {"informed_on"}
    assert "LSL 27 §" in _fields(response)["informed_on"]
    started.refresh_from_db()
    assert started.completed_on is None
    assert not Deadline.objects.filter(code="assessment_completion", met_on__isnull=False)


# --- SHL 36 §: the result's required content -------------------------------------------------------

@pytest.mark.parametrize("missing", ["conclusions", "client_view", "named_worker_need"])
def test_api_completion_without_required_content_is_refused(world, client, missing):
    started = _started(world)
    post = _api(client, world.alice)

    response = post(f"/assessments/{started.pk}/complete", {
        "outcome": "closed", "reason": "Ei palvelutarvetta.", "completed_on": TODAY.isoformat(),
        **{**RESULT_FIELDS, missing: ""}})

    assert response.status_code == 422 and set(_fields(response)) == {missing}
    started.refresh_from_db()
    assert started.completed_on is None and started.conclusions == ""
    completion = Deadline.objects.get(code="assessment_completion")
    assert completion.met_on is None


def test_an_adult_at_completion_needs_the_situation_of_children_in_their_care(
        world, client, time_machine):
    """A 17-year-old at the notification turns 18 (10.2.2026) during the assessment: the result
    of an adult's assessment records the situation of any child in their care."""
    youth = PersonFactory(first_name="Nuori", last_name="Aikuistuva",
                          birth_date=dt.date(2008, 2, 10), municipality=world.porvoo)
    contact = _assessed(world, child=youth)
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment", informed_on=TODAY)
    contact.refresh_from_db()
    started = services.assessment_start(actor=world.alice, assessment=contact.assessment,
                                        started_on=TODAY)
    time_machine.move_to(dt.datetime(2026, 2, 11, 9, 0, tzinfo=HELSINKI), tick=False)
    post = _api(client, world.alice)
    body = {"outcome": "closed", "reason": "Ei tarvetta.", "completed_on": "2026-02-10",
            **RESULT_FIELDS}

    refused = post(f"/assessments/{started.pk}/complete", body)
    done = post(f"/assessments/{started.pk}/complete",
                {**body, "children_situation": "Ei huollettavia lapsia."})

    assert refused.status_code == 422 and set(_fields(refused)) == {"children_situation"}
    assert done.status_code == 200, done.content
    started.refresh_from_db()
    assert started.children_situation == "Ei huollettavia lapsia."
    assert started.named_worker_need == "needed"


def test_form_completion_names_the_missing_content_in_swedish(world, client):
    started = _started(world)
    client.cookies["django_language"] = "sv"
    client.force_login(world.alice)

    response = client.post(f"/intake/assessments/{started.pk}/", {
        "intent": "complete", "outcome": "closed", "reason": "Inget behov.",
        "completed_on": TODAY.isoformat(), "expected_version": started.version})

    assert response.status_code == 200
    text = response.content.decode()
    for field in ("conclusions", "client_view", "named_worker_need"):
        assert f'href="#id_{field}' in text
    started.refresh_from_db()
    assert started.completed_on is None


def test_form_completion_with_the_content_shows_the_result(world, client):
    started = _started(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.alice)

    response = client.post(f"/intake/assessments/{started.pk}/", {
        "intent": "complete", "outcome": "closed", "reason": "No need.",
        "completed_on": TODAY.isoformat(), **RESULT_FIELDS,
        "expected_version": started.version}, follow=True)

    text = response.content.decode()
    assert "Conclusions on the conditions for clienthood" in text
    assert RESULT_FIELDS["client_view"] in text
    assert Deadline.objects.get(code="assessment_completion").met_on == TODAY


# --- met late says so ---------------------------------------------------------------------------

def test_a_deadline_met_late_says_so_in_the_api_the_page_and_the_sweeper(world, client):
    """Received on Friday 19.12.2025: the decision was due Monday 5.1.2026 and is recorded on
    Tuesday 3.2.2026, 20 working days late (Epiphany 6.1. is not a working day)."""
    contact = _assessed(world, received_at=dt.datetime(2025, 12, 19, 15, 0, tzinfo=HELSINKI))
    services.contacts_assign(actor=world.iris, contact_ids=[contact.pk], assignee=world.iris)
    post = _api(client, world.iris)
    response = post(f"/contacts/{contact.pk}/initial-assessment",
                    {"outcome": "no_action", "reason": "Ei huolta.",
                     "informed_on": TODAY.isoformat()})
    assert response.status_code == 201, response.content
    decision = {d["code"]: d for d in response.json()["deadlines"]}["investigation_decision"]
    assert (decision["due_on"], decision["met_on"], decision["late_working_days"]) == (
        "2026-01-05", "2026-02-03", 20)

    result = sweep(TODAY, send_email=False)
    again = sweep(TODAY, send_email=False)

    # the urgency assessment (due on the opening day) and the decision were both met late
    assert (result.met_late, again.met_late) == (2, 0)
    notes = Notification.objects.filter(user=world.iris, key__endswith=":met_late",
                                        key__startswith=f"deadline:{_decision(contact).pk}:")
    assert [n.text for n in notes] == [
        f"Täytetty myöhässä: Arvioinnista päättäminen ja perheelle ilmoittaminen "
        f"(määräaika 5.1.2026, täytetty 3.2.2026, 20 arkipäivää myöhässä), "
        f"yhteydenotto {contact.pk}."]
    assert Notification.objects.filter(user=world.ilona, key__endswith=":met_late").exists()
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)
    page = client.get(f"/intake/contacts/{contact.pk}/").content.decode()
    assert "late by 20 working days" in page
    out = StringIO()
    call_command("sweep_deadlines", "--no-email", stdout=out)
    assert "met late 0" in out.getvalue()


def test_the_deadlines_command_says_when_a_deadline_was_met_late(settings):
    out = StringIO()
    call_command("deadlines", "--kind", "child_welfare_notification",
                 "--received", "2025-12-19T15:00", "--met", "investigation_decision=2026-01-07",
                 "--met", "urgency_assessment=2025-12-19", "--json", stdout=out)
    deadlines = {d["code"]: d for d in json.loads(out.getvalue())["deadlines"]}
    assert (deadlines["investigation_decision"]["met_on"],
            deadlines["investigation_decision"]["late_working_days"]) == ("2026-01-07", 1)
    assert deadlines["urgency_assessment"]["late_working_days"] == 0
    assert "met_on" not in deadlines["assessment_start"]

    table = StringIO()
    call_command("deadlines", "--kind", "child_welfare_notification",
                 "--received", "2025-12-19T15:00", "--met", "investigation_decision=2026-01-07",
                 stdout=table)
    assert "LATE by 1 working days" in table.getvalue()
