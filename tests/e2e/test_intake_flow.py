"""A child-welfare notification through the one door, in Finnish and in Swedish: registered by the
central intake team, urgency and initial assessment, routed to the regional team, service-need
assessment started, a home visit, completed as a child-welfare client relationship with a named
responsible worker, and shown in the queue with its deadlines. Every page visited is axe-clean
(WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from e2e_helpers import assert_accessible, assert_path, login

from luotsi.people import hetu

pytestmark = pytest.mark.e2e

CHILD_HETU = hetu.build(dt.date(2015, 6, 1), 905)


@pytest.fixture
def county(db):
    """A region with a municipality, the central intake team (family services), the region's
    assessment team, their workers and a service in the catalogue."""
    from luotsi.intake.models import ServiceCatalogueItem
    from luotsi.organisation.models import Role, ServiceTask, TeamKind
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )

    region = RegionFactory(code="central", name_fi="Keskinen alue", name_sv="Mellersta området")
    municipality = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå",
                                       region=region)
    intake = TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                         name_sv="Klienthandledning för barnfamiljer", kind=TeamKind.INTAKE,
                         service_task=ServiceTask.FAMILY_SERVICES, region=None)
    central = TeamFactory(code="central-assessment", name_fi="Keskisen alueen arviointitiimi",
                          name_sv="Bedömningsteamet i mellersta området",
                          kind=TeamKind.ASSESSMENT, service_task=ServiceTask.FAMILY_SERVICES,
                          region=region)
    item = ServiceCatalogueItem.objects.create(
        code="family-counselling", name_fi="Perheneuvola", name_sv="Familjerådgivningen",
        provider="Itä-Uudenmaan hyvinvointialue", provider_kind="public")
    item.municipalities.add(municipality)
    return {
        "intake_worker": UserFactory(username="ilona", first_name="Ilona", last_name="Ohjaaja",
                                     role=Role.INTAKE_WORKER, teams=[intake]),
        "worker": UserFactory(username="sara", first_name="Sara", last_name="Sosiaalityö",
                              role=Role.SOCIAL_WORKER, teams=[central]),
        "pair": UserFactory(username="olli", first_name="Olli", last_name="Ohjaaja",
                            role=Role.SOCIAL_COUNSELLOR, teams=[central]),
        "central": central,
    }


def _submit(page, intent: str) -> None:
    with page.expect_navigation():
        page.click(f"main form:has(input[name=intent][value={intent}]) button[type=submit] >> nth=0")


def _contact_id(page) -> int:
    path = page.url.rstrip("/").split("/")
    assert path[-2] == "contacts", page.url
    return int(path[-1])


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_child_welfare_notification_from_registration_to_client_relationship(
        new_page, county, language):
    from luotsi.intake.models import Assessment, Contact

    today = timezone.localdate().isoformat()

    # --- the central intake team registers the notification --------------------------------
    page = new_page(language=language)
    login(page, "ilona")
    assert page.get_attribute("html", "lang") == language
    page.click("header nav details:has(a[href='/intake/contacts/new/']) > summary")  # its menu
    page.click("header nav a[href='/intake/contacts/new/']")
    assert_path(page, "/intake/contacts/new/")
    assert_accessible(page)

    page.select_option("#id_kind", "child_welfare_notification")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_reporter_kind", "education")
    page.fill("#id_reporter_name", "Opettaja Olli")
    page.fill("#id_reporter_organisation", "Porvoon koulu")
    page.check("#id_reporter_protected")
    page.fill("#id_description", "Lapsi on kertonut olevansa usein yksin kotona.")
    page.select_option("#id_municipality_code", "638")
    # No child yet: refused, the field named, nothing saved.
    _submit(page, "register")
    assert_path(page, "/intake/contacts/new/")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_child-0-hetu']").count() == 1
    assert Contact.objects.count() == 0
    assert_accessible(page)

    page.fill("#id_child-0-hetu", CHILD_HETU)
    page.fill("#id_child-0-first_name", "Aino")
    page.fill("#id_child-0-last_name", "Lapsi")
    page.fill("#id_guardian-0-first_name", "Maria")
    page.fill("#id_guardian-0-last_name", "Lapsi")
    page.check("#id_guardian-0-temporary")
    _submit(page, "register")
    contact_id = _contact_id(page)
    contact_url = f"/intake/contacts/{contact_id}/"
    assert page.locator("main h1").inner_text().endswith("Aino Lapsi")
    deadlines = page.locator("table[aria-labelledby=deadlines-heading] tbody tr")
    assert deadlines.count() == 4
    assert page.locator("table[aria-labelledby=deadlines-heading] .status").count() == 4
    assert "Opettaja Olli" in page.locator("section[aria-labelledby=reporter-heading]").inner_text()
    assert_accessible(page)

    # --- urgency at once --------------------------------------------------------------------
    page.check("input[name=urgency][value=not_urgent]")
    page.fill("#id_urgency_note", "Ei välitöntä vaaraa.")
    _submit(page, "urgency")
    assert_path(page, contact_url)
    assert page.locator("table[aria-labelledby=deadlines-heading] .status-met").count() == 1
    assert_accessible(page)

    # --- the initial assessment routes it to the regional team ------------------------------
    page.check("input[name=outcome][value=service_need_assessment]")
    page.fill("#id_reason", "Tarvitaan palvelutarpeen arviointi.")
    page.fill("#id_informed_on", today)
    _submit(page, "initial")
    assert_path(page, contact_url)
    assessment = Assessment.objects.get()
    assert assessment.team == county["central"]
    assert page.locator(f"main a[href='/intake/assessments/{assessment.pk}/']").count() >= 1
    assert_accessible(page)

    # --- the regional team: its queue, then the service-need assessment ----------------------
    page = new_page(language=language)
    login(page, "sara")
    page.click("header nav a[href='/intake/queue/']")
    assert_path(page, "/intake/queue/")
    row = page.locator("#queue-table tbody tr", has_text="Aino Lapsi")
    assert row.count() == 1
    assert row.locator(".status").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        row.locator(f"a[href='{contact_url}']").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator(f"main a[href='/intake/assessments/{assessment.pk}/']").first.click()
    assert_path(page, f"/intake/assessments/{assessment.pk}/")
    assert_accessible(page)

    page.fill("#id_started_on", today)
    page.select_option("#id_pair_worker", str(county["pair"].pk))
    _submit(page, "start")
    assert_accessible(page)

    page.select_option("#id_kind", "home_visit")
    page.fill("#id_held_on", today)
    page.fill("#id_participants", "Aino, Maria, Sara, Olli")
    page.fill("#id_notes", "Kotikäynti: perheen tilanne arvioitiin yhdessä.")
    _submit(page, "meeting")
    assert "Kotikäynti: perheen tilanne" in page.locator(
        "section[aria-labelledby=meetings-heading]").inner_text()
    assert_accessible(page)

    # Support started and a referral made during the assessment, each with its date.
    page.select_option("#id_support-measure", "family_work")
    page.fill("#id_support-started_on", today)
    _submit(page, "support")
    page.select_option("#id_referral-service_code", "family-counselling")
    page.fill("#id_referral-referred_on", today)
    _submit(page, "referral")
    assert page.locator("#support-list li").count() == 1
    assert page.locator("#referral-list li").count() == 1
    assert_accessible(page)

    # Completing without the responsible worker is refused and names the field.
    page.check("input[name=outcome][value=child_welfare_client]")
    page.fill("#id_reason", "Lapsi tarvitsee lastensuojelun tukitoimia.")
    page.fill("#id_conclusions", "Lapsen kasvuolot vaarantavat kehityksen (LSL 27 §).")
    page.fill("#id_client_view", "Lapsi ja huoltaja toivovat tukea.")
    page.check("input[name=named_worker_need][value=needed]")
    page.fill("#id_child_met_on", today)
    page.fill("#id_child_view", "Lapsi toivoo, että kotona olisi rauhallisempaa.")
    page.check("input[name=support_need][value=long_term]")
    page.select_option("#id_responsible_worker", "")
    page.fill("#id_informed_on", today)
    _submit(page, "complete")
    assert page.locator(".error-summary a[href='#id_responsible_worker']").count() == 1
    assessment.refresh_from_db()
    assert assessment.completed_on is None
    assert_accessible(page)

    page.check("input[name=outcome][value=child_welfare_client]")
    page.select_option("#id_responsible_worker", str(county["worker"].pk))
    _submit(page, "complete")
    assessment.refresh_from_db()
    assert assessment.outcome == "child_welfare_client"
    assert assessment.responsible_worker == county["worker"]
    assert "Sara Sosiaalityö" in page.locator("dl.facts").inner_text()
    assert_accessible(page)

    # The result document in the family's language, and its PDF.
    assessment.child.language = language
    assessment.child.save(update_fields=["language"])
    with page.expect_navigation():
        page.click("#result-link")
    result = page.locator("article#result")
    assert result.get_attribute("lang") == language
    words = {"fi": ["Palvelutarpeen arvio", "Perhetyö", "Perheneuvola"],
             "sv": ["Bedömning av servicebehovet", "Familjearbete", "Familjerådgivningen"]}
    for word in words[language]:
        assert word in result.inner_text()
    assert "Lapsi toivoo, että kotona olisi rauhallisempaa." in result.inner_text()
    assert_accessible(page)
    pdf = page.request.get(page.locator("#result-pdf-link").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # --- in the queue with its deadlines, all met -------------------------------------------
    page.goto(f"/intake/queue/?team={county['central'].pk}&include_closed=on")
    row = page.locator("#queue-table tbody tr", has_text="Aino Lapsi")
    assert row.count() == 1
    assert row.locator(".status-met").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        row.locator(f"a[href='{contact_url}']").click()
    met = page.locator("table[aria-labelledby=deadlines-heading] .status-met")
    assert met.count() == 4
    assert_accessible(page)
