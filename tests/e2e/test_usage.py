"""The team lead's indicators of shared clients in Chromium, in Finnish and Swedish: filters,
table, charts and CSV, axe-clean; a professional without MANAGE_TEAM is refused."""

import csv
import datetime as dt
import io

import pytest
from e2e_helpers import LAPTOP, assert_accessible, assert_columns_in_view, login

pytestmark = pytest.mark.e2e

URL = "/service-usage/indicators/"


@pytest.fixture
def usage_world(db):
    from django.utils import timezone

    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )
    from luotsi.people.tests.factories import PersonFactory
    from luotsi.sharedcare.models import SharedClient
    from luotsi.usage.models import ServiceEvent

    region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området",
                           name_en="Eastern region")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", region=region)
    loviisa = MunicipalityFactory(code="434", name_fi="Loviisa", name_sv="Lovisa", region=region)
    # A second small municipality: with Loviisa alone hidden, region − Porvoo would give it, so
    # complementary suppression would hide Porvoo too (luotsi.reports.indicators.suppress).
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_sv="Sibbo", region=region)
    team = TeamFactory(code="east-assessment", name_fi="Itäinen arviointi", region=region)
    lead = UserFactory(username="lead", first_name="Leena", last_name="Lahti",
                       role=Role.TEAM_LEAD, teams=[team])
    UserFactory(username="anna", first_name="Anna", last_name="Aho", teams=[team])
    today = timezone.localdate()
    started = today - dt.timedelta(days=400)
    events = []
    for municipality, count in ((porvoo, 7), (loviisa, 2), (sipoo, 1)):
        for _ in range(count):
            person = PersonFactory(municipality=municipality)
            SharedClient.objects.create(person=person, status=SharedClient.Status.CONFIRMED,
                                        coordinator=lead, coordination_started_on=started,
                                        decided_by=lead, decided_at=timezone.now())
            events += [ServiceEvent(person=person, sector=sector, service_code="X",
                                    organisation="O", event_date=today - dt.timedelta(days=5),
                                    kind="visit") for sector in ("health", "social", "employment")]
            events += [ServiceEvent(person=person, sector="health", service_code="E",
                                    organisation="O", kind="emergency_visit",
                                    event_date=started + dt.timedelta(days=shift))
                       for shift in (-30, -20, -10, 40)]
    ServiceEvent.objects.bulk_create(events)
    PersonFactory.create_batch(13, municipality=porvoo)
    return lead


@pytest.mark.parametrize(("language", "heading", "shown_area", "suppressed_area"), [
    (None, "Yhteisasiakkaiden indikaattorit", "Porvoo", "Loviisa"),
    ("sv", "Indikatorer för gemensamma klienter", "Borgå", "Lovisa"),
])
def test_indicators__filters_table_charts_csv_accessible(new_page, usage_world, language,
                                                         heading, shown_area, suppressed_area):
    page = new_page(language=language)
    page.set_viewport_size(LAPTOP)
    login(page, "lead")
    page.goto(URL)
    assert page.locator("h1").inner_text() == heading
    assert_columns_in_view(page)
    table = page.locator("#indicator-table")
    porvoo = table.locator("tr", has=page.locator("th", has_text=shown_area)).first
    assert porvoo.locator("td").nth(1).inner_text() == "7"
    suppressed = table.locator("tr", has=page.locator("th", has_text=suppressed_area)).first
    assert suppressed.locator("td").nth(1).inner_text() == "<5"
    assert page.locator("svg#chart-per-thousand").count() == 1
    assert page.locator("svg#chart-emergency").count() == 1
    assert_accessible(page)

    page.select_option("#id_municipality", label=suppressed_area)
    with page.expect_navigation():
        page.click("form.kpi-filters button[type=submit]")
    assert "municipality=" in page.url
    assert page.locator("#indicator-table tbody tr").count() == 3  # region, municipality, total
    assert_accessible(page)

    page.goto(URL)
    with page.expect_download() as download:
        page.click("#indicators-csv")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert any(row[1] == shown_area and row[3] == "7" for row in rows[1:])


def test_indicators__professional_refused(page, usage_world):
    login(page, "anna")
    response = page.goto(URL)
    assert response.status == 403
    assert_accessible(page)
