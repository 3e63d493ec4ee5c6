"""The team lead's AVAIN effectiveness report (page and CSV) and the anonymised research CSV.

The report shows aggregates only and writes no access-log records (see
``luotsi.reports.effectiveness``). The research file holds one pseudonymised row per goal, so
producing it is recorded in the access log (see ``luotsi.reports.research``). Both need
``Action.MANAGE_TEAM``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.reports import effectiveness, research
from luotsi.reports.effectiveness_forms import EffectivenessFilterForm, ResearchExportForm


def _language() -> str:
    return (get_language() or "fi")[:2]


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def effectiveness_report(request):
    """Share of goals improved, mean change, goals and clients by team, sector, method and
    service over the chosen period."""
    form = EffectivenessFilterForm(request.GET, today=timezone.localdate())
    context = {"form": form, "research_form": ResearchExportForm()}
    if not form.is_valid():
        return render(request, "plans/effectiveness.html", context, status=400)
    report = effectiveness.build(form.filters(), language=_language())
    context.update({
        "report": report,
        "headers": effectiveness.headers(),
        "sections": [
            {"slug": slug, "caption": effectiveness.TABLES[slug], "groups": groups,
             "chart": effectiveness.chart(slug, groups)}
            for slug, groups in report.tables.items()],
        "query": request.GET.urlencode(),
    })
    return render(request, "plans/effectiveness.html", context)


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def effectiveness_csv(request):
    form = EffectivenessFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "plans/effectiveness.html",
                      {"form": form, "research_form": ResearchExportForm()}, status=400)
    filters = form.filters()
    report = effectiveness.build(filters, language=_language())
    response = HttpResponse(effectiveness.as_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="luotsi-avain-{filters.start:%Y%m}-{filters.until:%Y%m}.csv"')
    return response


@login_required
@require_GET
@never_cache
@action_required(Action.MANAGE_TEAM)
def research_csv(request):
    """The anonymised research file for the chosen period and purpose."""
    form = EffectivenessFilterForm(request.GET, today=timezone.localdate())
    research_form = ResearchExportForm(request.GET)
    if not (form.is_valid() and research_form.is_valid()):
        return render(request, "plans/effectiveness.html",
                      {"form": form, "research_form": research_form}, status=400)
    filters = form.filters()
    content = research.export(actor=request.user, filters=filters,
                              purpose=research_form.cleaned_data["purpose"])
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="luotsi-avain-research-{filters.start:%Y%m}-'
        f'{filters.until:%Y%m}.csv"')
    return response
