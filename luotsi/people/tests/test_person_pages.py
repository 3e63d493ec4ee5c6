"""The person search and the person page as a worker with a client relationship sees them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from luotsi.access.models import AccessLogEntry, Basis, LogAction
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.people.models import LinkKind, PersonLink
from luotsi.people.tests.factories import PersonFactory
from luotsi.people.views import SEARCH_LIMIT

pytestmark = pytest.mark.django_db


def visible_to(user, **person_fields):
    person = PersonFactory(**person_fields)
    RelationshipFactory(person=person, user=user)
    return person


# --- the person page -----------------------------------------------------------------------


def test_person_page__shows_basic_data(client, alice, client_person, case, municipality):
    client.force_login(alice)
    response = client.get(f"/persons/{client_person.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aino Asiakas" in html
    assert client_person.hetu in html
    assert "Kotikatu 1" in html and "06100" in html
    assert municipality.name_fi in html


def _family(client_person, **fields):
    guardian = fields.get("guardian") or PersonFactory(first_name="Gunnar", last_name="Huoltaja")
    child = fields.get("child") or PersonFactory(first_name="Lilja", last_name="Lapsi")
    sibling = fields.get("sibling") or PersonFactory(first_name="Sisko", last_name="Samassa")
    PersonLink.objects.create(person=guardian, other=client_person, kind=LinkKind.GUARDIAN)
    PersonLink.objects.create(person=client_person, other=child, kind=LinkKind.GUARDIAN)
    PersonLink.objects.create(person=sibling, other=client_person, kind=LinkKind.HOUSEHOLD)
    return guardian, child, sibling


def test_person_page__shows_family(client, alice, client_person, case):
    guardian, child, sibling = _family(
        client_person, guardian=visible_to(alice, first_name="Gunnar", last_name="Huoltaja"),
        child=visible_to(alice, first_name="Lilja", last_name="Lapsi"),
        sibling=visible_to(alice, first_name="Sisko", last_name="Samassa"))
    client.force_login(alice)
    response = client.get(f"/persons/{client_person.pk}/")
    assert [p.pk for p in response.context["guardians"]] == [guardian.pk]
    assert [p.pk for p in response.context["children"]] == [child.pk]
    assert [p.pk for p in response.context["household"]] == [sibling.pk]
    html = response.content.decode()
    for name in ("Gunnar Huoltaja", "Lilja Lapsi", "Sisko Samassa"):
        assert name in html
    listed = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.LIST,
                                           detail="person page: family")
    assert sorted(listed.values_list("person_id", "basis")) == sorted(
        (p.pk, Basis.CASE) for p in (guardian, child, sibling))


def test_person_page__family_member_not_seen_is_not_named(client, alice, client_person, case):
    """A family member whom the worker may not see is shown without a name, and not logged."""
    guardian, child, sibling = _family(
        client_person, guardian=visible_to(alice, first_name="Gunnar", last_name="Huoltaja"))
    client.force_login(alice)
    response = client.get(f"/persons/{client_person.pk}/")
    html = response.content.decode()
    assert "Gunnar Huoltaja" in html
    assert "Lilja Lapsi" not in html and "Sisko Samassa" not in html
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert html.count(translation.gettext("no access to this person")) == 2
    listed = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.LIST,
                                           detail="person page: family")
    assert list(listed.values_list("person_id", flat=True)) == [guardian.pk]


def test_person_page__lists_active_relationships_only(client, alice, bob, team, client_person,
                                                      case):
    RelationshipFactory(person=client_person, team=team, basis=Basis.INTAKE)
    RelationshipFactory(person=client_person, user=bob,
                        ends_at=timezone.now() - timedelta(days=1))
    client.force_login(alice)
    response = client.get(f"/persons/{client_person.pk}/")
    listed = {(rel.user_id, rel.team_id, rel.basis) for rel in response.context["relationships"]}
    assert listed == {(alice.pk, None, Basis.CASE), (None, team.pk, Basis.INTAKE)}
    html = response.content.decode()
    assert "Alice Aalto" in html
    assert "Bob Berg" not in html


def test_person_page__temporary_identifier_shown(client, alice):
    person = visible_to(alice, hetu_encrypted="", hetu_lookup=None, temporary_id="TMP-ABCDE12345")
    client.force_login(alice)
    html = client.get(f"/persons/{person.pk}/").content.decode()
    assert "TMP-ABCDE12345" in html


def test_person_page__emergency_basis_flagged(client, alice, client_person):
    RelationshipFactory(person=client_person, user=alice, basis=Basis.EMERGENCY,
                        ends_at=timezone.now() + timedelta(hours=2))
    client.force_login(alice)
    response = client.get(f"/persons/{client_person.pk}/")
    assert response.context["access"].basis == Basis.EMERGENCY
    assert 'class="message message-warning"' in response.content.decode()


def test_person_page__needs_login(client, client_person):
    response = client.get(f"/persons/{client_person.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/persons/{client_person.pk}/"
    assert not AccessLogEntry.objects.exists()


def test_person_page__non_numeric_id_not_found(client, alice):
    client.force_login(alice)
    assert client.get("/persons/abc/").status_code == 404


# --- search --------------------------------------------------------------------------------


def test_person_search__form_shown_without_results(client, alice):
    client.force_login(alice)
    response = client.get("/persons/")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert not AccessLogEntry.objects.exists()


def test_person_search__empty_criteria_refused(client, alice, client_person, case):
    client.force_login(alice)
    response = client.post("/persons/", {"name": "", "hetu": "", "birth_date": ""})
    assert response.context["form"].non_field_errors()
    assert response.context["results"] is None
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("query", [
    {"name": "asiakas"}, {"name": "ASIAK"}, {"name": "asiakas aino"}, {"name": "aino asiakas"},
])
def test_person_search__by_name(client, alice, client_person, case, query):
    visible_to(alice, first_name="Aino", last_name="Muu")
    client.force_login(alice)
    response = client.post("/persons/", query)
    assert [p.pk for p in response.context["results"]] == [client_person.pk]


def test_person_search__by_hetu_and_birth_date(client, alice, client_person, case):
    other = visible_to(alice, last_name="Asiakas", birth_date=date(1971, 7, 7))
    client.force_login(alice)
    by_hetu = client.post("/persons/", {"hetu": client_person.hetu.lower()})
    assert [p.pk for p in by_hetu.context["results"]] == [client_person.pk]
    by_date = client.post("/persons/", {"birth_date": "1971-07-07"})
    assert [p.pk for p in by_date.context["results"]] == [other.pk]
    both = client.post("/persons/", {"name": "asiakas", "birth_date": "1971-07-07"})
    assert [p.pk for p in both.context["results"]] == [other.pk]


def test_person_search__invalid_hetu_refused_with_the_reason(client, alice, client_person, case):
    client.force_login(alice)
    response = client.post("/persons/", {"hetu": client_person.hetu[:-1] + "?"})
    assert response.context["results"] is None
    assert list(response.context["form"].errors) == ["hetu"]


def test_person_search__results_capped(client, alice):
    for i in range(SEARCH_LIMIT + 3):
        visible_to(alice, last_name=f"Joukko{i:03d}")
    client.force_login(alice)
    response = client.post("/persons/", {"name": "joukko"})
    results = response.context["results"]
    assert len(results) == SEARCH_LIMIT
    assert [p.last_name for p in results] == sorted(p.last_name for p in results)
    assert AccessLogEntry.objects.filter(action=LogAction.LIST).count() == SEARCH_LIMIT
