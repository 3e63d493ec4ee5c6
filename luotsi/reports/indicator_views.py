"""The team lead's indicators of shared clients (page and CSV).

Aggregates only, figures on fewer than five persons suppressed (see ``luotsi.reports.indicators``),
so, like the other key-figure reports, viewing them writes no access-log records. Both need
``Action.MANAGE_TEAM``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luotsi.reports import indicators
from luotsi.reports.base import Report, report_csv, report_page, report_view
from luotsi.reports.indicator_forms import IndicatorFilterForm


class IndicatorReport(Report):
    template = "usage/indicators.html"
    title = _("Indicators of shared clients")
    form_class = IndicatorFilterForm
    csv_name = "luotsi-shared-clients"

    def build(self, filters, language: str) -> indicators.Report:
        return indicators.build(filters)

    def page_context(self, data, request) -> dict:
        return {
            "report": data,
            "headers": indicators.headers(),
            "rows": indicators.table(data),
            "charts": indicators.charts(data),
            "small": indicators.SMALL,
        }

    def as_csv(self, filters, language: str) -> str:
        return indicators.as_csv(self.build(filters, language))


INDICATORS = IndicatorReport()


@report_view
def indicator_report(request):
    return report_page(request, INDICATORS)


@report_view
def indicator_csv(request):
    return report_csv(request, INDICATORS)
