"""The team lead's key figures of family intake: charts, tables, filters, CSV, axe-clean."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from e2e_helpers import LAPTOP, assert_accessible, assert_columns_in_view, assert_path, login

pytestmark = pytest.mark.e2e

URL = "/reports/kpis/"


@pytest.fixture
def kpi_world(db):
    """A central intake team, two regional teams and a year and a bit of contacts: a share
    routed to a service-need assessment this month and a year earlier, deadlines met on time
    and late, closed contacts and open ones per worker."""
    from django.utils import timezone

    from luotsi.common.periods import month_start_after
    from luotsi.intake import queue_keys
    from luotsi.intake.models import (
        Contact,
        ContactStatus,
        Deadline,
        DeadlineStatus,
        InitialAssessment,
    )
    from luotsi.organisation.models import Role, TeamKind
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )
    from luotsi.people.tests.factories import PersonFactory

    east_region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området",
                                name_en="Eastern region")
    west_region = RegionFactory(code="west", name_fi="Läntinen alue", name_sv="Västra området",
                                name_en="Western region")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå",
                                 region=east_region)
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_sv="Sibbo", region=west_region)
    intake = TeamFactory(code="family-intake", name_fi="Asiakasohjaus", kind=TeamKind.INTAKE,
                         region=None)
    east = TeamFactory(code="east-assessment", name_fi="Itäinen arviointi", region=east_region)
    west = TeamFactory(code="west-assessment", name_fi="Läntinen arviointi", region=west_region)
    lead = UserFactory(username="lead", first_name="Leena", last_name="Lahti",
                       role=Role.TEAM_LEAD, teams=[intake, east, west])
    anna = UserFactory(username="anna", first_name="Anna", last_name="Aho", teams=[east])
    UserFactory(username="charlie", first_name="Charlie", last_name="Cederberg", role=Role.DPO)
    child = PersonFactory(first_name="Aino", last_name="Asiakas", municipality=porvoo)

    today = timezone.localdate()
    this_month = today.replace(day=1)
    contacts = []
    for month, routed, assessed in ((this_month, 4, 10), (month_start_after(this_month, -12), 5, 10),
                                    (month_start_after(this_month, -1), 3, 6)):
        for i in range(assessed):
            opened = month + dt.timedelta(days=i % 3)
            closed = opened + dt.timedelta(days=1 + i) if i % 3 == 0 else None
            contacts.append((Contact.objects.create(
                kind="child_welfare_notification", clock="child_welfare_notification",
                channel="phone", received_at=timezone.now() - dt.timedelta(days=400),
                opened_on=opened, reporter_kind="education", description="Huoli",
                child=child, municipality=[porvoo, sipoo][i % 2], team=[east, west][i % 2],
                assignee=anna if i % 2 == 0 else None,
                status=ContactStatus.CLOSED if closed else ContactStatus.ROUTED,
                closed_on=closed, registered_by=lead), i < routed))
    for contact, routed in contacts:
        InitialAssessment.objects.create(
            contact=contact, outcome="service_need_assessment" if routed else "advice",
            reason="Arvio", decided_by=lead, decided_on=contact.opened_on)
        met = contact.opened_on + dt.timedelta(days=contact.pk % 2)
        Deadline.objects.create(contact=contact, code="urgency_assessment",
                                due_on=contact.opened_on, basis="LSL 26 § 1 mom.", met_on=met,
                                status=DeadlineStatus.MET)
    queue_keys.sync()  # the outcome and keys the services store alongside
    return SimpleNamespace(lead=lead, east=east, west=west, porvoo=porvoo)


def test_kpi_page_with_charts_and_tables(page, kpi_world):
    login(page, "lead")
    page.goto(URL)
    assert_path(page, URL)
    assert page.locator("h1").inner_text()
    for slug in ("routing", "compliance", "median", "workers", "regions", "teams",
                 "municipalities"):
        assert page.locator(f"#{slug}-heading").is_visible()
    for chart in ("chart-routing", "chart-median"):
        svg = page.locator(f"svg#{chart}")
        assert svg.get_attribute("role") == "img"
        assert svg.locator("title").count() == 1
        assert svg.locator("rect").count() > 2
        assert svg.is_visible()
    # the last month of the routing table: 4 of 10 routed → 40,0 %
    last = page.locator("#table-routing tbody tr").last
    assert "40,0" in last.inner_text() and "50,0" in last.inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_kpi_page_in_swedish_and_english_is_accessible(new_page, kpi_world, language):
    page = new_page(language=language)
    login(page, "lead")
    page.goto(URL)
    assert page.get_attribute("html", "lang") == language
    assert_accessible(page)


def test_kpi_tables_fit_a_laptop_screen(page, kpi_world):
    page.set_viewport_size(LAPTOP)
    login(page, "lead")
    page.goto(URL)
    assert_columns_in_view(page)
    assert_accessible(page)


def test_filters_and_their_errors(page_en, kpi_world):
    page = page_en
    login(page, "lead")
    page.goto(URL)
    page.select_option("#id_team", str(kpi_world.west.pk))
    page.select_option("#id_months", "3")
    with page.expect_navigation():
        page.click("form.kpi-filters button[type=submit]")
    assert f"team={kpi_world.west.pk}" in page.url
    assert page.locator("#table-routing tbody tr").count() == 3
    assert page.locator("#table-teams tbody tr").count() == 1
    assert "Läntinen arviointi" in page.locator("#table-teams tbody").inner_text()
    assert_accessible(page)

    page.goto(URL + "?months=5&region=nope")
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_months-error").is_visible()
    assert page.locator("#id_region-error").is_visible()
    assert page.locator("#table-routing").count() == 0
    assert_accessible(page)


def test_csv_download(page_en, kpi_world):
    page = page_en
    login(page, "lead")
    page.goto(URL + "?months=3")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("a[href^='/reports/kpis/routing.csv']")
    download = download_info.value
    assert download.suggested_filename.startswith("luotsi-routing-")
    with open(download.path(), encoding="utf-8") as handle:
        text = handle.read()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "Month" and len(rows) == 5
    assert rows[3][1:4] == ["10", "4", "40.0"]


def test_not_for_the_data_protection_officer(page, kpi_world):
    login(page, "charlie")
    response = page.goto(URL)
    assert response.status == 403
    assert_accessible(page)
