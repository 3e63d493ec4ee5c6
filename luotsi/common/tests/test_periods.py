"""Whole-month periods of the reports: month starts across year changes, month ends of short,
long and leap-year months, and a period of N months ending in a given month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as D

import pytest

from luotsi.common.periods import MonthPeriod, month_end, month_start_after
from luotsi.deadlines.calendar import add_months as statutory_add_months


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2025, 5, 20), 0, D(2025, 5, 1)),
    (D(2025, 1, 31), -1, D(2024, 12, 1)),
    (D(2024, 12, 31), 1, D(2025, 1, 1)),
    (D(2025, 1, 1), -12, D(2024, 1, 1)),
    (D(2025, 3, 15), -14, D(2024, 1, 1)),
    (D(2025, 3, 15), -15, D(2023, 12, 1)),
    (D(2025, 11, 30), 2, D(2026, 1, 1)),
    (D(2024, 2, 29), 12, D(2025, 2, 1)),
    (D(2025, 6, 1), 36, D(2028, 6, 1)),
])
def test_month_start_after__first_day_across_year_changes(day, months, expected):
    assert month_start_after(day, months) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (D(2024, 2, 10), D(2024, 2, 29)),   # leap year
    (D(2025, 2, 1), D(2025, 2, 28)),
    (D(1900, 2, 1), D(1900, 2, 28)),    # a century, not a leap year
    (D(2000, 2, 1), D(2000, 2, 29)),    # every fourth century is
    (D(2025, 4, 30), D(2025, 4, 30)),
    (D(2025, 12, 1), D(2025, 12, 31)),  # the year's end
    (D(2025, 1, 31), D(2025, 1, 31)),
])
def test_month_end__short_long_and_leap_months(day, expected):
    assert month_end(day) == expected


def test_month_start_after__not_the_statutory_months():
    """The statutory "a month from" keeps the day (deadlines); the reports' months do not."""
    assert statutory_add_months(D(2025, 1, 31), 1) != month_start_after(D(2025, 1, 31), 1)
    assert month_start_after(D(2025, 1, 31), 1) == D(2025, 2, 1)


@dataclass(frozen=True)
class Period(MonthPeriod):
    end: D
    months: int = 12


def test_month_period__whole_months_ending_in_the_month_of_end():
    period = Period(end=D(2025, 2, 14), months=3)
    assert period.start == D(2024, 12, 1) and period.until == D(2025, 2, 28)
    assert period.month_starts() == [D(2024, 12, 1), D(2025, 1, 1), D(2025, 2, 1)]
    assert Period(end=D(2024, 12, 31)).start == D(2024, 1, 1)
    assert Period(end=D(2024, 2, 1), months=1).until == D(2024, 2, 29)
