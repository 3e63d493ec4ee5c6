"""The key figures on hand-made data, with the exact numbers expected."""

import datetime as dt

import pytest

from luotsi.common.periods import month_end, month_start_after
from luotsi.intake.models import Deadline
from luotsi.reports import selectors
from luotsi.reports.selectors import KpiFilters
from luotsi.reports.tests.builders import ADVICE, SNA, contact, routed_month

pytestmark = pytest.mark.django_db

D = dt.date
JAN_2025 = D(2025, 1, 1)
# January to May 2025
PERIOD = KpiFilters(end=D(2025, 5, 20), months=5)


def test_period_months():
    assert PERIOD.start == D(2025, 1, 1) and PERIOD.until == D(2025, 5, 31)
    assert PERIOD.month_starts() == [D(2025, m, 1) for m in range(1, 6)]
    assert month_start_after(D(2025, 1, 31), -1) == D(2024, 12, 1)
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert KpiFilters(end=D(2025, 3, 1)).start == D(2024, 4, 1)  # twelve months by default


# --- routed to a service-need assessment -----------------------------------------------------

def test_routing_share__four_of_ten_is_forty_percent_against_half_a_year_earlier(world):
    routed_month(world, JAN_2025, assessed=10, routed=4)
    routed_month(world, D(2024, 1, 1), assessed=10, routed=5)
    contact(world=world, opened_on=D(2025, 1, 15))  # no initial assessment yet: not counted
    contact(world=world, opened_on=D(2024, 12, 31), outcome=SNA)  # before the period

    table = selectors.routing_by_month(PERIOD)

    january = table.rows[0]
    assert january.month == JAN_2025
    assert (january.assessed, january.routed, january.share) == (10, 4, 40.0)
    assert (january.previous_assessed, january.previous_routed) == (10, 5)
    assert january.previous_share == 50.0
    assert january.change_points == pytest.approx(-10.0)
    assert january.change_percent == pytest.approx(-20.0)
    february = table.rows[1]
    assert (february.assessed, february.share, february.change_points) == (0, None, None)
    assert [r.month for r in table.rows] == PERIOD.month_starts()
    assert (table.total.assessed, table.total.routed) == (10, 4)
    assert (table.total.previous_assessed, table.total.previous_routed) == (10, 5)


def test_routing_share__the_pilots_measure_minus_ten_point_eight_percent(world):
    """Porvoo 2020 against 2019: a share of 37 % falling to 33 % is −4 points, −10.8 %."""
    routed_month(world, D(2025, 2, 1), assessed=100, routed=33)
    routed_month(world, D(2024, 2, 1), assessed=100, routed=37)

    february = selectors.routing_by_month(PERIOD).rows[1]

    assert february.share == 33.0 and february.previous_share == 37.0
    assert round(february.change_points, 1) == -4.0
    assert round(february.change_percent, 1) == -10.8


def test_routing_share__filters(world):
    routed_month(world, JAN_2025, assessed=4, routed=1)  # Porvoo, east team
    routed_month(world, JAN_2025, assessed=2, routed=2, municipality=world.sipoo,
                 team=world.west)
    routed_month(world, JAN_2025, assessed=5, routed=0, municipality=world.loviisa)

    def january(**kwargs):
        row = selectors.routing_by_month(KpiFilters(end=JAN_2025, months=1, **kwargs)).rows[0]
        return row.assessed, row.routed

    assert january() == (11, 3)
    assert january(region_id=world.east_region.pk) == (9, 1)
    assert january(region_id=world.west_region.pk) == (2, 2)
    assert january(team_id=world.west.pk) == (2, 2)
    assert january(municipality_id=world.loviisa.pk) == (5, 0)
    assert january(team_id=world.east.pk, municipality_id=world.sipoo.pk) == (0, 0)


# --- deadline compliance ---------------------------------------------------------------------

def test_compliance__on_time_late_overdue_not_yet_due_and_lapsed(world):
    today = D(2025, 5, 20)
    contact(world=world, opened_on=D(2025, 3, 3), deadlines=[
        ("urgency_assessment", D(2025, 3, 3), D(2025, 3, 3)),  # on the day: on time
        ("assessment_start", D(2025, 3, 12), D(2025, 3, 11)),  # on time
    ])
    contact(world=world, opened_on=D(2025, 3, 4), deadlines=[
        ("urgency_assessment", D(2025, 3, 4), D(2025, 3, 5)),  # a day late
        ("assessment_start", D(2025, 3, 13), None),  # open and overdue
    ])
    contact(world=world, opened_on=D(2025, 5, 19), deadlines=[
        ("assessment_start", D(2025, 5, 28), None),  # open, not yet due
        ("assessment_completion", D(2025, 8, 19), None),  # due after the period
    ])
    contact(world=world, opened_on=D(2024, 12, 2), deadlines=[
        ("urgency_assessment", D(2024, 12, 2), D(2024, 12, 9)),  # due before the period
    ])
    contact(world=world, opened_on=D(2025, 4, 1), closed_on=D(2025, 4, 3), outcome=ADVICE,
            deadlines=[("urgency_assessment", D(2025, 4, 1), D(2025, 4, 1)),  # on time
                       ("assessment_start", D(2025, 4, 10), None)])  # lapsed: closed before

    rows = {r.code: r for r in selectors.deadline_compliance(PERIOD, today=today)}

    assert list(rows) == ["urgency_assessment", "assessment_start"]  # statutory order
    urgency = rows["urgency_assessment"]
    assert (urgency.due, urgency.met_on_time, urgency.met_late) == (3, 2, 1)
    assert (urgency.open_overdue, urgency.open_not_due, urgency.lapsed) == (0, 0, 0)
    assert round(urgency.compliance, 1) == 66.7
    start = rows["assessment_start"]
    assert (start.due, start.met_on_time, start.met_late) == (4, 1, 0)
    assert (start.open_overdue, start.open_not_due, start.lapsed) == (1, 1, 1)
    assert start.decided == 2 and start.compliance == 50.0


def test_compliance__one_late_and_one_on_time(world):
    contact(world=world, opened_on=D(2025, 3, 3),
            deadlines=[("urgency_assessment", D(2025, 3, 3), D(2025, 3, 3))])
    contact(world=world, opened_on=D(2025, 3, 4),
            deadlines=[("urgency_assessment", D(2025, 3, 4), D(2025, 3, 6))])
    (row,) = selectors.deadline_compliance(PERIOD, today=D(2025, 5, 20))
    assert (row.due, row.met_on_time, row.met_late, row.compliance) == (2, 1, 1, 50.0)


def test_compliance__nothing_decided_yet_has_no_figure(world):
    contact(world=world, opened_on=D(2025, 5, 19),
            deadlines=[("assessment_start", D(2025, 5, 28), None)])
    (row,) = selectors.deadline_compliance(PERIOD, today=D(2025, 5, 20))
    assert (row.due, row.open_not_due, row.compliance) == (1, 1, None)


def test_compliance__filters_by_team(world):
    contact(world=world, opened_on=D(2025, 3, 3),
            deadlines=[("urgency_assessment", D(2025, 3, 3), D(2025, 3, 3))])
    contact(world=world, opened_on=D(2025, 3, 3), team=world.west, municipality=world.sipoo,
            deadlines=[("urgency_assessment", D(2025, 3, 3), D(2025, 3, 7))])
    west = KpiFilters(end=PERIOD.end, months=5, team_id=world.west.pk)
    (row,) = selectors.deadline_compliance(west, today=D(2025, 5, 20))
    assert (row.due, row.met_late, row.compliance) == (1, 1, 0.0)


# --- median days from contact to outcome -----------------------------------------------------

def test_median__of_one_three_and_ten_days_is_three(world):
    for days in (10, 1, 3):
        closed = D(2025, 3, 20)
        contact(world=world, opened_on=closed - dt.timedelta(days=days), closed_on=closed,
                outcome=ADVICE)
    for days in (20, 1, 3, 10):  # an even count: the mean of the middle two
        closed = D(2025, 4, 25)
        contact(world=world, opened_on=closed - dt.timedelta(days=days), closed_on=closed)
    contact(world=world, opened_on=D(2025, 3, 1))  # open: no outcome yet
    contact(world=world, opened_on=D(2024, 12, 1), closed_on=D(2024, 12, 31))  # before

    rows, overall = selectors.median_days_to_outcome(PERIOD)

    by_month = {r.month: (r.closed, r.median_days) for r in rows}
    assert by_month[D(2025, 3, 1)] == (3, 3)
    assert by_month[D(2025, 4, 1)] == (4, 6.5)
    assert by_month[D(2025, 1, 1)] == (0, None)
    assert (overall.closed, overall.median_days) == (7, 3)  # 1 1 3 3 10 10 20


def test_median__by_month_of_the_outcome_across_months(world):
    contact(world=world, opened_on=D(2024, 12, 20), closed_on=D(2025, 1, 9))  # 20 days
    rows, overall = selectors.median_days_to_outcome(PERIOD)
    assert (rows[0].month, rows[0].closed, rows[0].median_days) == (JAN_2025, 1, 20)
    assert overall.median_days == 20


def test_median__none_closed(world):
    rows, overall = selectors.median_days_to_outcome(PERIOD)
    assert all(r.median_days is None for r in rows)
    assert (overall.closed, overall.median_days) == (0, None)


# --- open items ------------------------------------------------------------------------------

def test_open_items__per_worker_and_by_region_team_and_municipality(world):
    today = D(2025, 5, 20)
    overdue = [("assessment_start", D(2025, 5, 2), None)]
    contact(world=world, opened_on=D(2025, 4, 22), assignee=world.anna, deadlines=overdue)
    contact(world=world, opened_on=D(2025, 5, 19), assignee=world.anna)
    contact(world=world, opened_on=D(2025, 5, 19), assignee=world.ville,
            municipality=world.loviisa)
    contact(world=world, opened_on=D(2025, 5, 19), team=world.west, municipality=world.sipoo)
    contact(world=world, opened_on=D(2025, 5, 19), team=world.intake, deadlines=overdue)
    contact(world=world, opened_on=D(2025, 1, 2), closed_on=D(2025, 1, 9),
            assignee=world.anna)  # closed: not open
    Deadline.objects.filter(due_on=D(2025, 5, 2)).update(status="overdue")  # as the sweeper

    items = selectors.open_items(PERIOD, language="sv", today=today)

    workers = {r["assignee__username"]: (r["open_count"], r["overdue"]) for r in items.by_worker}
    assert workers == {"anna": (2, 1), "ville": (1, 0), None: (2, 1)}
    teams = {r.code: (r.open_count, r.overdue, r.unassigned) for r in items.by_team}
    assert teams == {"east-assessment": (3, 1, 0), "family-intake": (1, 1, 1),
                     "west-assessment": (1, 0, 1)}
    regions = {r.name: (r.open_count, r.overdue) for r in items.by_region}
    assert regions == {"Östra området": (4, 2), "Västra området": (1, 0)}
    municipalities = {r.name: r.open_count for r in items.by_municipality}
    assert municipalities == {"Borgå": 3, "Lovisa": 1, "Sibbo": 1}

    east_only = selectors.open_items(
        KpiFilters(end=PERIOD.end, team_id=world.east.pk), today=today)
    assert [(r.code, r.open_count) for r in east_only.by_team] == [("east-assessment", 3)]
    assert {r["assignee__username"] for r in east_only.by_worker} == {"anna", "ville"}
    loviisa = selectors.open_items(
        KpiFilters(end=PERIOD.end, municipality_id=world.loviisa.pk), today=today)
    assert [(r.name, r.open_count) for r in loviisa.by_municipality] == [("Loviisa", 1)]


@pytest.mark.parametrize(("histogram", "expected"), [
    ({}, None), ({5: 1}, 5), ({1: 1, 3: 1, 10: 1}, 3), ({1: 1, 3: 1, 10: 1, 20: 1}, 6.5),
    ({0: 3, 7: 1}, 0), ({0: 2, 7: 2}, 3.5), ({2: 1, 1: 2}, 1),
])
def test_median_of_histogram(histogram, expected):
    assert selectors.median_of_histogram(histogram) == expected


def test_compliance__median_working_days_late(world):
    """Friday's deadline met on Saturday is one working day late, on Monday one, on Tuesday two;
    in time is not counted in the median."""
    for met in (D(2025, 3, 8), D(2025, 3, 10), D(2025, 3, 11), D(2025, 3, 11), D(2025, 3, 7)):
        contact(world=world, opened_on=D(2025, 3, 7),
                deadlines=[("urgency_assessment", D(2025, 3, 7), met)])
    (row,) = selectors.deadline_compliance(PERIOD, today=D(2025, 5, 20))
    assert (row.met_on_time, row.met_late) == (1, 4)
    assert row.median_late == 1.5  # 1, 1, 2, 2


def test_routing_share__a_month_not_over_is_compared_with_the_same_days_a_year_earlier(world):
    routed_month(world, D(2025, 12, 1), assessed=5, routed=5)  # 1–5 December
    routed_month(world, D(2024, 12, 1), assessed=5, routed=3)  # 1–5 December a year earlier
    contact(world=world, opened_on=D(2024, 12, 6), outcome=ADVICE)  # later that month
    filters = KpiFilters(end=D(2025, 12, 5), months=2)

    table = selectors.routing_by_month(filters, today=D(2025, 12, 5))

    november, december = table.rows
    assert not november.partial and december.through == D(2025, 12, 5)
    assert (december.previous_assessed, december.previous_routed) == (5, 3)
    assert december.change_points == pytest.approx(40.0)
    # On the month's last day it is whole again, and so is its comparison.
    whole = selectors.routing_by_month(filters, today=D(2025, 12, 31)).rows[1]
    assert not whole.partial and whole.previous_assessed == 6


def test_same_day_a_year_earlier():
    assert selectors.same_day_a_year_earlier(D(2028, 2, 29)) == D(2027, 2, 28)
    assert selectors.same_day_a_year_earlier(D(2026, 12, 5)) == D(2025, 12, 5)
