"""The person page shows the person's history as the worker may see it (contacts with their
status and initial assessment, service-need assessments and the client status they led to, the
client plan, the shared-client record, guardians named in contacts), logged, in a fixed number
of queries; and a second notification about a child shows the earlier contacts and status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.intake import services
from luotsi.intake.models import Assessment, Contact
from luotsi.intake.tests.factories import RESULT
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_team(db):
    return TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                       kind=TeamKind.INTAKE, region=None)


@pytest.fixture
def east(team, municipality):
    team.region = municipality.region
    team.kind = TeamKind.ASSESSMENT
    team.save()
    return team


@pytest.fixture
def iw(intake_team):
    return UserFactory(username="iw", first_name="Iida", last_name="Intake",
                       role=Role.INTAKE_WORKER, teams=[intake_team])


@pytest.fixture
def family(municipality):
    child = PersonFactory(first_name="Eino", last_name="Lapsi", municipality=municipality,
                          birth_date=dt.date(2015, 5, 5))
    mother = PersonFactory(first_name="Maija", last_name="Lapsi", municipality=municipality,
                           birth_date=dt.date(1985, 1, 1))
    return child, mother


def _notify(actor, child, mother, hours_ago=48):
    return services.contact_register(actor=actor, data=services.ContactInput(
        kind="child_welfare_notification", channel="phone",
        received_at=timezone.now() - dt.timedelta(hours=hours_ago), reporter_kind="education",
        reporter_name="Opettaja Olli", description="Huoli lapsesta.", municipality_code="638",
        persons=[services.PersonRef(role="child", person_id=child.pk),
                 services.PersonRef(role="guardian", person_id=mother.pk)]))


@pytest.fixture
def client_history(iw, alice, east, family):
    """A notification routed to the east team, assessed, the child a child-welfare client with
    alice as the named worker."""
    child, mother = family
    contact = _notify(iw, child, mother)
    services.contact_assess_urgency(actor=iw, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=iw, contact=contact,
                                       outcome="service_need_assessment",
                                       informed_on=timezone.localdate())
    contact.refresh_from_db()
    assessment = contact.assessment
    today = timezone.localdate()
    services.assessment_start(actor=alice, assessment=assessment, started_on=today)
    assessment.refresh_from_db()
    services.assessment_complete(actor=alice, assessment=assessment,
                                 outcome=Assessment.Outcome.CHILD_WELFARE_CLIENT,
                                 reason="Tarve lastensuojelulle.", completed_on=today,
                                 responsible_worker=alice, informed_on=today,
                                 result=RESULT)
    return contact


def test_person_page__child_history_shown_and_logged(client, alice, family, client_history):
    child, mother = family
    client.force_login(alice)
    response = client.get(f"/persons/{child.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/intake/contacts/{client_history.pk}/"' in html
    assert "history-contacts" in html and "history-assessments" in html
    assert f'href="/intake/assessments/{client_history.assessment_id}/"' in html
    # The client status with the named worker, and the guardian named in the contact.
    sections = {s.key: s for s in response.context["history"]}
    [assessment] = sections["assessments"].rows
    assert assessment.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT
    assert assessment.responsible_worker == alice
    assert str(alice) in html
    assert [p.pk for _label, p in response.context["family_elsewhere"]] == [mother.pk]
    assert "Maija Lapsi" in html
    logged = set(AccessLogEntry.objects.filter(
        user_id=alice.pk, person_id=child.pk, request_id=response["X-Request-ID"])
        .values_list("category", flat=True))
    assert logged == {Category.BASIC_DATA, Category.INTAKE}


def test_person_page__worker_sees_only_what_they_may(client, team, family, client_history):
    """A nurse who is on the mother's care team sees the mother and her plan, but not the
    contacts about the child, whom she may not see."""
    from luotsi.plans import services as plan_services

    child, mother = family
    nurse = UserFactory(username="nurse", role=Role.NURSE, teams=[TeamFactory()])
    RelationshipFactory(person=mother, user=nurse, basis=Basis.CARE_TEAM)
    plan, _created = plan_services.plan_open(actor=nurse, person_id=mother.pk)
    client.force_login(nurse)
    response = client.get(f"/persons/{mother.pk}/")
    assert response.status_code == 200
    sections = {s.key: s for s in response.context["history"]}
    assert sections["contacts"].rows == []
    assert sections["assessments"].rows == []
    assert [p.pk for p in sections["plan"].rows] == [plan.pk]
    html = response.content.decode()
    assert f'/intake/contacts/{client_history.pk}/' not in html
    assert f'href="/plans/{plan.pk}/"' in html
    assert client.get(f"/persons/{child.pk}/").status_code == 404
    assert_refused(nurse, child)


def test_person_page__registration_basis_shows_no_history(client, family, client_history, team):
    """Registering an already registered person gives the basic data, not the history."""
    child, _mother = family
    worker = UserFactory(username="other", teams=[TeamFactory()])
    client.force_login(worker)
    registered = client.post("/persons/new/", {"hetu": child.hetu, "last_name": "X",
                                               "language": "fi"})
    assert registered["Location"] == f"/persons/{child.pk}/"
    response = client.get(registered["Location"])
    assert response.status_code == 200
    assert response.context["registration_only"] is True
    assert response.context["history"] == []
    assert f"/intake/contacts/{client_history.pk}/" not in response.content.decode()


def _page_queries(client, user, person) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/persons/{person.pk}/").status_code == 200
    return len(queries)


def test_person_page__query_count_does_not_grow_with_history(client, iw, alice, family,
                                                             client_history):
    child, mother = family
    client.force_login(alice)
    small = _page_queries(client, alice, child)
    for _i in range(5):
        _notify(iw, child, mother, hours_ago=24)
    assert Contact.objects.filter(child=child).count() == 6
    assert _page_queries(client, alice, child) == small
    assert small <= 21 + 2 * (connection.vendor == "postgresql")


def test_contact_page__second_notification_shows_earlier_contact_and_status(
        client, iw, alice, family, client_history):
    child, mother = family
    second = _notify(iw, child, mother, hours_ago=1)
    client.force_login(iw)
    response = client.get(f"/intake/contacts/{second.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "earlier-heading" in html
    assert [row.contact_id for row in response.context["earlier"]] == [client_history.pk]
    assert f'href="/intake/contacts/{client_history.pk}/"' in html
    [status] = response.context["client_statuses"]
    assert status.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT
    assert status.responsible_worker == alice and str(alice) in html
    # The same reporter about the same child within days: the duplicate hint, never merged.
    assert 'id="duplicates-heading"' in html
    assert [c.pk for c in response.context["duplicates"]] == [client_history.pk]


def test_contact_page__sibling_contact_through_guardian_logged(client, iw, municipality, family,
                                                               client_history):
    """A contact about a sibling shows, through the shared guardian, the first child's
    contact: that child is logged as listed."""
    child, mother = family
    sibling = PersonFactory(first_name="Saara", last_name="Lapsi", municipality=municipality,
                            birth_date=dt.date(2017, 7, 7))
    other = _notify(iw, sibling, mother, hours_ago=1)
    client.force_login(iw)
    response = client.get(f"/intake/contacts/{other.pk}/")
    assert [row.contact_id for row in response.context["earlier"]] == [client_history.pk]
    assert AccessLogEntry.objects.filter(
        user_id=iw.pk, person_id=child.pk, action=LogAction.LIST, category=Category.INTAKE,
        request_id=response["X-Request-ID"]).exists()
