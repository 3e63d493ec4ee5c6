"""The backtest's figures as a page or the API shows them: counts of persons of 1–4 as ``<5``,
shares resting on fewer than five persons left out (as in the indicators)."""

from __future__ import annotations

from luotsi.signals.backtest import HORIZONS

SMALL = 5


def _count(n: int | None) -> str | int | None:
    if n is None:
        return None
    return "<5" if 0 < n < SMALL else n


def _share(part: int, whole: int) -> float | None:
    if not whole or whole < SMALL or 0 < part < SMALL:
        return None
    return round(part / whole, 4)


def shown(figures: dict) -> dict:
    """``figures`` of one rule (``backtest._Run.figures``) with small cells suppressed."""
    out = {key: figures.get(key) for key in ("code", "rule_id", "measure", "threshold",
                                             "event_kind", "sector", "window_days")}
    out["flagged"] = _count(figures["flagged"])
    out["newly_flagged"] = _count(figures["newly_flagged"])
    for h in HORIZONS:
        caught, caught_new = figures[f"caught_{h}m"], figures[f"caught_new_{h}m"]
        early, became = figures[f"early_{h}m"], figures[f"became_{h}m"]
        out[f"caught_{h}m"] = _count(caught)
        out[f"recall_{h}m"] = _share(caught, figures["flagged"])
        out[f"caught_new_{h}m"] = _count(caught_new)
        out[f"recall_new_{h}m"] = _share(caught_new, figures["newly_flagged"])
        out[f"early_{h}m"] = _count(early)
        out[f"became_{h}m"] = _count(became)
        out[f"precision_{h}m"] = _share(became, early)
    leads = figures.get("lead_months", {})
    caught = sum(leads.values())
    out["lead_months"] = {k: _count(n) for k, n in leads.items()}
    out["median_lead_months"] = figures.get("median_lead_months") if caught >= SMALL else None
    return out
