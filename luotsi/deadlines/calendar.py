"""Finnish working-day calendar for statutory deadlines.

Pure date arithmetic, no database access. The rules come from
Laki säädettyjen määräaikain laskemisesta 150/1930 and from THL's guidance on
counting child-welfare deadlines (see ``docs/deadlines.md``):

* the day a case is opened is never counted (150/1930 § 2);
* a working day (arkipäivä) is Monday to Friday and not a public holiday. The
  holiday set is the ``PUBLIC`` category of ``holidays`` for Finland, which
  includes Midsummer Eve and Christmas Eve. Both eves are in the 150/1930 § 5
  list of days that move a final day forward, so they are not working days
  here either (interpretation, docs/deadlines.md "Interpretation choices");
* a month period ends on the same date number, or on the last day of the month
  when that date does not exist (150/1930 § 3), and a final day that is not a
  working day moves to the next working day (150/1930 § 5).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

HELSINKI = ZoneInfo("Europe/Helsinki")

_ONE_DAY = timedelta(days=1)


def opening_day(received: datetime) -> date:
    """Return the Europe/Helsinki calendar date on which a case was opened.

    The opening day (vireilletulopäivä) is the day from which statutory periods
    are counted (LSL 26 §, SHL 36 §). It is the local date in Finland, whatever
    the time zone of ``received``.

    Raises ``ValueError`` for a naive datetime: its date would be a guess.
    """
    if received.tzinfo is None or received.utcoffset() is None:
        raise ValueError("received must be timezone-aware, got a naive datetime")
    return received.astimezone(HELSINKI).date()


@lru_cache(maxsize=64)
def _holidays_in_year(year: int) -> frozenset[date]:
    """Finnish public holidays of ``year`` (``holidays`` FI, category PUBLIC).

    Includes the Saturday and Sunday holidays and both eves (juhannusaatto,
    jouluaatto). Åland's Autonomy Day (subdivision 01) is not included.
    """
    fi_holidays = holidays.country_holidays("FI", years=year, categories=(holidays.PUBLIC,))
    return frozenset(fi_holidays.keys())


def is_working_day(d: date) -> bool:
    """Return whether ``d`` is a working day (arkipäivä) for deadline counting.

    Saturdays are not arkipäivät (THL; 150/1930 § 5 "arkilauantai"); Sundays,
    holy days, Independence Day, May Day and both eves are not either
    (150/1930 § 5).
    """
    return d.weekday() < 5 and d not in _holidays_in_year(d.year)


@lru_cache(maxsize=64)
def _eves_in_year(year: int) -> frozenset[date]:
    """Midsummer Eve (the Friday between 19 and 25 June) and Christmas Eve of ``year``, where
    the holiday set has them: the two days off that are not holy days."""
    midsummer_eve = next(date(year, 6, day) for day in range(19, 26)
                         if date(year, 6, day).weekday() == 4)
    return frozenset({midsummer_eve, date(year, 12, 24)}) & _holidays_in_year(year)


def is_working_day_counting_eves(d: date) -> bool:
    """The stricter reading of a working day (docs/deadlines.md, the team's internal target):
    Midsummer Eve and Christmas Eve count as working days inside a working-day window (THL's
    counting rule names only holy days and Saturdays as non-working days)."""
    return is_working_day(d) or (d.weekday() < 5 and d in _eves_in_year(d.year))


def _nth_day_after(d: date, n: int, counts: Callable[[date], bool]) -> date:
    """The ``n``-th day after ``d`` (``d`` itself never counted) of the days that ``counts``."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    counted = 0
    while counted < n:
        d += _ONE_DAY
        if counts(d):
            counted += 1
    return d


def nth_working_day_after_counting_eves(d: date, n: int) -> date:
    """As :func:`nth_working_day_after`, counting Midsummer Eve and Christmas Eve as working
    days: the earlier of the two readings, never later than the legal final day."""
    return _nth_day_after(d, n, is_working_day_counting_eves)


def next_working_day_on_or_after(d: date) -> date:
    """Return ``d`` if it is a working day, otherwise the next working day.

    This is the 150/1930 § 5 shift of a final day that falls on a day off.
    """
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def nth_working_day_after(d: date, n: int) -> date:
    """Return the ``n``-th working day after ``d``; ``d`` itself is never counted.

    150/1930 § 2 (the named day is not counted) and THL's counting of the
    7 working days of LSL 26 § 5 and SHL 36 §: the first working day is the
    working day following the opening day.
    """
    return _nth_day_after(d, n, is_working_day)


def add_months(d: date, months: int) -> date:
    """Return the day with the same date number ``months`` later (150/1930 § 3).

    If that date does not exist in the final month, the last day of that month
    is returned (31.1. + 1 month = 28.2. or 29.2.). No working-day shift.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month_index = divmod(index, 12)
    month = month_index + 1
    return date(year, month, min(d.day, _days_in_month(year, month)))


def months_deadline(d: date, months: int) -> date:
    """Return the final day of a ``months``-month period opened on ``d``.

    The date is :func:`add_months` (150/1930 § 3), moved forward to the next
    working day if it is not one (150/1930 § 5).
    """
    return next_working_day_on_or_after(add_months(d, months))


def working_days_between(a: date, b: date) -> int:
    """Count working days after ``a`` up to and including ``b``; 0 if ``b <= a``.

    Consistent with :func:`nth_working_day_after`:
    ``working_days_between(d, nth_working_day_after(d, n)) == n``.
    """
    return sum(1 for offset in range(1, (b - a).days + 1)
               if is_working_day(a + timedelta(days=offset)))


def _days_in_month(year: int, month: int) -> int:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (first_of_next - _ONE_DAY).day
