"""The workload forecast's arithmetic: available hours on awkward weeks (Christmas, Midsummer,
Easter, New Year across a year's end), absences, deadlines placed in weeks, the backlog carried
over, and the what-if panel moving the risk weeks."""

from __future__ import annotations

from datetime import date

import pytest

from luotsi.foresight.defaults import EFFORTS
from luotsi.foresight.workload import (
    Capacity,
    Gap,
    TeamInputs,
    WhatIf,
    county_forecast,
    deadline_weeks,
    team_forecast,
)

DAY = 38.25 / 5 * 0.7  # hours of client work of one full-time worker on one working day
EFFORT = {str(kind): float(hours) for kind, hours in EFFORTS.items()}


def _capacity(fte=1.0, gaps=()):
    return Capacity(weekly_hours=38.25, client_work_share=70, fte={"social_worker": fte},
                    gaps=tuple(gaps), efforts=dict(EFFORT))


def _inputs(capacity, deadlines=(), arrivals=(), kind="assessment", team_id=1, children=0):
    return TeamInputs(team_id=team_id, code=f"team-{team_id}", name="Tiimi", kind=kind,
                      capacity=capacity, deadlines=tuple(deadlines), arrivals=tuple(arrivals),
                      clients=0, children=children, child_welfare_share=0.5)


@pytest.mark.parametrize(("monday", "working_days"), [
    (date(2026, 12, 21), 3),  # Christmas Eve (Thursday) and Christmas Day
    (date(2026, 12, 28), 4),  # New Year's Day on Friday
    (date(2027, 6, 21), 4),  # Midsummer Eve on Friday 25 June
    (date(2027, 3, 15), 5),  # an ordinary week
    (date(2027, 3, 22), 4),  # Good Friday
    (date(2027, 3, 29), 4),  # Easter Monday
], ids=["christmas-2026", "new-year-2027", "midsummer-2027", "ordinary", "good-friday-2027",
        "easter-monday-2027"])
def test_available_hours__holidays_are_not_working_days(monday, working_days):
    assert _capacity().available_hours(monday, 0) == pytest.approx(DAY * working_days)


def test_available_hours__an_absence_takes_its_days_only():
    gap = Gap(role="social_worker", fte=0.5, starts_on=date(2027, 3, 17),
              ends_on=date(2027, 3, 18))
    hours = _capacity(fte=2.0, gaps=[gap]).available_hours(date(2027, 3, 15), 0)
    assert hours == pytest.approx(DAY * (2 * 5 - 0.5 * 2))


def test_available_hours__more_away_than_staffed_is_none_not_negative():
    gap = Gap(role="social_worker", fte=3, starts_on=date(2027, 3, 22),
              ends_on=date(2027, 3, 26))
    assert _capacity(gaps=[gap]).available_hours(date(2027, 3, 22), 0) == 0


def test_deadlines__overdue_in_this_week_completion_spread_to_its_week():
    origin = date(2027, 3, 22)
    rows = [(1, "assessment_start", date(2027, 3, 10), 2),  # overdue: this week
            (1, "assessment_completion", date(2027, 4, 7), 1)]  # the third week
    per_team = deadline_weeks(rows, origin)
    forecast = team_forecast(_inputs(_capacity(), per_team[1]), origin=origin, horizon=4,
                             cap=30)
    rest = EFFORT["service_need_assessment"] + EFFORT["network_meeting"]
    hours = [week.deadline_hours for week in forecast.weeks]
    assert hours == pytest.approx([2 * EFFORT["assessment_start"] + rest / 3, rest / 3,
                                   rest / 3, 0])


def test_backlog_carries_over_and_what_if_moves_the_risk_weeks():
    origin = date(2027, 3, 15)  # weeks of 5, 4 (Good Friday), 4 (Easter Monday) and 5 days
    deadlines = [("assessment_start", 0, 12), ("assessment_start", 1, 6)]  # 36 h, 18 h
    inputs = [_inputs(_capacity(), deadlines, team_id=1), _inputs(_capacity(), team_id=2)]
    base = county_forecast(inputs, origin=origin, horizon=4, cap=30)
    assert base[0].risk_weeks == [1, 2]  # 36 > 26.8 h; 9.2 h carried + 18 > 21.4 h
    assert base[1].risk_weeks == []
    added = county_forecast(inputs, origin=origin, horizon=4, cap=30,
                            what_if=WhatIf(team_id=1, add_fte=1.0))
    assert added[0].risk_weeks == []
    later = county_forecast(inputs, origin=origin, horizon=4, cap=30,
                            what_if=WhatIf(team_id=1, add_fte=1.0, add_from=2))
    assert later[0].risk_weeks == [1]
    moved = county_forecast(inputs, origin=origin, horizon=4, cap=30,
                            what_if=WhatIf(team_id=2, move_fte=1.0, move_to=1))
    assert moved[0].risk_weeks == [] and moved[1].available_total == 0
    cheaper = county_forecast(inputs, origin=origin, horizon=4, cap=30,
                              what_if=WhatIf(team_id=1, effort_kind="assessment_start",
                                             effort_hours=2.0))
    assert cheaper[0].weeks[0].load == pytest.approx(24.0)
    assert cheaper[0].risk_weeks == []


def test_arrivals_bring_work_and_children_against_the_cap():
    origin = date(2027, 3, 22)
    arrivals = [(2.0, 1.0, 3.0)] * 20
    forecast = team_forecast(_inputs(_capacity(fte=0.5), arrivals=arrivals, children=14),
                             origin=origin, horizon=20, cap=30)
    first = forecast.weeks[0]
    rest = EFFORT["service_need_assessment"] + EFFORT["network_meeting"]
    assert first.arrival_hours == pytest.approx(2 * EFFORT["assessment_start"] + 2 * rest / 13)
    assert first.children_per_worker == pytest.approx(28)
    # the first forecast assessments complete in week 13, each half a child-welfare client
    assert forecast.weeks[12].children == pytest.approx(15)
    assert forecast.over_cap_weeks[0] == 14
