"""The identification over the events' analytical copy (Parquet by month, DuckDB) gives exactly the
flags of the SQL path, and the copy is never used behind the database."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from luotsi.people.tests.factories import PersonFactory
from luotsi.usage import analytics, identification
from luotsi.usage.identification import run_identification
from luotsi.usage.importing import import_events
from luotsi.usage.models import (
    EventMonth,
    Flag,
    IdentificationRule,
    IdentificationRun,
    ServiceEvent,
)
from luotsi.usage.tests.factories import row, write_csv

pytestmark = pytest.mark.django_db
SECTORS = ["social", "health", "mental_health_substance", "employment"]
KINDS = ["visit", "doctor_visit", "emergency_visit", "decision", "contact"]
# Month ends, a leap day, the day after it in a common year, a year's end.
AS_OF_DATES = [date(2024, 2, 29), date(2025, 2, 28), date(2025, 12, 31), date(2026, 2, 28),
               date(2026, 3, 31)]


@pytest.fixture
def copy_dir(settings, tmp_path):
    settings.EVENTS_PARQUET_DIR = str(tmp_path / "events")
    return tmp_path / "events"


@pytest.fixture
def rules(default_rules):
    """The default rules and rules with every condition: ages, sectors together, kinds, windows
    of a day, a month and a leap year."""
    extra = [
        {"code": "working_age_mhs_employment", "measure": "distinct_sectors", "threshold": 2,
         "window_days": 365, "min_age": 18, "max_age": 64,
         "sectors_together": ["mental_health_substance", "employment"]},
        {"code": "adult_social", "measure": "events_in_sector", "sector": "social",
         "threshold": 3, "window_days": 30, "min_age": 18},
        {"code": "young_any", "measure": "events_total", "threshold": 4, "window_days": 366,
         "max_age": 17},
        {"code": "one_day_emergency", "measure": "events_of_kind",
         "event_kind": "emergency_visit", "threshold": 2, "window_days": 1},
        {"code": "contacts_and_decisions", "measure": "events_total", "threshold": 3,
         "window_days": 90, "event_kinds": ["contact", "decision"],
         "sectors_together": ["social", "employment"]},
        {"code": "visits_in_health", "measure": "events_of_kind", "event_kind": "visit",
         "threshold": 2, "window_days": 60, "sectors_together": ["health", "social"]},
    ]
    for conditions in extra:
        IdentificationRule.objects.create(name_fi=conditions["code"], version=1, active=True,
                                          **conditions)
    return list(IdentificationRule.objects.all())


def awkward_events(seed: int = 7) -> list:
    """Persons born on leap days and on the ages' edges, with events on month ends, leap days and
    the windows' first and last days (and the days just outside them)."""
    rng = random.Random(seed)
    births = [date(2008, 2, 29), date(2008, 3, 1), date(2008, 2, 28), date(1961, 12, 31),
              date(1962, 1, 1), date(1960, 2, 29), date(2007, 12, 31), date(2009, 1, 1),
              date(1990, 6, 15), date(2000, 2, 29)]
    persons = [PersonFactory(birth_date=births[n % len(births)]) for n in range(40)]
    undated = PersonFactory()
    type(undated).objects.filter(pk=undated.pk).update(birth_date=None)
    persons.append(undated)
    edges = set()
    for as_of in AS_OF_DATES:
        for days in (1, 30, 60, 90, 365, 366):
            start = as_of - timedelta(days=days - 1)
            edges.update({start, start - timedelta(days=1), as_of, as_of + timedelta(days=1)})
    edges.update({date(2024, 2, 29), date(2025, 1, 31), date(2025, 12, 1), date(2026, 1, 1)})
    days = sorted(edges)
    events = []
    for person in persons:
        for _ in range(rng.randrange(5, 40)):
            day = rng.choice(days) if rng.random() < 0.7 else \
                date(2023, 1, 1) + timedelta(days=rng.randrange(1300))
            events.append(analytics_event(person, rng.choice(SECTORS), day, rng.choice(KINDS),
                                          rng))
    ServiceEvent.objects.bulk_create(events, ignore_conflicts=True)
    return persons


def analytics_event(person, sector, day, kind, rng):
    return ServiceEvent(person=person, sector=sector, service_code=f"S{rng.randrange(1000)}",
                        organisation="Org", event_date=day, kind=kind)


def flags() -> set[tuple]:
    return set(Flag.objects.values_list("person_id", "rule_id", "rule_version", "as_of",
                                        "first_flagged_on"))


def reasons() -> dict:
    """What the person page and the API say of each flag: its rule and version."""
    return {(f.person_id, f.rule.code): f.rule_version for f in Flag.objects.select_related("rule")}


def both_paths(settings, copy_path, run) -> tuple[tuple, tuple]:
    """``run()`` on the SQL path, then afresh over the copy; the flags and runs of each."""
    settings.EVENTS_PARQUET_DIR = ""
    sql = run()
    sql_flags, sql_reasons = flags(), reasons()
    Flag.objects.all().delete()
    IdentificationRun.objects.all().delete()
    settings.EVENTS_PARQUET_DIR = str(copy_path)
    copied = run()
    return (sql_flags, sql_reasons, sql), (flags(), reasons(), copied)


def test_copy__full_runs_flag_exactly_as_sql(rules, copy_dir, settings, monkeypatch):
    awkward_events()
    used = []
    original = identification._insert_copy_matches
    monkeypatch.setattr(identification, "_insert_copy_matches",
                        lambda *args: used.append(1) or original(*args))
    raised = set()
    for as_of in AS_OF_DATES:
        sql, copied = both_paths(settings, copy_dir, lambda day=as_of: [
            (run.persons_evaluated, run.flagged)
            for run in [run_identification(as_of=day)]])
        assert sql == copied, as_of
        assert sql[0], f"nothing flagged on {as_of}: the events test nothing"
        raised |= {rule for _, rule, *_ in sql[0]}
        Flag.objects.all().delete()
        IdentificationRun.objects.all().delete()
    assert len(used) == len(AS_OF_DATES)
    assert raised >= {r.pk for r in rules if r.min_age is not None or r.max_age is not None}


def test_copy__daily_runs_flag_exactly_as_sql(rules, copy_dir, settings):
    persons = awkward_events()
    stored = ServiceEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    def days():
        ServiceEvent.objects.filter(pk__gt=stored).delete()  # the previous path's new events
        rng = random.Random(3)
        results = []
        run_identification(as_of=date(2025, 12, 20))
        for n in range(1, 16):
            day = date(2025, 12, 20) + timedelta(days=n)
            if n % 3 == 0:  # new events of the day, and one dated back
                ServiceEvent.objects.bulk_create([
                    analytics_event(rng.choice(persons), rng.choice(SECTORS), when,
                                    rng.choice(KINDS), rng)
                    for when in (day, day, day - timedelta(days=40))], ignore_conflicts=True)
            run = run_identification(as_of=day, incremental=True)
            results.append((run.mode, run.persons_evaluated, run.flagged, flags()))
        return results

    sql, copied = both_paths(settings, copy_dir, days)
    assert [mode for mode, *_ in copied[2]].count("incremental") == 15
    assert sql[2] == copied[2]


def _doctor_visits(person, day: date) -> None:
    """Eight doctor's visits on ``day``: enough for the frequent-visits rule to flag."""
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=person, sector="health", service_code=f"X{n}", organisation="O",
                     event_date=day, kind="doctor_visit") for n in range(8)])


def test_copy__month_behind_the_database_is_rewritten_before_use(rules, copy_dir):
    person = PersonFactory()
    as_of = date(2025, 6, 30)
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=person, sector="health", service_code="X", organisation="O",
                     event_date=as_of - timedelta(days=n), kind="doctor_visit")
        for n in range(7)])
    analytics.refresh()
    # An eighth visit stored afterwards, by a way that does not write the copy.
    ServiceEvent.objects.create(person=person, sector="health", service_code="Y",
                                organisation="O", event_date=as_of, kind="doctor_visit")
    assert analytics.status()["behind"] == ["2025-06"]
    run_identification(as_of=as_of)
    assert Flag.objects.filter(person=person, rule__code="frequent_doctor_visits").exists()
    assert analytics.status()["behind"] == []


def test_copy__deleted_events_make_their_month_behind(rules, copy_dir):
    person = PersonFactory()
    as_of = date(2025, 6, 30)
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=person, sector="health", service_code="X", organisation="O",
                     event_date=as_of - timedelta(days=n), kind="doctor_visit")
        for n in range(30)])
    run_identification(as_of=as_of)
    assert Flag.objects.filter(person=person).exists()
    ServiceEvent.objects.filter(person=person, event_date__month=6).delete()
    run_identification(as_of=as_of)
    assert not Flag.objects.filter(person=person).exists()


def test_copy__copy_that_cannot_be_brought_up_to_date_is_bypassed(rules, copy_dir, caplog):
    person = PersonFactory()
    as_of = date(2025, 6, 30)
    analytics.refresh()
    _doctor_visits(person, as_of)
    # The copy is behind and cannot be read or written (whoever runs the test).
    (copy_dir / "manifest.json").unlink(missing_ok=True)
    (copy_dir / "manifest.json").mkdir()
    assert analytics.window_files(as_of - timedelta(days=364), as_of) is None
    run_identification(as_of=as_of)
    assert Flag.objects.filter(person=person, rule__code="frequent_doctor_visits").exists()
    assert "events copy not used" in caplog.text


def test_copy__directory_that_cannot_exist_is_bypassed(rules, settings, tmp_path):
    (tmp_path / "file").write_text("")
    settings.EVENTS_PARQUET_DIR = str(tmp_path / "file" / "events")
    person = PersonFactory()
    _doctor_visits(person, date(2025, 6, 30))
    run_identification(as_of=date(2025, 6, 30))
    assert Flag.objects.filter(person=person).count() == 1


def test_copy__copy_of_another_database_is_rebuilt(rules, copy_dir):
    person = PersonFactory()
    ServiceEvent.objects.create(person=person, sector="health", service_code="X",
                                organisation="O", event_date=date(2025, 6, 1), kind="visit")
    analytics.refresh()
    manifest = json.loads((copy_dir / "manifest.json").read_text())
    manifest["store"] = "another"
    (copy_dir / "manifest.json").write_text(json.dumps(manifest))
    (copy_dir / "2020-01.parquet").write_bytes(b"not ours")
    assert analytics.status()["behind"] == ["2025-06"]
    assert analytics.window_files(date(2025, 6, 1), date(2025, 6, 30)) == [
        str(copy_dir / "2025-06.parquet")]
    assert not (copy_dir / "2020-01.parquet").exists()


def test_copy__import_writes_the_months_it_touched(rules, copy_dir, tmp_path):
    path = write_csv(tmp_path / "events.csv", [
        row(1, event_date="2025-01-31"), row(2, event_date="2025-02-01"),
        row(3, event_date="2024-02-29")])
    result = import_events(path)
    assert result.imported == 3
    assert sorted(p.name for p in copy_dir.glob("*.parquet")) == [
        "2024-02.parquet", "2025-01.parquet", "2025-02.parquet"]
    assert analytics.status()["behind"] == []
    again = import_events(path)  # all duplicates: nothing changes, nothing is written
    assert again.imported == 0 and again.copy_months == 0
    assert set(EventMonth.objects.values_list("generation", flat=True)) == {1}
    import pyarrow.parquet as pq

    table = pq.read_table(copy_dir / "2024-02.parquet")
    assert table.column_names == ["id", "person_id", "event_date", "sector", "kind"]
    assert table.column("event_date").to_pylist() == [date(2024, 2, 29)]
    assert not [p for p in copy_dir.iterdir() if p.name.endswith(".tmp")]
    # The identity codes stay in the database: the copy holds the pseudonymous person ids.
    assert table.column("person_id").to_pylist() == list(
        ServiceEvent.objects.filter(event_date=date(2024, 2, 29)).values_list("person_id",
                                                                              flat=True))


def test_events_parquet_command__check_rebuild_and_not_configured(rules, copy_dir, settings):
    person = PersonFactory()
    ServiceEvent.objects.create(person=person, sector="health", service_code="X",
                                organisation="O", event_date=date(2025, 6, 1), kind="visit")
    with pytest.raises(SystemExit) as exited:
        call_command("events_parquet", "--check", stdout=StringIO())
    assert exited.value.code == 1
    out = StringIO()
    call_command("events_parquet", "--json", stdout=out)
    assert json.loads(out.getvalue())["written"] == {"2025-06": 1}
    call_command("events_parquet", "--check", stdout=StringIO())  # up to date: no exit
    out = StringIO()
    call_command("events_parquet", "--rebuild", "--json", stdout=out)
    assert json.loads(out.getvalue())["events_written"] == 1
    settings.EVENTS_PARQUET_DIR = ""
    with pytest.raises(CommandError, match="LUOTSI_EVENTS_PARQUET_DIR"):
        call_command("events_parquet")


def test_copy__not_configured_reads_the_events_table(rules, settings, monkeypatch):
    settings.EVENTS_PARQUET_DIR = ""
    monkeypatch.setattr(identification, "_insert_copy_matches", None)  # never called
    person = PersonFactory()
    _doctor_visits(person, date(2025, 6, 30))
    run_identification(as_of=date(2025, 6, 30))
    assert Flag.objects.filter(person=person).count() == 1


def test_deploy_check__copy_directory_usable(settings, tmp_path):
    from luotsi.home.checks import events_parquet_directory

    settings.EVENTS_PARQUET_DIR = str(tmp_path / "new" / "events")  # created on first use
    assert events_parquet_directory(None) == []
    settings.EVENTS_PARQUET_DIR = "var/events"
    assert [m.id for m in events_parquet_directory(None)] == ["luotsi.E030"]
    (tmp_path / "file").write_text("")
    settings.EVENTS_PARQUET_DIR = str(tmp_path / "file" / "events")
    assert [m.id for m in events_parquet_directory(None)] == ["luotsi.E030"]
    settings.EVENTS_PARQUET_DIR = ""
    engine = settings.DATABASES["default"]["ENGINE"]
    expected = ["luotsi.W030"] if engine.endswith("postgresql") else []
    assert [m.id for m in events_parquet_directory(None)] == expected
