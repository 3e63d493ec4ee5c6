"""The demo county seeded once (200 persons, seed 7) and read by every test here: its
organisation, population and identity codes, the demo logins, who sees whom, the emergency
accesses waiting for review, and that seeding it again is refused or does nothing. The seed runs
once for the module (``demo_county`` in the root conftest); each test's writes are rolled back.
Seeding itself (determinism, interruptions, the demo-mode guard) is in test_seed_demo."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from luotsi.access import gateway
from luotsi.access.models import AccessLogEntry, ClientRelationship
from luotsi.access.selectors import emergency_accesses_for_review
from luotsi.demo import data, generator, seeding
from luotsi.organisation.models import Municipality, Team, User
from luotsi.people import crypto, hetu
from luotsi.people.models import LinkKind, Person, PersonLink, search_key

pytestmark = pytest.mark.django_db

PERSONS = 200
DEMO_COUNTY = {"persons": PERSONS, "seed": 7}


def population():
    """The seeded population: persons with an identity code (the intake flow adds unborn
    children with temporary ids)."""
    return Person.objects.filter(hetu_lookup__isnull=False)


def seed(**options) -> str:
    """Run ``seed_demo`` again over the seeded county."""
    out = StringIO()
    call_command("seed_demo", persons=PERSONS, seed=DEMO_COUNTY["seed"], stdout=out, **options)
    return out.getvalue()


def test_seed_builds_the_county(demo_county):
    assert "Seeded the demo county" in demo_county
    assert population().count() == PERSONS
    assert set(Municipality.objects.values_list("code", "region__code")) == {
        ("018", "central"), ("638", "central"), ("753", "west"), ("505", "west"),
        ("434", "east"), ("407", "east"), ("504", "east")}
    assert Municipality.objects.get(code="505").name_sv == "Borgnäs"
    intake = Team.objects.get(code="family-intake")
    assert (intake.kind, intake.service_task, intake.region) == ("intake", "family_services", None)
    assert PersonLink.objects.filter(kind=LinkKind.GUARDIAN).exists()
    assert PersonLink.objects.filter(kind=LinkKind.HOUSEHOLD).exists()
    assert set(Person.objects.values_list("language", flat=True)) >= {"fi", "sv"}
    # Seeding is not anybody's processing of client data: nothing in the access log.
    assert AccessLogEntry.objects.count() == 0


def test_every_demo_login_signs_in_through_the_form(client, demo_county):
    for login in data.LOGINS:
        user = User.objects.get(username=login.username)
        assert user.is_demo and user.role == login.role
        assert sorted(user.teams.values_list("code", flat=True)) == sorted(login.teams)
        response = client.post("/login/", {"username": login.username,
                                           "password": data.DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        assert response.headers["Location"] == "/"
        client.logout()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_demo_professionals_carry_their_qualification(demo_county):
    """Social workers and the lead are licensed social workers, the intake worker a social
    counsellor (each with a registration number), the nurses and the coordinator neither."""
    qualified = dict(User.objects.filter(is_demo=True).values_list("username", "qualification"))
    assert {name for name, q in qualified.items() if q == "licensed_social_worker"} == {
        "lead", "sw-east", "sw-central", "sw-west", "adult-sw"}
    assert qualified["intake"] == "social_counsellor"
    assert qualified["nurse"] == qualified["mhs"] == qualified["employment"] == "other"
    numbers = User.objects.filter(qualification__in=["licensed_social_worker",
                                                     "social_counsellor"]).values_list(
        "registration_number", flat=True)
    assert all(len(n) == 11 and n.isdigit() for n in numbers)
    # Every responsible social worker the seeded assessments name may be one (LSL 13 b §).
    from luotsi.intake.models import Assessment
    named = Assessment.objects.filter(outcome="child_welfare_client").values_list(
        "responsible_worker__qualification", flat=True).distinct()
    assert set(named) <= {"licensed_social_worker"}


def test_every_identity_code_is_a_unique_test_range_code(demo_county):
    codes = []
    assert not Person.objects.filter(hetu_lookup__isnull=True, temporary_id__isnull=True).exists()
    for person in population():
        parsed = hetu.parse(person.hetu)
        assert parsed.is_test_range and int(parsed.value[7:10]) >= 900
        assert parsed.birth_date == person.birth_date
        assert person.hetu_lookup == crypto.lookup_hash(parsed.value)
        codes.append(parsed.value)
    assert len(codes) == len(set(codes)) == PERSONS


def test_if_empty_does_nothing_the_second_time(demo_county):
    counts = (Person.objects.count(), PersonLink.objects.count(),
              ClientRelationship.objects.count(), User.objects.count())
    output = seed(if_empty=True)
    assert "nothing to do" in output
    assert counts == (Person.objects.count(), PersonLink.objects.count(),
                      ClientRelationship.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="already holds"):
        seed()


def test_demo_logins_lists_logins_url_and_password(demo_county):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in data.LOGINS:
        assert login.username in text
    assert "social_worker" in text and "assessment-east" in text
    assert "http://127.0.0.1:8000" in text and "password: demo" in text


def test_demo_logins_print_the_port_the_server_listens_on(demo_county, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "http://127.0.0.1:8123" in out.getvalue()
    out = StringIO()
    call_command("demo_logins", "--host", "luotsi.local", "--port", "9001", stdout=out)
    assert "http://luotsi.local:9001" in out.getvalue() and ":8123" not in out.getvalue()


def test_demo_users_see_their_clients_in_the_person_search(client, demo_county):
    sw_east = User.objects.get(username="sw-east")
    visible = list(gateway.visible_persons(sw_east).select_related("municipality"))
    assert len(visible) >= 10
    assert {p.municipality.region.code for p in visible} == {"east"}
    person = visible[0]
    client.force_login(sw_east)
    response = client.post("/persons/", {"name": person.last_name})
    assert response.status_code == 200
    assert f'href="/persons/{person.pk}/"' in response.content.decode()
    assert str(person) in response.content.decode()  # "Last, First"
    hidden = Person.objects.exclude(relationships__isnull=False).first()
    response = client.post("/persons/", {"hetu": hidden.hetu})
    assert f'href="/persons/{hidden.pk}/"' not in response.content.decode()
    assert client.get(f"/persons/{person.pk}/").status_code == 200
    assert client.get(f"/persons/{hidden.pk}/").status_code == 404
    for username in ("intake", "sw-central", "sw-west", "adult-sw", "employment", "nurse", "mhs"):
        assert gateway.visible_persons(User.objects.get(username=username)).exists(), username


def test_emergency_accesses_wait_for_the_leads_review(client, demo_county):
    lead = User.objects.get(username="lead")
    pending = list(emergency_accesses_for_review(lead))
    assert len(pending) == len(generator.EMERGENCY_ACCESSES)
    assert {rel.user.username for rel in pending} == {"sw-west"}
    client.force_login(lead)
    response = client.get("/access-log/emergency/")
    assert response.status_code == 200
    for rel in pending:
        assert str(rel.person) in response.content.decode()


def test_a_seeded_county_is_recognised_by_its_own_persons_not_by_all_persons(demo_county):
    """The benchmarks reuse a seeded database: the demo flows and later work add persons beyond
    the scale's population, and the county is still the one seeded with that many."""
    Person.objects.create(first_name="Syntymätön", last_name="Virtanen",
                          search_name=search_key("Syntymätön", "Virtanen"),
                          temporary_id="TMP-BENCH0001", expected_birth_date=date(2027, 3, 1))
    assert Person.objects.count() > PERSONS
    assert seeding.population() == PERSONS
    assert seeding.seeded_with(PERSONS)
    assert not seeding.seeded_with(PERSONS + 1)
    assert not seeding.seeded_with(generator.SCALES["small"])
