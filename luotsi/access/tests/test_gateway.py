"""The access gateway through the pages and the API: without an active client relationship a
person does not exist, every read and refusal is logged, and lists show only visible persons."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.api.models import ApiToken
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.people.models import LinkKind, PersonLink
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


PERSON_ID = re.compile(r"<(?:int:|id:)?person_id>")


def _person_routes() -> list[str]:
    """Every URL (page or API) that takes just a person id, as a template with ``{id}``."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif PERSON_ID.search(route):
                template = PERSON_ID.sub("{id}", route)
                if "<" not in template:
                    found.append("/" + template)

    walk(get_resolver().url_patterns, "")
    return sorted(found)


PERSON_ROUTES = _person_routes()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def test_gateway__person_routes_discovered():
    assert "/persons/{id}/" in PERSON_ROUTES
    assert "/api/v1/persons/{id}" in PERSON_ROUTES


def _get(client, user, url):
    """GET ``url`` as ``user``: the API with a bearer token, pages with a session."""
    if url.startswith("/api/"):
        _record, token = ApiToken.issue(user)
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    client.force_login(user)
    return client.get(url)


_OFFERED_ID = re.compile(r'value="\d+" id="id_person_id"')


def _body(response, url: str) -> str:
    """The response without what differs per request: CSRF tokens, the page's own path and the
    id from it in the emergency-access offer (the id the worker typed, not a finding)."""
    body = _CSRF.sub("", response.content.decode()).replace(url, "{url}")
    return _OFFERED_ID.sub('value="{id}" id="id_person_id"', body)


def _last_log(**filters) -> AccessLogEntry:
    return AccessLogEntry.objects.filter(**filters).order_by("-seq").first()


def _missing_id() -> int:
    from luotsi.people.models import Person

    return (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.mark.parametrize("route", PERSON_ROUTES)
def test_gateway__no_relationship_looks_like_missing_person(client, bob, client_person, case,
                                                            route):
    refused_url = route.format(id=client_person.pk)
    missing_url = route.format(id=_missing_id())
    refused = _get(client, bob, refused_url)
    if refused.status_code == 405:
        pytest.skip("the route takes no GET")
    missing = _get(client, bob, missing_url)
    assert refused.status_code == 404
    assert missing.status_code == 404
    assert _body(refused, refused_url) == _body(missing, missing_url)
    assert refused["Content-Type"] == missing["Content-Type"]
    assert client_person.hetu not in refused.content.decode()
    assert client_person.street_address not in refused.content.decode()
    entry = _last_log(user_id=bob.pk, person_id=client_person.pk)
    assert entry is not None
    assert (entry.outcome, entry.basis) == (Outcome.REFUSED, Basis.NONE)
    if route in ("/persons/{id}/", "/api/v1/persons/{id}"):
        assert entry.action == LogAction.VIEW


@pytest.mark.parametrize("route", ["/persons/{id}/", "/api/v1/persons/{id}"])
def test_gateway__case_worker_allowed_and_logged(client, alice, client_person, case, route):
    response = _get(client, alice, route.format(id=client_person.pk))
    assert response.status_code == 200
    assert client_person.last_name in response.content.decode()
    # The gateway's record is the request's first (a page may log more categories after it).
    entry = AccessLogEntry.objects.filter(
        user_id=alice.pk, person_id=client_person.pk,
        request_id=response["X-Request-ID"]).order_by("seq").first()
    assert (entry.outcome, entry.basis, entry.action, entry.category) == (
        Outcome.ALLOWED, Basis.CASE, LogAction.VIEW, Category.BASIC_DATA)
    assert entry.username == "alice"
    assert entry.request_id == response["X-Request-ID"]


@pytest.mark.parametrize("route", ["/persons/{id}/", "/api/v1/persons/{id}"])
def test_gateway__expired_relationship_refused(client, alice, client_person, route):
    now = timezone.now()
    RelationshipFactory(person=client_person, user=alice, starts_at=now - timedelta(days=30),
                        ends_at=now - timedelta(minutes=1))
    response = _get(client, alice, route.format(id=client_person.pk))
    assert response.status_code == 404
    assert _last_log(user_id=alice.pk).outcome == Outcome.REFUSED


@pytest.mark.parametrize("route", ["/persons/{id}/", "/api/v1/persons/{id}"])
def test_gateway__future_relationship_not_yet_valid(client, alice, client_person, route):
    RelationshipFactory(person=client_person, user=alice,
                        starts_at=timezone.now() + timedelta(days=1))
    assert _get(client, alice, route.format(id=client_person.pk)).status_code == 404
    assert_refused(alice, client_person)


@pytest.mark.parametrize("route", ["/persons/{id}/", "/api/v1/persons/{id}"])
def test_gateway__team_relationship_covers_team_members(client, team, lead, bob, client_person,
                                                        route):
    RelationshipFactory(person=client_person, team=team, basis=Basis.INTAKE)
    member = UserFactory(username="member", teams=[team])
    for user in (lead, member):
        response = _get(client, user, route.format(id=client_person.pk))
        assert response.status_code == 200
        entry = _last_log(user_id=user.pk)
        assert (entry.outcome, entry.basis, entry.team) == (Outcome.ALLOWED, Basis.INTAKE,
                                                            team.code)
    assert _get(client, bob, route.format(id=client_person.pk)).status_code == 404
    assert_refused(bob, client_person)


def test_gateway__strongest_basis_logged(client, alice, team, client_person, case):
    RelationshipFactory(person=client_person, team=team, basis=Basis.REGISTRATION)
    client.force_login(alice)
    client.get(f"/persons/{client_person.pk}/")
    assert _last_log(user_id=alice.pk).basis == Basis.CASE


@pytest.mark.parametrize("route", ["/persons/{id}/", "/api/v1/persons/{id}"])
def test_gateway__dpo_cannot_see_persons(client, charlie, client_person, route):
    RelationshipFactory(person=client_person, user=charlie)  # even a relationship does not help
    response = _get(client, charlie, route.format(id=client_person.pk))
    assert response.status_code == 404
    assert _last_log(user_id=charlie.pk).outcome == Outcome.REFUSED


def test_gateway__search_lists_only_visible_persons(client, alice, team, municipality):
    visible = [PersonFactory(last_name=f"Mäkinen{i}", municipality=municipality)
               for i in range(3)]
    hidden = [PersonFactory(last_name=f"Mäkinen{i}x") for i in range(3)]
    expired = PersonFactory(last_name="Mäkinen-old")
    for person in visible[:2]:
        RelationshipFactory(person=person, user=alice)
    RelationshipFactory(person=visible[2], team=team, basis=Basis.INTAKE)
    RelationshipFactory(person=expired, user=alice, ends_at=timezone.now() - timedelta(hours=1))
    client.force_login(alice)
    response = client.post("/persons/", {"name": "mäkinen"})
    assert response.status_code == 200
    listed = {person.pk for person in response.context["results"]}
    assert listed == {person.pk for person in visible}
    html = response.content.decode()
    for person in hidden + [expired]:
        assert person.last_name not in html
    entries = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.LIST)
    assert sorted(entries.values_list("person_id", flat=True)) == sorted(listed)
    assert {entry.outcome for entry in entries} == {Outcome.ALLOWED}
    assert dict(entries.values_list("person_id", "basis")) == {
        visible[0].pk: Basis.CASE, visible[1].pk: Basis.CASE, visible[2].pk: Basis.INTAKE}
    assert not AccessLogEntry.objects.filter(
        person_id__in=[p.pk for p in hidden + [expired]], action=LogAction.LIST).exists()


def test_gateway__search_by_hetu_of_invisible_person_finds_nothing(client, bob, client_person,
                                                                   case):
    client.force_login(bob)
    response = client.post("/persons/", {"hetu": client_person.hetu})
    assert response.context["results"] == []
    assert not AccessLogEntry.objects.filter(user_id=bob.pk, action=LogAction.LIST).exists()


def test_gateway__dpo_may_not_search(client, charlie, client_person):
    client.force_login(charlie)
    assert client.post("/persons/", {"name": "asiakas"}).status_code == 403


# --- safety ban (turvakielto) --------------------------------------------------------------


@pytest.fixture
def protected(municipality):
    return PersonFactory(last_name="Suojattu", municipality=municipality, safety_ban=True,
                         street_address="Salainen polku 7", postal_code="06650",
                         post_office="Hamari")


@pytest.mark.parametrize("basis", [Basis.REGISTRATION, Basis.INTAKE, Basis.EMERGENCY])
def test_gateway__safety_ban_hides_address_without_need_to_know(client, alice, protected,
                                                               municipality, basis):
    RelationshipFactory(person=protected, user=alice, basis=basis)
    page = _get(client, alice, f"/persons/{protected.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Suojattu" in html
    for secret in ("Salainen polku", "06650", "Hamari", municipality.name_fi):
        assert secret not in html
    api = _get(client, alice, f"/api/v1/persons/{protected.pk}").json()
    assert api["address_protected"] is True
    assert api["safety_ban"] is True
    assert api["municipality"] is None
    assert api["street_address"] is None and api["postal_code"] is None
    assert api["post_office"] is None
    assert "Salainen" not in str(api) and municipality.name_fi not in str(api)


@pytest.mark.parametrize("basis", [Basis.CASE, Basis.CARE_TEAM])
def test_gateway__safety_ban_address_shown_to_case_worker(client, alice, protected,
                                                          municipality, basis):
    RelationshipFactory(person=protected, user=alice, basis=basis)
    html = _get(client, alice, f"/persons/{protected.pk}/").content.decode()
    assert "Salainen polku 7" in html
    assert municipality.name_fi in html
    api = _get(client, alice, f"/api/v1/persons/{protected.pk}").json()
    assert api["address_protected"] is False
    assert api["street_address"] == "Salainen polku 7"
    assert api["municipality"]["code"] == municipality.code


def test_gateway__safety_ban_needs_the_role_too(client, team, protected):
    """A case does not show the address to a role without the right to see protected ones."""
    nurse = UserFactory(username="nurse", role=Role.NURSE, teams=[team])
    RelationshipFactory(person=protected, user=nurse, basis=Basis.CASE)
    assert "Salainen" not in _get(client, nurse, f"/persons/{protected.pk}/").content.decode()
    assert _get(client, nurse, f"/api/v1/persons/{protected.pk}").json()["address_protected"]


def test_gateway__safety_ban_hidden_in_search_results(client, alice, protected, municipality):
    RelationshipFactory(person=protected, user=alice, basis=Basis.INTAKE)
    client.force_login(alice)
    html = client.post("/persons/", {"name": "suojattu"}).content.decode()
    assert "Suojattu" in html
    assert municipality.name_fi not in html


# --- query counts do not grow with data ----------------------------------------------------

# Session, user, teams, the page's own reads, one access-log append (in a savepoint; on
# PostgreSQL one more query takes the chain lock) and the session save.
SEARCH_MAX_QUERIES = 12
# The person page also reads each capability's history (contacts, assessments, plan,
# shared-client record) and appends the categories shown (a second append).
PERSON_PAGE_MAX_QUERIES = 19


def _chain_lock_queries() -> int:
    return 1 if connection.vendor == "postgresql" else 0


def _search_queries(client, alice, count: int) -> int:
    for i in range(count):
        person = PersonFactory(last_name=f"Laine{count}-{i:02d}")
        RelationshipFactory(person=person, user=alice)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/persons/", {"name": f"laine{count}-"})
    assert len(response.context["results"]) == count
    return len(queries)


def test_gateway__search_query_count_does_not_grow(client, alice, municipality,
                                                   django_assert_max_num_queries):
    small = _search_queries(client, alice, 5)
    large = _search_queries(client, alice, 50)
    assert small == large
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES + _chain_lock_queries()):
        client.post("/persons/", {"name": "laine50-"})


def _person_page_queries(client, alice, count: int) -> int:
    person = PersonFactory(last_name=f"Perhe{count}")
    RelationshipFactory(person=person, user=alice)
    for _i in range(count):
        RelationshipFactory(person=person, team=TeamFactory(), basis=Basis.CARE_TEAM)
        PersonLink.objects.create(person=person, other=PersonFactory(), kind=LinkKind.GUARDIAN)
        PersonLink.objects.create(person=PersonFactory(), other=person, kind=LinkKind.HOUSEHOLD)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/persons/{person.pk}/")
    assert response.status_code == 200
    assert len(response.context["children"]) == count
    return len(queries)


def test_gateway__person_page_query_count_does_not_grow(client, alice,
                                                        django_assert_max_num_queries):
    small = _person_page_queries(client, alice, 5)
    large = _person_page_queries(client, alice, 50)
    assert small == large
    person_id = AccessLogEntry.objects.filter(user_id=alice.pk).order_by("-seq")[0].person_id
    with django_assert_max_num_queries(PERSON_PAGE_MAX_QUERIES + 2 * _chain_lock_queries()):
        client.get(f"/persons/{person_id}/")


# --- the access functions and the list log -------------------------------------------------------


def test_log_listed_ids__each_person_once_with_their_own_basis(alice, client_person, case):
    from luotsi.access import gateway

    registered = PersonFactory()
    RelationshipFactory(person=registered, user=alice, basis=Basis.REGISTRATION)
    unknown = PersonFactory()
    bases = gateway.log_listed_ids(
        alice, [client_person.pk, registered.pk, client_person.pk, unknown.pk, None],
        category=Category.BASIC_DATA, detail="a list")
    assert bases == {client_person.pk: Basis.CASE, registered.pk: Basis.REGISTRATION}
    listed = AccessLogEntry.objects.filter(user_id=alice.pk, detail="a list").order_by("seq")
    assert list(listed.values_list("person_id", "basis", "action")) == [
        (client_person.pk, Basis.CASE, LogAction.LIST),
        (registered.pk, Basis.REGISTRATION, LogAction.LIST),
        (unknown.pk, Basis.NONE, LogAction.LIST)]
    # Client records: a registration opens none; with visible_only the unseen are not logged.
    bases = gateway.log_listed_ids(alice, [client_person.pk, registered.pk, unknown.pk],
                                   category=Category.PLAN, detail="shown only",
                                   visible_only=True)
    assert bases == {client_person.pk: Basis.CASE}
    shown = AccessLogEntry.objects.filter(user_id=alice.pk, detail="shown only")
    assert list(shown.values_list("person_id", flat=True)) == [client_person.pk]


def test_access_functions__registered_by_name_and_missing_record_refused(alice, client_person,
                                                                         case):
    from luotsi.access import gateway
    from luotsi.intake.selectors import access_contact_by_id

    assert {"access_person_by_id", "access_contact_by_id"} <= set(gateway.ACCESS_FUNCTIONS)
    with pytest.raises(ValueError):
        gateway.access_function(lambda user, pk: None)
    calls = []

    def heard(sender, **kwargs):
        calls.append((sender, kwargs["record_id"]))

    gateway.access_checked.connect(heard)
    try:
        with pytest.raises(gateway.PersonNotFound):
            access_contact_by_id(alice, 2**62)
    finally:
        gateway.access_checked.disconnect(heard)
    assert calls == [("access_contact_by_id", 2**62)]
    entry = assert_refused(alice, None, category=Category.INTAKE)
    assert entry.detail == f"contact {2**62}"
