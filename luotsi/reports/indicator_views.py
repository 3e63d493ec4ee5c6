"""The team lead's indicators of shared clients (page and CSV).

Aggregates only, figures on fewer than five persons suppressed (see ``luotsi.reports.indicators``),
so, like the other key-figure reports, viewing them writes no access-log records. Both need
``Action.MANAGE_TEAM``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.reports import indicators
from luotsi.reports.indicator_forms import IndicatorFilterForm


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def indicator_report(request):
    form = IndicatorFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "usage/indicators.html", {"form": form}, status=400)
    report = indicators.build(form.filters())
    return render(request, "usage/indicators.html", {
        "form": form,
        "report": report,
        "headers": indicators.headers(),
        "rows": indicators.table(report),
        "charts": indicators.charts(report),
        "small": indicators.SMALL,
        "query": request.GET.urlencode(),
    })


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def indicator_csv(request):
    form = IndicatorFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "usage/indicators.html", {"form": form}, status=400)
    filters = form.filters()
    report = indicators.build(filters)
    response = HttpResponse(indicators.as_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="luotsi-shared-clients-{filters.start:%Y%m}-'
        f'{filters.until:%Y%m}.csv"')
    return response
