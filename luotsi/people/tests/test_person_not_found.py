"""A person page without a relationship is a 404 that offers emergency access where the role
may use it, and looks the same for a person who does not exist."""

from __future__ import annotations

import re

import pytest

from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASON = "The child's school called: acute safety concern tonight."
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, person_id) -> tuple[int, str]:
    response = client.get(f"/persons/{person_id}/")
    html = _TOKEN.sub("", response.content.decode())
    return response.status_code, html.replace(f"/persons/{person_id}/", "/persons/ID/")


def test_not_found__offers_emergency_access_same_for_missing_person(client, bob, client_person,
                                                                   case):
    client.force_login(bob)
    forbidden = _page(client, client_person.pk)
    missing = _page(client, client_person.pk + 1000)
    assert forbidden[0] == missing[0] == 404
    assert forbidden[1] == missing[1]
    assert 'action="/persons/ID/emergency/"' in forbidden[1]
    assert 'name="reason"' in forbidden[1]
    refused = AccessLogEntry.objects.filter(user_id=bob.pk, outcome=Outcome.REFUSED)
    assert sorted(refused.values_list("person_id", flat=True)) == sorted(
        [client_person.pk, client_person.pk + 1000])


def test_not_found__no_offer_to_a_role_without_emergency_access(client, charlie, client_person):
    client.force_login(charlie)
    status, html = _page(client, client_person.pk)
    assert status == 404
    assert_refused(charlie, client_person)
    assert "/persons/ID/emergency/" not in html and 'name="reason"' not in html


def test_not_found__emergency_access_opened_for_the_page_opened(client, bob, client_person, case):
    client.force_login(bob)
    assert client.get(f"/persons/{client_person.pk}/emergency/").status_code == 405
    response = client.post(f"/persons/{client_person.pk}/emergency/", {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == f"/persons/{client_person.pk}/"
    relationship = ClientRelationship.objects.get(person=client_person, user=bob)
    assert relationship.basis == Basis.EMERGENCY and relationship.reason == REASON
    assert client.get(response["Location"]).status_code == 200
    assert AccessLogEntry.objects.filter(user_id=bob.pk, action=LogAction.EMERGENCY,
                                         person_id=client_person.pk).exists()


def test_not_found__emergency_for_a_missing_id_refused_and_logged(client, bob):
    client.force_login(bob)
    response = client.post("/persons/987654/emergency/", {"reason": REASON})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ClientRelationship.objects.filter(user=bob).exists()
    record = AccessLogEntry.objects.get(user_id=bob.pk, action=LogAction.EMERGENCY)
    assert (record.person_id, record.outcome) == (987654, Outcome.REFUSED)


def test_not_found__short_reason_keeps_the_person(client, bob, client_person, case):
    client.force_login(bob)
    response = client.post(f"/persons/{client_person.pk}/emergency/", {"reason": "too short"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "For the person whose page you opened." in html or "sivun avasit" in html
    assert 'name="hetu"' not in html
    assert list(response.context["form"].errors) == ["reason"]


def test_emergency__non_ascii_code_refused_with_the_reason(client, team):
    nurse = UserFactory(username="nurse2", role=Role.NURSE, teams=[team])
    client.force_login(nurse)
    response = client.post("/persons/emergency/", {"hetu": "\u0661\u0663\u0661\u0660\u0665\u0662-308T",
                                                    "reason": REASON})
    assert list(response.context["form"].errors) == ["hetu"]
    assert "U+0661" in response.context["form"].errors["hetu"][0]
