"""Periods of whole calendar months, as the reports filter them (the key figures, the AVAIN
effectiveness report, the shared-client indicators).

Not for statutory deadlines: a deadline "three months from" a day keeps the day of the month
(``luotsi.deadlines.calendar.add_months``, 150/1930 § 3); these functions work on months as
wholes and answer with a month's first or last day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

# A report covers the last twelve months unless asked otherwise.
DEFAULT_MONTHS = 12


def month_start_after(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (before it when negative;
    ``0``: the first day of ``day``'s own month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


class MonthPeriod:
    """The whole months a report's filters cover, for a dataclass with ``end`` (any day of the
    period's last month) and ``months`` (how many months, that one included)."""

    end: date
    months: int

    @property
    def start(self) -> date:
        """The first day of the period."""
        return month_start_after(self.end, -(self.months - 1))

    @property
    def until(self) -> date:
        """The last day of the period."""
        return month_end(self.end)

    def month_starts(self) -> list[date]:
        """The first day of each month of the period, the earliest first."""
        return [month_start_after(self.start, i) for i in range(self.months)]


@dataclass(frozen=True)
class AreaPeriod(MonthPeriod):
    """A report's filters: the whole months up to ``end``'s and the area, a region or one of its
    municipalities (None: the whole county)."""

    end: date
    months: int = DEFAULT_MONTHS
    region_id: int | None = None
    municipality_id: int | None = None
