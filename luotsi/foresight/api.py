"""The foresight API for team leads: a team's workload forecast with its arrivals forecast and
accuracy (the figures of the page and of ``manage.py forecast --json``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from luotsi.api.errors import responses
from luotsi.api.schemas import StrictInput
from luotsi.foresight import defaults, page, selectors
from luotsi.organisation.decorators import require_action
from luotsi.organisation.permissions import Action

router = Router(tags=["foresight"])


class ForecastFilters(StrictInput):
    weeks: int = Field(defaults.DEFAULT_HORIZON_WEEKS, ge=1, le=defaults.MAX_HORIZON_WEEKS,
                       description="Weeks ahead, 1 to 52; this week is the first.")


class WeekOut(Schema):
    week: int
    starts_on: str
    arrivals: float | None
    arrivals_low: float | None
    arrivals_high: float | None
    deadline_hours: float
    arrival_hours: float
    review_hours: float
    work_hours: float
    available_hours: float
    backlog_hours: float
    at_risk: bool
    children_per_social_worker: float | None


class AccuracyOut(Schema):
    method: str | None
    model: str | None
    mape: dict | None
    origins: int | None


class ForecastOut(Schema):
    team: str
    weeks: list[WeekOut]
    risk_weeks: list[int]
    children_cap: int
    over_cap_weeks: list[int]
    accuracy: AccuracyOut | None


@router.get(
    "/teams/{code}/forecast", response=responses({200: ForecastOut}, 403, 404),
    summary="A team's workload forecast",
    description=(
        "Per week from this week on: hours of work on stored deadlines, from the forecast "
        "arrivals and from plan reviews, available hours, the backlog and whether the week is "
        "at risk; the arrivals forecast with its 80 % prediction interval; the LSL 13 b § "
        "children per social worker against the cap; the backtest's MAPE of the model and of "
        "the seasonal-naive baseline 4 and 12 weeks ahead, and which is used. Team leads only; "
        "aggregates, no client data. `weeks` beyond 52 is refused."),
)
def team_forecast(request: HttpRequest, response: HttpResponse, code: str,
                  filters: Query[ForecastFilters]):
    team = selectors.forecast_teams().filter(code=code[:60]).first()
    if team is None:  # the organisation's team codes are no secret: 404 before the role
        raise Http404
    require_action(request.auth, Action.MANAGE_TEAM)
    county = page.build(today=timezone.localdate(), horizon=filters.weeks, teams=[team])
    forecast = county.teams[0]
    response["Cache-Control"] = "no-store"
    return page.as_json(forecast, county.forecasts.get(team.pk), cap=county.cap)
