"""Shared clients in the browser, in Finnish and in Swedish, axe-checked (WCAG 2.1 AA): a
flagged person's why and service path, the checklist with the client's consent, naming a
coordinator and a care team, a network meeting whose decisions become plan steps, and a
consultation answered by an expert of another sector."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv"]


@pytest.fixture
def people(transactional_db):
    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import TeamFactory, UserFactory
    from luotsi.people.tests.factories import PersonFactory
    from luotsi.sharedcare.tests import factories

    social = TeamFactory(code="working-age-e2e", service_task="working_age")
    health = TeamFactory(code="health-e2e", service_task="health")
    alice = UserFactory(username="alice", first_name="Alice", last_name="Aalto", teams=[social],
                        title="sosiaalityöntekijä")
    nurse = UserFactory(username="nina", first_name="Nina", last_name="Nurmi", role=Role.NURSE,
                        teams=[health], title="sairaanhoitaja")
    person = PersonFactory(first_name="Aino", last_name="Asiakas")
    RelationshipFactory(person=person, user=alice)
    factories.events(person)
    factories.flag(person)
    return {"alice": alice, "nurse": nurse, "person": person}


def _go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")


def _submit(page, selector: str = "main form button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.parametrize("language", LANGUAGES)
def test_shared_client__why_path_confirm_meeting_and_consultation(new_page, people, language):
    from luotsi.plans.models import Step
    from luotsi.sharedcare.models import ChecklistItem, Consultation, SharedClient

    alice, nurse, person = people["alice"], people["nurse"], people["person"]
    page = new_page(language=language)
    login(page, "alice")

    # Candidates and the person's why and service path
    _go(page, "/shared-clients/candidates/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click(f"text={person.full_name}")
    assert page.locator("svg.sc-path-svg").count() == 1
    assert page.locator("polygon.sc-em").count() >= 1  # the emergency visits are marked
    assert page.locator(".sc-reasons > li").count() == 1
    page.click("details.sc-path-table > summary")
    assert_accessible(page)

    # The checklist with the client: first without consent (refused, the field named) …
    _go(page, f"/shared-clients/persons/{person.pk}/confirm/")
    assert_accessible(page)
    # The common form layout, with the fields the service needs marked
    assert page.locator("main form.form").count() == 1
    assert page.locator("main form .required").count() >= 4
    # The start date is prefilled with today in ISO, so the browser shows it: left untouched
    assert page.input_value("#id_consent_from") == dt.date.today().isoformat()
    for item in ChecklistItem.objects.filter(active=True):
        page.check(f"#id_answer_{item.pk}_0")
    page.check("input[name=consent_sectors][value=health]")
    page.check("input[name=consent_sectors][value=working_age_social]")
    page.fill("#id_consent_scope", "Palvelujen yhteensovittaminen")
    page.fill("#id_consent_until", (dt.date.today() + dt.timedelta(days=365)).isoformat())
    page.select_option("#id_coordinator", str(alice.pk))
    page.check(f"input[name=care_team][value='{nurse.pk}']")
    _submit(page)
    assert page.locator(".error-summary a[href='#id_consent_given']").count() == 1
    assert_accessible(page)
    assert not SharedClient.objects.exists()
    # … then with it: a confirmed shared client with a coordinator and a shared plan
    page.check("#id_consent_given")
    _submit(page)
    shared = SharedClient.objects.get(person=person)
    assert shared.status == "confirmed" and shared.coordinator == alice
    assert page.locator(f"a[href='/plans/{shared.plan_id}/']").count() == 1

    # A network meeting whose decisions become plan steps
    _go(page, f"/shared-clients/persons/{person.pk}/meetings/new/")
    assert_accessible(page)
    assert page.locator("main form.form").count() == 1
    assert not page.is_checked("#id_client_present")  # an attestation is never pre-ticked
    page.check("#id_client_present")
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    page.fill("#id_held_at_date", dt.date.today().isoformat())
    page.fill("#id_held_at_time", "10:00")
    page.fill("#id_place", "Sosiaaliasema")
    page.check(f"input[name=professionals][value='{alice.pk}']")
    page.check(f"input[name=professionals][value='{nurse.pk}']")
    page.fill("#id_close_name_1", "Maija Asiakas")
    page.fill("#id_close_relation_1", "sisar")
    page.fill("#id_what_1", "Asiakas varaa ajan terveysasemalle")
    page.select_option("#id_owner_1", "client")
    page.fill("#id_due_1", due)
    page.fill("#id_what_2", "Lääkityksen tarkistus")
    page.select_option("#id_owner_2", f"user:{nurse.pk}")
    page.fill("#id_due_2", due)
    _submit(page)
    assert "/minutes/" in page.url
    assert page.locator("text=Lääkityksen tarkistus").count() >= 1
    assert_accessible(page)
    # The meeting's edit page, styled like the other forms
    minutes = page.url
    with page.expect_navigation():
        page.click("main a[href*='/meetings/'][href$='/edit/']")
    assert page.url.endswith("/edit/") and page.locator("main form.form").count() == 1
    assert_accessible(page)
    _go(page, minutes)
    steps = Step.objects.filter(plan_id=shared.plan_id)
    assert sorted(steps.values_list("what", flat=True)) == [
        "Asiakas varaa ajan terveysasemalle", "Lääkityksen tarkistus"]
    _go(page, f"/plans/{shared.plan_id}/")
    assert page.locator("text=Lääkityksen tarkistus").count() >= 1
    assert_accessible(page)

    # A consultation to the nurse: contact with another authority (SHL 41 §) on the consent
    # recorded at the confirmation
    _go(page, f"/shared-clients/persons/{person.pk}/consultations/new/")
    assert_accessible(page)
    assert page.locator("main form.form").count() == 1
    box = page.locator("#id_question").bounding_box()
    assert box and box["width"] >= 300  # not the browser's tiny default
    page.select_option("#id_sector", "health")
    page.select_option("#id_expert", str(nurse.pk))
    page.fill("#id_question", "Miten lääkitys vaikuttaa työkykyyn?")
    page.fill("#id_due_on", (dt.date.today() + dt.timedelta(days=5)).isoformat())
    _submit(page)  # no basis chosen: refused, the field named
    assert page.locator(".error-summary a[href='#id_basis_0']").count() == 1
    assert page.locator("input[name=basis][value=child_welfare_25]").count() == 0
    page.check("input[name=basis][value=shl_41]")
    _submit(page)
    consultation = Consultation.objects.get(person=person)
    assert consultation.basis_id == "shl_41" and consultation.consent is not None

    expert = new_page(language=language)
    login(expert, "nina")
    _go(expert, "/shared-clients/consultations/")
    assert_accessible(expert)
    with expert.expect_navigation():
        expert.click(f"a[href='/shared-clients/consultations/{consultation.pk}/']")
    assert_accessible(expert)
    expert.fill("#id_answer", "Lääkitys ei estä työkokeilua.")
    _submit(expert)
    consultation.refresh_from_db()
    assert consultation.answered_by == nurse

    _go(page, f"/shared-clients/persons/{person.pk}/")
    assert page.locator("text=Lääkitys ei estä työkokeilua.").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_shared_client__decline_and_end_of_coordination(new_page, people, language):
    from django.utils import timezone

    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.people.tests.factories import PersonFactory
    from luotsi.sharedcare import services
    from luotsi.sharedcare.models import ChecklistItem, SharedClient
    from luotsi.sharedcare.tests import factories

    alice, person = people["alice"], people["person"]
    other = PersonFactory(first_name="Eero", last_name="Esimerkki")
    RelationshipFactory(person=other, user=alice)
    factories.flag(other)
    services.shared_client_confirm(actor=alice, person_id=other.pk, data=services.ConfirmInput(
        answers={item.pk: "yes" for item in ChecklistItem.objects.filter(active=True)},
        consent_given=True, consent_sectors=["health"], consent_scope="Kaikki",
        consent_from=timezone.localdate(),
        consent_until=timezone.localdate() + dt.timedelta(days=90), coordinator_id=alice.pk))
    page = new_page(language=language)
    login(page, "alice")

    _go(page, f"/shared-clients/persons/{person.pk}/decline/")
    assert_accessible(page)
    _submit(page)
    assert page.locator(".error-summary a[href='#id_reason']").count() == 1
    assert_accessible(page)
    page.fill("#id_reason", "Asiakas ei halua nyt yhteistyötä.")
    _submit(page)
    assert page.url.endswith("/shared-clients/candidates/")
    assert page.locator(f"text={person.full_name}").count() == 0
    assert_accessible(page)
    assert SharedClient.objects.get(person=person).status == "declined"

    _go(page, f"/shared-clients/persons/{other.pk}/end/")
    assert_accessible(page)
    page.fill("#id_reason", "Tavoitteet saavutettu.")
    _submit(page)
    # A confirmation step names what ending means; nothing has ended yet
    assert page.locator("#end-consequences li").count() >= 2
    assert_accessible(page)
    assert SharedClient.objects.get(person=other).status == "confirmed"
    _submit(page, "#confirm-end")
    assert SharedClient.objects.get(person=other).status == "ended"
    assert_accessible(page)


def test_shared_client__care_team_nurse_is_not_offered_to_end_coordination(new_page, people):
    from django.utils import timezone

    from luotsi.sharedcare import services
    from luotsi.sharedcare.models import ChecklistItem

    alice, nurse, person = people["alice"], people["nurse"], people["person"]
    services.shared_client_confirm(actor=alice, person_id=person.pk, data=services.ConfirmInput(
        answers={item.pk: "yes" for item in ChecklistItem.objects.filter(active=True)},
        consent_given=True, consent_sectors=["health"], consent_scope="Kaikki",
        consent_from=timezone.localdate(), consent_until=None, consent_open_ended=True,
        coordinator_id=alice.pk, care_team_ids=[nurse.pk]))
    page = new_page(language="fi")
    login(page, "nina")
    _go(page, f"/shared-clients/persons/{person.pk}/")
    assert_accessible(page)
    assert page.locator(f"a[href='/shared-clients/persons/{person.pk}/end/']").count() == 0
