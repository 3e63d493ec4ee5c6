"""A registration opens the person record only, never client records.

Registering a code that is already registered answers as for a new person and opens the
registering team a registration relationship (docs/personal-data.md). That relationship shows the
person's basic data, but the client's contacts, plan and shared-client record answer "not found"
— exactly as a missing id, with the refusal logged — on pages and in the API alike. The worker
who registers a new client may still start their plan, and then joins its care team.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship, Outcome
from luotsi.access.tests.assertions import ANY, assert_refused
from luotsi.api.models import ApiToken
from luotsi.intake import services as intake_services
from luotsi.intake.tests.factories import build_world, contact_input
from luotsi.people import hetu
from luotsi.people.models import Person
from luotsi.plans.models import Plan
from luotsi.sharedcare import services as shared_services
from luotsi.sharedcare.tests import factories as shared_factories

pytestmark = pytest.mark.django_db

MISSING = 2**62


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def records(world):
    """A child known to the intake team: a contact, a confirmed shared-client record and its
    plan, all reached through the intake team's relationship."""
    child = world.child
    contact = intake_services.contact_register(actor=world.iris, data=contact_input(child=child))
    checklist = shared_factories.checklist()
    today = timezone.localdate()
    shared = shared_services.shared_client_confirm(
        actor=world.iris, person_id=child.pk,
        data=shared_services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki", consent_from=today,
            consent_until=today + timedelta(days=30), coordinator_id=world.iris.pk))
    return {"contact": contact, "plan": Plan.objects.get(person=child), "shared": shared}


def _register(client, user, code: str) -> Person:
    client.force_login(user)
    response = client.post("/persons/new/", {
        "hetu": code, "first_name": "Toinen", "last_name": "Nimi", "language": "fi",
        "municipality_code": "", "street_address": "", "postal_code": "", "post_office": "",
        "phone": "", "email": ""})
    assert response.status_code == 302, response.content
    return Person.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def _token(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


def test_registration__existing_code_opens_no_client_records(client, world, records):
    """The attack: an unrelated worker registers an existing client's code, then opens the
    client's plan, contact and shared-client record by id. Each answers as a missing id."""
    child, bob = world.child, world.bob
    assert _register(client, bob, child.hetu) == child
    assert ClientRelationship.objects.filter(person=child, team=world.west,
                                             basis=Basis.REGISTRATION).exists()
    # The person record: the basic data is shown, the client history is not.
    page = client.get(f"/persons/{child.pk}/")
    assert page.status_code == 200
    assert f"/intake/contacts/{records['contact'].pk}/" not in page.content.decode()
    assert f"/plans/{records['plan'].pk}/" not in page.content.decode()

    since = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    pages = [
        (f"/plans/person/{child.pk}/", f"/plans/person/{MISSING}/"),
        (f"/plans/{records['plan'].pk}/", f"/plans/{MISSING}/"),
        (f"/intake/contacts/{records['contact'].pk}/", f"/intake/contacts/{MISSING}/"),
        (f"/shared-clients/persons/{child.pk}/", f"/shared-clients/persons/{MISSING}/"),
    ]
    for url, missing in pages:
        assert client.get(url).status_code == 404, url
        assert_refused(bob, ANY)
        assert client.get(missing).status_code == 404, missing
        assert_refused(bob, ANY)
    assert client.post(f"/plans/person/{child.pk}/").status_code == 404
    assert_refused(bob, child)
    headers = _token(bob)
    calls = [
        ("get", f"/api/v1/clients/{child.pk}/plan", f"/api/v1/clients/{MISSING}/plan"),
        ("post", f"/api/v1/clients/{child.pk}/plan", f"/api/v1/clients/{MISSING}/plan"),
        ("get", f"/api/v1/contacts/{records['contact'].pk}", f"/api/v1/contacts/{MISSING}"),
        ("get", f"/api/v1/shared-clients/{child.pk}", f"/api/v1/shared-clients/{MISSING}"),
    ]
    for method, url, missing in calls:
        refused = getattr(client, method)(url, headers=headers)
        absent = getattr(client, method)(missing, headers=headers)
        assert (refused.status_code, refused.json()) == (404, absent.json()), url
    # Nothing was opened or started on the way, and every refusal is in the access log.
    assert Plan.objects.filter(person=child).count() == 1
    assert not ClientRelationship.objects.filter(person=child, team=world.west).exclude(
        basis=Basis.REGISTRATION).exists()
    assert not ClientRelationship.objects.filter(person=child, user=bob).exists()
    refusals = AccessLogEntry.objects.filter(seq__gt=since, user_id=bob.pk, person_id=child.pk,
                                             outcome=Outcome.REFUSED)
    assert refusals.count() >= len(pages) + 1 + len(calls)
    assert not AccessLogEntry.objects.filter(seq__gt=since, user_id=bob.pk, person_id=child.pk,
                                             outcome=Outcome.ALLOWED).exists()


def test_registration__lists_and_search_keep_to_their_scope(client, world, records):
    """The registered person is found by the person search (their basic data), but no client
    list shows them or their records."""
    child, bob = world.child, world.bob
    _register(client, bob, child.hetu)
    found = client.post("/persons/", {"hetu": child.hetu})
    assert f"/persons/{child.pk}/" in found.content.decode()
    assert str(records["plan"].pk) not in [
        str(item["id"]) for item in client.get("/api/v1/clients", headers=_token(bob))
        .json()["items"]]
    assert f"/plans/{records['plan'].pk}/" not in client.get("/plans/").content.decode()


def test_registration__new_client_plan_started_by_registrant(client, world):
    """The legitimate flow: a worker registers a new client, opens "client plan", starts it and
    works on it; starting it made them a member of the plan's care team."""
    bob = world.bob
    person = _register(client, bob, hetu.build(date(1991, 2, 3), 915))
    start = client.get(f"/plans/person/{person.pk}/")
    assert start.status_code == 200
    started = client.post(f"/plans/person/{person.pk}/")
    plan = Plan.objects.get(person=person)
    assert started["Location"] == f"/plans/{plan.pk}/"
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert ClientRelationship.objects.filter(person=person, user=bob, basis=Basis.CARE_TEAM,
                                             source=f"plans.Plan:{plan.pk}").exists()
    assert client.get(f"/persons/{person.pk}/").status_code == 200


def test_registration__new_client_plan_started_through_the_api(client, world):
    alice = world.alice
    person = _register(client, alice, hetu.build(date(1992, 4, 5), 916))
    headers = _token(alice)
    opened = client.post(f"/api/v1/clients/{person.pk}/plan", headers=headers,
                         content_type="application/json")
    assert opened.status_code == 201, opened.content
    assert client.get(f"/api/v1/clients/{person.pk}/plan", headers=headers).status_code == 200


def test_registration__no_plan_started_for_a_person_with_records(client, world):
    """A registration opens no way into a client's records: once anyone has held a relationship
    to the person on another basis, the registrant cannot start records about them either."""
    child = world.child
    intake_services.contact_register(actor=world.iris, data=contact_input(child=child))
    _register(client, world.bob, child.hetu)
    assert client.get(f"/plans/person/{child.pk}/").status_code == 404
    assert_refused(world.bob, child)
    assert client.post(f"/plans/person/{child.pk}/").status_code == 404
    assert_refused(world.bob, child)
    assert not Plan.objects.filter(person=child).exists()
