"""The team lead's AVAIN effectiveness report (page and CSV) and the anonymised research CSV.

The report shows aggregates only and writes no access-log records (see
``luotsi.reports.effectiveness``). The research file holds one pseudonymised row per goal, so
producing it is recorded in the access log (see ``luotsi.reports.research``). Both need
``Action.MANAGE_TEAM``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.reports import effectiveness, research
from luotsi.reports.base import (
    Report,
    csv_response,
    invalid_filters,
    report_csv,
    report_page,
    report_view,
)
from luotsi.reports.effectiveness_forms import EffectivenessFilterForm, ResearchExportForm


class EffectivenessReport(Report):
    template = "plans/effectiveness.html"
    title = _("Effectiveness of client plans (AVAIN)")
    form_class = EffectivenessFilterForm
    csv_name = "luotsi-avain"

    def base_context(self, form) -> dict:
        return {**super().base_context(form), "research_form": ResearchExportForm()}

    def build(self, filters, language: str) -> effectiveness.Report:
        return effectiveness.build(filters, language=language)

    def page_context(self, data, request) -> dict:
        return {
            "report": data,
            "feedback": effectiveness.feedback_summary(data.filters),
            "feedback_small": effectiveness.FEEDBACK_SMALL,
            "headers": effectiveness.headers(),
            "sections": [
                {"slug": slug, "caption": effectiveness.TABLES[slug], "groups": groups,
                 "chart": effectiveness.chart(slug, groups)}
                for slug, groups in data.tables.items()],
            "evaluated_headers": effectiveness.evaluated_headers(),
            "evaluated": [{"group": g, "cells": effectiveness.evaluated_cells(g)}
                          for g in data.evaluated],
            "small": effectiveness.SMALL,
        }

    def as_csv(self, filters, language: str) -> str:
        return effectiveness.as_csv(self.build(filters, language))


EFFECTIVENESS = EffectivenessReport()


@report_view
def effectiveness_report(request):
    """Share of goals improved, mean change, goals and clients by team, sector, method and
    service over the chosen period."""
    return report_page(request, EFFECTIVENESS)


@report_view
def effectiveness_csv(request):
    return report_csv(request, EFFECTIVENESS)


@login_required
@require_GET
@never_cache
@action_required(Action.MANAGE_TEAM)
def research_csv(request):
    """The anonymised research file for the chosen period and purpose."""
    form = EFFECTIVENESS.form(request)
    research_form = ResearchExportForm(request.GET)
    if not (form.is_valid() and research_form.is_valid()):
        return invalid_filters(request, EFFECTIVENESS,
                               {**EFFECTIVENESS.base_context(form), "research_form": research_form})
    filters = form.filters()
    content = research.export(actor=request.user, filters=filters,
                              purpose=research_form.cleaned_data["purpose"])
    return csv_response(content, f"{EFFECTIVENESS.csv_name}-research-{filters.start:%Y%m}-"
                                 f"{filters.until:%Y%m}.csv")
