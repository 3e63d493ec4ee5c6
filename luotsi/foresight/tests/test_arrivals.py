"""The arrivals forecast: exponential smoothing against the seasonal-naive baseline, chosen by
the backtest on the team's own history; the weekly history read per team; the page saying
which is used."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from luotsi.foresight import arrivals
from luotsi.foresight.models import ArrivalForecast
from luotsi.foresight.tests.world import add_contacts, build_world
from luotsi.intake.models import Contact
from luotsi.organisation.models import Municipality


def test_backtest__a_yearly_pattern_is_left_to_the_baseline():
    pattern = [30 if week % 3 == 0 else 2 for week in range(52)]
    history = [pattern[week % 52] for week in range(70)]
    accuracy = arrivals.backtest(history)
    assert accuracy["baseline"] == {"4": 0.0, "12": 0.0}
    assert accuracy["model"]["4"] > 50
    assert not arrivals.model_wins(accuracy)


def test_backtest__level_noise_is_left_to_the_model():
    rng = random.Random(7)
    history = [20 + rng.randint(-6, 6) for _ in range(100)]
    accuracy = arrivals.backtest(history)
    assert accuracy["origins"] == 10
    assert arrivals.model_wins(accuracy)


def test_mape__weeks_without_arrivals_have_no_percentage_error():
    assert arrivals._mape([(0, 3.0), (10, 8.0)]) == 20.0
    assert arrivals._mape([(0, 3.0)]) is None


def test_seasonal_naive__the_same_week_a_year_earlier():
    history = list(range(60))
    assert arrivals.seasonal_naive(history, 3) == [8.0, 9.0, 10.0]
    assert arrivals.seasonal_naive(history[:51], 3) is None


def test_model_forecast__interval_around_the_mean_and_never_below_zero():
    means, lows, highs = arrivals.model_forecast([0, 1, 0, 0, 2, 0, 1, 0, 0, 1], 4,
                                                 interval=True)
    assert all(low <= mean <= high for mean, low, high in zip(means, lows, highs, strict=True))
    assert min(lows) >= 0


@pytest.mark.django_db
def test_weekly_history__per_week_before_this_week_with_kinds_and_municipalities():
    world = build_world(starts=0)
    porvoo = Municipality.objects.get(code="638")
    add_contacts(world.east, porvoo, world.lead, count=3, code="urgency_assessment",
                 due_on=timezone.localdate())
    three_weeks_ago = world.origin - timedelta(weeks=3) + timedelta(days=2)
    Contact.objects.update(routing_team=world.east, opened_on=three_weeks_ago)
    world.east.kind = "intake"
    history, kinds, municipalities = arrivals.weekly_history(world.east, world.origin)
    assert history == [3, 0, 0]
    assert kinds == {"child_welfare_notification": 3}
    assert municipalities == {porvoo.pk: 3}
    figures = arrivals.team_figures(world.east, world.origin)
    assert figures["method"] == "none"  # fewer than eight weeks


@pytest.mark.django_db
def test_forecast_page__says_when_the_baseline_is_used(client):
    world = build_world(starts=0)
    figures = {"method": "baseline", "model_label": "ETS(A,N,N)", "used": [[4, 2, 6]] * 52,
               "kinds": {"child_welfare_notification": 3}, "municipalities": {},
               "mape": {"origins": 10, "model": {"4": 40.0, "12": 45.0},
                        "baseline": {"4": 30.0, "12": 35.0}}, "origins": 10}
    for team in (world.east, world.west):
        ArrivalForecast.objects.create(team=team, origin=world.origin, figures=figures)
    client.force_login(world.lead)
    response = client.get("/foresight/", {"team": "assessment-east"})
    html = response.content.decode()
    assert "so the baseline (the same week a year earlier) is used" in html
    assert 'id="accuracy-assessment-east"' in html
    assert 'id="arrivals-assessment-east"' in html
    assert "Child-welfare notification (LSL 25 §)" in html
