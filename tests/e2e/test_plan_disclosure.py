"""Another sector's section of a plan, hidden from a professional without the client's consent,
shown only on a lawful basis, in Chromium in Finnish and Swedish: no basis and a basis that needs
consent are refused naming the field; a statutory basis shows the section and the access log
names it. Axe-clean."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e

# The refusal of a basis that needs consent, in each language.
WORDS = {"fi": "edellyttää asiakkaan suostumusta", "sv": "kräver klientens samtycke"}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_another_sectors_section__refused_without_a_basis_shown_on_a_statutory_one(
        new_page, alice, case, client_person, language):
    from luotsi.access.models import AccessLogEntry, LogAction
    from luotsi.organisation.tests.factories import TeamFactory, UserFactory
    from luotsi.plans import services as s

    erkki = UserFactory(username="erkki", teams=[TeamFactory(code="employment-east",
                                                             service_task="employment")])
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    s.section_add(actor=alice, plan=plan, sector="employment", responsible_id=erkki.pk,
                  summary="Työllisyyspalvelujen osuus")
    page = new_page(language=language)
    login(page, "alice")
    page.goto(f"/plans/{plan.pk}/")
    assert page.locator("text=Työllisyyspalvelujen osuus").count() == 0
    panel = "details#form-disclose"
    page.click(f"{panel} > summary")
    form = f"{panel} form"
    section = page.locator("#id_disclose-section option").nth(1).get_attribute("value")

    # No basis: refused naming the field, nothing shown.
    page.select_option("#id_disclose-section", section)
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    assert page.locator("#id_disclose-basis-error, .error-summary").count() >= 1
    assert_accessible(page)

    # A basis that needs consent, without the client's consent: refused, saying why.
    page.select_option("#id_disclose-section", section)
    page.select_option("#id_disclose-basis", "shl_41")
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    assert WORDS[language] in page.locator(f"{form}").inner_text()
    assert page.locator("text=Työllisyyspalvelujen osuus").count() == 0
    assert not AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).exists()

    # A statutory basis: shown, and the disclosure logged naming it.
    page.select_option("#id_disclose-section", section)
    page.select_option("#id_disclose-basis", "client_data_act")
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    assert_path(page, f"/plans/{plan.pk}/")
    assert page.locator("text=Työllisyyspalvelujen osuus").count() == 1
    assert_accessible(page)
    entry = AccessLogEntry.objects.get(action=LogAction.DISCLOSE)
    assert "basis client_data_act (Laki sosiaali- ja terveydenhuollon asiakastietojen " \
           "käsittelystä 703/2023)" in entry.detail
