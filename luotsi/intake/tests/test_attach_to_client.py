"""Attach, don't duplicate: a new contact about a child who already is a child-welfare or
family-services client goes to the responsible worker and their team, not back to the central
queue, and the responsible worker is notified in the app; a probable duplicate is shown on the
contact page, never merged. Through the form and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Assessment, Contact, Notification
from luotsi.intake.tests.factories import RESULT, build_world, contact_input, professional
from luotsi.organisation.models import Role, User

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _client(world, outcome: str, worker: User) -> Assessment:
    """``world.child`` becomes a client of the east team with ``worker`` responsible."""
    contact = services.contact_register(actor=world.iris, data=contact_input(child=world.child))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment", informed_on=TODAY)
    contact.refresh_from_db()
    assessment = services.assessment_start(actor=world.alice, assessment=contact.assessment,
                                           started_on=TODAY)
    return services.assessment_complete(
        actor=world.alice, assessment=assessment, outcome=outcome, reason="Tarve.",
        completed_on=TODAY, responsible_worker=worker, informed_on=TODAY, result=RESULT)


def _api(client, user: User):
    token = ApiToken.issue(user)[1]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def call(method: str, path: str, body: dict | None = None):
        if method == "get":
            return client.get(f"/api/v1{path}", headers=headers)
        return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                           headers=headers)
    return call


def _body(world, **overrides) -> dict:
    return {"kind": "child_welfare_notification", "channel": "phone",
            "received_at": "2026-02-03T09:15:00+02:00", "reporter_kind": "police",
            "reporter_name": "Konstaapeli Koo", "description": "Poliisi tavoitti lapsen yöllä.",
            "municipality_code": "638",
            "persons": [{"role": "child", "person_id": world.child.pk}], **overrides}


def test_api__a_new_contact_about_a_child_welfare_client_goes_to_the_responsible_worker(
        world, client):
    _client(world, "child_welfare_client", world.sami)
    iris = _api(client, world.iris)

    response = iris("post", "/contacts", _body(world))

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["team"]["code"] == "assessment-east"
    assert created["assignee_id"] == world.sami.pk
    assert created["status"] == "new" and created["assessment_id"] is None
    # Not back in the central queue.
    central = iris("get", f"/contacts?team={world.intake.pk}").json()["items"]
    assert created["id"] not in [item["id"] for item in central]
    # The responsible worker is notified, and may open the contact.
    note = Notification.objects.get(user=world.sami)
    assert note.link == f"/intake/contacts/{created['id']}/" and note.read_at is None
    assert "Konstaapeli" not in note.text and "Eino" not in note.text  # no client data
    assert _api(client, world.sami)("get", f"/contacts/{created['id']}").status_code == 200


def test_a_family_services_client_goes_to_the_named_worker_in_their_own_language(world):
    sonja = professional(username="sonja", first_name="Sonja", role=Role.SOCIAL_COUNSELLOR,
                         language="sv", teams=[world.east])
    _client(world, "family_social_services", sonja)

    contact = services.contact_register(
        actor=world.iris, data=contact_input(child=world.child, reporter_kind="health_care",
                                             reporter_name="Terveydenhoitaja Tea"))

    assert (contact.team, contact.assignee) == (world.east, sonja)
    note = Notification.objects.get(user=sonja)
    assert note.text.startswith("En ny kontakt")


def test_a_child_whose_client_relationship_ended_goes_to_the_central_queue(world):
    first = _client(world, "child_welfare_client", world.sami)
    # A later assessment finds no need for services: no current client relationship.
    contact = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, reporter_name="Rehtori Riitta"))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment", informed_on=TODAY)
    contact.refresh_from_db()
    assert contact.assessment != first
    later = services.assessment_start(actor=world.alice, assessment=contact.assessment,
                                      started_on=TODAY)
    services.assessment_complete(actor=world.alice, assessment=later, outcome="closed",
                                 reason="Ei tarvetta.", completed_on=TODAY, result=RESULT)
    Notification.objects.all().delete()

    newest = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, reporter_name="Naapuri Niina", reporter_kind="private_person"))

    assert (newest.team, newest.assignee) == (world.intake, None)
    assert not Notification.objects.exists()


def test_form__the_registrant_is_told_and_a_duplicate_is_shown_not_merged(world, client):
    _client(world, "child_welfare_client", world.sami)
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)
    received = timezone.localtime(timezone.now() - dt.timedelta(minutes=30), HELSINKI)
    form = {
        "intent": "register", "kind": "child_welfare_notification", "clock": "",
        "channel": "phone", "received_date": received.strftime("%Y-%m-%d"),
        "received_time": received.strftime("%H:%M"), "reporter_kind": "police",
        "reporter_name": "Konstaapeli Koo", "reporter_organisation": "Poliisi",
        "reporter_phone": "040 123", "description": "Poliisi tavoitti lapsen yöllä.",
        "municipality_code": "638", "child-0-hetu": world.child.hetu,
        "child-0-first_name": "", "child-0-last_name": ""}

    first = client.post("/intake/contacts/new/", form, follow=True)
    second = client.post("/intake/contacts/new/", {**form, "description": "Sama ilmoitus."},
                         follow=True)

    assert first.status_code == second.status_code == 200
    assert (f"The child is already a client: the contact was passed to the responsible worker "
            f"{world.sami} and the team {world.east}") in first.content.decode()
    contacts = list(Contact.objects.filter(reporter_name="Konstaapeli Koo").order_by("pk"))
    assert len(contacts) == 2  # not merged
    assert all((c.team, c.assignee) == (world.east, world.sami) for c in contacts)
    page = second.content.decode()
    assert "There are probable duplicates of this contact" in page
    assert "Probable duplicates" in page and f"/intake/contacts/{contacts[0].pk}/" in page
    assert Notification.objects.filter(user=world.sami).count() == 2
