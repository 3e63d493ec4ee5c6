"""Break the glass: a written reason, a time-boxed access flagged in the log, and a review by
the team lead of the worker who opened it (never by the worker themselves)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship, LogAction, Outcome
from luotsi.access.services import MIN_EMERGENCY_REASON
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.people import hetu
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REASON = "Asiakas soitti päivystykseen, tarvitsen yhteystiedot heti."


@pytest.fixture
def stranger(municipality):
    """A person nobody has a client relationship with."""
    return PersonFactory(last_name="Tuntematon", municipality=municipality,
                         street_address="Hätätie 112")


def open_access(client, user, person_hetu: str, reason: str = REASON):
    client.force_login(user)
    return client.post("/persons/emergency/", {"hetu": person_hetu, "reason": reason})


def emergency_rows():
    return AccessLogEntry.objects.filter(action=LogAction.EMERGENCY)


def test_emergency_access__form_shown(client, alice):
    client.force_login(alice)
    response = client.get("/persons/emergency/")
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


def test_emergency_access__short_reason_refused(client, alice, stranger):
    response = open_access(client, alice, stranger.hetu, reason="x" * (MIN_EMERGENCY_REASON - 1))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert str(MIN_EMERGENCY_REASON) in response.context["form"].errors["reason"][0]
    assert not ClientRelationship.objects.filter(basis=Basis.EMERGENCY).exists()
    assert not emergency_rows().exists()
    assert client.get(f"/persons/{stranger.pk}/").status_code == 404
    assert_refused(alice, stranger)


def test_emergency_access__blank_reason_refused(client, alice, stranger):
    response = open_access(client, alice, stranger.hetu, reason=" " * 40)
    assert "reason" in response.context["form"].errors
    assert not ClientRelationship.objects.filter(basis=Basis.EMERGENCY).exists()


def test_emergency_access__opened_for_the_hours_set(client, alice, stranger):
    opened_at = timezone.now()
    response = open_access(client, alice, stranger.hetu)
    assert response.status_code == 302
    assert response["Location"] == f"/persons/{stranger.pk}/"
    relationship = ClientRelationship.objects.get(basis=Basis.EMERGENCY)
    assert relationship.user == alice and relationship.person == stranger
    assert relationship.reason == REASON
    hours = timedelta(hours=settings.EMERGENCY_ACCESS_HOURS)
    assert opened_at + hours <= relationship.ends_at <= timezone.now() + hours

    flagged = emergency_rows().get()
    assert (flagged.user_id, flagged.person_id, flagged.basis, flagged.outcome) == (
        alice.pk, stranger.pk, Basis.EMERGENCY, Outcome.ALLOWED)
    assert flagged.detail == REASON

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Hätätie 112" in page.content.decode()
    view = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.VIEW).get()
    assert view.basis == Basis.EMERGENCY

    with time_machine.travel(relationship.ends_at - timedelta(minutes=1)):
        client.force_login(alice)
        assert client.get(f"/persons/{stranger.pk}/").status_code == 200
    with time_machine.travel(relationship.ends_at + timedelta(minutes=1)):
        client.force_login(alice)
        assert client.get(f"/persons/{stranger.pk}/").status_code == 404
    last = AccessLogEntry.objects.order_by("-seq").first()
    assert (last.person_id, last.outcome) == (stranger.pk, Outcome.REFUSED)


def test_emergency_access__unknown_hetu_refused_and_logged(client, alice):
    unknown = hetu.build(timezone.localdate() - timedelta(days=9000), 977)
    response = open_access(client, alice, unknown)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["hetu"]
    assert not ClientRelationship.objects.filter(basis=Basis.EMERGENCY).exists()
    refusal = emergency_rows().get()
    assert (refusal.user_id, refusal.person_id, refusal.outcome) == (alice.pk, None,
                                                                     Outcome.REFUSED)
    # whom the worker went looking for: the code's keyed lookup hash, never the clear code
    from luotsi.people import crypto
    assert refusal.detail == f"{REASON}; asked by hetu {crypto.lookup_hash(unknown)}"
    assert unknown not in refusal.detail


def test_emergency_access__dpo_cannot_break_the_glass(client, charlie, stranger):
    response = open_access(client, charlie, stranger.hetu)
    assert response.status_code == 403
    assert not ClientRelationship.objects.filter(basis=Basis.EMERGENCY).exists()


# --- review --------------------------------------------------------------------------------


def test_emergency_access__listed_for_the_lead_of_the_team(client, alice, bob, lead, stranger):
    open_access(client, alice, stranger.hetu)
    other = PersonFactory(last_name="Zetterlund")
    open_access(client, bob, other.hetu)  # bob is in another team
    alice_access = ClientRelationship.objects.get(basis=Basis.EMERGENCY, user=alice)

    client.force_login(lead)
    response = client.get("/access-log/emergency/")
    assert response.status_code == 200
    assert [rel.pk for rel in response.context["pending"]] == [alice_access.pk]
    html = response.content.decode()
    assert REASON in html
    assert "Zetterlund" not in html


def test_emergency_access__dpo_sees_all_for_review(client, alice, bob, charlie, stranger):
    open_access(client, alice, stranger.hetu)
    open_access(client, bob, PersonFactory().hetu)
    client.force_login(charlie)
    response = client.get("/access-log/emergency/")
    assert len(response.context["pending"]) == 2


def test_emergency_access__worker_cannot_open_the_review_list(client, alice):
    client.force_login(alice)
    assert client.get("/access-log/emergency/").status_code == 403


def test_emergency_access__review_saved(client, alice, lead, stranger):
    open_access(client, alice, stranger.hetu)
    relationship = ClientRelationship.objects.get(basis=Basis.EMERGENCY)
    client.force_login(lead)
    response = client.post(f"/access-log/emergency/{relationship.pk}/review/",
                           {"finding": "justified", "note": "Päivystystilanne."})
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.reviewed_by == lead
    assert relationship.reviewed_at is not None
    assert relationship.review_finding == "justified"
    assert relationship.review_note == "Päivystystilanne."
    assert client.get("/access-log/emergency/").context["pending"] == []
    logged = AccessLogEntry.objects.filter(user_id=lead.pk, action=LogAction.UPDATE).get()
    assert logged.person_id == stranger.pk and "justified" in logged.detail


def test_emergency_access__unjustified_needs_a_note(client, alice, lead, stranger):
    open_access(client, alice, stranger.hetu)
    relationship = ClientRelationship.objects.get(basis=Basis.EMERGENCY)
    client.force_login(lead)
    response = client.post(f"/access-log/emergency/{relationship.pk}/review/",
                           {"finding": "unjustified", "note": ""}, follow=True)
    relationship.refresh_from_db()
    assert relationship.reviewed_at is None
    assert [m for m in response.context["messages"] if m.level_tag == "error"]


def test_emergency_access__lead_cannot_review_own(client, lead, stranger):
    open_access(client, lead, stranger.hetu)
    relationship = ClientRelationship.objects.get(basis=Basis.EMERGENCY)
    response = client.post(f"/access-log/emergency/{relationship.pk}/review/",
                           {"finding": "justified", "note": ""}, follow=True)
    relationship.refresh_from_db()
    assert relationship.reviewed_at is None and relationship.reviewed_by is None
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and str(errors[0])


def test_emergency_access__lead_of_another_team_cannot_review(client, bob, alice, stranger):
    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import UserFactory

    open_access(client, alice, stranger.hetu)
    relationship = ClientRelationship.objects.get(basis=Basis.EMERGENCY)
    other_lead = UserFactory(username="other-lead", role=Role.TEAM_LEAD,
                             teams=list(bob.teams.all()))
    client.force_login(other_lead)
    response = client.post(f"/access-log/emergency/{relationship.pk}/review/",
                           {"finding": "justified"})
    assert response.status_code == 403
    relationship.refresh_from_db()
    assert relationship.reviewed_at is None


def test_home_page__own_emergency_accesses_named_and_logged(client, alice, stranger):
    """The home page names the persons of the user's open emergency accesses; each is logged as
    listed, on the emergency basis."""
    RelationshipFactory(person=stranger, user=alice, basis=Basis.EMERGENCY,
                        ends_at=timezone.now() + timedelta(hours=8))
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert str(stranger) in response.content.decode()
    listed = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.LIST,
                                           detail="home: your emergency accesses")
    assert list(listed.values_list("person_id", "basis", "outcome")) == [
        (stranger.pk, Basis.EMERGENCY, Outcome.ALLOWED)]
