"""Another sector's section of a plan shown to a professional only on a lawful basis: the bases
are data with their legal source, one that needs consent needs the client's consent in force
covering the professional's sector, a disclosure is logged naming its basis, and without a
valid basis the request is refused naming the field and nothing is shown."""

# The fixtures of the plan page's tests are imported, and named again as arguments.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.plans import services as s
from luotsi.plans.models import DisclosureBasis, PlanSection, SectionDisclosure
from luotsi.plans.tests.test_views import (  # noqa: F401 - fixtures
    _english,
    as_alice,
    employment_worker,
    html,
    plan,
    two_sector_plan,
    url,
)

pytestmark = pytest.mark.django_db


def employment_section(plan) -> PlanSection:
    return plan.sections.get(sector="employment")


def post(client, plan, section, basis):
    return client.post(url(plan, "sections/disclose/"), {
        "disclose-section": str(section.pk) if section else "",
        "disclose-basis": basis})


def test_the_form_offers_the_hidden_sections_and_the_offered_bases(as_alice, two_sector_plan):
    body = html(as_alice.get(url(two_sector_plan)))
    assert f'action="/plans/{two_sector_plan.pk}/sections/disclose/"' in body
    assert "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä 703/2023" in body
    assert 'value="child_welfare_25"' not in body  # the duty to notify is not offered


@pytest.mark.parametrize(("basis", "words"), [
    ("", "Choose the basis"),
    ("child_welfare_25", "not a basis for showing"),
    ("no_such_basis", "not a basis for showing"),
    ("shl_41", "needs the client's consent to share the plan with your sector"),
    ("consent", "needs the client's consent to share the plan with your sector"),
], ids=["missing", "not-offered", "unknown", "shl41-without-consent", "consent-without-consent"])
def test_refused_without_a_valid_basis__nothing_shown(as_alice, alice, two_sector_plan, basis,
                                                     words):
    section = employment_section(two_sector_plan)
    response = post(as_alice, two_sector_plan, section, basis)
    assert response.status_code == 200
    form = response.context["forms"]["disclose"]
    assert list(form.errors) == ["basis"]
    assert words in form.errors["basis"][0]
    assert not SectionDisclosure.objects.exists()
    assert not AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).exists()
    assert "Työllisyyspalvelujen osuus" not in html(as_alice.get(url(two_sector_plan)))


def test_a_consent_for_another_sector_does_not_count(as_alice, alice, two_sector_plan):
    s.consent_add(actor=alice, plan=two_sector_plan, sector="health", scope="Terveys",
                  valid_from=timezone.localdate())
    response = post(as_alice, two_sector_plan, employment_section(two_sector_plan), "shl_41")
    assert list(response.context["forms"]["disclose"].errors) == ["basis"]


def test_shown_on_a_statutory_basis_and_logged_naming_it(as_alice, alice, two_sector_plan):
    section = employment_section(two_sector_plan)
    response = post(as_alice, two_sector_plan, section, "client_data_act")
    assert response.status_code == 302
    disclosure = SectionDisclosure.objects.get()
    assert (disclosure.recipient, disclosure.basis_id, disclosure.consent) == (
        alice, "client_data_act", None)
    entry = AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).get()
    assert entry.person_id == two_sector_plan.person_id
    assert entry.detail == (
        f"plan {two_sector_plan.pk} section {section.pk} (employment) to alice; basis "
        "client_data_act (Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä "
        "703/2023)")
    body = html(as_alice.get(url(two_sector_plan)))
    assert "Työllisyyspalvelujen osuus" in body  # the section shown
    assert "Löydän työpaikan kaupasta" in body  # and its goal
    assert "Aikuissosiaalityön osuus" not in body  # the other hidden section still hidden
    # The same section again: it is shown already.
    again = post(as_alice, two_sector_plan, section, "client_data_act")
    assert list(again.context["forms"]["disclose"].errors) == ["section"]


def test_a_basis_added_by_the_administrator_is_offered(as_alice, two_sector_plan):
    DisclosureBasis.objects.create(
        code="lsl_41", name_fi="Lastensuojelulain 41 §", name_sv="41 § barnskyddslagen",
        name_en="Child Welfare Act, section 41", source="Lastensuojelulaki 417/2007, 41 §",
        requires_consent=False, order=5)
    assert 'value="lsl_41"' in html(as_alice.get(url(two_sector_plan)))
    assert post(as_alice, two_sector_plan, employment_section(two_sector_plan),
                "lsl_41").status_code == 302
    assert "basis lsl_41 (Lastensuojelulaki 417/2007, 41 §)" in AccessLogEntry.objects.get(
        action=LogAction.DISCLOSE).detail


def test_a_section_of_the_plan_not_hidden_or_not_of_the_plan_refused(as_alice, alice,
                                                                     two_sector_plan):
    response = post(as_alice, two_sector_plan, None, "client_data_act")
    assert list(response.context["forms"]["disclose"].errors) == ["section"]
    assert not SectionDisclosure.objects.exists()


def test_sections_shown_on_consent_are_logged_as_a_disclosure_naming_the_consent(
        as_alice, alice, two_sector_plan):
    consent = s.consent_add(actor=alice, plan=two_sector_plan, sector="family_services",
                            scope="Koko suunnitelma", valid_from=timezone.localdate())
    body = html(as_alice.get(url(two_sector_plan)))
    assert "Työllisyyspalvelujen osuus" in body
    entry = AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).get()
    assert entry.detail == (f"plan {two_sector_plan.pk} sections of employment, "
                            f"working_age_social to alice; basis shl_41, consent {consent.pk}")
    # Nothing hidden, no form to show a section.
    assert "sections/disclose/" not in body
