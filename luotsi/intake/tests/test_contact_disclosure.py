"""Registering a contact tells the registrant only what they may see, and the persons' roles
fit their ages — through the API and through the registration form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Contact, ContactPerson
from luotsi.intake.tests.factories import build_world, professional
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import TeamFactory
from luotsi.people.models import Person
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
NEW = "/intake/contacts/new/"


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    employment_team = TeamFactory(code="employment-services", kind=TeamKind.UNIT,
                                  service_task="employment", region=None)
    world.extra["employment"] = professional(
        username="employment", first_name="Eero", role=Role.EMPLOYMENT_COORDINATOR,
        teams=[employment_team])
    return world


@pytest.fixture
def assessed_child(world):
    """The world's child with an open service-need assessment of the east team."""
    contact = services.contact_register(actor=world.iris, data=services.ContactInput(
        kind="child_welfare_notification", channel="phone",
        received_at=NOW - dt.timedelta(days=1), reporter_kind="education",
        description="Huoli lapsesta.", municipality_code="638",
        persons=[services.PersonRef(role="child", person_id=world.child.pk)]))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment",
                                       informed_on=NOW.date())
    contact.refresh_from_db()
    assert contact.assessment_id is not None
    return world.child


def _post(client, user, body: dict):
    token = ApiToken.issue(user)[1]
    return client.post("/api/v1/contacts", json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def _body(*persons, kind="child_welfare_notification") -> dict:
    return {"kind": kind, "channel": "phone", "received_at": "2026-02-03T09:15:00+02:00",
            "reporter_kind": "social_services",
            "description": "Asiakkaan lapsi vaikuttaa laiminlyödyltä.",
            "municipality_code": "638", "persons": list(persons)}


HIDDEN = {"status": None, "urgency": None, "team": None, "assignee_id": None,
          "pair_worker_id": None, "assessment_id": None, "deadlines": [], "visible": False}


# --- what the registrant is told -----------------------------------------------------------------

def test_api__a_contact_about_a_child_the_caller_cannot_see_answers_nothing_of_the_child(
        client, world, assessed_child):
    employment = world.extra["employment"]
    response = _post(client, employment, _body({"role": "child", "person_id": assessed_child.pk}))
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in HIDDEN} == HIDDEN
    # The contact itself is handled as always: attached to the child's open assessment.
    contact = Contact.objects.get(pk=body["id"])
    assert contact.assessment_id is not None and contact.team_id == world.east.pk

    # A child without any history gets exactly the same kind of answer.
    other = PersonFactory(birth_date=dt.date(2016, 3, 3), municipality=world.porvoo)
    plain = _post(client, employment, _body({"role": "child", "person_id": other.pk})).json()
    assert set(plain) == set(body)
    assert {k: plain[k] for k in HIDDEN} == HIDDEN
    assert {k: v for k, v in plain.items() if k != "id"} == \
        {k: v for k, v in body.items() if k != "id"}


def test_api__the_intake_worker_still_sees_the_whole_state(client, world, assessed_child):
    response = _post(client, world.iris, _body({"role": "child", "person_id": assessed_child.pk}))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["visible"] is True
    assert body["assessment_id"] is not None and body["team"]["code"] == "assessment-east"
    assert body["deadlines"]


def test_form__a_contact_about_a_child_the_caller_cannot_see_tells_nothing_of_the_child(
        client, world, assessed_child):
    client.cookies["django_language"] = "en"
    client.force_login(world.extra["employment"])
    when = timezone.localtime(NOW - dt.timedelta(minutes=30), HELSINKI)
    response = client.post(NEW, {
        "intent": "register", "kind": "child_welfare_notification", "clock": "",
        "channel": "phone", "received_date": when.strftime("%Y-%m-%d"),
        "received_time": when.strftime("%H:%M"), "reporter_kind": "social_services",
        "reporter_name": "Eero", "description": "Huoli lapsesta.", "municipality_code": "638",
        "child-0-hetu": assessed_child.hetu}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "The contact was passed to the central intake team." in text
    assert "open service-need assessment" not in text
    assert "probable duplicates" not in text.lower()
    assert Contact.objects.filter(registered_by=world.extra["employment"]).count() == 1


# --- roles and ages ------------------------------------------------------------------------------

def test_api__an_adult_is_refused_as_a_child_and_nothing_is_saved(client, world):
    adult = PersonFactory(birth_date=dt.date(1985, 6, 1), municipality=world.porvoo)
    before = (Contact.objects.count(), Person.objects.count())
    response = _post(client, world.iris, _body({"role": "child", "person_id": adult.pk}))
    assert response.status_code == 422, response.content
    fields = {f["field"]: f["message"] for f in response.json()["error"]["fields"]}
    assert set(fields) == {"persons.0.role"}
    assert "18" in fields["persons.0.role"]
    # A new person identified by an adult's identity code: the same.
    response = _post(client, world.iris, _body(
        {"role": "child", "hetu": adult.hetu}))
    assert response.status_code == 422
    assert (Contact.objects.count(), Person.objects.count()) == before


def test_api__a_child_is_refused_as_a_guardian(client, world):
    response = _post(client, world.iris, _body(
        {"role": "child", "person_id": world.child.pk},
        {"role": "guardian", "person_id": PersonFactory(birth_date=dt.date(2010, 1, 1)).pk}))
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["persons.1.role"]
    assert Contact.objects.count() == 0


def test_api__age_is_counted_on_the_received_date(client, world):
    # 18 on 3 February 2026: a child on the 2nd, an adult on the 3rd.
    turning = PersonFactory(birth_date=dt.date(2008, 2, 3), municipality=world.porvoo)
    body = _body({"role": "child", "person_id": turning.pk})
    body["received_at"] = "2026-02-02T15:00:00+02:00"
    assert _post(client, world.iris, body).status_code == 201
    body["received_at"] = "2026-02-03T09:00:00+02:00"
    body["description"] = "Toinen ilmoitus."
    assert _post(client, world.iris, body).status_code == 422


def test_api__an_unknown_birth_date_accepts_the_role_as_given(client, world):
    response = _post(client, world.iris, _body(
        {"role": "child", "temporary": True, "first_name": "Nimetön", "last_name": "Lapsi"},
        {"role": "guardian", "temporary": True, "first_name": "Tuntematon",
         "last_name": "Vanhempi"}))
    assert response.status_code == 201, response.content
    roles = set(ContactPerson.objects.values_list("role", "person__birth_date"))
    assert roles == {("child", None), ("guardian", None)}


def test_api__an_id_and_an_identity_code_of_one_person_are_not_compared_aloud(client, world):
    """Naming the same person by id and by identity code is not answered with "already
    listed": that would tell the caller whose id it is."""
    guardian = PersonFactory(birth_date=dt.date(1985, 6, 1), municipality=world.porvoo)
    response = _post(client, world.extra["employment"], _body(
        {"role": "child", "person_id": world.child.pk},
        {"role": "guardian", "person_id": guardian.pk},
        {"role": "guardian", "hetu": guardian.hetu}))
    assert response.status_code == 201, response.content
    assert ContactPerson.objects.filter(person=guardian).count() == 1
    # Writing the same reference twice is still refused.
    response = _post(client, world.iris, _body(
        {"role": "child", "person_id": world.child.pk},
        {"role": "guardian", "person_id": guardian.pk},
        {"role": "guardian", "person_id": guardian.pk}))
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["persons.2"]


def test_form__an_adult_is_refused_as_a_child_naming_the_row(client, world):
    adult = PersonFactory(birth_date=dt.date(1985, 6, 1), municipality=world.porvoo)
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)
    when = timezone.localtime(NOW - dt.timedelta(minutes=30), HELSINKI)
    response = client.post(NEW, {
        "intent": "register", "kind": "child_welfare_notification", "clock": "",
        "channel": "phone", "received_date": when.strftime("%Y-%m-%d"),
        "received_time": when.strftime("%H:%M"), "reporter_kind": "education",
        "reporter_name": "Opettaja", "description": "Huoli lapsesta.",
        "municipality_code": "638", "child-0-hetu": adult.hetu})
    assert response.status_code == 200
    assert "A child must be under 18 on the day the contact was received" in \
        response.content.decode()
    assert Contact.objects.count() == 0
