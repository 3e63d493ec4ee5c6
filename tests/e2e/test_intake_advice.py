"""Advice and consultations in the browser, in Finnish and in Swedish: an anonymous
professional's consultation is recorded (an identity code in its summary is refused on the
field, nothing saved), then converted into a named child-welfare notification received at the
consultation's time; the key-figure page shows the pilot's measure with its definition and the
advice volumes. Every page is axe-clean."""

from __future__ import annotations

import pytest
from django.utils import timezone
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def county(db):
    from luotsi.organisation.models import Role, ServiceTask, TeamKind
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )

    region = RegionFactory(code="central", name_fi="Keskinen alue", name_sv="Mellersta området")
    MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", region=region)
    TeamFactory(code="assessment-central", name_fi="Palvelutarpeen arviointi",
                name_sv="Bedömning av servicebehov", kind=TeamKind.ASSESSMENT,
                service_task=ServiceTask.FAMILY_SERVICES, region=region)
    intake = TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                         name_sv="Klienthandledning för barnfamiljer", kind=TeamKind.INTAKE,
                         service_task=ServiceTask.FAMILY_SERVICES, region=None)
    return UserFactory(username="ilona", first_name="Ilona", last_name="Ohjaaja",
                       role=Role.TEAM_LEAD, teams=[intake])


def _submit(page, intent: str) -> None:
    with page.expect_navigation():
        page.click(f"main form:has(input[name=intent][value={intent}]) button[type=submit]")


@pytest.mark.parametrize(("language", "refusal", "measure"), [
    ("fi", "henkilötunnus", "Pilotin mittari"),
    ("sv", "personbeteckningen", "Pilotens mått"),
])
def test_an_anonymous_consultation_is_recorded_and_converted(new_page, county, language,
                                                             refusal, measure):
    from luotsi.intake.models import AdviceRecord, Contact

    page = new_page(language=language)
    login(page, "ilona")
    page.goto("/intake/advice/new/")
    assert_path(page, "/intake/advice/new/")
    page.select_option("#id_kind", "professional_consultation")
    page.select_option("#id_topic", "notification_duty")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_asker_group", "anonymous")
    page.fill("#id_duration_minutes", "15")
    page.select_option("#id_outcome", "notification_advised")
    page.fill("#id_summary", "Soittaja mainitsi tunnuksen 131052-308T.")
    _submit(page, "advice")
    assert_path(page, "/intake/advice/new/")
    assert refusal in page.locator("#id_summary-error").inner_text()
    assert AdviceRecord.objects.count() == 0
    assert_accessible(page)

    page.fill("#id_summary", "Nimetön ammattilainen kysyi, pitäisikö tehdä ilmoitus.")
    _submit(page, "advice")
    record = AdviceRecord.objects.get()
    assert_path(page, f"/intake/advice/{record.pk}/")
    assert_accessible(page)

    # Names are given: the record becomes a named notification received at its own time.
    with page.expect_navigation():
        page.click(f"a[href='/intake/contacts/new/?advice={record.pk}']")
    assert page.locator("main .message-info").count() == 1
    assert_accessible(page)
    page.select_option("#id_kind", "child_welfare_notification")
    page.select_option("#id_reporter_kind", "anonymous")
    page.fill("#id_description", "Soittaja kertoi lapsen nimen.")
    page.select_option("#id_municipality_code", "638")
    page.fill("#id_child-0-first_name", "Aino")
    page.fill("#id_child-0-last_name", "Lapsi")
    page.check("#id_child-0-temporary")
    _submit(page, "register")
    contact = Contact.objects.get()
    record.refresh_from_db()
    assert_path(page, f"/intake/contacts/{contact.pk}/")
    assert_accessible(page)
    assert contact.received_at == record.received_at
    assert record.converted_to_id == contact.pk and record.outcome == "converted"
    page.goto(f"/intake/advice/{record.pk}/")
    assert page.locator(f"a[href='/intake/contacts/{contact.pk}/']").count() == 1
    assert_accessible(page)

    # The key-figure page: the pilot's measure with its definition, the advice volumes.
    day = timezone.localdate(record.received_at).isoformat()
    page.goto(f"/reports/kpis/?measure_from={day}&measure_to={day}")
    section = page.locator("section:has(#measure-heading)")
    assert measure in section.inner_text()
    assert section.locator("table tbody tr").count() == 2
    assert page.locator("#table-advice tbody tr").count() == 3
    assert_accessible(page)
