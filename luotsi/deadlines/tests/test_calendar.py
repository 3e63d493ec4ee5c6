"""Tests for the Finnish working-day calendar (150/1930; THL counting rules).

Expected dates were counted by hand from the calendar; the §2.5 rows and the
2026 holiday list come from the domain specification.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from luotsi.deadlines.calendar import (
    HELSINKI,
    add_months,
    is_working_day,
    months_deadline,
    next_working_day_on_or_after,
    nth_working_day_after,
    opening_day,
    working_days_between,
)

# --- opening day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(
            datetime(2025, 6, 16, 23, 30, tzinfo=UTC),
            date(2025, 6, 17),
            id="23:30Z-summer-next-day",
        ),
        pytest.param(
            datetime(2025, 12, 18, 23, 30, tzinfo=UTC),
            date(2025, 12, 19),
            id="23:30Z-winter-next-day",
        ),
        pytest.param(
            datetime(2025, 6, 16, 20, 59, tzinfo=UTC),
            date(2025, 6, 16),
            id="20:59Z-summer-same-day",
        ),
        pytest.param(
            datetime(2025, 6, 16, 21, 0, tzinfo=UTC), date(2025, 6, 17), id="21:00Z-summer-midnight"
        ),
        pytest.param(
            datetime(2025, 12, 18, 21, 59, tzinfo=UTC),
            date(2025, 12, 18),
            id="21:59Z-winter-same-day",
        ),
        pytest.param(
            datetime(2025, 12, 18, 22, 0, tzinfo=UTC),
            date(2025, 12, 19),
            id="22:00Z-winter-midnight",
        ),
        # Spring forward: 29.3.2026 03:00 EET -> 04:00 EEST (01:00 UTC).
        pytest.param(
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29), id="dst-start-01:30Z"
        ),
        pytest.param(
            datetime(2026, 3, 28, 21, 30, tzinfo=UTC), date(2026, 3, 28), id="dst-start-eve-21:30Z"
        ),
        pytest.param(
            datetime(2026, 3, 28, 22, 30, tzinfo=UTC), date(2026, 3, 29), id="dst-start-eve-22:30Z"
        ),
        # Fall back: 25.10.2026 04:00 EEST -> 03:00 EET (01:00 UTC).
        pytest.param(
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 10, 25), id="dst-end-00:30Z"
        ),
        pytest.param(
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC), date(2026, 10, 25), id="dst-end-01:30Z"
        ),
        pytest.param(
            datetime(2026, 10, 24, 20, 30, tzinfo=UTC), date(2026, 10, 24), id="dst-end-eve-20:30Z"
        ),
        pytest.param(
            datetime(2026, 10, 24, 21, 30, tzinfo=UTC), date(2026, 10, 25), id="dst-end-eve-21:30Z"
        ),
        pytest.param(
            datetime(2026, 10, 25, 21, 59, tzinfo=UTC),
            date(2026, 10, 25),
            id="after-dst-end-21:59Z",
        ),
        pytest.param(
            datetime(2025, 6, 17, 0, 15, tzinfo=HELSINKI), date(2025, 6, 17), id="helsinki-tz"
        ),
        pytest.param(
            datetime(2025, 6, 17, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
            date(2025, 6, 18),
            id="other-offset",
        ),
    ],
)
def test_opening_day_is_the_helsinki_date(received: datetime, expected: date) -> None:
    assert opening_day(received) == expected


def test_opening_day_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        opening_day(datetime(2025, 6, 17, 10, 0))


# --- working days -----------------------------------------------------------

# Weekday holidays of 2026 (domain.md §8.1 cross-check list).
WEEKDAY_HOLIDAYS_2026 = [
    pytest.param(date(2026, 1, 1), id="new-years-day-thu"),
    pytest.param(date(2026, 1, 6), id="epiphany-tue"),
    pytest.param(date(2026, 4, 3), id="good-friday"),
    pytest.param(date(2026, 4, 6), id="easter-monday"),
    pytest.param(date(2026, 5, 1), id="may-day-fri"),
    pytest.param(date(2026, 5, 14), id="ascension-day-thu"),
    pytest.param(date(2026, 6, 19), id="midsummer-eve-fri"),
    pytest.param(date(2026, 12, 24), id="christmas-eve-thu"),
    pytest.param(date(2026, 12, 25), id="christmas-day-fri"),
]

WEEKEND_HOLIDAYS_2026 = [
    pytest.param(date(2026, 4, 5), id="easter-sunday"),
    pytest.param(date(2026, 5, 24), id="pentecost-sun"),
    pytest.param(date(2026, 6, 20), id="midsummer-day-sat"),
    pytest.param(date(2026, 10, 31), id="all-saints-day-sat"),
    pytest.param(date(2026, 12, 6), id="independence-day-sun"),
    pytest.param(date(2026, 12, 26), id="st-stephens-day-sat"),
]


@pytest.mark.parametrize("day", WEEKDAY_HOLIDAYS_2026 + WEEKEND_HOLIDAYS_2026)
def test_2026_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


def test_2026_weekday_holidays_are_exactly_the_listed_ones() -> None:
    """Regression guard against changes in the ``holidays`` package."""
    expected = {p.values[0] for p in WEEKDAY_HOLIDAYS_2026}
    day, non_working_weekdays = date(2026, 1, 1), set()
    while day.year == 2026:
        if day.weekday() < 5 and not is_working_day(day):
            non_working_weekdays.add(day)
        day += timedelta(days=1)
    assert non_working_weekdays == expected


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2024, 12, 6), id="independence-day-2024-fri"),
        pytest.param(date(2027, 12, 6), id="independence-day-2027-mon"),
        pytest.param(date(2025, 6, 20), id="midsummer-eve-2025"),
        pytest.param(date(2025, 12, 24), id="christmas-eve-2025-wed"),
        pytest.param(date(2025, 4, 18), id="good-friday-2025"),
        pytest.param(date(2025, 4, 21), id="easter-monday-2025"),
        pytest.param(date(2025, 5, 29), id="ascension-day-2025"),
        pytest.param(date(2025, 6, 14), id="ordinary-saturday"),
        pytest.param(date(2025, 6, 15), id="ordinary-sunday"),
    ],
)
def test_non_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2025, 6, 17), id="ordinary-tuesday"),
        pytest.param(date(2025, 12, 23), id="day-before-christmas-eve"),
        pytest.param(date(2025, 12, 31), id="new-years-eve"),
        pytest.param(date(2025, 2, 28), id="kalevala-day-flag-day-only"),
        pytest.param(date(2026, 6, 9), id="aland-autonomy-day-not-national"),
        pytest.param(date(2025, 6, 23), id="monday-after-midsummer"),
    ],
)
def test_working_days(day: date) -> None:
    assert is_working_day(day)


# --- nth working day (7-working-day clocks) ---------------------------------


@pytest.mark.parametrize(
    "tuesday",
    [
        pytest.param(date(2025, 9, 2), id="2.9.2025"),
        pytest.param(date(2026, 2, 3), id="3.2.2026"),
        pytest.param(date(2026, 11, 10), id="10.11.2026"),
    ],
)
def test_thl_example_tuesday_gives_thursday_of_following_week(tuesday: date) -> None:
    assert tuesday.weekday() == 1
    due = nth_working_day_after(tuesday, 7)
    assert due.weekday() == 3
    assert due == tuesday + timedelta(days=9)


@pytest.mark.parametrize(
    ("opened_on", "expected"),
    [
        # domain.md table 2.5, column "eves = non-working".
        pytest.param(date(2025, 6, 17), date(2025, 6, 27), id="midsummer-2025"),
        pytest.param(date(2025, 12, 19), date(2026, 1, 5), id="christmas-2025"),
        pytest.param(date(2026, 6, 15), date(2026, 6, 25), id="midsummer-2026"),
        pytest.param(date(2025, 4, 15), date(2025, 4, 28), id="easter-2025"),
        # Christmas - Epiphany windows.
        pytest.param(date(2025, 12, 23), date(2026, 1, 8), id="christmas-to-after-epiphany-2026"),
        pytest.param(date(2026, 12, 21), date(2027, 1, 4), id="christmas-2026"),
        pytest.param(date(2026, 12, 31), date(2027, 1, 13), id="new-years-eve-epiphany-2027"),
        # Easter and Ascension 2026.
        pytest.param(date(2026, 4, 2), date(2026, 4, 15), id="easter-2026"),
        pytest.param(date(2026, 5, 11), date(2026, 5, 21), id="ascension-2026"),
        # Independence Day on a Monday.
        pytest.param(date(2027, 12, 2), date(2027, 12, 14), id="independence-day-2027"),
        # Opened on a day off: counting starts with the next working day.
        pytest.param(date(2025, 6, 14), date(2025, 6, 25), id="opened-saturday"),
        pytest.param(date(2025, 11, 30), date(2025, 12, 9), id="opened-sunday"),
        pytest.param(date(2025, 4, 18), date(2025, 4, 30), id="opened-good-friday"),
        pytest.param(date(2025, 12, 24), date(2026, 1, 8), id="opened-christmas-eve"),
    ],
)
def test_seventh_working_day(opened_on: date, expected: date) -> None:
    assert nth_working_day_after(opened_on, 7) == expected


def test_first_working_day_skips_opening_day() -> None:
    assert nth_working_day_after(date(2025, 6, 17), 1) == date(2025, 6, 18)
    assert nth_working_day_after(date(2025, 6, 13), 1) == date(2025, 6, 16)


@pytest.mark.parametrize("n", [0, -1])
def test_nth_working_day_rejects_non_positive(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        nth_working_day_after(date(2025, 6, 17), n)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2025, 6, 17), date(2025, 6, 17), id="working-day-unchanged"),
        pytest.param(date(2025, 6, 20), date(2025, 6, 23), id="midsummer-eve-to-monday"),
        pytest.param(date(2025, 12, 24), date(2025, 12, 29), id="christmas-eve-to-monday"),
        pytest.param(date(2026, 1, 1), date(2026, 1, 2), id="new-years-day-to-friday"),
        pytest.param(date(2026, 4, 3), date(2026, 4, 7), id="good-friday-to-tuesday"),
    ],
)
def test_next_working_day_on_or_after(day: date, expected: date) -> None:
    assert next_working_day_on_or_after(day) == expected


# --- months (150/1930 § 3 and § 5) ------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2025, 6, 17), 3, date(2025, 9, 17), id="same-date"),
        pytest.param(date(2025, 11, 30), 3, date(2026, 2, 28), id="no-30-february"),
        pytest.param(date(2025, 1, 31), 3, date(2025, 4, 30), id="31.1-to-30.4"),
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="31.1-to-28.2"),
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31.1-to-29.2-leap"),
        pytest.param(date(2027, 11, 30), 3, date(2028, 2, 29), id="30.11.2027-leap-2028"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="29.2-plus-year"),
        pytest.param(date(2025, 10, 31), 3, date(2026, 1, 31), id="over-year-end"),
        pytest.param(date(2025, 8, 31), 1, date(2025, 9, 30), id="31.8-to-30.9"),
        pytest.param(date(2025, 3, 31), -1, date(2025, 2, 28), id="negative"),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(date(2025, 6, 17), date(2025, 9, 17), id="wednesday-unchanged"),
        pytest.param(date(2025, 11, 30), date(2026, 3, 2), id="28.2.2026-saturday-to-monday"),
        pytest.param(date(2027, 11, 30), date(2028, 2, 29), id="29.2.2028-tuesday"),
        pytest.param(date(2025, 1, 31), date(2025, 4, 30), id="30.4.2025-wednesday"),
        pytest.param(date(2026, 2, 1), date(2026, 5, 4), id="may-day-friday-to-monday"),
        pytest.param(date(2025, 9, 24), date(2025, 12, 29), id="christmas-eve-to-29.12"),
        pytest.param(date(2026, 3, 19), date(2026, 6, 22), id="midsummer-eve-to-monday"),
        pytest.param(date(2026, 9, 6), date(2026, 12, 7), id="independence-day-sunday"),
        pytest.param(date(2025, 10, 6), date(2026, 1, 7), id="epiphany-tuesday"),
    ],
)
def test_three_month_deadline(start: date, expected: date) -> None:
    assert months_deadline(start, 3) == expected
    assert is_working_day(months_deadline(start, 3))


# --- working days between ---------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(date(2025, 6, 17), date(2025, 6, 17), 0, id="same-day"),
        pytest.param(date(2025, 6, 18), date(2025, 6, 17), 0, id="b-before-a"),
        pytest.param(date(2025, 6, 17), date(2025, 6, 18), 1, id="next-day"),
        pytest.param(date(2025, 6, 13), date(2025, 6, 16), 1, id="friday-to-monday"),
        pytest.param(date(2025, 6, 13), date(2025, 6, 15), 0, id="friday-to-sunday"),
        pytest.param(date(2025, 6, 17), date(2025, 6, 27), 7, id="midsummer-window"),
        pytest.param(date(2025, 12, 19), date(2026, 1, 5), 7, id="christmas-window"),
    ],
)
def test_working_days_between(a: date, b: date, expected: int) -> None:
    assert working_days_between(a, b) == expected


@pytest.mark.parametrize("n", [1, 2, 7, 20])
def test_working_days_between_inverts_nth_working_day(n: int) -> None:
    start = date(2025, 12, 19)
    assert working_days_between(start, nth_working_day_after(start, n)) == n
