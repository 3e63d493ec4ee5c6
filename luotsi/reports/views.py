"""The team lead's key figures of family intake: a page with charts and tables, and each table
as CSV.

Only aggregates are shown (counts, shares, medians); no client is named or identifiable, so the
page reads past the access gateway and **writes no access-log records** (see
``luotsi.reports.selectors``). Reading it needs ``Action.MANAGE_TEAM``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from luotsi.reports import tables
from luotsi.reports.base import Report, report_csv, report_page, report_view
from luotsi.reports.forms import KpiFilterForm


class KpiReport(Report):
    template = "reports/kpis.html"
    title = _("Key figures of family intake")
    stylesheet = "reports/reports.css"
    form_class = KpiFilterForm
    csv_name = "luotsi"

    def base_context(self, form) -> dict:
        return {**super().base_context(form), "tables": [], "table_names": tables.TABLES}

    def build(self, filters, language: str):
        return filters, tables.build_all(filters, language=language)

    def page_context(self, data, request) -> dict:
        filters, built = data
        return {"filters": filters, "tables": built}

    def as_csv(self, filters, language: str, *, table: str) -> str:
        return tables.as_csv(tables.build(table, filters, language=language))

    def csv_filename(self, filters, *, table: str) -> str:
        return f"{self.csv_name}-{table}-{filters.start:%Y%m}-{filters.until:%Y%m}.csv"


KPIS = KpiReport()


@report_view
def kpis(request):
    """Key figures for the chosen period, region, team and municipality."""
    return report_page(request, KPIS)


@report_view
def kpi_csv(request, table: str):
    """One table of the key-figure page as CSV."""
    if table not in tables.TABLES:
        raise Http404
    return report_csv(request, KPIS, table=table)
