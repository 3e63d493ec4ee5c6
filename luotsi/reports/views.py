"""The team lead's key figures of family intake: a page with charts and tables, and each table
as CSV.

Only aggregates are shown (counts, shares, medians); no client is named or identifiable, so the
page reads past the access gateway and **writes no access-log records** (see
``luotsi.reports.selectors``). Reading it needs ``Action.MANAGE_TEAM``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.reports import tables
from luotsi.reports.forms import KpiFilterForm


def _language() -> str:
    return (get_language() or "fi")[:2]


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def kpis(request):
    """Key figures for the chosen period, region, team and municipality."""
    form = KpiFilterForm(request.GET, today=timezone.localdate())
    context = {"form": form, "tables": [], "table_names": tables.TABLES}
    if not form.is_valid():
        return render(request, "reports/kpis.html", context, status=400)
    filters = form.filters()
    context.update({
        "filters": filters,
        "tables": tables.build_all(filters, language=_language()),
        "query": request.GET.urlencode(),
    })
    return render(request, "reports/kpis.html", context)


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def kpi_csv(request, table: str):
    """One table of the key-figure page as CSV (semicolons, UTF-8 with a byte-order mark)."""
    if table not in tables.TABLES:
        raise Http404
    form = KpiFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "reports/kpis.html",
                      {"form": form, "tables": [], "table_names": tables.TABLES}, status=400)
    filters = form.filters()
    data = tables.build(table, filters, language=_language())
    response = HttpResponse(tables.as_csv(data), content_type="text/csv; charset=utf-8")
    filename = f"luotsi-{table}-{filters.start:%Y%m}-{filters.until:%Y%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
