"""The workload forecast as the page, the CSV and the API show it: the county's teams with
their weeks, the what-if panel's version beside it, the chart of each team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from markupsafe import Markup

from luotsi.common import partials
from luotsi.common.charts import COLOURS, Series, bar_chart
from luotsi.common.formatting import format_date
from luotsi.common.spreadsheet import figure
from luotsi.foresight import arrivals, selectors
from luotsi.foresight.workload import (
    TeamForecast,
    WhatIf,
    by_team,
    county_forecast,
    monday,
)


@dataclass
class CountyForecast:
    origin: date
    horizon: int
    cap: int
    teams: list[TeamForecast]
    what_if: dict[int, TeamForecast] | None
    forecasts: dict[int, dict]  # the stored arrivals forecast of each team (figures)


def build(*, today: date, horizon: int, what_if: WhatIf | None = None,
          teams=None) -> CountyForecast:
    """The county's workload forecast from this week on (and with ``what_if`` applied)."""
    origin = monday(today)
    teams = list(teams if teams is not None else selectors.forecast_teams())
    stored = arrivals.ensure(today=today, teams=teams)
    inputs = selectors.county_inputs(teams, origin=origin, horizon=horizon, today=today,
                                     forecasts=stored)
    cap = selectors.cap()
    forecasts = county_forecast(inputs, origin=origin, horizon=horizon, cap=cap)
    changed = None
    if what_if is not None and what_if.changes_anything:
        changed = by_team(county_forecast(inputs, origin=origin, horizon=horizon, cap=cap,
                                          what_if=what_if))
    return CountyForecast(origin=origin, horizon=horizon, cap=cap, teams=forecasts,
                          what_if=changed, forecasts=stored)


def week_label(start: date) -> str:
    return pgettext("week number", "wk %(number)s") % {"number": start.isocalendar().week}


def chart(forecast: TeamForecast) -> str:
    weeks = forecast.weeks
    risk = ", ".join(str(number) for number in forecast.risk_weeks) or _("none")
    return bar_chart(
        chart_id=f"workload-{forecast.inputs.code}",
        title=_("Workload and available hours by week: %(team)s") % {
            "team": forecast.inputs.name},
        description=_("Weeks at risk (numbers on this page): %(weeks)s. The figures are in "
                      "the table below.") % {"weeks": risk},
        categories=[week_label(week.start) for week in weeks],
        series=[Series(_("Work (hours)"), [round(week.load, 1) for week in weeks], COLOURS[0]),
                Series(_("Available hours"), [round(week.available, 1) for week in weeks],
                       COLOURS[2]),
                Series(_("Backlog (hours)"), [round(week.backlog, 1) for week in weeks],
                       COLOURS[3])],
        unit=" h", decimals=0)


def _one(value: float) -> str:
    return number_format(round(value, 1), 1)


def week_rows(forecast: TeamForecast, changed: TeamForecast | None) -> Markup:
    """The table rows of one team's weeks (a Jinja2 partial: up to 52 rows per team)."""
    rows = []
    for index, week in enumerate(forecast.weeks):
        other = changed.weeks[index] if changed else None
        per_worker = week.children_per_worker
        rows.append({
            "number": index + 1, "start": week.start, "risk": week.at_risk,
            "hours": [_one(week.deadline_hours), _one(week.arrival_hours),
                      _one(week.review_hours), _one(week.load), _one(week.available),
                      _one(week.backlog)],
            "other": {"available": _one(other.available), "risk": other.at_risk}
            if other else None,
            "children": _one(per_worker) if per_worker is not None else "–"})
    return partials.render("foresight/week_rows.html", {
        "rows": rows, "texts": {"at_risk": _("At risk"), "no": _("No")}})


def csv_rows(county: CountyForecast) -> list[list]:
    """One row per team and week: the figures of the page (and of the what-if, when set)."""
    header = [_("Team"), _("Week"), _("Week starts"), _("Deadlines (hours)"),
              _("Forecast arrivals (hours)"), _("Plan reviews (hours)"), _("Work (hours)"),
              _("Available hours"), _("Backlog (hours)"), _("At risk"),
              _("Children per social worker"), _("Cap")]
    if county.what_if:
        header += [_("What-if: available hours"), _("What-if: backlog (hours)"),
                   _("What-if: at risk")]
    rows = [header]
    for forecast in county.teams:
        changed = county.what_if.get(forecast.inputs.team_id) if county.what_if else None
        for index, week in enumerate(forecast.weeks):
            per_worker = week.children_per_worker
            row = [forecast.inputs.name, index + 1, format_date(week.start),
                   figure(week.deadline_hours, 1), figure(week.arrival_hours, 1),
                   figure(week.review_hours, 1), figure(week.load, 1),
                   figure(week.available, 1), figure(week.backlog, 1), _("Yes") if week.at_risk else _("No"),
                   figure(per_worker, 1) if per_worker is not None else "", county.cap]
            if changed:
                other = changed.weeks[index]
                row += [figure(other.available, 1), figure(other.backlog, 1),
                        _("Yes") if other.at_risk else _("No")]
            rows.append(row)
    return rows


def as_json(forecast: TeamForecast, stored: dict | None, *, cap: int) -> dict:
    """One team's forecast for machines (the API and ``manage.py forecast --json``)."""
    weeks = []
    arrivals = (stored or {}).get("used") or []
    for index, week in enumerate(forecast.weeks):
        mean, low, high = arrivals[index] if index < len(arrivals) else (None, None, None)
        weeks.append({
            "week": index + 1, "starts_on": week.start.isoformat(),
            "arrivals": None if mean is None else round(mean, 2),
            "arrivals_low": None if low is None else round(low, 2),
            "arrivals_high": None if high is None else round(high, 2),
            "deadline_hours": round(week.deadline_hours, 2),
            "arrival_hours": round(week.arrival_hours, 2),
            "review_hours": round(week.review_hours, 2),
            "work_hours": round(week.load, 2), "available_hours": round(week.available, 2),
            "backlog_hours": round(week.backlog, 2), "at_risk": week.at_risk,
            "children_per_social_worker": (None if week.children_per_worker is None
                                           else round(week.children_per_worker, 2)),
        })
    accuracy = None
    if stored:
        accuracy = {"method": stored.get("method"), "model": stored.get("model_label"),
                    "mape": stored.get("mape"), "origins": stored.get("origins")}
    return {"team": forecast.inputs.code, "weeks": weeks, "risk_weeks": forecast.risk_weeks,
            "children_cap": cap, "over_cap_weeks": forecast.over_cap_weeks,
            "accuracy": accuracy}


def method_note(stored: dict | None) -> str:
    """What the page says about the arrivals forecast of a team: which method, and why."""
    if not stored or stored.get("method") == "none":
        return _("Too little history for a forecast (at least 8 weeks are needed): only the "
                 "stored deadlines are counted.")
    if stored.get("method") == "baseline":
        return _("The model did not beat the seasonal-naive baseline in the backtest on this "
                 "team's history, so the baseline (the same week a year earlier) is used.")
    if not stored.get("mape"):
        return _("The model (%(model)s) is used. Its accuracy is not known yet: a backtest "
                 "needs more than a year of history.") % {"model": stored.get("model_label")}
    return _("The model (%(model)s) is used: it beat the seasonal-naive baseline in the "
             "backtest on this team's history.") % {"model": stored.get("model_label")}


@dataclass
class ArrivalsDetail:
    note: str
    weeks: list[tuple[int, date, float, float, float]]
    kinds: list[tuple[str, float]]
    municipalities: list[tuple[str, float]]
    mape: dict | None
    method: str


def arrivals_detail(stored: dict | None, *, origin: date, horizon: int,
                    municipality_names: dict[str, str], kind_labels: dict[str, str]
                    ) -> ArrivalsDetail:
    used = (stored or {}).get("used") or []
    weeks = [(index + 1, origin + timedelta(weeks=index), mean, low, high)
             for index, (mean, low, high) in enumerate(used[:horizon])]
    total = sum(mean for _n, _start, mean, _low, _high in weeks)
    kinds = [(kind_labels.get(key, key), value)
             for key, value in arrivals.split(total, (stored or {}).get("kinds") or {})]
    municipalities = [(municipality_names.get(key, key), value) for key, value in
                      arrivals.split(total, (stored or {}).get("municipalities") or {})]
    return ArrivalsDetail(note=method_note(stored), weeks=weeks, kinds=kinds,
                          municipalities=municipalities, mape=(stored or {}).get("mape"),
                          method=(stored or {}).get("method", "none"))
