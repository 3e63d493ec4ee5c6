"""Reads of the foresight pages: each team's capacity (its own rows or the defaults), the open
deadlines of its contacts by week, its client relationships, and the stored arrivals forecast,
in a fixed number of queries whatever the number of teams, deadlines or clients.

Only aggregates are read (counts by team, week and kind; no client is named), as in the
reports: nothing here goes through the access gateway or to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q

from luotsi.foresight import defaults
from luotsi.foresight.models import (
    ArrivalForecast,
    CapacityGap,
    StaffCapacity,
    StaffRole,
    TeamCapacity,
    WorkEffort,
    WorkKind,
)
from luotsi.foresight.workload import Capacity, Gap, TeamInputs, deadline_weeks
from luotsi.intake.models import Assessment, Deadline, DeadlineStatus
from luotsi.intake.selectors import children_cap, current_clienthoods
from luotsi.organisation.models import Team, TeamKind

FORECAST_KINDS = (TeamKind.INTAKE, TeamKind.ASSESSMENT)
OPEN_STATUSES = (DeadlineStatus.ON_TIME, DeadlineStatus.DUE_SOON, DeadlineStatus.OVERDUE)


def forecast_teams():
    """The teams with a workload forecast: the central intake and the regional assessment
    teams, in the order of their codes."""
    return Team.objects.filter(kind__in=FORECAST_KINDS).select_related("region").order_by(
        "kind", "code")


@dataclass(frozen=True)
class TeamCapacityView:
    """One team's capacity as the capacity page shows it: its own figures or the defaults."""

    team: Team
    weekly_hours: Decimal
    client_work_share: int
    fte: dict[str, Decimal]
    efforts: dict[str, Decimal]
    gaps: list[CapacityGap]
    own: bool  # the team has figures of its own


def capacities(teams: list[Team]) -> dict[int, TeamCapacityView]:
    """The capacity of each of ``teams``: four queries whatever their number."""
    ids = [team.pk for team in teams]
    settings = {row.team_id: row for row in TeamCapacity.objects.filter(team_id__in=ids)}
    fte: dict[int, dict[str, Decimal]] = {pk: {role: Decimal(0) for role in StaffRole.values}
                                          for pk in ids}
    for team_id, role, value in StaffCapacity.objects.filter(team_id__in=ids).values_list(
            "team_id", "role", "fte"):
        fte[team_id][role] = value
    efforts: dict[int, dict[str, Decimal]] = {pk: dict(defaults.EFFORTS) for pk in ids}
    for team_id, kind, hours in WorkEffort.objects.filter(team_id__in=ids).values_list(
            "team_id", "kind", "hours"):
        efforts[team_id][kind] = hours
    gaps: dict[int, list[CapacityGap]] = {pk: [] for pk in ids}
    for gap in CapacityGap.objects.filter(team_id__in=ids).order_by("starts_on", "pk"):
        gaps[gap.team_id].append(gap)
    result = {}
    for team in teams:
        own = settings.get(team.pk)
        result[team.pk] = TeamCapacityView(
            team=team,
            weekly_hours=own.weekly_hours if own else defaults.WEEKLY_HOURS,
            client_work_share=own.client_work_share if own else defaults.CLIENT_WORK_SHARE,
            fte=fte[team.pk], efforts=efforts[team.pk], gaps=gaps[team.pk],
            own=own is not None)
    return result


def capacity_of(view: TeamCapacityView) -> Capacity:
    return Capacity(
        weekly_hours=float(view.weekly_hours), client_work_share=view.client_work_share,
        fte={role: float(value) for role, value in view.fte.items()},
        gaps=tuple(Gap(role=g.role, fte=float(g.fte), starts_on=g.starts_on,
                       ends_on=g.ends_on) for g in view.gaps),
        efforts={kind: float(view.efforts[kind]) for kind in WorkKind.values})


def open_deadlines(team_ids: list[int], until: date) -> list[tuple[int, str, date, int]]:
    """The open deadlines of the teams' open contacts due by ``until``, counted by team, code
    and final day (one query); the overdue ones are in it with their past final day. A
    service-need assessment's completion is read whenever it falls due: its work is spread up
    to it."""
    rows = (Deadline.objects.filter(contact__team_id__in=team_ids, status__in=OPEN_STATUSES,
                                    met_on__isnull=True)
            .exclude(contact__status="closed")
            .filter(Q(due_on__lte=until) | Q(code="assessment_completion"))
            .order_by().values_list("contact__team_id", "code", "due_on")
            .annotate(count=Count("pk")))
    return list(rows)


def client_counts(team_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per team: current client relationships (child-welfare and family services) and the
    children among them who are child-welfare clients (LSL 13 b §). One query."""
    rows = (current_clienthoods().filter(team_id__in=team_ids).order_by()
            .values_list("team_id", "outcome").annotate(count=Count("child_id", distinct=True)))
    clients: dict[int, int] = {}
    children: dict[int, int] = {}
    for team_id, outcome, count in rows:
        clients[team_id] = clients.get(team_id, 0) + count
        if outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT:
            children[team_id] = children.get(team_id, 0) + count
    return clients, children


def child_welfare_shares(team_ids: list[int], today: date) -> dict[int, float]:
    """Per team: of the service-need assessments completed in the last 52 weeks, the share that
    opened a child-welfare client relationship. One query."""
    rows = (Assessment.objects.filter(team_id__in=team_ids, completed_on__gt=today
                                      - timedelta(weeks=52), completed_on__lte=today)
            .order_by().values("team_id")
            .annotate(total=Count("pk"),
                      cw=Count("pk", filter=Q(outcome=Assessment.Outcome.CHILD_WELFARE_CLIENT))))
    return {row["team_id"]: row["cw"] / row["total"] for row in rows if row["total"]}


def stored_forecasts(team_ids: list[int], origin: date) -> dict[int, dict]:
    """The arrivals forecasts made this week, by team (one query)."""
    return dict(ArrivalForecast.objects.filter(team_id__in=team_ids, origin=origin)
                .values_list("team_id", "figures"))


def county_inputs(teams: list[Team], *, origin: date, horizon: int, today: date,
                  forecasts: dict[int, dict] | None = None,
                  capacity_views: dict[int, TeamCapacityView] | None = None
                  ) -> list[TeamInputs]:
    """Everything the workload forecast of ``teams`` is computed from: at most eight queries
    whatever the number of teams, deadlines or clients."""
    ids = [team.pk for team in teams]
    views = capacity_views if capacity_views is not None else capacities(teams)
    until = origin + timedelta(weeks=horizon) - timedelta(days=1)
    per_team = deadline_weeks(open_deadlines(ids, until), origin)
    clients, children = client_counts(ids)
    shares = child_welfare_shares(ids, today)
    stored = forecasts if forecasts is not None else stored_forecasts(ids, origin)
    inputs = []
    for team in teams:
        figures = stored.get(team.pk) or {}
        inputs.append(TeamInputs(
            team_id=team.pk, code=team.code, name=team.name, kind=team.kind,
            capacity=capacity_of(views[team.pk]),
            deadlines=tuple(per_team.get(team.pk, ())),
            arrivals=tuple(tuple(week) for week in figures.get("used", ())),
            clients=clients.get(team.pk, 0), children=children.get(team.pk, 0),
            child_welfare_share=shares.get(team.pk, 0.0)))
    return inputs


def cap() -> int:
    return children_cap()

