"""The shape every report shares: a filter form (GET, nothing saved) → build → the page (tables
and charts) and the same figures as CSV.

A report says what is its own in a small ``Report`` subclass: its template, filter form, how
the figures are built and shown, and its CSV. ``report_page`` and ``report_csv`` are the views'
bodies, under ``report_view`` (signed in, GET, ``Action.MANAGE_TEAM``): invalid filters answer 400 with the page and its errors named, a valid page renders, a
CSV downloads as ``<csv_name>-<first month>-<last month>.csv``. Reports show aggregates only
and write no access-log records; an export that names rows (the research file) is logged by
its own service and only borrows ``invalid_filters`` and ``csv_response``.

The figures (``build``, ``page_context`` and ``as_csv``) are read inside ``replica_reads()``: from the streaming
replica when ``DATABASE_REPLICA_URL`` is set, otherwise from the one database
(``luotsi.common.replica``).

The key figures of family intake (``views``), the AVAIN effectiveness report
(``effectiveness_views``) and the shared-client indicators (``indicator_views``) are reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from luotsi.common.replica import replica_reads
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action


def report_view(view: Callable) -> Callable:
    """A report's view: for a signed-in user (else the sign-in page), GET only, and for a role
    that may manage a team (``Action.MANAGE_TEAM``), checked in that order."""
    return login_required(require_GET(action_required(Action.MANAGE_TEAM)(view)))


def report_language() -> str:
    """The two-letter language the figures' labels are built in."""
    return (get_language() or "fi")[:2]


class Report:
    """One report. Subclasses set ``template`` (extending ``reports/_page.html``, which shows
    ``title``, the ``stylesheet`` and the filter form), ``form_class`` and ``csv_name`` and define
    ``build``, ``page_context`` and ``as_csv``."""

    template: str
    title: str
    stylesheet: str = "css/plans.css"
    form_class: type
    csv_name: str

    def form(self, request):
        """The filter form, bound to the query string (its defaults fill in what is missing)."""
        return self.form_class(request.GET, today=timezone.localdate())

    def base_context(self, form) -> dict[str, Any]:
        """What the page shows whether or not the filters are valid."""
        return {"form": form, "title": self.title, "stylesheet": self.stylesheet}

    def build(self, filters, language: str) -> Any:
        """The report's figures for ``filters`` (aggregates only)."""
        raise NotImplementedError

    def page_context(self, data, request) -> dict[str, Any]:
        """The page's tables and charts from ``build``'s figures."""
        raise NotImplementedError

    def as_csv(self, filters, language: str, **kwargs) -> str:
        """The CSV (``luotsi.common.spreadsheet.write_csv``) of the figures."""
        raise NotImplementedError

    def csv_filename(self, filters, **kwargs) -> str:
        return f"{self.csv_name}-{filters.start:%Y%m}-{filters.until:%Y%m}.csv"


def invalid_filters(request, report: Report, context: dict[str, Any] | None = None):
    """The report's page with the filter errors named (400); nothing is built."""
    return render(request, report.template, context, status=400)


def csv_response(content: str, filename: str) -> HttpResponse:
    """A CSV download (the content from ``write_csv``)."""
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_page(request, report: Report) -> HttpResponse:
    form = report.form(request)
    context = report.base_context(form)
    if not form.is_valid():
        return invalid_filters(request, report, context)
    with replica_reads():
        data = report.build(form.filters(), report_language())
        context.update(report.page_context(data, request))
    context["query"] = request.GET.urlencode()
    return render(request, report.template, context)


def report_csv(request, report: Report, **kwargs) -> HttpResponse:
    """The report's CSV; ``kwargs`` (e.g. which table) go to ``as_csv`` and ``csv_filename``."""
    form = report.form(request)
    if not form.is_valid():
        return invalid_filters(request, report, report.base_context(form))
    filters = form.filters()
    with replica_reads():
        content = report.as_csv(filters, report_language(), **kwargs)
    return csv_response(content, report.csv_filename(filters, **kwargs))
