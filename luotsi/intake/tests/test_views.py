"""The intake pages over HTTP: who sees what, what each form does, bad input named by its field
with nothing saved, and query counts that do not grow with the queue."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import IdempotencyRecord
from luotsi.intake import queue_keys, services
from luotsi.intake.models import (
    Consultation,
    Contact,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
    Meeting,
    Notification,
    ServiceCatalogueItem,
)
from luotsi.intake.tests.factories import RESULT, RESULT_FIELDS
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.people.models import Person
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
NEW = "/intake/contacts/new/"
QUEUE = "/intake/queue/"
MY_WORK = "/intake/my-work/"
CASELOAD = "/intake/caseload/"


# --- the organisation -------------------------------------------------------------------------

@pytest.fixture
def intake_team(db):
    return TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                       kind=TeamKind.INTAKE, region=None)


@pytest.fixture
def east(team, municipality):
    """The conftest's assessment team, serving the region of Porvoo."""
    team.region = municipality.region
    team.save()
    return team


@pytest.fixture
def iw(intake_team):
    return UserFactory(username="iw", first_name="Iida", last_name="Intake",
                       role=Role.INTAKE_WORKER, teams=[intake_team])


@pytest.fixture
def iw2(intake_team):
    return UserFactory(username="iw2", first_name="Ilkka", last_name="Intake",
                       role=Role.INTAKE_WORKER, teams=[intake_team])


@pytest.fixture
def intake_lead(intake_team):
    return UserFactory(username="ilead", first_name="Inka", last_name="Lead",
                       role=Role.TEAM_LEAD, teams=[intake_team])


@pytest.fixture
def client_person(municipality):
    """The child of these tests (the conftest's client is an adult, who cannot be named as the
    child of a contact)."""
    return PersonFactory(first_name="Aino", last_name="Asiakas", municipality=municipality,
                         birth_date=dt.date(2015, 5, 5), street_address="Kotikatu 1",
                         postal_code="06100", post_office="Porvoo")


@pytest.fixture
def catalogue(municipality):
    item = ServiceCatalogueItem.objects.create(
        code="family-counselling", name_fi="Perheneuvola", name_sv="Familjerådgivning",
        name_en="Family counselling", provider="Itä-Uusimaa", provider_kind="public")
    item.municipalities.add(municipality)
    return item


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _register(actor, *, child=None, name=("Eino", "Esimerkki"), hours_ago=1, **kwargs):
    ref = (services.PersonRef(role="child", hetu=child.hetu) if child is not None else
           services.PersonRef(role="child", first_name=name[0], last_name=name[1],
                              temporary=True))
    data = {"kind": "child_welfare_notification", "channel": "phone",
            "received_at": timezone.now() - dt.timedelta(hours=hours_ago),
            "reporter_kind": "education", "reporter_name": "Opettaja Olli",
            "description": "Huoli lapsesta.", "persons": [ref], "municipality_code": "638"}
    data.update(kwargs)
    return services.contact_register(actor=actor, data=services.ContactInput(**data))


@pytest.fixture
def contact(iw, intake_team, east, client_person):
    return _register(iw, child=client_person)


def _routed(iw, contact):
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=iw, contact=contact,
                                       outcome="service_need_assessment",
                                       informed_on=timezone.localdate())
    contact.refresh_from_db()
    return contact


def _form(**overrides) -> dict:
    now = timezone.localtime(timezone.now() - dt.timedelta(minutes=30), HELSINKI)
    data = {
        "intent": "register", "kind": "child_welfare_notification", "clock": "",
        "channel": "phone", "received_date": now.strftime("%Y-%m-%d"),
        "received_time": now.strftime("%H:%M"), "reporter_kind": "education",
        "reporter_name": "Opettaja Olli", "reporter_organisation": "Koulu",
        "reporter_phone": "040 123", "description": "Lapsi kertoi huolestuttavia asioita.",
        "municipality_code": "638", "child-0-hetu": "", "child-0-first_name": "Eino",
        "child-0-last_name": "Esimerkki", "child-0-temporary": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _text(response) -> str:
    return response.content.decode()


def _nothing_saved(before_persons: int) -> None:
    assert Contact.objects.count() == 0
    assert Deadline.objects.count() == 0
    assert Person.objects.count() == before_persons


# --- registering a contact ----------------------------------------------------------------------

def test_register_page(en, iw, intake_team, municipality):
    en.force_login(iw)
    response = en.get(NEW)
    assert response.status_code == 200
    text = _text(response)
    assert 'name="child-3-hetu"' in text and 'name="guardian-1-hetu"' in text
    assert 'name="child-4-hetu"' not in text
    assert 'name="unborn-expected_birth_date"' in text
    assert '<option value="638">Porvoo (638)</option>' in text
    # The received time defaults to now, Finnish time.
    assert timezone.localtime(timezone.now(), HELSINKI).strftime("%Y-%m-%d") in text
    assert 'href="/intake/contacts/new/"' in text  # the nav link


def test_register_a_child_welfare_notification(en, iw, intake_team, east, client_person):
    en.force_login(iw)
    response = en.post(NEW, _form(**{
        "child-0-hetu": client_person.hetu, "child-0-temporary": None,
        "child-0-first_name": "", "child-0-last_name": "",
        "child-1-first_name": "Siiri", "child-1-last_name": "Sisar", "child-1-temporary": "on",
        "guardian-0-first_name": "Pekka", "guardian-0-last_name": "Isä",
        "guardian-0-temporary": "on", "reporter_protected": "on"}))
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/contacts/{contact.pk}/"
    assert contact.child == client_person
    assert contact.clock == "child_welfare_notification"  # the default of the kind
    assert sorted(contact.persons.values_list("role", flat=True)) == [
        "child", "child", "guardian"]
    assert Deadline.objects.filter(contact=contact).count() == 4
    assert contact.reporter_protected and contact.team.kind == TeamKind.INTAKE
    page = en.get(response["Location"])
    assert page.status_code == 200
    text = _text(page)
    assert "The contact was registered." in text
    assert "Not to be disclosed to the family." in text
    assert "Opettaja Olli" in text  # still visible to the worker
    assert f'href="/persons/{client_person.pk}/"' in text
    assert "LSL 26 § 5 mom." in text or "LSL 26" in text
    assert 'class="status status-' in text


def test_register_an_unborn_child_with_expectant_parent(en, iw, intake_team, east):
    en.force_login(iw)
    expected = timezone.localdate() + dt.timedelta(days=90)
    response = en.post(NEW, _form(**{
        "kind": "pre_birth_notification", "reporter_kind": "health_care",
        "child-0-first_name": "", "child-0-last_name": "", "child-0-temporary": None,
        "unborn-unborn": "on", "unborn-expected_birth_date": expected.isoformat(),
        "guardian-0-first_name": "Maija", "guardian-0-last_name": "Äiti",
        "guardian-0-temporary": "on"}))
    assert response.status_code == 302, _text(response)
    contact = Contact.objects.get()
    assert contact.clock == "pre_birth_notification"
    assert contact.child.expected_birth_date == expected
    assert sorted(contact.persons.values_list("role", flat=True)) == [
        "expectant_parent", "unborn"]
    assert list(contact.deadlines.values_list("code", flat=True)) == ["urgency_assessment"]


def test_register_twice_with_the_same_form_registers_once(en, iw, intake_team, east):
    en.force_login(iw)
    form = _form(idempotency_key="0123456789abcdef0123456789abcdef")
    first = en.post(NEW, form)
    second = en.post(NEW, form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1
    # the form's key is kept in the one idempotency store, with the contact's id only
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.path, record.response_body) == (
        iw, "web-0123456789abcdef0123456789abcdef", NEW, {"id": Contact.objects.get().pk})


def test_the_same_form_with_other_entries_is_refused_and_saves_nothing(en, iw, intake_team,
                                                                     east):
    en.force_login(iw)
    key = "0123456789abcdef0123456789abcdef"
    assert en.post(NEW, _form(idempotency_key=key)).status_code == 302

    again = en.post(NEW, _form(idempotency_key=key, description="Toinen asia."))

    assert again.status_code == 200
    assert "This form was already saved with other entries." in _text(again)
    assert Contact.objects.count() == 1


def test_another_workers_identical_form_key_neither_collides_nor_reveals(
        en, iw, iw2, intake_team, east):
    key = "0123456789abcdef0123456789abcdef"
    en.force_login(iw)
    first = en.post(NEW, _form(idempotency_key=key))
    en.force_login(iw2)
    other = en.post(NEW, _form(idempotency_key=key))
    assert first.status_code == other.status_code == 302
    assert other["Location"] != first["Location"]
    assert Contact.objects.count() == 2
    assert sorted(IdempotencyRecord.objects.values_list("user__username", flat=True)) == [
        "iw", "iw2"]


@pytest.mark.parametrize(("overrides", "field_id", "message"), [
    ({"received_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
     "id_received_time", "Time received: The received time cannot be in the future."),
    ({"child-0-first_name": "", "child-0-last_name": "", "child-0-temporary": None},
     "id_child-0-hetu", "Children concerned – Name at least one child"),
    ({"child-0-hetu": "131052-308X", "child-0-temporary": None},
     "id_child-0-hetu", "Child 1 – Personal identity code:"),
    ({"municipality_code": "999"}, "id_municipality_code", "Family&#x27;s municipality:"),
    ({"child-0-temporary": None}, "id_child-0-hetu",
     "Personal identity code: Enter the personal identity code, or tick that none is known."),
    ({"description": ""}, "id_description", "What was reported:"),
    ({"kind": "nonsense"}, "id_kind", "Kind of contact:"),
    ({"received_time": "25:99"}, "id_received_time", "Time received:"),
    ({"unborn-unborn": "on"}, "id_unborn-expected_birth_date",
     "Expected date of birth: Enter the expected date of birth."),
])
def test_register_bad_input_names_the_field_and_saves_nothing(
        en, iw, intake_team, east, overrides, field_id, message):
    before = Person.objects.count()
    en.force_login(iw)
    response = en.post(NEW, _form(**overrides))
    assert response.status_code == 200
    text = _text(response)
    assert 'class="error-summary" role="alert"' in text
    assert f'href="#{field_id}"' in text
    assert message in text, text[text.find("error-summary"):][:1500]
    _nothing_saved(before)


def test_register_time_that_does_not_exist_in_finnish_time(en, iw, intake_team, east):
    """The clocks go from 03:00 to 04:00 on the last Sunday of March."""
    before = Person.objects.count()
    en.force_login(iw)
    response = en.post(NEW, _form(received_date="2025-03-30", received_time="03:30"))
    assert "This time does not exist in Finnish time" in _text(response)
    _nothing_saved(before)


def test_register_in_finnish_names_the_field_in_finnish(client, iw, intake_team, east):
    client.force_login(iw)
    response = client.post(NEW, _form(municipality_code="999"))
    assert response.status_code == 200
    assert '<html lang="fi">' in _text(response)
    assert Contact.objects.count() == 0


def test_register_needs_a_professional(client, charlie):
    client.force_login(charlie)
    assert client.get(NEW).status_code == 403


def test_register_attaches_to_an_open_assessment_and_shows_duplicates(
        en, iw, intake_team, east, client_person):
    first = _routed(iw, _register(iw, child=client_person))
    en.force_login(iw)
    response = en.post(NEW, _form(**{
        "child-0-hetu": client_person.hetu, "child-0-temporary": None,
        "child-0-first_name": "", "child-0-last_name": ""}), follow=True)
    second = Contact.objects.exclude(pk=first.pk).get()
    assert second.assessment_id == first.assessment_id
    text = _text(response)
    assert "the contact was attached to it" in text
    assert "this contact was attached to it" in text
    assert "Probable duplicates" in text
    assert f'href="/intake/contacts/{first.pk}/"' in text


# --- the contact page ---------------------------------------------------------------------------

def test_contact_page_for_the_team_logs_one_view(en, iw, contact):
    en.force_login(iw)
    before = AccessLogEntry.objects.count()
    response = en.get(f"/intake/contacts/{contact.pk}/")
    assert response.status_code == 200
    views = AccessLogEntry.objects.filter(seq__gt=before, action=LogAction.VIEW)
    assert list(views.values_list("person_id", "category", "outcome")) == [
        (contact.child_id, Category.INTAKE, Outcome.ALLOWED)]
    text = _text(response)
    assert "Assess urgency" in text and "Not assessed yet: due immediately" in text
    assert 'name="expected_version" value="1"' in text


def test_contact_page_not_found_for_bob_and_refusal_logged(client, bob, contact):
    client.force_login(bob)
    before = AccessLogEntry.objects.count()
    assert client.get(f"/intake/contacts/{contact.pk}/").status_code == 404
    refused = AccessLogEntry.objects.filter(seq__gt=before).get()
    assert (refused.person_id, refused.outcome) == (contact.child_id, Outcome.REFUSED)
    assert client.post(f"/intake/contacts/{contact.pk}/",
                       {"intent": "urgency", "urgency": "urgent",
                        "urgency_note": "x"}).status_code == 404
    assert_refused(bob, contact.child_id)
    assert client.get("/intake/contacts/999999/").status_code == 404
    assert_refused(bob, None)
    contact.refresh_from_db()
    assert contact.urgency == ""


def test_urgency_recorded(en, iw, contact):
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "urgency", "urgency": "urgent", "urgency_note": "Lapsi yksin kotona.",
        "expected_version": "1"})
    assert response.status_code == 302
    # The page opens again at the saved section, which takes the focus (not at the top).
    assert response["Location"] == f"/intake/contacts/{contact.pk}/#urgency"
    page = en.get(response["Location"]).content.decode()
    assert '<section aria-labelledby="urgency-heading" id="urgency" tabindex="-1">' in page
    contact.refresh_from_db()
    assert contact.urgency == "urgent" and contact.urgency_by == iw
    assert contact.deadlines.get(code="urgency_assessment").status == DeadlineStatus.MET


def test_urgency_without_a_note_names_the_field(en, iw, contact):
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "urgency", "urgency": "urgent", "urgency_note": "", "expected_version": "1"})
    assert response.status_code == 200
    assert "Note: Write what makes the matter urgent" in _text(response)
    contact.refresh_from_db()
    assert contact.urgency == ""


def test_concurrent_edit_is_refused_with_a_clear_message(en, iw, iw2, contact):
    services.contact_assess_urgency(actor=iw2, contact=contact, urgency="not_urgent",
                                    expected_version=1)
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "urgency", "urgency": "urgent", "urgency_note": "Kiire.",
        "expected_version": "1"})
    assert response.status_code == 200
    assert "Someone else changed this contact meanwhile" in _text(response)
    contact.refresh_from_db()
    assert contact.urgency == "not_urgent" and contact.urgency_by == iw2


def test_initial_assessment_no_action_without_reason_names_the_field(en, iw, contact):
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="not_urgent")
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "no_action", "reason": "",
        "informed_on": timezone.localdate().isoformat(), "expected_version": "2"})
    assert response.status_code == 200
    text = _text(response)
    assert 'href="#id_reason"' in text
    assert "Summary and reasons: Write the reason for this outcome." in text
    assert InitialAssessment.objects.count() == 0
    contact.refresh_from_db()
    assert contact.status == "in_assessment"


def test_initial_assessment_routes_to_the_regional_team(en, iw, alice, bob, contact):
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="not_urgent")
    en.force_login(iw)
    today = timezone.localdate().isoformat()
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "service_need_assessment", "reason": "",
        "informed_on": today, "expected_version": "2"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "routed" and contact.assessment is not None
    assert contact.team.code == "east-assessment"
    text = _text(en.get(f"/intake/contacts/{contact.pk}/"))
    assert f'href="/intake/assessments/{contact.assessment_id}/"' in text
    # The regional team sees the assessment; bob's team does not.
    en.force_login(alice)
    assert en.get(f"/intake/assessments/{contact.assessment_id}/").status_code == 200
    en.force_login(bob)
    assert en.get(f"/intake/assessments/{contact.assessment_id}/").status_code == 404
    assert_refused(bob, contact.child_id)


def test_initial_assessment_referral_from_the_catalogue(en, iw, contact, catalogue):
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="not_urgent")
    en.force_login(iw)
    page = _text(en.get(f"/intake/contacts/{contact.pk}/"))
    assert '<option value="family-counselling">Family counselling' in page
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "referral", "referral_code": "family-counselling",
        "informed_on": timezone.localdate().isoformat(), "expected_version": "2"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "closed"
    assert contact.initial_assessment.referral == catalogue


def test_a_step_done_meanwhile_is_refused_visibly(en, iw, iw2, contact):
    services.contact_assess_urgency(actor=iw2, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=iw2, contact=contact, outcome="advice",
                                       reason="Neuvottu puhelimessa.",
                                       informed_on=contact.opened_on)
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "no_action", "reason": "Ei toimenpiteitä."})
    assert response.status_code == 200
    assert "The initial assessment is already recorded." in _text(response)
    assert InitialAssessment.objects.get().outcome == "advice"


def test_initial_assessment_before_urgency_is_refused(en, iw, contact):
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "initial", "outcome": "advice", "reason": "Neuvottu.",
        "expected_version": "1"})
    assert response.status_code == 200
    assert "Assess the urgency first." in _text(response)
    assert InitialAssessment.objects.count() == 0


def test_assign_from_the_contact_page(en, iw, iw2, bob, contact):
    en.force_login(iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "assign", "assignee": iw2.pk, "pair_worker": iw.pk})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.assignee, contact.pair_worker) == (iw2, iw)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "assign", "assignee": bob.pk})
    assert response.status_code == 200
    assert 'href="#id_assignee"' in _text(response)
    contact.refresh_from_db()
    assert contact.assignee == iw2


def test_a_form_posted_after_the_session_expired_comes_back(client, iw, contact):
    client.get("/login/")  # a session and a CSRF cookie, signed out
    client_csrf = client.cookies["csrftoken"].value
    response = client.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "urgency", "urgency": "urgent", "urgency_note": "Kiire, lapsi yksin.",
        "expected_version": "1", "csrfmiddlewaretoken": client_csrf})
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(iw)
    text = _text(client.get(f"/intake/contacts/{contact.pk}/"))
    assert "Kiire, lapsi yksin." in text
    contact.refresh_from_db()
    assert contact.urgency == ""


# --- the queues ---------------------------------------------------------------------------------

def test_queue_for_the_intake_team_urgent_first(en, iw, intake_team, east, client_person):
    calm = _register(iw, hours_ago=5)
    urgent = _register(iw, name=("Usko", "Urgent"), hours_ago=1)
    services.contact_assess_urgency(actor=iw, contact=urgent, urgency="urgent",
                                    note="Välitön vaara.")
    services.contact_assess_urgency(actor=iw, contact=calm, urgency="not_urgent")
    en.force_login(iw)
    response = en.get(QUEUE)
    assert response.status_code == 200
    text = _text(response)
    assert text.index("Usko Urgent") < text.index("Eino Esimerkki")
    assert '<option value="mine" selected>' in text  # the own teams by default
    assert 'class="status status-' in text
    listed = AccessLogEntry.objects.filter(action=LogAction.LIST, detail="intake queue")
    assert set(listed.values_list("person_id", flat=True)) == {calm.child_id, urgent.child_id}
    assert set(listed.values_list("basis", flat=True)) == {"intake"}


def test_queue_filters(en, iw, iw2, intake_team, east, client_person):
    child_welfare = _register(iw)
    shl = _register(iw, name=("Sanni", "Sosiaali"), kind="shl_contact")
    services.contacts_assign(actor=iw, contact_ids=[shl.pk], assignee=iw2)
    en.force_login(iw)
    by_kind = _text(en.get(QUEUE, {"kind": "shl_contact"}))
    assert "Sanni Sosiaali" in by_kind and "Eino Esimerkki" not in by_kind
    by_worker = _text(en.get(QUEUE, {"worker": iw2.pk}))
    assert "Sanni Sosiaali" in by_worker and "Eino Esimerkki" not in by_worker
    unassigned = _text(en.get(QUEUE, {"unassigned": "on"}))
    assert "Eino Esimerkki" in unassigned and "Sanni Sosiaali" not in unassigned
    regional = _text(en.get(QUEUE, {"team": east.pk}))
    assert "No contacts in this queue." in regional
    # The stored status depends on the hour the test runs (the urgency assessment is due on the
    # Helsinki opening day): whatever it is, the contact shows under it and under no other.
    stored = Contact.objects.get(pk=child_welfare.pk).deadline_status
    for status in ("overdue", "due_soon", "on_time"):
        page = _text(en.get(QUEUE, {"status": status, "kind": "child_welfare_notification"}))
        assert ("Eino Esimerkki" in page) is (status == stored), (status, stored)
        if status == stored:
            assert f"status-{stored}" in page
    assert child_welfare.pk


def test_queue_bad_filter_is_reported_not_a_500(en, iw, intake_team):
    en.force_login(iw)
    response = en.get(QUEUE, {"team": "abc", "status": "whatever", "page": "x"})
    assert response.status_code == 200
    assert 'href="#id_team"' in _text(response)


def test_queue_bulk_assign_only_visible_contacts(en, iw, iw2, bob, intake_team, east):
    mine = [_register(iw, name=("Lapsi", f"Numero{i}")) for i in range(3)]
    other_team = TeamFactory(code="other-intake", kind=TeamKind.INTAKE)
    outsider = UserFactory(username="outsider", role=Role.INTAKE_WORKER, teams=[other_team])
    en.force_login(iw)
    response = en.post(f"{QUEUE}?team={intake_team.pk}", {
        "intent": "assign", "ids": [c.pk for c in mine[:2]], "assignee": iw2.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?team={intake_team.pk}"
    assert set(Contact.objects.filter(assignee=iw2).values_list("pk", flat=True)) == {
        mine[0].pk, mine[1].pk}
    # Nothing chosen: the field is named and nothing changes.
    response = en.post(QUEUE, {"intent": "assign", "assignee": iw2.pk})
    assert response.status_code == 200
    assert "Contacts: Choose at least one contact." in _text(response)
    # Someone who cannot see the contacts assigns nothing.
    en.force_login(outsider)
    response = en.post(QUEUE, {"intent": "assign", "ids": [mine[2].pk], "assignee": outsider.pk})
    assert response.status_code == 200
    assert Contact.objects.get(pk=mine[2].pk).assignee is None


def test_queue_for_bob_shows_nothing(en, bob, contact):
    en.force_login(bob)
    response = en.get(QUEUE)
    assert response.status_code == 200
    assert contact.child.last_name not in _text(response)


QUEUE_MAX_QUERIES = 22  # session, user, teams, filter choices, count, page, deadlines, log


def _queue_queries(client, user, assert_max) -> int:
    client.force_login(user)
    client.get(QUEUE)  # warm up (session, content types)
    with assert_max(QUEUE_MAX_QUERIES) as captured:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(captured)


def test_queue_query_count_does_not_grow(en, iw, iw2, intake_team, east,
                                         django_assert_max_num_queries):
    for i in range(10):
        _register(iw, name=("Lapsi", f"Numero{i}"))
    small = _queue_queries(en, iw, django_assert_max_num_queries)
    for i in range(10, 60):
        contact = _register(iw, name=("Lapsi", f"Numero{i}"))
        if i % 3 == 0:
            services.contacts_assign(actor=iw, contact_ids=[contact.pk], assignee=iw2,
                                     pair_worker=iw)
        if i % 4 == 0:
            services.contact_assess_urgency(actor=iw, contact=contact, urgency="urgent",
                                            note="Kiire.")
    large = _queue_queries(en, iw, django_assert_max_num_queries)
    assert small == large, (small, large)
    text = _text(en.get(QUEUE))
    assert "60 contacts" in text and "Page 1 of 2" in text
    assert text.count('name="ids"') == 50
    assert _text(en.get(QUEUE, {"team": intake_team.pk, "page": 2})).count('name="ids"') == 10


def test_a_long_queue_is_counted_only_so_far(en, iw, intake_team, east, monkeypatch):
    from luotsi.intake.views import queues as views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "QUEUE_COUNT_LIMIT", 3)
    for i in range(10):
        _register(iw, name=("Lapsi", f"Numero{i}"))
    en.force_login(iw)
    text = _text(en.get(QUEUE))
    assert "More than 4 contacts" in text and "Page 1<" in text and "Next page" in text
    assert text.count('name="ids"') == 2
    # Further pages stay reachable: the count goes one page beyond the page asked for.
    text = _text(en.get(QUEUE, {"team": intake_team.pk, "page": 5}))
    assert text.count('name="ids"') == 2 and "10 contacts" in text and "Page 5 of 5" in text


# --- my work --------------------------------------------------------------------------------------

def test_my_work(en, iw, iw2, contact):
    services.contacts_assign(actor=iw, contact_ids=[contact.pk], assignee=iw)
    note = Notification.objects.create(user=iw, text="Overdue: Assess urgency", key="k1",
                                       link=f"/intake/contacts/{contact.pk}/")
    others = Notification.objects.create(user=iw2, text="Not yours", key="k2")
    en.force_login(iw)
    response = en.get(MY_WORK)
    assert response.status_code == 200
    text = _text(response)
    assert "Overdue: Assess urgency" in text and "Not yours" not in text
    assert "Assess urgency" in text and contact.child.full_name in text
    assert en.post(MY_WORK, {"intent": "read", "ids": [note.pk, others.pk]}).status_code == 302
    note.refresh_from_db()
    others.refresh_from_db()
    assert note.read_at is not None and others.read_at is None
    assert "No unread notifications." in _text(en.get(MY_WORK))


def _my_work_queries(client, user, assert_max) -> int:
    client.force_login(user)
    client.get(MY_WORK)
    with assert_max(21) as captured:  # PostgreSQL adds the access-log chain lock
        assert client.get(MY_WORK).status_code == 200
    return len(captured)


def test_my_work_query_count_does_not_grow(en, iw, intake_team, east,
                                           django_assert_max_num_queries):
    def add(count):
        for i in range(count):
            contact = _register(iw, name=("Lapsi", f"Numero{i}"))
            services.contacts_assign(actor=iw, contact_ids=[contact.pk], assignee=iw)

    add(2)
    small = _my_work_queries(en, iw, django_assert_max_num_queries)
    add(10)
    assert _my_work_queries(en, iw, django_assert_max_num_queries) == small


# --- the service-need assessment -------------------------------------------------------------------

@pytest.fixture
def assessment(iw, contact):
    return _routed(iw, contact).assessment


def test_assessment_page_logs_one_view_and_404_for_bob(en, alice, bob, assessment):
    en.force_login(alice)
    before = AccessLogEntry.objects.count()
    response = en.get(f"/intake/assessments/{assessment.pk}/")
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(seq__gt=before, action=LogAction.VIEW).count() == 1
    text = _text(response)
    assert "Start the service-need assessment" in text and "due by" in text
    en.force_login(bob)
    assert en.get(f"/intake/assessments/{assessment.pk}/").status_code == 404
    assert_refused(bob, assessment.child_id)
    assert en.get("/intake/assessments/999999/").status_code == 404
    assert_refused(bob, None)


def test_assessment_start_meeting_consultation_complete(en, alice, lead, assessment):
    url = f"/intake/assessments/{assessment.pk}/"
    today = timezone.localdate().isoformat()
    en.force_login(alice)
    assert en.post(url, {"intent": "start", "started_on": today,
                         "pair_worker": lead.pk}).status_code == 302
    assert en.post(url, {"intent": "meeting", "kind": "home_visit", "held_on": today,
                         "participants": "Äiti, lapsi", "notes": "Kotikäynti."}).status_code == 302
    assert en.post(url, {"intent": "consultation", "expert": "Koulukuraattori",
                         "question": "Miten lapsi voi koulussa?"}).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.worker, assessment.pair_worker) == (alice, lead)
    assert Meeting.objects.count() == Consultation.objects.count() == 1
    # Without the responsible worker and the date the family was informed: both named.
    response = en.post(url, {"intent": "complete", "outcome": "child_welfare_client",
                             "reason": "Tarve lastensuojelulle.", "completed_on": today,
                             "responsible_worker": "", "informed_on": "", **RESULT_FIELDS,
                             "expected_version": str(assessment.version)})
    assert response.status_code == 200
    text = _text(response)
    assert 'href="#id_responsible_worker"' in text and 'href="#id_informed_on"' in text
    assessment.refresh_from_db()
    assert assessment.completed_on is None
    response = en.post(url, {"intent": "complete", "outcome": "child_welfare_client",
                             "reason": "Tarve lastensuojelulle.", "completed_on": today,
                             "responsible_worker": alice.pk, "informed_on": today,
                             **RESULT_FIELDS, "expected_version": str(assessment.version)})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.outcome == "child_welfare_client"
    assert assessment.responsible_worker == alice
    text = _text(en.get(url))
    assert "Responsible worker (omatyöntekijä)" in text and "Kotikäynti." in text


def test_assessment_bad_input_names_the_field(en, alice, assessment):
    url = f"/intake/assessments/{assessment.pk}/"
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    en.force_login(alice)
    response = en.post(url, {"intent": "start", "started_on": future})
    assert "Assessment started: The start date cannot be in the future." in _text(response)
    response = en.post(url, {"intent": "meeting", "kind": "office", "held_on": "",
                             "notes": ""})
    assert 'href="#id_held_on"' in _text(response) and 'href="#id_notes"' in _text(response)
    assessment.refresh_from_db()
    assert assessment.started_on is None and Meeting.objects.count() == 0


# --- caseload ---------------------------------------------------------------------------------

def test_caseload_for_the_team_lead_only(en, iw, iw2, intake_lead, intake_team, east):
    contacts = [_register(iw, name=("Lapsi", f"Numero{i}")) for i in range(3)]
    services.contacts_assign(actor=iw, contact_ids=[c.pk for c in contacts], assignee=iw)
    en.force_login(iw)
    assert en.get(CASELOAD).status_code == 403
    en.force_login(intake_lead)
    response = en.get(CASELOAD)
    assert response.status_code == 200
    assert "Iida Intake" in _text(response)
    response = en.post(CASELOAD, {"intent": "preview", "from_user": iw.pk,
                                  "to_user": iw.pk})
    assert "New worker: Choose another worker" in _text(response)
    response = en.post(CASELOAD, {"intent": "preview", "from_user": iw.pk,
                                  "to_user": iw2.pk})
    assert 'id="caseload-preview"' in _text(response)
    assert not Contact.objects.filter(assignee=iw2).exists()  # the preview moves nothing
    fingerprint = response.context["fingerprint"]
    response = en.post(CASELOAD, {"intent": "confirm", "from_user": iw.pk, "to_user": iw2.pk,
                                  "fingerprint": fingerprint}, follow=True)
    assert "3 open contacts moved from Iida Intake to Ilkka Intake." in _text(response)
    assert Contact.objects.filter(assignee=iw2).count() == 3


# --- home ---------------------------------------------------------------------------------------

def test_home_shows_what_needs_doing_in_intake(en, iw, contact):
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="urgent", note="Kiire.")
    services.contacts_assign(actor=iw, contact_ids=[contact.pk], assignee=iw)
    Deadline.objects.filter(contact=contact, code="investigation_decision").update(
        status=DeadlineStatus.OVERDUE)
    Notification.objects.create(user=iw, text="x", key="k")
    en.force_login(iw)
    text = _text(en.get("/"))
    assert "1 of your deadlines is overdue" in text
    assert "1 urgent contact waits in your team's queue" in text
    assert "You have 1 unread notification" in text



# --- stored queue keys, versions, team checks ----------------------------------------------------

def _keys(contact) -> tuple:
    contact.refresh_from_db()
    return contact.queue_rank, contact.next_due_on, contact.deadline_status


def test_services_keep_the_queue_keys_and_closing_makes_deadlines_not_needed(iw, contact):
    due = {d.code: d.due_on for d in contact.deadlines.all()}
    rank, next_due, _status = _keys(contact)
    assert (rank, next_due) == (2, due["urgency_assessment"])  # not yet assessed
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="urgent",
                                    note="Välitön vaara.")
    rank, next_due, status = _keys(contact)
    assert (rank, next_due) == (0, due["investigation_decision"])
    assert status in ("on_time", "due_soon")
    services.initial_assessment_record(actor=iw, contact=contact, outcome="advice",
                                       reason="Neuvottu.", expected_version=contact.version,
                                       informed_on=contact.opened_on)
    contact.refresh_from_db()
    assert contact.status == "closed" and contact.deadline_status == "not_needed"
    assert contact.initial_outcome == "advice"  # copied for the key figures
    unmet = contact.deadlines.filter(met_on__isnull=True)
    assert unmet.exists()
    assert set(unmet.values_list("status", flat=True)) == {DeadlineStatus.NOT_NEEDED}


def test_queue_orders_by_the_stored_keys_and_the_sweeper_keeps_them(en, iw, contact):
    from luotsi.intake import sweeper

    later = _register(iw, name=("Late", "Later"), hours_ago=0)
    services.contact_assess_urgency(actor=iw, contact=later, urgency="not_urgent")
    urgent = _register(iw, name=("Usko", "Urgent"), hours_ago=0)
    services.contact_assess_urgency(actor=iw, contact=urgent, urgency="urgent", note="Heti.")
    en.force_login(iw)
    rows = en.get(QUEUE).context["rows"]
    assert [r["contact"].pk for r in rows] == [urgent.pk, contact.pk, later.pk]
    # Ten days later the deadlines have passed: the sweeper marks them and the stored status.
    Deadline.objects.filter(contact=later, met_on__isnull=True).update(
        due_on=timezone.localdate() - dt.timedelta(days=1))
    sweeper.update_statuses(timezone.localdate())
    later.refresh_from_db()
    assert later.deadline_status == "overdue"
    overdue = en.get(QUEUE, {"status": "overdue"}).context["rows"]
    assert later.pk in [r["contact"].pk for r in overdue]
    assert all(r["status"] == "overdue" for r in overdue)


def test_queue_assignment_of_a_contact_changed_meanwhile_is_refused(en, iw, iw2, contact):
    en.force_login(iw)
    seen = contact.version
    services.contacts_assign(actor=iw2, contact_ids=[contact.pk], assignee=iw2)  # meanwhile
    response = en.post(QUEUE, {"intent": "assign", "ids": [str(contact.pk)],
                               f"version-{contact.pk}": str(seen), "assignee": iw.pk},
                       follow=True)
    assert response.status_code == 200
    assert "Someone else changed 1 of the chosen contacts meanwhile" in _text(response)
    contact.refresh_from_db()
    assert contact.assignee == iw2  # nothing was assigned
    # With the current version it goes through.
    response = en.post(QUEUE, {"intent": "assign", "ids": [str(contact.pk)],
                               f"version-{contact.pk}": str(contact.version),
                               "assignee": iw.pk})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.assignee == iw


def test_contact_page_assignment_checks_the_version(en, iw, iw2, contact):
    en.force_login(iw)
    page = en.get(f"/intake/contacts/{contact.pk}/")
    assert f'name="expected_version" value="{contact.version}"' in _text(page)
    services.contacts_assign(actor=iw2, contact_ids=[contact.pk], assignee=iw2)
    response = en.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "assign", "assignee": iw.pk, "expected_version": str(contact.version)},
        follow=True)
    assert "Someone else changed 1 of the chosen contacts meanwhile" in _text(response)
    contact.refresh_from_db()
    assert contact.assignee == iw2


def test_assessment_services_need_a_member_of_the_team(iw, bob, alice, assessment):
    from django.core.exceptions import PermissionDenied

    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=bob, assessment=assessment, started_on=today)
    with pytest.raises(PermissionDenied):
        services.meeting_add(actor=iw, assessment=assessment, kind="office", held_on=today,
                             notes="Tapaaminen.")
    assessment.refresh_from_db()
    assert assessment.started_on is None and not assessment.meetings.exists()
    services.assessment_start(actor=alice, assessment=assessment, started_on=today)


def test_closing_an_assessment_without_a_client_relationship_ends_the_teams_access(
        alice, assessment):
    from luotsi.access.models import ClientRelationship

    today = timezone.localdate()
    assessment = services.assessment_start(actor=alice, assessment=assessment,
                                           started_on=today)
    services.assessment_complete(actor=alice, assessment=assessment, outcome="closed",
                                 reason="Ei tarvetta.", completed_on=today,
                                 result=RESULT)
    case = ClientRelationship.objects.filter(source=f"intake.Assessment:{assessment.pk}")
    assert case.exists()
    limit = timezone.now() + dt.timedelta(days=services.CLOSED_ACCESS_DAYS, minutes=1)
    assert all(r.ends_at is not None and r.ends_at <= limit for r in case)


def test_register_with_the_priority_adult_clock(en, iw, intake_team, east):
    en.force_login(iw)
    page = _text(en.get(NEW))
    assert 'value="shl_priority_adult"' in page
    response = en.post(NEW, _form(kind="shl_contact", clock="shl_priority_adult"))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.clock == "shl_priority_adult"
    assert sorted(contact.deadlines.values_list("code", flat=True)) == [
        "assessment_start", "urgency_assessment"]
    assert set(contact.deadlines.values_list("basis", flat=True)) == {
        "SHL 36 § 1 mom.", "SHL 36 § 3 mom."}


# --- work that must be possible: hand-over, a settled urgency, late answers, next steps ---------

def test_queue__a_lead_hands_a_row_to_a_worker_of_another_of_their_teams(
        en, iw, intake_lead, intake_team, east, alice, contact):
    intake_lead.teams.add(east)
    en.force_login(intake_lead)
    text = _text(en.get(QUEUE))
    # Every worker of the lead's teams is offered, each with their team.
    assert f'<option value="{alice.pk}">Alice Aalto (Itäinen arviointitiimi)</option>' in text
    assert f'<option value="{iw.pk}">Iida Intake (Lapsiperheiden asiakasohjaus)</option>' in text
    # The contact page's assignment offers them too.
    page = _text(en.get(f"/intake/contacts/{contact.pk}/"))
    assert f'<option value="{alice.pk}">Alice Aalto (Itäinen arviointitiimi)</option>' in page
    response = en.post(QUEUE, {"intent": "assign", "ids": [contact.pk], "assignee": alice.pk,
                               f"version-{contact.pk}": contact.version})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.assignee == alice and contact.team == intake_team
    # The worker handed the contact sees it, on a relationship of their own (logged).
    en.force_login(alice)
    assert en.get(f"/intake/contacts/{contact.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(detail__contains=f"intake.Contact:{contact.pk}",
                                         category=Category.RELATIONSHIPS).exists()


def test_queue__a_worker_cannot_hand_a_row_outside_its_team(en, iw, alice, east, contact):
    en.force_login(iw)
    response = en.post(QUEUE, {"intent": "assign", "ids": [contact.pk], "assignee": alice.pk,
                               f"version-{contact.pk}": contact.version})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.assignee is None


def test_contact__urgency_settled_once_routed(en, iw, contact):
    url = f"/intake/contacts/{contact.pk}/"
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="urgent",
                                    note="Lapsi ei ole turvassa.")
    en.force_login(iw)
    assert 'name="intent" value="urgency"' in _text(en.get(url))  # still changeable
    services.initial_assessment_record(actor=iw, contact=contact,
                                       outcome="service_need_assessment",
                                       informed_on=timezone.localdate())
    contact.refresh_from_db()
    text = _text(en.get(url))
    assert 'name="intent" value="urgency"' not in text
    assert 'id="urgency-recorded"' in text and "Lapsi ei ole turvassa." in text
    response = en.post(url, {"intent": "urgency", "urgency": "not_urgent", "urgency_note": "",
                             "expected_version": contact.version})
    assert response.status_code == 200
    assert "The urgency can no longer be changed" in _text(response)
    contact.refresh_from_db()
    assert contact.urgency == "urgent"


def test_contact__an_attached_contact_gets_its_urgency_once(en, iw, alice, contact):
    """A contact attached to an open assessment is not assessed yet: its urgency is recorded
    once, then settled."""
    _routed(iw, contact)
    second = _register(iw, child=contact.child, reporter_name="Naapuri")
    assert second.assessment_id == contact.assessment_id and not second.urgency
    services.contact_assess_urgency(actor=alice, contact=second, urgency="not_urgent")
    with pytest.raises(ValidationError) as exc:
        services.contact_assess_urgency(actor=alice, contact=second, urgency="urgent",
                                        note="Muutos.")
    assert set(exc.value.message_dict) == {"urgency"}


def _completed(alice, assessment, outcome="child_welfare_client"):
    today = timezone.localdate()
    assessment = services.assessment_start(actor=alice, assessment=assessment, started_on=today)
    consultation = services.consultation_add(actor=alice, assessment=assessment,
                                             expert="Koulukuraattori",
                                             question="Miten lapsi voi koulussa?")
    services.assessment_complete(actor=alice, assessment=assessment, outcome=outcome,
                                 reason="Tarve.", completed_on=today, responsible_worker=alice,
                                 informed_on=today,
                                 result=RESULT)
    return consultation


def test_assessment__the_answer_to_a_consultation_is_recorded_after_completion(
        en, alice, bob, assessment):
    consultation = _completed(alice, assessment)
    url = f"/intake/assessments/{assessment.pk}/"
    en.force_login(alice)
    text = _text(en.get(url))
    assert 'name="intent" value="answer"' in text
    assert f'id="id_answer-{consultation.pk}-answer"' in text
    # No answer: the field is named, nothing is saved.
    response = en.post(url, {"intent": "answer", "consultation": consultation.pk, "answer": ""})
    assert response.status_code == 200
    assert f'href="#id_answer-{consultation.pk}-answer"' in _text(response)
    response = en.post(url, {"intent": "answer", "consultation": consultation.pk,
                             "answer": "Lapsi on ollut poissa koulusta."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.answer == "Lapsi on ollut poissa koulusta."
    assert consultation.answered_by == alice and consultation.answered_at is not None
    assert AccessLogEntry.objects.filter(
        detail=f"consultation {consultation.pk} answer recorded after completion").exists()
    text = _text(en.get(url))
    assert "Lapsi on ollut poissa koulusta." in text and 'value="answer"' not in text
    # Once recorded, an answer is not replaced; outsiders are not found.
    response = en.post(url, {"intent": "answer", "consultation": consultation.pk,
                             "answer": "Toinen."})
    assert "The answer is already recorded." in _text(response)
    en.force_login(bob)
    assert en.post(url, {"intent": "answer", "consultation": consultation.pk,
                         "answer": "x"}).status_code == 404
    assert_refused(bob, assessment.child_id)


@pytest.mark.parametrize(("outcome", "steps"), [
    ("child_welfare_client", {"next-clienthood", "next-plan"}),
    ("family_social_services", {"next-plan"}),
    ("closed", set()),
])
def test_assessment__completed_offers_the_next_step(en, alice, assessment, outcome, steps):
    _completed(alice, assessment, outcome)
    en.force_login(alice)
    text = _text(en.get(f"/intake/assessments/{assessment.pk}/"))
    child = assessment.child_id
    assert ('id="next-heading"' in text) == bool(steps)
    if "next-plan" in steps:
        assert f'href="/plans/person/{child}/" id="next-plan"' in text
    if "next-clienthood" in steps:
        assert f'href="/persons/{child}/#rel-heading" id="next-clienthood"' in text


def test_caseload__a_preview_shows_what_moves_to_whom_before_anything_moves(
        en, iw, iw2, intake_lead, intake_team, east, alice):
    intake_lead.teams.add(east)
    iw2.teams.add(east)
    contacts = [_register(iw, name=("Lapsi", f"Numero{i}")) for i in range(2)]
    services.contacts_assign(actor=iw, contact_ids=[c.pk for c in contacts], assignee=iw)
    en.force_login(intake_lead)
    text = _text(en.get(CASELOAD))
    # The worker lists show the teams.
    assert "Ilkka Intake (Itäinen arviointitiimi, Lapsiperheiden asiakasohjaus)" in text \
        or "Ilkka Intake (Lapsiperheiden asiakasohjaus, Itäinen arviointitiimi)" in text
    response = en.post(CASELOAD, {"intent": "preview", "from_user": iw.pk,
                                  "to_user": iw2.pk})
    text = _text(response)
    assert "These move from Iida Intake to Ilkka Intake:" in text
    assert "2 open contacts" in text and "Lapsi Numero0" in text and "Lapsi Numero1" in text
    assert not Contact.objects.filter(assignee=iw2).exists()
    fingerprint = response.context["fingerprint"]
    # A contact assigned after the preview: the move is refused until previewed again.
    late = _register(iw, name=("Lapsi", "Myöhäinen"))
    services.contacts_assign(actor=iw, contact_ids=[late.pk], assignee=iw)
    response = en.post(CASELOAD, {"intent": "confirm", "from_user": iw.pk, "to_user": iw2.pk,
                                  "fingerprint": fingerprint})
    assert "The caseload changed after the preview." in _text(response)
    assert "Lapsi Myöhäinen" in _text(response)
    assert not Contact.objects.filter(assignee=iw2).exists()
    response = en.post(CASELOAD, {"intent": "confirm", "from_user": iw.pk, "to_user": iw2.pk,
                                  "fingerprint": response.context["fingerprint"]})
    assert response.status_code == 302
    assert Contact.objects.filter(assignee=iw2).count() == 3


# --- lateness stays shown once a deadline is met -------------------------------------------------

def test_a_deadline_met_late_keeps_its_lateness(en, iw, intake_team, east, time_machine):
    """A notification received on Thursday 3.12.2026 is assessed on Friday: its urgency
    assessment (due "immediately", the opening day) was met one working day late; the contact
    page, the API and, once every deadline is met, the queue and my work say so."""
    time_machine.move_to(dt.datetime(2026, 12, 3, 10, 0, tzinfo=HELSINKI), tick=False)
    contact = _register(iw, hours_ago=1)
    time_machine.move_to(dt.datetime(2026, 12, 4, 9, 0, tzinfo=HELSINKI), tick=False)
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="not_urgent")
    services.contacts_assign(actor=iw, contact_ids=[contact.pk], assignee=iw)
    en.force_login(iw)
    text = _text(en.get(f"/intake/contacts/{contact.pk}/"))
    assert "late by 1 working day" in text
    assert text.count('class="late"') == 1  # only the urgency assessment
    # Every deadline met (the rest in time): the rows of the queue and my work keep it.
    Deadline.objects.filter(contact=contact, met_on__isnull=True).update(
        met_on=dt.date(2026, 12, 4), status=DeadlineStatus.MET)
    queue_keys.refresh([contact.pk])
    assert "late by 1 working day" in _text(en.get(QUEUE))
    assert "late by 1 working day" in _text(en.get(MY_WORK))


def test_assessment_rows_posted_twice_are_saved_once(en, alice, assessment):
    """The meeting, consultation, support and referral forms of the assessment page carry their
    own key: the same form posted twice saves one row; with other entries it is refused on the
    form, nothing saved."""
    from luotsi.api.models import IdempotencyRecord
    from luotsi.intake.models import AssessmentSupport, Meeting

    worker = alice
    en.force_login(worker)
    page = f"/intake/assessments/{assessment.pk}/"
    form = en.get(page).content.decode()
    keys = __import__("re").findall(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
    assert len(keys) >= 4 and len(set(keys)) == len(keys)

    today = timezone.localdate().isoformat()
    meeting = {"intent": "meeting", "kind": "office", "held_on": today, "notes": "Tapaaminen.",
               "idempotency_key": "1" * 32}
    saved = en.post(page, meeting)
    assert saved.status_code == 302 and saved["Location"].endswith("/#meetings")
    assert en.post(page, meeting).status_code == 302
    assert Meeting.objects.filter(assessment=assessment).count() == 1
    refused = en.post(page, {**meeting, "notes": "Toinen."})
    assert refused.status_code == 200
    assert "already saved with other entries" in refused.content.decode()
    assert Meeting.objects.filter(assessment=assessment).count() == 1

    support = {"intent": "support", "measure": "other", "started_on": today, "note": "Tuki.",
               "idempotency_key": "2" * 32}
    saved = en.post(page, support)
    assert saved.status_code == en.post(page, support).status_code == 302
    assert saved["Location"].endswith("/#support")
    assert AssessmentSupport.objects.filter(assessment=assessment).count() == 1
    assert IdempotencyRecord.objects.filter(user=worker, key__startswith="web-").count() == 2
    # without a key (a page from before the key), each post saves
    assert en.post(page, {**meeting, "idempotency_key": ""}).status_code == 302
    assert Meeting.objects.filter(assessment=assessment).count() == 2
