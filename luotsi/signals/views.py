"""Pages of intervention points and early-warning rules: the report across clients and the
early rules with their backtests (team leads and planners: ``Action.MANAGE_TEAM``, aggregates
only), and the early candidates (professionals, only persons they have a client relationship
with, listed through the gateway and logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.signals import report as intervention_report
from luotsi.signals import selectors
from luotsi.signals.backtest import run_backtest
from luotsi.signals.figures import shown
from luotsi.signals.forms import BacktestForm, InterventionFilterForm
from luotsi.signals.models import EarlyWarningRule

PAGE_SIZE = 50


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def intervention_points(request):
    """Which signals came before becoming a shared client, and how long before."""
    form = InterventionFilterForm(request.GET, today=timezone.localdate())
    context = {"form": form, "title": _title(), "stylesheet": "css/plans.css"}
    if not form.is_valid():
        return render(request, "signals/intervention_points.html", context, status=400)
    data = intervention_report.build(form.filters(), (get_language() or "fi")[:2])
    context.update({"report": data, "total": intervention_report.count(data.total),
                    "signals": [{"label": row.label, "clients": intervention_report.count(
                        row.clients), "share": intervention_report.share(row.clients,
                                                                         data.total),
                                 "median": intervention_report.median(row.leads)}
                                for row in data.signals],
                    "areas": _areas(data.areas),
                    "distribution": [(label, intervention_report.count(n))
                                     for label, n in data.distribution]})
    return render(request, "signals/intervention_points.html", context)


def _title() -> str:
    from django.utils.translation import gettext as _

    return _("Intervention points")


def _area(row) -> dict:
    hidden = row.hidden
    return {"label": row.label, "level": row.level,
            "clients": ("<5" if 0 < row.clients < intervention_report.SMALL else "–") if hidden
            else intervention_report.count(row.clients),
            "with_signal": "–" if hidden else intervention_report.count(row.with_signal),
            "share": "–" if hidden else intervention_report.share(row.with_signal, row.clients),
            "median": "–" if hidden else intervention_report.median(row.leads, row.clients)}


def _areas(areas) -> list[dict]:
    out = []
    for region in areas:
        out.append(_area(region))
        out += [_area(child) for child in region.children]
    return out


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def early_rules(request):
    """The early-warning rules with the latest backtest's recall and precision."""
    latest = selectors.latest_backtest()
    by_code = {row["code"]: shown(row) for row in (latest.figures.get("rules", [])
                                                   if latest else [])}
    rules = [(rule, by_code.get(rule.code)) for rule in selectors.early_rules()]
    return render(request, "signals/early_rules.html",
                  {"rules": rules, "latest": latest})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@action_required(Action.MANAGE_TEAM)
def early_rule(request, rule_id: int):
    """One early rule: its definition and its backtest figures; a new backtest on a date."""
    rule = EarlyWarningRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    if request.method == "POST":
        form = BacktestForm(request.POST)
        if form.is_valid():
            run_backtest(as_of=form.cleaned_data["as_of"], user=request.user)
            return redirect("signals:early_rule", rule_id=rule.pk)
        status = 400
    else:
        form = BacktestForm()
        status = 200
    found = selectors.latest_backtest_figures(rule)
    backtest, figures = found if found else (None, None)
    return render(request, "signals/early_rule.html",
                  {"rule": rule, "form": form, "backtest": backtest,
                   "figures": shown(figures) if figures else None}, status=status)


@login_required
@require_GET
@never_cache
@action_required(Action.VIEW_CLIENT)
def early_candidates(request):
    """Persons the professional has a client relationship with whom an early rule marks."""
    found = selectors.early_candidates(request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    gateway.log_listed(request.user, [person for person, _rules in rows],
                       category=Category.SHARED_CARE, detail="early candidates")
    return render(request, "signals/early_candidates.html", {"page": page, "rows": rows})
