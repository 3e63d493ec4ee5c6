"""The early rules' backtest in the API, under ``/api/v1/signals``, for team leads and planners
(``Action.MANAGE_TEAM``): aggregates only, small cells suppressed as on the rule's page
(``figures.shown``). ``GET /backtest?as_of=YYYY-MM-DD`` computes the backtest on that date
(nothing is stored: a read); a date without enough history is refused with 422 naming
``as_of`` and saying from which day events are needed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from luotsi.api.errors import responses
from luotsi.organisation.decorators import require_action
from luotsi.organisation.permissions import Action
from luotsi.signals.backtest import NotEnoughHistory, run_backtest
from luotsi.signals.figures import shown

router = Router(tags=["early-warning rules"])

Count = int | str | None


class RuleBacktestOut(Schema):
    code: str
    rule_id: int
    measure: str
    threshold: int
    event_kind: str
    sector: str
    window_days: int
    flagged: Count = Field(..., description="Persons flagged on the as-of date (`<5` for 1–4).")
    newly_flagged: Count = Field(..., description="Of them, not flagged 12 months before.")
    caught_6m: Count
    caught_12m: Count
    recall_6m: float | None = Field(..., description="Share of the flagged the rule had caught "
                                                     "6 months before; null when it rests on "
                                                     "fewer than five persons.")
    recall_12m: float | None
    caught_new_6m: Count
    caught_new_12m: Count
    recall_new_6m: float | None
    recall_new_12m: float | None
    early_6m: Count = Field(..., description="Persons the rule caught 6 months before who were "
                                             "not flagged then.")
    early_12m: Count
    became_6m: Count = Field(..., description="Of them, flagged by the as-of date.")
    became_12m: Count
    precision_6m: float | None
    precision_12m: float | None
    lead_months: dict[str, Count] = Field(..., description="Newly flagged persons the rule "
                                                           "caught, by months of lead (0–12).")
    median_lead_months: float | None


class BacktestOut(Schema):
    as_of: date
    history_from: date
    flagged: Count
    newly_flagged: Count
    identification_rules: list[str]
    rules: list[RuleBacktestOut]
    seconds: float


def _count(n: int) -> Count:
    return "<5" if 0 < n < 5 else n


@router.get(
    "/backtest", response=responses({200: BacktestOut}, 403),
    summary="Backtest of the early-warning rules on an as-of date",
    description=(
        "For each active early rule: of the persons the identification rules flag on `as_of`, "
        "how many it had caught 6 and 12 months before (recall; also among the newly flagged, "
        "with the lead time in months), and of those it caught then, how many were flagged by "
        "`as_of` (precision). Team leads and planners. Aggregates only; counts of 1–4 are "
        "`<5` and shares resting on fewer than five persons null. An `as_of` without 12 months "
        "plus the longest rule window of history before it answers 422 naming `as_of`."),
)
def backtest(request: HttpRequest, as_of: date):
    require_action(request.auth, Action.MANAGE_TEAM)
    try:
        result = run_backtest(as_of=as_of, store=False)
    except NotEnoughHistory as exc:
        raise ValidationError({exc.field: [exc.message]}) from exc
    return {"as_of": result["as_of"], "history_from": result["history_from"],
            "flagged": _count(result["flagged"]),
            "newly_flagged": _count(result["newly_flagged"]),
            "identification_rules": result["identification_rules"],
            "rules": [shown(rule) for rule in result["rules"]], "seconds": result["seconds"]}
