"""Finding the earlier signals on a person's service path before their first flag: pure code
over what the selectors read (the person's events counted by day, sector and kind; their closed
family-intake contacts; the day their client plan was made).

Only what happened strictly before the flag day counts. Each definition gives at most one mark:
the first time its signal appeared, with how many times it appeared before the flag.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from luotsi.signals.models import SignalDefinition, SignalKind

# (event date, sector, kind, number of events)
DayRow = tuple[date, str, str, int]


@dataclass
class History:
    """What one person's marks are found in."""

    flag_date: date
    days: list[DayRow] = field(default_factory=list)  # ordered by date
    intake: list[tuple[date, str]] = field(default_factory=list)  # (closed on, outcome)
    plan_from: date | None = None


@dataclass
class Mark:
    definition: SignalDefinition
    on: date
    lead_days: int
    occurrences: int = 1
    detail: dict = field(default_factory=dict)

    @property
    def lead_months(self) -> int:
        """Whole months between the mark and the flag."""
        return int(self.lead_days // 30.4375)


def _sectors_in_month(history: History, parameters: dict) -> tuple[date, int, dict] | None:
    wanted = parameters["sectors"]
    by_month: dict[tuple[int, int], dict[str, date]] = {}
    first = None
    months = 0
    for day, sector, _kind, _count in history.days:
        seen = by_month.setdefault((day.year, day.month), {})
        if sector not in seen:
            seen[sector] = day
            if len(seen) == wanted:
                months += 1
                if first is None:
                    first = (day, sorted(seen))
    if first is None:
        return None
    return first[0], months, {"sectors": first[1]}


def _repeated(history: History, parameters: dict) -> tuple[date, int, dict] | None:
    kind, wanted, window = parameters["event_kind"], parameters["count"], parameters["window_days"]
    recent: deque[tuple[date, int]] = deque()
    inside = 0
    first = None
    total = 0
    for day, _sector, row_kind, count in history.days:
        if row_kind != kind:
            continue
        total += count
        recent.append((day, count))
        inside += count
        while recent and recent[0][0] <= day - timedelta(days=window):
            inside -= recent.popleft()[1]
        if first is None and inside >= wanted:
            first = day
    if first is None:
        return None
    return first, total, {"count": wanted, "days": window}


def _intake(history: History, parameters: dict) -> tuple[date, int, dict] | None:
    found = sorted(day for day, outcome in history.intake
                   if outcome == parameters["outcome"] and day < history.flag_date)
    if not found:
        return None
    return found[0], len(found), {}


def _period_ended(history: History, parameters: dict) -> tuple[date, int, dict] | None:
    sector, gap = parameters["sector"], timedelta(days=parameters["gap_days"])
    days = sorted({day for day, row_sector, _kind, _count in history.days if row_sector == sector})
    ends = []
    for i, day in enumerate(days):
        following = days[i + 1] if i + 1 < len(days) else None
        ended = (following is None or following - day > gap) and day + gap < history.flag_date
        if ended and (history.plan_from is None or history.plan_from > day):
            ends.append(day)
    if not ends:
        return None
    return ends[0], len(ends), {"gap_days": parameters["gap_days"]}


def _first_in_sector(history: History, parameters: dict) -> tuple[date, int, dict] | None:
    for day, sector, _kind, _count in history.days:
        if sector == parameters["sector"]:
            return day, 1, {}
    return None


_FINDERS: dict[str, Callable[[History, dict], tuple[date, int, dict] | None]] = {
    SignalKind.SECTORS_IN_MONTH: _sectors_in_month,
    SignalKind.REPEATED_EVENTS: _repeated,
    SignalKind.INTAKE_CLOSED: _intake,
    SignalKind.PERIOD_ENDED_WITHOUT_PLAN: _period_ended,
    SignalKind.FIRST_IN_SECTOR: _first_in_sector,
}


def marks(history: History, definitions: list[SignalDefinition]) -> list[Mark]:
    """The marks of ``definitions`` in ``history`` (events on or after the flag day ignored),
    the earliest first."""
    before = History(flag_date=history.flag_date,
                     days=[row for row in history.days if row[0] < history.flag_date],
                     intake=history.intake, plan_from=history.plan_from)
    out = []
    for definition in definitions:
        finder = _FINDERS.get(definition.kind)
        if finder is None:
            continue
        found = finder(before, definition.parameters or {})
        if found is None:
            continue
        on, occurrences, detail = found
        out.append(Mark(definition=definition, on=on, lead_days=(history.flag_date - on).days,
                        occurrences=occurrences, detail=detail))
    return sorted(out, key=lambda mark: (mark.on, mark.definition.ordering))
