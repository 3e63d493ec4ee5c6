"""The demo county: seeding, demo logins, determinism and the demo-mode guard."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError, RestrictedError

from luotsi.access import gateway
from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship
from luotsi.access.selectors import emergency_accesses_for_review
from luotsi.demo import data, generator, seeding
from luotsi.organisation.models import Municipality, Team, User
from luotsi.people import crypto, hetu
from luotsi.people.models import LinkKind, Person, PersonLink, search_key

pytestmark = pytest.mark.django_db

PERSONS = 200


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Argon2 costs ~0.15 s per demo login; the login form works the same with any hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def population():
    """The seeded population: persons with an identity code (the intake flow adds unborn
    children with temporary ids)."""
    return Person.objects.filter(hetu_lookup__isnull=False)


def _reaches_person(model, seen=()) -> bool:
    for field in model._meta.get_fields():
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if target is Person:
            return True
        if target._meta.app_label in FLOW_APPS and target not in seen:
            if _reaches_person(target, (*seen, model)):
                return True
    return False


FLOW_APPS = ("sharedcare", "usage", "plans", "intake")


def wipe_client_data() -> None:
    """Delete the persons and everything the demo flows wrote about them, keeping the
    configuration (code lists, rules, checklists) the next seed needs. Flow records protect the
    persons and each other, so delete in passes until nothing is refused."""
    models = [model for label in FLOW_APPS
              for model in apps.get_app_config(label).get_models() if _reaches_person(model)]
    models.append(Person)
    for _attempt in range(len(models) + 1):
        refused = []
        for model in models:
            try:
                model.objects.all().delete()
            except (ProtectedError, RestrictedError):
                refused.append(model)
        if not refused:
            return
        models = refused
    raise AssertionError(f"could not delete {models}")


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", persons=options.pop("persons", PERSONS),
                 seed=options.pop("seed", 7), stdout=out, **options)
    return out.getvalue()


def test_seed_builds_the_county():
    output = seed()
    assert "Seeded the demo county" in output
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


def test_every_demo_login_signs_in_through_the_form(client):
    seed()
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


def test_every_identity_code_is_a_unique_test_range_code():
    seed()
    codes = []
    assert not Person.objects.filter(hetu_lookup__isnull=True, temporary_id__isnull=True).exists()
    for person in population():
        parsed = hetu.parse(person.hetu)
        assert parsed.is_test_range and int(parsed.value[7:10]) >= 900
        assert parsed.birth_date == person.birth_date
        assert person.hetu_lookup == crypto.lookup_hash(parsed.value)
        codes.append(parsed.value)
    assert len(codes) == len(set(codes)) == PERSONS


def test_generator_keeps_codes_unique_on_crowded_days():
    # 5,000 persons: many share a birth date, each day has only 50 codes per sex.
    population = generator.generate_population(5_000, 1, date(2025, 1, 15))
    codes = [p.hetu for p in population.persons]
    assert len(set(codes)) == len(codes)
    for person in population.persons:
        parsed = hetu.parse(person.hetu)
        assert parsed.is_test_range and parsed.sex == person.sex
        assert parsed.birth_date == person.birth_date <= date(2025, 1, 15)


def test_same_seed_same_county():
    seed(seed=11)
    first = seeding.population_digest()
    wipe_client_data()  # links and relationships go with the persons
    assert not ClientRelationship.objects.exists()
    seed(seed=11)
    assert seeding.population_digest() == first
    wipe_client_data()
    seed(seed=12)
    assert seeding.population_digest() != first


def test_if_empty_does_nothing_the_second_time():
    seed()
    counts = (Person.objects.count(), PersonLink.objects.count(),
              ClientRelationship.objects.count(), User.objects.count())
    output = seed(if_empty=True)
    assert "nothing to do" in output
    assert counts == (Person.objects.count(), PersonLink.objects.count(),
                      ClientRelationship.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="already holds"):
        seed()


def test_an_interrupted_seed_rolls_back_the_phase_and_finishes_on_the_next_run(monkeypatch):
    manager = ClientRelationship.objects
    real_bulk_create = manager.bulk_create

    def bulk_create_then_ctrl_c(*args, **kwargs):
        real_bulk_create(*args, **kwargs)
        assert manager.exists()
        raise KeyboardInterrupt

    monkeypatch.setattr(manager, "bulk_create", bulk_create_then_ctrl_c)
    with pytest.raises(CommandError, match="relationships phase") as error:
        seed()
    assert error.value.returncode == 130
    assert Person.objects.count() == PERSONS  # the phases before it are kept
    assert not ClientRelationship.objects.exists()  # the half-written phase is gone
    monkeypatch.setattr(manager, "bulk_create", real_bulk_create)
    output = seed(if_empty=True)
    assert "interrupted demo seed" in output
    assert population().count() == PERSONS
    assert ClientRelationship.objects.filter(source=seeding.SOURCE).exists()
    assert ClientRelationship.objects.filter(source=seeding.EMERGENCY_SOURCE).exists()
    assert "nothing to do" in seed(if_empty=True)


def test_an_interrupted_flow_is_finished_by_the_next_run(monkeypatch):
    from luotsi.demo.flows import plans as plans_flow
    from luotsi.plans.models import Plan

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    real_seed = plans_flow.seed
    monkeypatch.setattr(plans_flow, "seed", ctrl_c)
    with pytest.raises(CommandError, match="plans phase"):
        seed()
    assert not Plan.objects.exists() and not plans_flow.done()
    monkeypatch.setattr(plans_flow, "seed", real_seed)
    output = seed(if_empty=True)
    assert "finishing the missing phases" in output
    assert plans_flow.done() and Plan.objects.exists()
    assert "nothing to do" in seed(if_empty=True)


def test_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="LUOTSI_DEMO"):
        seed()
    assert not Person.objects.exists()
    out, err = StringIO(), StringIO()
    call_command("demo_logins", stdout=out, stderr=err)
    assert "LUOTSI_DEMO" in err.getvalue()
    assert "sw-east" not in out.getvalue()


def test_demo_logins_lists_logins_url_and_password():
    seed()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in data.LOGINS:
        assert login.username in text
    assert "social_worker" in text and "assessment-east" in text
    assert "http://127.0.0.1:8000" in text and "password: demo" in text


def test_demo_users_see_their_clients_in_the_person_search(client):
    seed()
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


def test_working_age_teams_share_a_care_team():
    seed(persons=1_000)
    shared = set(ClientRelationship.objects.filter(basis=Basis.CARE_TEAM, team__code="health")
                 .values_list("person_id", flat=True))
    assert 10 <= len(shared) <= 20
    for code in ("working-age", "employment", "mhs"):
        team_clients = set(ClientRelationship.objects.filter(team__code=code)
                           .values_list("person_id", flat=True))
        assert shared <= team_clients


def test_emergency_accesses_wait_for_the_leads_review(client):
    seed()
    lead = User.objects.get(username="lead")
    pending = list(emergency_accesses_for_review(lead))
    assert len(pending) == len(generator.EMERGENCY_ACCESSES)
    assert {rel.user.username for rel in pending} == {"sw-west"}
    client.force_login(lead)
    response = client.get("/access-log/emergency/")
    assert response.status_code == 200
    for rel in pending:
        assert str(rel.person) in response.content.decode()


def test_coordinated_clients_have_fewer_emergency_visits_after_coordination_started():
    from datetime import timedelta

    from luotsi.sharedcare.models import SharedClient
    from luotsi.usage.models import ServiceEvent

    seed(persons=5_000)
    started_on = dict(SharedClient.objects.filter(status=SharedClient.Status.CONFIRMED)
                      .values_list("person_id", "coordination_started_on"))
    assert len(started_on) >= 10
    before = after = 0
    for person_id, day in ServiceEvent.objects.filter(
            person_id__in=list(started_on), kind="emergency_visit").values_list(
            "person_id", "event_date"):
        started = started_on[person_id]
        if started - timedelta(days=365) <= day < started:
            before += 1
        elif started <= day < started + timedelta(days=365):
            after += 1
    assert before > 2 * after > 0


def test_a_seeded_county_is_recognised_by_its_own_persons_not_by_all_persons():
    """The benchmarks reuse a seeded database: the demo flows and later work add persons beyond
    the scale's population, and the county is still the one seeded with that many."""
    seed()
    Person.objects.create(first_name="Syntymätön", last_name="Virtanen",
                          search_name=search_key("Syntymätön", "Virtanen"),
                          temporary_id="TMP-BENCH0001", expected_birth_date=date(2027, 3, 1))
    assert Person.objects.count() > PERSONS
    assert seeding.population() == PERSONS
    assert seeding.seeded_with(PERSONS)
    assert not seeding.seeded_with(PERSONS + 1)
    assert not seeding.seeded_with(generator.SCALES["small"])


def test_an_unfinished_seed_is_not_a_seeded_county():
    seeding.seed_organisation()
    seeding.seed_logins()
    seeding.seed_population(PERSONS, 7, date(2026, 12, 1))
    assert seeding.population() == PERSONS
    assert not seeding.seeded_with(PERSONS)
