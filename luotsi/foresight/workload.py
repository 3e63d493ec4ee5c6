"""The workload forecast of a team, week by week: the hours of work hanging on stored
deadlines, the hours expected from the forecast arrivals and the plan reviews of the team's
clients, against the team's available hours; the weeks where statutory deadlines are at risk;
the LSL 13 b § caseload per social worker projected against the cap. Pure computation over the
inputs that ``selectors.county_inputs`` reads (no database access here), so the what-if panel
only changes the inputs and computes again.

How work is placed in weeks (docs/foresight.md):

- a stored deadline's work is due by its final day: the urgency assessment, the initial
  assessment (the decision on the investigation) and the start of the service-need assessment
  in the week of the final day; the rest of a service-need assessment (its effort and one
  network meeting) spread evenly from this week to the week of its final day; an overdue one
  in this week;
- a forecast arrival at the central intake team brings an urgency and an initial assessment
  in its week; at a regional team the start of a service-need assessment in its week and the
  rest of it spread over the 13 weeks of the three-month clock;
- each current client relationship of the team brings a plan review every 26 weeks.

A week is at risk when the work due by its end, with what earlier weeks could not do, exceeds
the hours available by then: the backlog carried over from week to week is above zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from luotsi.deadlines.calendar import is_working_day
from luotsi.foresight.models import StaffRole, WorkKind

ASSESSMENT_WEEKS = 13  # the three-month clock of a service-need assessment, in weeks
REVIEW_WEEKS = 26  # a client plan is reviewed about twice a year


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(origin: date, count: int) -> list[date]:
    return [origin + timedelta(weeks=i) for i in range(count)]


@dataclass(frozen=True)
class Gap:
    role: str
    fte: float
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Capacity:
    """One team's capacity as the workload forecast uses it (floats: figures, not money)."""

    weekly_hours: float
    client_work_share: int
    fte: dict[str, float]
    gaps: tuple[Gap, ...]
    efforts: dict[str, float]
    # What-if additions: (role, fte, first week index) — negative fte moves staff away.
    extra: tuple[tuple[str, float, int], ...] = ()

    def role_fte_on(self, role: str, day: date, week_index: int) -> float:
        staffed = self.fte.get(role, 0.0) + sum(
            fte for extra_role, fte, first in self.extra
            if extra_role == role and week_index >= first)
        away = sum(gap.fte for gap in self.gaps
                   if gap.role == role and gap.starts_on <= day <= gap.ends_on)
        return max(0.0, staffed - away)

    def available_hours(self, week_start: date, week_index: int) -> float:
        """Hours for client work in the week: each working day, the roles' full-time
        equivalents present × a fifth of the full-time week × the client-work share."""
        day_hours = self.weekly_hours / 5 * self.client_work_share / 100
        total = 0.0
        for offset in range(5):
            day = week_start + timedelta(days=offset)
            if not is_working_day(day):
                continue
            total += day_hours * sum(self.role_fte_on(role, day, week_index)
                                     for role in StaffRole.values)
        return total

    def social_workers(self, week_start: date, week_index: int) -> float:
        """Social workers' full-time equivalents present on the week's Monday-to-Friday
        average (for the LSL 13 b § caseload)."""
        days = [week_start + timedelta(days=offset) for offset in range(5)]
        return sum(self.role_fte_on(StaffRole.SOCIAL_WORKER, day, week_index)
                   for day in days) / 5


@dataclass(frozen=True)
class TeamInputs:
    """What the workload forecast of one team is computed from."""

    team_id: int
    code: str
    name: str
    kind: str  # TeamKind: intake / assessment / …
    capacity: Capacity
    # Open deadlines: (code, week index (0: this week or overdue), count).
    deadlines: tuple[tuple[str, int, int], ...]
    # Forecast arrivals per week (mean, lower, upper) from this week on; empty without one.
    arrivals: tuple[tuple[float, float, float], ...]
    clients: int  # current client relationships (plan reviews)
    children: int  # children as child-welfare clients (LSL 13 b §)
    child_welfare_share: float  # of completed assessments, the share that opened one


@dataclass
class Week:
    start: date
    deadline_hours: float = 0.0
    arrival_hours: float = 0.0
    review_hours: float = 0.0
    available: float = 0.0
    backlog: float = 0.0
    children: float = 0.0
    social_workers: float = 0.0

    @property
    def load(self) -> float:
        return self.deadline_hours + self.arrival_hours + self.review_hours

    @property
    def at_risk(self) -> bool:
        return self.backlog > 0.05

    @property
    def utilisation(self) -> float | None:
        return self.load / self.available if self.available > 0 else None

    @property
    def children_per_worker(self) -> float | None:
        return self.children / self.social_workers if self.social_workers > 0 else None


@dataclass
class TeamForecast:
    inputs: TeamInputs
    weeks: list[Week] = field(default_factory=list)
    cap: int = 0

    @property
    def risk_weeks(self) -> list[int]:
        """The 1-based numbers of the weeks at risk."""
        return [i + 1 for i, week in enumerate(self.weeks) if week.at_risk]

    @property
    def over_cap_weeks(self) -> list[int]:
        return [i + 1 for i, week in enumerate(self.weeks)
                if week.children_per_worker is not None and week.children_per_worker > self.cap]

    @property
    def load_total(self) -> float:
        return sum(week.load for week in self.weeks)

    @property
    def available_total(self) -> float:
        return sum(week.available for week in self.weeks)


def _spread(loads: list[float], first: int, last: int, hours: float) -> None:
    """Add ``hours`` evenly over the weeks ``first``..``last`` (indexes, both included), the
    part within the horizon only."""
    span = last - first + 1
    for index in range(max(first, 0), min(last, len(loads) - 1) + 1):
        loads[index] += hours / span


def team_forecast(inputs: TeamInputs, *, origin: date, horizon: int, cap: int) -> TeamForecast:
    capacity = inputs.capacity
    effort = capacity.efforts
    starts = week_starts(origin, horizon)
    deadline_loads = [0.0] * horizon
    arrival_loads = [0.0] * horizon
    completions = [0.0] * horizon  # assessments expected to be completed in the week
    rest_of_assessment = (effort[WorkKind.SERVICE_NEED_ASSESSMENT]
                          + effort[WorkKind.NETWORK_MEETING])
    for code, index, count in inputs.deadlines:
        index = max(index, 0)
        if code == "urgency_assessment" and index < horizon:
            deadline_loads[index] += count * effort[WorkKind.URGENCY_ASSESSMENT]
        elif code == "investigation_decision" and index < horizon:
            deadline_loads[index] += count * effort[WorkKind.INITIAL_ASSESSMENT]
        elif code == "assessment_start" and index < horizon:
            deadline_loads[index] += count * effort[WorkKind.ASSESSMENT_START]
        elif code == "assessment_completion":
            _spread(deadline_loads, 0, index, count * rest_of_assessment)
            if index < horizon:
                completions[index] += count
    for index, (mean, _low, _high) in enumerate(inputs.arrivals[:horizon]):
        if inputs.kind == "intake":
            arrival_loads[index] += mean * (effort[WorkKind.URGENCY_ASSESSMENT]
                                            + effort[WorkKind.INITIAL_ASSESSMENT])
        elif inputs.kind == "assessment":
            arrival_loads[index] += mean * effort[WorkKind.ASSESSMENT_START]
            _spread(arrival_loads, index, index + ASSESSMENT_WEEKS - 1, mean * rest_of_assessment)
            if index + ASSESSMENT_WEEKS - 1 < horizon:
                completions[index + ASSESSMENT_WEEKS - 1] += mean
    review = inputs.clients * effort[WorkKind.PLAN_REVIEW] / REVIEW_WEEKS
    forecast = TeamForecast(inputs=inputs, cap=cap)
    backlog = 0.0
    children = float(inputs.children)
    for index, start in enumerate(starts):
        week = Week(start=start, deadline_hours=deadline_loads[index],
                    arrival_hours=arrival_loads[index], review_hours=review,
                    available=capacity.available_hours(start, index))
        backlog = max(0.0, backlog + week.load - week.available)
        week.backlog = backlog
        children += completions[index] * inputs.child_welfare_share
        week.children = children
        week.social_workers = capacity.social_workers(start, index)
        forecast.weeks.append(week)
    return forecast


@dataclass(frozen=True)
class WhatIf:
    """The what-if panel's changes (nothing is saved): add ``add_fte`` of ``add_role`` to
    ``team_id`` from week ``add_from`` (1-based); move ``move_fte`` of ``move_role`` from
    ``team_id`` to ``move_to`` from week ``add_from``; set the effort of ``effort_kind`` to
    ``effort_hours`` in ``team_id``."""

    team_id: int | None = None
    add_fte: float = 0.0
    add_role: str = StaffRole.SOCIAL_WORKER
    add_from: int = 1
    move_fte: float = 0.0
    move_role: str = StaffRole.SOCIAL_WORKER
    move_to: int | None = None
    effort_kind: str | None = None
    effort_hours: float | None = None

    @property
    def changes_anything(self) -> bool:
        return self.team_id is not None and bool(
            self.add_fte or (self.move_fte and self.move_to)
            or (self.effort_kind and self.effort_hours))

    def apply(self, inputs: TeamInputs) -> TeamInputs:
        capacity = inputs.capacity
        extra = list(capacity.extra)
        efforts = dict(capacity.efforts)
        first = max(self.add_from - 1, 0)
        if inputs.team_id == self.team_id:
            if self.add_fte:
                extra.append((self.add_role, self.add_fte, first))
            if self.move_fte and self.move_to and self.move_to != self.team_id:
                extra.append((self.move_role, -self.move_fte, first))
            if self.effort_kind and self.effort_hours:
                efforts[self.effort_kind] = self.effort_hours
        elif inputs.team_id == self.move_to and self.move_fte:
            extra.append((self.move_role, self.move_fte, first))
        return replace(inputs, capacity=replace(capacity, extra=tuple(extra), efforts=efforts))


def county_forecast(inputs: list[TeamInputs], *, origin: date, horizon: int, cap: int,
                    what_if: WhatIf | None = None) -> list[TeamForecast]:
    teams = [what_if.apply(team) if what_if else team for team in inputs]
    return [team_forecast(team, origin=origin, horizon=horizon, cap=cap) for team in teams]


def by_team(forecasts: list[TeamForecast]) -> dict[int, TeamForecast]:
    return {forecast.inputs.team_id: forecast for forecast in forecasts}


def deadline_weeks(rows, origin: date) -> dict[int, list[tuple[str, int, int]]]:
    """``(team_id, code, due_on, count)`` rows → per team ``(code, week index, count)``."""
    per_team: dict[int, dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
    for team_id, code, due_on, count in rows:
        index = max((monday(due_on) - origin).days // 7, 0)
        per_team[team_id][(code, index)] += count
    return {team_id: [(code, index, count) for (code, index), count in sorted(cells.items())]
            for team_id, cells in per_team.items()}
