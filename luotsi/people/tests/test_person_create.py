"""Registering a person through the web form and the API: all or nothing, the hetu encrypted at
rest, found again by exact hetu, and the registering team given access."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship, LogAction
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken
from luotsi.people import hetu
from luotsi.people.lookup import find_by_hetu
from luotsi.people.models import Person
from luotsi.people.services import REGISTRATION_ACCESS_DAYS
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


NEW_HETU = hetu.build(date(1990, 3, 4), 912)
API_URL = "/api/v1/persons"


def form_data(**overrides) -> dict:
    data = {
        "hetu": NEW_HETU, "first_name": "Tiina", "last_name": "Testinen", "language": "fi",
        "municipality_code": "", "street_address": "Rantatie 3", "postal_code": "06100",
        "post_office": "Porvoo", "phone": "", "email": "",
    }
    data.update(overrides)
    return data


def api_client(client, user):
    _record, token = ApiToken.issue(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def api_post(client, payload: dict):
    return client.post(API_URL, payload, content_type="application/json")


def raw_row(person_id: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person WHERE id = %s", [person_id])
        return list(cursor.fetchone())


def field_names(response) -> list[str]:
    return [item["field"] for item in response.json()["error"]["fields"]]


class Snapshot:
    """Counts of persons, relationships and log records, to show nothing was saved."""

    def __init__(self) -> None:
        self.counts = self._now()

    @staticmethod
    def _now() -> tuple[int, int, int]:
        return (Person.objects.count(), ClientRelationship.objects.count(),
                AccessLogEntry.objects.filter(action=LogAction.CREATE).count())

    def unchanged(self) -> bool:
        return self._now() == self.counts


# --- the web form --------------------------------------------------------------------------


def test_person_create__form_page_shown(client, alice):
    client.force_login(alice)
    response = client.get("/persons/new/")
    assert response.status_code == 200
    assert 'name="hetu"' in response.content.decode()


def test_person_create__valid_form_registers_the_person(client, alice, team, municipality):
    client.force_login(alice)
    response = client.post("/persons/new/", form_data(municipality_code=municipality.code))
    person = Person.objects.get(last_name="Testinen")
    assert response.status_code == 302
    assert response["Location"] == f"/persons/{person.pk}/"
    assert person.hetu == NEW_HETU
    assert person.birth_date == date(1990, 3, 4)
    assert person.municipality == municipality
    assert person.temporary_id is None
    # The person page opens for the registering worker straight away.
    assert client.get(response["Location"]).status_code == 200


def test_person_create__hetu_encrypted_at_rest(client, alice):
    client.force_login(alice)
    client.post("/persons/new/", form_data())
    person = Person.objects.get(last_name="Testinen")
    row = raw_row(person.pk)
    stored = " ".join(str(value) for value in row)
    assert NEW_HETU not in stored
    assert NEW_HETU.lower() not in stored
    assert NEW_HETU[:6] + NEW_HETU[7:] not in stored  # not even without the century sign
    assert person.hetu_encrypted and person.hetu_lookup
    assert person.hetu == NEW_HETU  # decrypts with the key


def test_person_create__found_by_exact_hetu(client, alice):
    client.force_login(alice)
    client.post("/persons/new/", form_data())
    person = Person.objects.get(last_name="Testinen")
    assert find_by_hetu(NEW_HETU) == person
    assert find_by_hetu(f" {NEW_HETU.lower()} ") == person
    assert find_by_hetu(hetu.build(date(1990, 3, 4), 914)) is None
    response = client.post("/persons/", {"hetu": NEW_HETU})
    assert [p.pk for p in response.context["results"]] == [person.pk]


def test_person_create__registering_team_gets_access(client, alice, lead, bob, team):
    client.force_login(alice)
    before = timezone.now()
    client.post("/persons/new/", form_data())
    person = Person.objects.get(last_name="Testinen")
    relationship = ClientRelationship.objects.get(person=person)
    assert relationship.basis == Basis.REGISTRATION
    assert relationship.team == team
    assert relationship.user is None
    assert relationship.ends_at >= before + timedelta(days=REGISTRATION_ACCESS_DAYS)
    created = AccessLogEntry.objects.filter(person_id=person.pk, action=LogAction.CREATE,
                                            category="basic_data")
    assert list(created.values_list("username", "basis")) == [("alice", Basis.REGISTRATION)]
    client.force_login(lead)  # same team
    assert client.get(f"/persons/{person.pk}/").status_code == 200
    client.force_login(bob)  # another team
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    assert_refused(bob, person)


@pytest.mark.parametrize(("bad_hetu", "named"), [
    ("131052-308X", "X"),        # wrong check character
    ("310290-123K", "31.02."),   # no such date
    ("131052Z308T", "Z"),        # no such century sign
    ("131052-308", "10"),        # too short
])
def test_person_create__invalid_hetu_refused(client, alice, bad_hetu, named):
    client.force_login(alice)
    before = Snapshot()
    response = client.post("/persons/new/", form_data(hetu=bad_hetu))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["hetu"]
    assert named in form.errors["hetu"][0]
    html = response.content.decode()
    assert 'id="id_hetu-error"' in html
    with translation.override("fi"):  # the default language of the pages
        assert f"{form.fields['hetu'].label}: " in html
    assert before.unchanged()
    assert not Person.objects.filter(last_name="Testinen").exists()


def test_person_create__unknown_municipality_refused(client, alice):
    client.force_login(alice)
    before = Snapshot()
    response = client.post("/persons/new/", form_data(municipality_code="999"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["municipality_code"]
    assert before.unchanged()


def _answer(response) -> tuple:
    """What a registration answers, with the person's id taken out."""
    location = response.get("Location", "")
    return response.status_code, location.rsplit("/", 2)[0] if location else ""


def test_person_create__registered_code_answered_as_new_and_logged(client, alice, team):
    """No existence oracle: registering a code that is already registered answers exactly as a
    new registration (a redirect to the person's page, the same message), changes nothing
    stored, opens the same registration relationship and logs the attempt with its basis."""
    existing = PersonFactory(first_name="Eila", street_address="Vanha tie 1")
    client.force_login(alice)
    new = client.post("/persons/new/", form_data())
    new_messages = [str(m) for m in new.wsgi_request._messages]
    persons = Person.objects.count()
    again = client.post("/persons/new/", form_data(hetu=existing.hetu, first_name="Toinen",
                                                   street_address="Uusi tie 2"))
    assert _answer(again) == _answer(new) == (302, "/persons")
    assert again["Location"] == f"/persons/{existing.pk}/"
    assert [str(m) for m in again.wsgi_request._messages][-1:] == new_messages
    assert Person.objects.count() == persons
    existing.refresh_from_db()
    assert (existing.first_name, existing.street_address) == ("Eila", "Vanha tie 1")
    relationship = ClientRelationship.objects.get(person=existing)
    assert (relationship.basis, relationship.team, relationship.user) == (
        Basis.REGISTRATION, team, None)
    record = AccessLogEntry.objects.get(person_id=existing.pk,
                                        action=LogAction.REGISTER_EXISTING)
    assert (record.username, record.basis, record.outcome) == ("alice", Basis.REGISTRATION,
                                                               "allowed")
    assert not AccessLogEntry.objects.filter(person_id=existing.pk,
                                             action=LogAction.CREATE,
                                             category="basic_data").exists()


@pytest.mark.parametrize("written", [
    "\u0661\u0663\u0660\u0669\u0660\u0666A934A",  # Arabic-Indic digits
    "\uff11\uff13\uff10\uff19\uff10\uff16A934A",  # full-width digits
    "130906A\u0669\u0663\u0664A",                    # one part in Arabic-Indic digits
])
def test_person_create__non_ascii_code_refused(client, alice, written):
    """A code that ``str.isdigit()`` accepts but is not ASCII never reaches the lookup hash:
    it is refused with a message naming the field and the character, nothing saved."""
    existing = PersonFactory(hetu="130906A934A")
    assert written != existing.hetu and any(c.isdigit() and not c.isascii() for c in written)
    client.force_login(alice)
    before = Snapshot()
    response = client.post("/persons/new/", form_data(hetu=written))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["hetu"]
    assert "U+" in form.errors["hetu"][0] and "0–9" in form.errors["hetu"][0]
    assert before.unchanged()
    api = api_client(client, alice)
    response = api_post(api, {"hetu": written, "last_name": "Testinen"})
    assert response.status_code == 422
    assert field_names(response) == ["hetu"]
    assert before.unchanged()
    assert find_by_hetu(written) is None


def test_person_create__missing_last_name_refused(client, alice):
    client.force_login(alice)
    before = Snapshot()
    response = client.post("/persons/new/", form_data(last_name=""))
    assert list(response.context["form"].errors) == ["last_name"]
    assert before.unchanged()


def test_person_create__temporary_identifier_given(client, alice):
    client.force_login(alice)
    response = client.post("/persons/new/", form_data(hetu="", temporary="on",
                                                      birth_date="2001-02-03"))
    person = Person.objects.get(last_name="Testinen")
    assert response.status_code == 302
    assert person.temporary_id.startswith("TMP-")
    assert person.hetu == "" and person.hetu_lookup is None
    assert person.birth_date == date(2001, 2, 3)
    assert person.temporary_id in client.get(response["Location"]).content.decode()


def test_person_create__temporary_with_hetu_refused(client, alice):
    client.force_login(alice)
    before = Snapshot()
    response = client.post("/persons/new/", form_data(temporary="on"))
    assert list(response.context["form"].errors) == ["hetu"]
    assert before.unchanged()


def test_person_create__dpo_may_not_register(client, charlie):
    client.force_login(charlie)
    before = Snapshot()
    assert client.get("/persons/new/").status_code == 403
    assert client.post("/persons/new/", form_data()).status_code == 403
    assert before.unchanged()


# --- the API -------------------------------------------------------------------------------


def test_person_create__api_registers_the_person(client, alice, team, municipality):
    api = api_client(client, alice)
    response = api_post(api, {"hetu": NEW_HETU, "first_name": "Tiina", "last_name": "Testinen",
                              "municipality_code": municipality.code, "language": "sv"})
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.hetu == NEW_HETU and person.language == "sv"
    assert person.municipality == municipality
    assert NEW_HETU not in " ".join(str(value) for value in raw_row(person.pk))
    assert find_by_hetu(NEW_HETU) == person
    assert ClientRelationship.objects.get(person=person).team == team
    read = api.get(f"{API_URL}/{person.pk}")
    assert read.status_code == 200
    assert read.json()["hetu"] == NEW_HETU


@pytest.mark.parametrize("bad_hetu", ["131052-308X", "310290-123K", "131052Z308T", "1310"])
def test_person_create__api_invalid_hetu_refused(client, alice, bad_hetu):
    api = api_client(client, alice)
    before = Snapshot()
    response = api_post(api, {"hetu": bad_hetu, "last_name": "Testinen"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert field_names(response) == ["hetu"]
    assert body["error"]["fields"][0]["message"]
    assert before.unchanged()


def test_person_create__api_unknown_municipality_refused(client, alice):
    api = api_client(client, alice)
    before = Snapshot()
    response = api_post(api, {"hetu": NEW_HETU, "last_name": "Testinen",
                              "municipality_code": "999"})
    assert response.status_code == 422
    assert field_names(response) == ["municipality_code"]
    assert "999" in response.json()["error"]["fields"][0]["message"]
    assert before.unchanged()


def test_person_create__api_registered_code_answered_as_new_and_logged(client, alice, team):
    existing = PersonFactory()
    api = api_client(client, alice)
    new = api_post(api, {"hetu": NEW_HETU, "last_name": "Testinen"})
    again = api_post(api, {"hetu": existing.hetu, "last_name": "Testinen"})
    assert again.status_code == new.status_code == 201
    assert set(again.json()) == set(new.json()) == {"id"}
    assert again.json()["id"] == existing.pk
    assert again["Content-Type"] == new["Content-Type"]
    assert Person.objects.filter(last_name="Testinen").count() == 1
    assert ClientRelationship.objects.get(person=existing).basis == Basis.REGISTRATION
    record = AccessLogEntry.objects.get(person_id=existing.pk,
                                        action=LogAction.REGISTER_EXISTING)
    assert (record.username, record.basis) == ("alice", Basis.REGISTRATION)


def test_person_create__api_unknown_field_refused(client, alice):
    api = api_client(client, alice)
    before = Snapshot()
    response = api_post(api, {"hetu": NEW_HETU, "last_name": "Testinen", "safety_ban": True,
                              "hetu_lookup": "x"})
    assert response.status_code == 422
    assert set(field_names(response)) == {"safety_ban", "hetu_lookup"}
    assert before.unchanged()


def test_person_create__api_several_faults_named_together(client, alice):
    api = api_client(client, alice)
    before = Snapshot()
    response = api_post(api, {"hetu": "131052-308X", "last_name": " ", "language": "xx",
                              "municipality_code": "999"})
    assert response.status_code == 422
    assert set(field_names(response)) == {"hetu", "last_name", "language", "municipality_code"}
    assert before.unchanged()


def test_person_create__api_missing_last_name_is_a_schema_error(client, alice):
    api = api_client(client, alice)
    before = Snapshot()
    response = api_post(api, {"hetu": NEW_HETU})
    assert response.status_code == 422
    assert field_names(response) == ["last_name"]
    assert before.unchanged()


def test_person_create__api_temporary_identifier_given(client, alice):
    api = api_client(client, alice)
    response = api_post(api, {"temporary": True, "last_name": "Vauva",
                              "expected_birth_date": str(timezone.localdate() + timedelta(days=40))})
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.temporary_id.startswith("TMP-")
    read = api.get(f"{API_URL}/{person.pk}").json()
    assert read["hetu"] is None and read["temporary_id"] == person.temporary_id


def test_person_create__form_posted_twice_registers_once(client, alice):
    """A person without an identity code (a temporary identifier) is registered once however
    often the same form is posted: the form carries its own key."""
    client.force_login(alice)
    page = client.get("/persons/new/").content.decode()
    assert 'name="idempotency_key"' in page
    data = form_data(hetu="", temporary="on", idempotency_key="ab" * 16)
    first = client.post("/persons/new/", data)
    again = client.post("/persons/new/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Person.objects.filter(last_name="Testinen").count() == 1
    other = client.post("/persons/new/", {**data, "first_name": "Toinen"})
    assert other.status_code == 200
    assert "on jo tallennettu eri tiedoin" in other.content.decode()
    assert Person.objects.filter(last_name="Testinen").count() == 1
