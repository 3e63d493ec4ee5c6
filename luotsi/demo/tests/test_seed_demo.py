"""Seeding the demo county: the generator, determinism, interrupted seeds, the demo-mode guard,
and the larger counties' care teams and coordination. Each test seeds its own county (into an
empty database, or with other sizes and seeds); the tests that only read the usual county share
one in test_seeded_county."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError, RestrictedError

from luotsi.access.models import Basis, ClientRelationship
from luotsi.demo import generator, seeding
from luotsi.people import hetu
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db

PERSONS = 200


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


def test_working_age_teams_share_a_care_team():
    seed(persons=1_000)
    shared = set(ClientRelationship.objects.filter(basis=Basis.CARE_TEAM, team__code="health")
                 .values_list("person_id", flat=True))
    assert 10 <= len(shared) <= 20
    for code in ("working-age", "employment", "mhs"):
        team_clients = set(ClientRelationship.objects.filter(team__code=code)
                           .values_list("person_id", flat=True))
        assert shared <= team_clients


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


def test_an_unfinished_seed_is_not_a_seeded_county():
    seeding.seed_organisation()
    seeding.seed_logins()
    seeding.seed_population(PERSONS, 7, date(2026, 12, 1))
    assert seeding.population() == PERSONS
    assert not seeding.seeded_with(PERSONS)
