"""The arrivals forecast of each team: contacts per week for the coming weeks, from the team's
own history, with statsmodels' exponential smoothing (an ETS model with additive errors) and
its prediction interval, beside the seasonal-naive baseline (the same week a year earlier).

- Arrivals: at the central intake team the contacts it made (or is to make) the routing decision
  on, by opening day (``Contact.routing_team``); at a regional team the contacts of the
  service-need assessments it opened, by the assessment's opening day. Counted per ISO week
  (Monday to Sunday); the forecast's first week is this week, its history the full weeks
  before it.
- Model: ETS(A,N,N) (simple exponential smoothing) while the history is shorter than two
  years; ETS(A,N,A) with a 52-week season from two full years on. The interval is the model's
  own 80 % prediction interval; the figures are held at 0 from below.
- Accuracy: backtested on the team's own history. From each origin with a year of history
  before it (every ``BACKTEST_STEP`` weeks), the model is fitted on the weeks before the origin
  and its forecast 4 and 12 weeks ahead is compared with what arrived; the baseline's too. The
  mean absolute percentage error (MAPE) is over the origins whose week had arrivals (a week with
  none has no percentage error).
- Choice: the model is used when its MAPE is below the baseline's at both 4 and 12 weeks; else
  the baseline is used, and the page says so. Without a year of history there is no baseline
  and no backtest: the model is used and the page says that its accuracy is not known.
- By kind and municipality: the team's forecast shared out by each kind's and each
  municipality's share of the team's arrivals in the last 52 weeks.

Fitting takes a moment, so a team's forecast is made once a week (``refresh``; the first page
view of the week or ``manage.py forecast``) and stored (``ArrivalForecast``).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count

from luotsi.foresight.models import ArrivalForecast
from luotsi.foresight.workload import monday
from luotsi.intake.models import Contact
from luotsi.organisation.models import Team, TeamKind

SEASON = 52
HORIZON = 52  # stored: any horizon the pages allow
BACKTEST_STEP = 4
LEADS = (4, 12)
MIN_HISTORY = 8  # weeks the model needs before it forecasts at all
INTERVAL = 0.8


def weekly_history(team: Team, origin: date) -> tuple[list[int], Counter, Counter]:
    """The team's arrivals per full week before ``origin`` (oldest first, from its first
    week with any), and its last 52 weeks' arrivals by kind and by municipality."""
    if team.kind == TeamKind.INTAKE:
        rows = (Contact.objects.filter(routing_team=team, opened_on__lt=origin).order_by()
                .values_list("opened_on", "kind", "municipality_id").annotate(n=Count("pk")))
    elif team.kind == TeamKind.ASSESSMENT:
        rows = (Contact.objects.filter(assessment__team=team, assessment__opened_on__lt=origin)
                .order_by().values_list("assessment__opened_on", "kind", "municipality_id")
                .annotate(n=Count("pk")))
    else:
        return [], Counter(), Counter()
    per_week: dict[int, int] = defaultdict(int)
    kinds: Counter = Counter()
    municipalities: Counter = Counter()
    year_ago = origin - timedelta(weeks=52)
    for day, kind, municipality_id, count in rows:
        weeks_back = (origin - monday(day)).days // 7
        per_week[weeks_back] += count
        if day >= year_ago:
            kinds[kind] += count
            municipalities[municipality_id] += count
    if not per_week:
        return [], kinds, municipalities
    length = max(per_week)
    return [per_week.get(back, 0) for back in range(length, 0, -1)], kinds, municipalities


def _model_label(length: int) -> str:
    return "ETS(A,N,A), 52 weeks" if length >= 2 * SEASON else "ETS(A,N,N)"


def model_forecast(history: list[float], steps: int, *, interval: bool = False):
    """The ETS forecast ``steps`` weeks on from ``history``: means, and with ``interval`` the
    lower and upper bounds of the 80 % prediction interval."""
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    series = pd.Series([float(v) for v in history])
    seasonal = len(history) >= 2 * SEASON
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(series, error="add", trend=None,
                         seasonal="add" if seasonal else None,
                         seasonal_periods=SEASON if seasonal else None)
        fitted = model.fit(disp=False)
        if not interval:
            return [max(0.0, float(v)) for v in fitted.forecast(steps)], None, None
        frame = fitted.get_prediction(start=len(history), end=len(history) + steps - 1
                                      ).summary_frame(alpha=1 - INTERVAL)
    means = [max(0.0, float(v)) for v in frame["mean"]]
    lows = [max(0.0, float(v)) for v in frame["pi_lower"]]
    highs = [max(0.0, float(v)) for v in frame["pi_upper"]]
    return means, lows, highs


def seasonal_naive(history: list[float], steps: int) -> list[float] | None:
    """The same week a year earlier, for each of ``steps`` weeks; None without a year."""
    if len(history) < SEASON:
        return None
    return [float(history[len(history) - SEASON + (step % SEASON)]) for step in range(steps)]


def _mape(pairs: list[tuple[float, float]]) -> float | None:
    errors = [abs(actual - forecast) / actual for actual, forecast in pairs if actual > 0]
    return round(100 * sum(errors) / len(errors), 1) if errors else None


def backtest(history: list[float], *, step: int = BACKTEST_STEP) -> dict:
    """MAPE of the model and of the baseline 4 and 12 weeks ahead over the origins with a year
    of history before them, every ``step`` weeks back from the last possible one."""
    longest = max(LEADS)
    last = len(history) - longest
    origins = list(range(last, max(SEASON, MIN_HISTORY) - 1, -step))[::-1]
    model_pairs: dict[int, list] = {lead: [] for lead in LEADS}
    base_pairs: dict[int, list] = {lead: [] for lead in LEADS}
    for origin in origins:
        past = history[:origin]
        means, _low, _high = model_forecast(past, longest)
        naive = seasonal_naive(past, longest) or []
        for lead in LEADS:
            actual = float(history[origin + lead - 1])
            model_pairs[lead].append((actual, means[lead - 1]))
            base_pairs[lead].append((actual, naive[lead - 1]))
    return {"origins": len(origins),
            "model": {str(lead): _mape(model_pairs[lead]) for lead in LEADS},
            "baseline": {str(lead): _mape(base_pairs[lead]) for lead in LEADS}}


def model_wins(accuracy: dict) -> bool:
    """The model beats the baseline: a lower MAPE at every lead (a lead the baseline cannot
    be measured at counts for the model)."""
    for lead in LEADS:
        model, base = accuracy["model"].get(str(lead)), accuracy["baseline"].get(str(lead))
        if base is None:
            continue
        if model is None or model >= base:
            return False
    return True


def team_figures(team: Team, origin: date) -> dict:
    """The stored figures of one team's forecast made at ``origin``."""
    history, kinds, municipalities = weekly_history(team, origin)
    figures: dict = {"history_weeks": len(history), "recent": history[-12:],
                     "kinds": dict(kinds), "municipalities": {
                         str(pk): count for pk, count in municipalities.items()}}
    if len(history) < MIN_HISTORY:
        figures.update({"method": "none", "used": [], "model": [], "baseline": None,
                        "mape": None, "origins": 0, "model_label": None})
        return figures
    means, lows, highs = model_forecast(history, HORIZON, interval=True)
    model = [[round(m, 3), round(lo, 3), round(hi, 3)]
             for m, lo, hi in zip(means, lows or [], highs or [], strict=True)]
    naive = seasonal_naive(history, HORIZON)
    accuracy = backtest(history) if naive is not None and len(history) >= SEASON + max(
        LEADS) else None
    use_model = accuracy is None or model_wins(accuracy)
    if use_model:
        used = model
    else:
        # The baseline's interval: the same week a year earlier ± the spread of the model's.
        used = [[value, max(0.0, value - (hi - m)), value + (hi - m)]
                for value, (m, _lo, hi) in zip(naive or [], model, strict=True)]
    figures.update({
        "method": "model" if use_model else "baseline", "model_label": _model_label(
            len(history)), "used": used, "model": model, "baseline": naive,
        "mape": accuracy, "origins": accuracy["origins"] if accuracy else 0})
    return figures


@transaction.atomic
def refresh(*, today: date, teams=None) -> list[ArrivalForecast]:
    """Make and store this week's forecast of ``teams`` (the forecast teams by default),
    replacing one made earlier this week."""
    from luotsi.foresight.selectors import forecast_teams

    origin = monday(today)
    made = []
    for team in list(teams if teams is not None else forecast_teams()):
        figures = team_figures(team, origin)
        stored, _created = ArrivalForecast.objects.update_or_create(
            team=team, origin=origin, defaults={"figures": figures})
        made.append(stored)
    return made


def ensure(*, today: date, teams) -> dict[int, dict]:
    """This week's stored forecast of each of ``teams``, made for those that lack one."""
    from luotsi.foresight.selectors import stored_forecasts

    origin = monday(today)
    stored = stored_forecasts([team.pk for team in teams], origin)
    missing = [team for team in teams if team.pk not in stored]
    if missing:
        for forecast in refresh(today=today, teams=missing):
            stored[forecast.team_id] = forecast.figures
    return stored


def split(total: float, shares: dict) -> list[tuple[str, float]]:
    """``total`` shared out by ``shares`` (key → count), largest first."""
    whole = sum(shares.values())
    if not whole:
        return []
    return sorted(((key, total * count / whole) for key, count in shares.items()),
                  key=lambda item: (-item[1], item[0]))


def is_finite(value) -> bool:
    return value is not None and math.isfinite(value)
