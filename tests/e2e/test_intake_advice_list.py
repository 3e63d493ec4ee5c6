"""The central intake team's list of advice and consultations in the browser, in Finnish and
in Swedish: reached from the queue, filtered by kind, topic, outcome and the days received,
paged with the filters kept; a worker of a regional team sees neither the list nor the link to
record advice. Every page is axe-clean."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def county(db):
    from luotsi.deadlines.calendar import HELSINKI
    from luotsi.intake.models import AdviceRecord
    from luotsi.organisation.models import Role, ServiceTask, TeamKind
    from luotsi.organisation.tests.factories import RegionFactory, TeamFactory, UserFactory

    region = RegionFactory(code="central", name_fi="Keskinen alue", name_sv="Mellersta området")
    regional = TeamFactory(code="assessment-central", name_fi="Palvelutarpeen arviointi",
                           name_sv="Bedömning av servicebehov", kind=TeamKind.ASSESSMENT,
                           service_task=ServiceTask.FAMILY_SERVICES, region=region)
    intake = TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                         name_sv="Klienthandledning för barnfamiljer", kind=TeamKind.INTAKE,
                         service_task=ServiceTask.FAMILY_SERVICES, region=None)
    worker = UserFactory(username="iida", first_name="Iida", last_name="Ohjaaja",
                         role=Role.INTAKE_WORKER, teams=[intake])
    UserFactory(username="reija", first_name="Reija", last_name="Alue",
                role=Role.SOCIAL_WORKER, teams=[regional])
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=HELSINKI)
    rows = [AdviceRecord(kind="advice", topic="parenting", channel="phone",
                         asker_group="parent", duration_minutes=10 + n % 20,
                         outcome="advice_given", summary="Vanhempi kysyi arjen rutiineista.",
                         team=intake, recorded_by=worker,
                         received_at=start + dt.timedelta(hours=n)) for n in range(55)]
    rows += [AdviceRecord(kind="professional_consultation", topic="notification_duty",
                          channel="phone", asker_group="professional_school",
                          duration_minutes=20, outcome="notification_advised",
                          summary="Opettaja kysyi, pitäisikö ilmoittaa.", team=intake,
                          recorded_by=worker, received_at=start + dt.timedelta(days=n))
             for n in (1, 8, 15)]
    AdviceRecord.objects.bulk_create(rows)
    return worker


@pytest.mark.parametrize(("language", "heading", "count_text"), [
    ("fi", "Neuvonta ja konsultaatiot", "58"),
    ("sv", "Rådgivning och konsultationer", "58"),
])
def test_advice_list__filtered_and_paged(new_page, county, language, heading, count_text):
    page = new_page(language=language)
    login(page, "iida")
    page.goto("/intake/queue/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("main a[href='/intake/advice/']")
    assert_path(page, "/intake/advice/")
    assert page.locator("h1").inner_text() == heading
    assert count_text in page.locator("#advice-heading").inner_text()
    assert page.locator("main table tbody tr").count() == 50
    assert_accessible(page)

    with page.expect_navigation():
        page.click("nav.pagination a")
    assert page.locator("main table tbody tr").count() == 8
    assert_accessible(page)

    page.goto("/intake/advice/")
    page.select_option("#id_kind", "professional_consultation")
    page.select_option("#id_topic", "notification_duty")
    page.select_option("#id_outcome", "notification_advised")
    page.fill("#id_received_from", "2026-03-03")
    page.fill("#id_received_to", "2026-03-10")
    with page.expect_navigation():
        page.click("main form[role=search] button[type=submit]")
    assert page.locator("main table tbody tr").count() == 2
    assert_accessible(page)

    # A reversed range is named on its field; the page still answers.
    page.fill("#id_received_from", "2026-03-10")
    page.fill("#id_received_to", "2026-03-03")
    with page.expect_navigation():
        page.click("main form[role=search] button[type=submit]")
    assert page.locator("#id_received_to-error").count() == 1
    assert_accessible(page)


def test_advice_list__not_for_a_regional_worker(new_page, county):
    page = new_page(language="fi")
    login(page, "reija")
    page.goto("/intake/queue/")
    assert_accessible(page)
    assert page.locator("main a[href='/intake/advice/new/']").count() == 0
    response = page.goto("/intake/advice/")
    assert response.status == 403
    assert_accessible(page)
