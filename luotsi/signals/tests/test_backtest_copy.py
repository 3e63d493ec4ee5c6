"""The early rules' backtest over the events' analytical copy gives exactly the figures of the
database's statement."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from luotsi.people.tests.factories import PersonFactory
from luotsi.signals import backtest
from luotsi.signals.backtest import run_backtest
from luotsi.signals.models import EarlyWarningRule
from luotsi.usage.models import IdentificationRule, ServiceEvent

pytestmark = pytest.mark.django_db
SECTORS = ["social", "health", "mental_health_substance", "employment"]
KINDS = ["visit", "doctor_visit", "emergency_visit", "decision", "contact"]


@pytest.fixture
def rules(db):
    """The default identification rules (one with an age condition) and early rules of every
    measure, windows of a month to a leap year."""
    from importlib import import_module

    from django.apps import apps

    if not IdentificationRule.objects.exists():  # (a browser test's flush may have emptied them)
        import_module("luotsi.usage.migrations.0002_default_identification_rules").load(apps,
                                                                                        None)
    IdentificationRule.objects.filter(code="multi_sector").update(min_age=18)
    EarlyWarningRule.objects.update(active=False)
    for code, measure, threshold, extra in [
        ("test_sectors", "distinct_sectors", 2, {}),
        ("test_emergency_2", "events_of_kind", 2, {"event_kind": "emergency_visit"}),
        ("test_social", "events_in_sector", 3, {"sector": "social"}),
        ("test_total", "events_total", 6, {"window_days": 30}),
        ("test_doctor", "events_of_kind", 4, {"event_kind": "doctor_visit", "window_days": 366}),
    ]:
        EarlyWarningRule.objects.create(code=code, name_fi=code, measure=measure,
                                        threshold=threshold, **{"window_days": 365, **extra})


def test_backtest__the_copy_gives_the_databases_figures(rules, settings, tmp_path, monkeypatch):
    rng = random.Random(11)
    births = [date(2008, 2, 29), date(1990, 1, 1), date(2010, 6, 30)]
    persons = [PersonFactory(birth_date=births[n % 3]) for n in range(30)]
    # and two without a date of birth (a temporary id): a rule with an age condition skips them
    persons += [PersonFactory(birth_date=None, hetu="", hetu_encrypted="", hetu_lookup=None,
                              temporary_id=f"TMP-00012{n}") for n in range(2)]
    as_of = date(2026, 2, 28)
    edges = [as_of - timedelta(days=d) for d in (0, 1, 29, 30, 180, 181, 364, 365, 366, 545)]
    edges += [date(2025, 2, 28), date(2024, 2, 29), date(2025, 8, 31), date(2025, 12, 31)]
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=person, sector=rng.choice(SECTORS), service_code=f"S{n}",
                     organisation="O", kind=rng.choice(KINDS),
                     event_date=rng.choice(edges) if rng.random() < 0.5 else
                     date(2023, 1, 1) + timedelta(days=rng.randrange(1150)))
        for person in persons for n in range(rng.randrange(4, 45))])
    settings.EVENTS_PARQUET_DIR = ""
    by_database = run_backtest(as_of=as_of, store=False)
    settings.EVENTS_PARQUET_DIR = str(tmp_path / "events")
    used = []
    original = backtest._Run.copy_sql
    monkeypatch.setattr(backtest._Run, "copy_sql",
                        lambda self, events: used.append(1) or original(self, events))
    # The rule with an age condition is evaluated over the copy too, not in the database.
    conditioned = []
    rule_sql = backtest.copy_rule_sql
    monkeypatch.setattr(backtest, "copy_rule_sql",
                        lambda *args, **kwargs: conditioned.append(1) or rule_sql(*args, **kwargs))
    monkeypatch.setattr(backtest, "matches", lambda *args: pytest.fail("read the events table"))
    by_copy = run_backtest(as_of=as_of, store=False)
    assert used and len(conditioned) == 3  # the one conditioned rule on D, D − 6 and D − 12
    for result in (by_database, by_copy):
        result.pop("seconds")
    assert by_copy == by_database
    assert by_database["flagged"] and any(rule["caught_6m"] for rule in by_database["rules"])
