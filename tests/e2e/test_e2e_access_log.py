"""The data-protection officer's access-log report: form, results table, CSV download."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from e2e_helpers import LAPTOP, assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e

REPORT = "table[aria-labelledby=report-heading]"


@pytest.fixture
def viewed_client(alice, case, client_person):
    """Alice has opened her client's page once, so the access log has something to show."""
    from luotsi.access import gateway
    from luotsi.access.models import Category

    gateway.access_person_by_id(alice, client_person.pk, category=Category.BASIC_DATA)
    return client_person


def _fill_report_form(page, hetu: str) -> None:
    today = timezone.localdate()
    page.fill("#id_hetu", hetu)
    page.fill("#id_start", (today - dt.timedelta(days=30)).isoformat())
    page.fill("#id_end", today.isoformat())


def test_report_form_and_its_errors(page, charlie):
    login(page, "charlie")
    page.click("header nav details:has(a[href='/access-log/report/']) > summary")  # its menu
    page.click("header nav a[href='/access-log/report/']")
    assert_path(page, "/access-log/report/")
    assert page.locator(".error-summary").count() == 0
    assert_accessible(page)

    with page.expect_navigation():
        page.click("main form button[name=format][value=page]")
    assert page.locator(".error-summary").is_visible()
    for field in ("hetu", "start", "end"):
        assert page.locator(f"#id_{field}-error.error").is_visible()
    assert page.locator(REPORT).count() == 0
    assert_accessible(page)


def test_report_results_table(page_en, charlie, viewed_client):
    page = page_en
    login(page, "charlie")
    page.goto("/access-log/report/")
    _fill_report_form(page, viewed_client.hetu)
    with page.expect_navigation():
        page.click("main form button[name=format][value=page]")

    assert page.locator("#report-heading").inner_text().startswith("Aino Asiakas:")
    rows = page.locator(f"{REPORT} tbody tr")
    assert rows.count() >= 1
    assert "Alice Aalto (alice)" in rows.first.inner_text()
    assert page.locator(f"{REPORT} thead th[scope=col]").count() == 9
    assert_accessible(page)
    # Every column in view on a laptop screen (1366 px), without scrolling sideways.
    page.set_viewport_size(LAPTOP)
    outside = page.eval_on_selector_all(
        f"{REPORT} thead th", """cells => cells.filter(
            th => th.getBoundingClientRect().right > window.innerWidth + 0.5).map(
            th => th.textContent.trim())""")
    assert outside == []


def test_report_as_csv_download(page_en, charlie, viewed_client):
    page = page_en
    login(page, "charlie")
    page.goto("/access-log/report/")
    _fill_report_form(page, viewed_client.hetu)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("main form button[name=format][value=csv]")
    download = download_info.value

    assert download.suggested_filename.startswith(f"access-log-{viewed_client.pk}-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    records = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(records[0]) == 9 and records[0][1] == "Who"
    assert len(records) >= 2  # the header and Alice's view
    assert any("alice" in " ".join(record) for record in records[1:])
    # Downloading does not leave the page.
    assert_path(page, "/access-log/report/")


def test_report_by_name_and_birth_date(page_en, charlie, viewed_client):
    page = page_en
    login(page, "charlie")
    page.goto("/access-log/report/")
    today = timezone.localdate()
    page.fill("#id_name", f"{viewed_client.last_name} {viewed_client.first_name}")
    page.fill("#id_birth_date", viewed_client.birth_date.isoformat())
    page.fill("#id_start", (today - dt.timedelta(days=30)).isoformat())
    page.fill("#id_end", today.isoformat())
    with page.expect_navigation():
        page.click("main form button[name=format][value=page]")
    assert page.locator("#report-heading").inner_text().startswith("Aino Asiakas:")
    assert page.locator(f"{REPORT} tbody tr").count() >= 1
    assert_accessible(page)
