"""The statutory clock in the browser, in Finnish and in Swedish: a child-welfare notification
registered with a weaker clock is refused on the clock field and nothing is saved; a guardian's
application registered with its own clock is later made stricter on the contact page, with the
reason in the history, the deadlines recomputed and the three-month target shown. Every page is
axe-clean."""

from __future__ import annotations

import pytest
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
    intake = TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                         name_sv="Klienthandledning för barnfamiljer", kind=TeamKind.INTAKE,
                         service_task=ServiceTask.FAMILY_SERVICES, region=None)
    return UserFactory(username="ilona", first_name="Ilona", last_name="Ohjaaja",
                       role=Role.INTAKE_WORKER, teams=[intake])


def _submit(page, intent: str) -> None:
    with page.expect_navigation():
        page.click(f"main form:has(input[name=intent][value={intent}]) button[type=submit]")


def _fill_contact(page, kind: str, reporter: str) -> None:
    page.select_option("#id_kind", kind)
    page.select_option("#id_channel", "phone")
    page.select_option("#id_reporter_kind", reporter)
    page.fill("#id_description", "Huoltaja hakee tukea lapsen arkeen.")
    page.select_option("#id_municipality_code", "638")
    page.fill("#id_child-0-first_name", "Aino")
    page.fill("#id_child-0-last_name", "Lapsi")
    page.check("#id_child-0-temporary")


@pytest.mark.parametrize(("language", "refusal", "changed"), [
    ("fi", "vaadittu määräaika", "Lakisääteinen määräaika muutettu"),
    ("sv", "krävda tidsfristen", "Den lagstadgade tidsfristen ändrades"),
])
def test_a_clock_cannot_be_weakened_and_a_stricter_one_is_recorded(
        new_page, county, language, refusal, changed):
    from luotsi.intake.models import ClockChange, Contact

    page = new_page(language=language)
    login(page, "ilona")
    page.goto("/intake/contacts/new/")
    assert_path(page, "/intake/contacts/new/")

    # A child-welfare notification with the SHL base clock: refused on the clock, nothing saved.
    _fill_contact(page, "child_welfare_notification", "education")
    page.select_option("#id_clock", "shl_contact")
    _submit(page, "register")
    assert_path(page, "/intake/contacts/new/")
    assert page.locator(".error-summary a[href='#id_clock']").count() == 1
    assert refusal in page.locator("#id_clock-error").inner_text()
    assert Contact.objects.count() == 0
    assert_accessible(page)

    # A guardian's application with its own clock is registered ...
    page.goto("/intake/contacts/new/")
    _fill_contact(page, "guardian_application", "guardian")
    _submit(page, "register")
    contact = Contact.objects.get()
    assert contact.clock == "shl_contact"
    assert_path(page, f"/intake/contacts/{contact.pk}/")

    # ... and made stricter on the contact page: a decision with its reason.
    page.select_option("#id_clock", "shl_special_support_child")
    page.fill("#id_reason", "Lapsi tarvitsee erityistä tukea.")
    _submit(page, "clock")
    assert_path(page, f"/intake/contacts/{contact.pk}/")
    history = page.locator("section[aria-labelledby=history-heading]").inner_text()
    assert changed in history and "Lapsi tarvitsee erityistä tukea." in history
    assert ClockChange.objects.get().to_clock == "shl_special_support_child"
    rows = page.locator("table[aria-labelledby=deadlines-heading] tbody tr")
    assert rows.count() == 3
    assert_accessible(page)
