"""The one report scaffold (``luotsi.reports.base``) through HTTP: each report's page and CSV
answer invalid filters with the page and the errors named (400), and download their CSV under
the report's name and period."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luotsi.reports.base import Report
from luotsi.reports.effectiveness_views import EFFECTIVENESS
from luotsi.reports.indicator_views import INDICATORS
from luotsi.reports.views import KPIS

pytestmark = pytest.mark.django_db

PAGES = [("reports_kpis", "reports_kpi_csv", ["routing"], "luotsi-routing-"),
         ("plan_effectiveness", "plan_effectiveness_csv", [], "luotsi-avain-"),
         ("usage:indicators", "usage:indicators_csv", [], "luotsi-shared-clients-")]


def test_the_three_reports_share_the_scaffold():
    assert all(isinstance(report, Report) for report in (KPIS, EFFECTIVENESS, INDICATORS))


@pytest.mark.parametrize(("page", "csv", "args", "prefix"), PAGES)
def test_report__invalid_filters_answer_the_page_with_errors(client, lead, page, csv, args,
                                                             prefix):
    client.force_login(lead)
    client.cookies["django_language"] = "en"
    for url in (reverse(page), reverse(csv, args=args)):
        response = client.get(url, {"months": "7"})
        assert response.status_code == 400
        assert 'class="error-summary"' in response.content.decode()
        assert response.context["form"].errors


@pytest.mark.parametrize(("page", "csv", "args", "prefix"), PAGES)
def test_report__csv_named_by_report_and_period(client, lead, page, csv, args, prefix):
    client.force_login(lead)
    response = client.get(reverse(csv, args=args), {"end": "2026-03", "months": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{prefix}202601-202603.csv"'
    assert response.content.decode("utf-8").startswith("\ufeff")
    page_response = client.get(reverse(page), {"end": "2026-03", "months": "3"})
    assert page_response.status_code == 200
    assert page_response.context["query"] == "end=2026-03&months=3"
