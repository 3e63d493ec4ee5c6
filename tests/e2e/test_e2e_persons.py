"""Person search, the person page, registering a person and the not-found page."""

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, assert_path, login

from luotsi.people import hetu

pytestmark = pytest.mark.e2e

RESULTS = "table[aria-labelledby=results-heading]"


# --- search -------------------------------------------------------------------------------


def test_search_page_empty(page, alice):
    login(page, "alice")
    page.click("header nav a[href='/persons/']")
    assert_path(page, "/persons/")
    assert page.locator("form[role=search] #id_name").is_visible()
    assert page.locator("#results-heading").count() == 0
    assert page.locator(".error-summary").count() == 0
    assert_accessible(page)


def test_search_with_results(page, alice, case, client_person):
    login(page, "alice")
    page.goto("/persons/")
    page.fill("#id_name", "asiak")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    rows = page.locator(f"{RESULTS} tbody tr")
    assert rows.count() == 1
    link = rows.first.locator(f"a[href='/persons/{client_person.pk}/']")
    assert link.inner_text() == "Asiakas, Aino"
    assert_accessible(page)

    with page.expect_navigation():
        link.click()
    assert_path(page, f"/persons/{client_person.pk}/")
    assert_accessible(page)


def test_search_from_the_home_page(page, alice, case, client_person):
    login(page, "alice")
    page.fill("#home-name", "Asiakas")
    with page.expect_navigation():
        page.click("main form[role=search] button[type=submit]")
    assert_path(page, "/persons/")
    assert page.locator(f"{RESULTS} a[href='/persons/{client_person.pk}/']").count() == 1
    assert_accessible(page)


def test_search_shows_only_own_clients(page, bob, case, client_person):
    login(page, "bob")
    page.goto("/persons/")
    page.fill("#id_hetu", client_person.hetu)
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    # The query is posted: the identity code is in neither the URL nor the history.
    assert page.url.endswith("/persons/")
    assert client_person.hetu not in page.url
    assert page.locator("#results-heading").is_visible()
    assert page.locator(RESULTS).count() == 0
    assert_accessible(page)


def test_search_without_criteria_shows_error(page, alice):
    login(page, "alice")
    page.goto("/persons/")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("li").count() == 1
    assert page.locator("#results-heading").count() == 0
    assert_accessible(page)


# --- person page ----------------------------------------------------------------------------


def test_person_page(page_en, alice, case, client_person):
    page = page_en
    login(page, "alice")
    page.goto(f"/persons/{client_person.pk}/")
    assert page.locator("main h1").inner_text() == "Aino Asiakas"
    facts = page.locator("dl.facts").inner_text()
    assert client_person.hetu in facts
    assert "Kotikatu 1, 06100 Porvoo" in facts  # a case relationship sees the address
    assert page.locator("table[aria-labelledby=rel-heading] tbody tr").count() == 1
    assert_accessible(page)


def test_person_page_shows_the_history(page_en, alice, team, municipality):
    """A child with a notification: the contact with its status, the guardian named in it under
    the family only once the worker may see her too, the plan and shared-client sections;
    axe-clean."""
    from django.utils import timezone

    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.intake import services
    from luotsi.organisation.models import Role, TeamKind
    from luotsi.organisation.tests.factories import TeamFactory, UserFactory
    from luotsi.people.tests.factories import PersonFactory

    intake = TeamFactory(code="family-intake", kind=TeamKind.INTAKE, region=None)
    iw = UserFactory(username="iw", role=Role.INTAKE_WORKER, teams=[intake])
    child = PersonFactory(first_name="Eino", last_name="Lapsi", municipality=municipality,
                          birth_date=dt.date(2015, 5, 5))
    mother = PersonFactory(first_name="Maija", last_name="Lapsi", municipality=municipality,
                           birth_date=dt.date(1985, 1, 1))
    contact = services.contact_register(actor=iw, data=services.ContactInput(
        kind="child_welfare_notification", channel="phone",
        received_at=timezone.now() - dt.timedelta(hours=3), reporter_kind="education",
        reporter_name="Opettaja Olli", description="Huoli lapsesta.", municipality_code="638",
        persons=[services.PersonRef(role="child", person_id=child.pk),
                 services.PersonRef(role="guardian", person_id=mother.pk)]))
    RelationshipFactory(person=child, user=alice)

    page = page_en
    login(page, "alice")
    page.goto(f"/persons/{child.pk}/")
    contacts = page.locator("table[aria-labelledby=history-contacts] tbody tr")
    assert contacts.count() == 1
    assert contacts.first.locator(f"a[href='/intake/contacts/{contact.pk}/']").count() == 1
    family = page.locator("main").inner_text()
    assert "Maija Lapsi" not in family and "no access to this person" in family

    RelationshipFactory(person=mother, user=alice)
    page.reload()
    assert "Maija Lapsi" in page.locator("main").inner_text()
    assert page.locator("#history-plan").is_visible()
    assert page.locator("#history-shared_client").is_visible()
    assert_accessible(page)


# --- registering a person ---------------------------------------------------------------------


def test_register_page_empty(page, alice):
    login(page, "alice")
    page.click("header nav details:has(a[href='/persons/new/']) > summary")  # its menu
    page.click("header nav a[href='/persons/new/']")
    assert_path(page, "/persons/new/")
    assert page.locator("#id_hetu").is_visible()
    assert page.locator("#id_last_name").is_visible()
    assert page.locator(".error-summary").count() == 0
    assert_accessible(page)


def test_register_with_wrong_check_character_shows_error_and_saves_nothing(page_en, alice):
    from luotsi.people.models import Person

    page = page_en
    valid = hetu.build(dt.date(1990, 5, 17), 913)
    wrong = valid[:-1] + ("X" if valid[-1] != "X" else "Y")
    login(page, "alice")
    page.goto("/persons/new/")
    page.fill("#id_hetu", wrong)
    page.fill("#id_first_name", "Eero")
    page.fill("#id_last_name", "Esimerkki")
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")

    assert_path(page, "/persons/new/")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_hetu']").count() == 1
    error = page.locator("#id_hetu-error.error")
    assert "check character" in error.inner_text()
    assert f"“{wrong[-1]}”" in error.inner_text()
    # The entries are kept for correcting.
    assert page.locator("#id_last_name").input_value() == "Esimerkki"
    assert Person.objects.count() == 0
    assert_accessible(page)


def test_register_invalid_hetu_error_in_default_language(page, alice):
    from luotsi.people.models import Person

    login(page, "alice")
    page.goto("/persons/new/")
    page.fill("#id_hetu", "131052-308X")
    page.fill("#id_last_name", "Esimerkki")
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")
    assert page.locator(".error-summary a[href='#id_hetu']").count() == 1
    assert page.locator("#id_hetu[aria-invalid='true']").count() == 1
    assert page.locator("#id_hetu-error.error").is_visible()
    assert Person.objects.count() == 0
    assert_accessible(page)


def test_register_valid_person_leads_to_person_page(page, alice):
    from luotsi.people.models import Person

    code = hetu.build(dt.date(1990, 5, 17), 913)
    login(page, "alice")
    page.goto("/persons/new/")
    assert_accessible(page)
    page.fill("#id_hetu", code)
    page.fill("#id_first_name", "Eero")
    page.fill("#id_last_name", "Esimerkki")
    page.fill("#id_street_address", "Testitie 2")
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")

    person = Person.objects.get()
    assert person.last_name == "Esimerkki"
    assert_path(page, f"/persons/{person.pk}/")
    assert page.locator(".messages .message-success").is_visible()
    assert page.locator("main h1").inner_text() == "Eero Esimerkki"
    assert code in page.locator("dl.facts").inner_text()
    assert_accessible(page)


# --- not found ---------------------------------------------------------------------------------


def test_other_teams_client_looks_like_a_missing_person(page_en, bob, case, client_person):
    page = page_en
    login(page, "bob")

    response = page.goto(f"/persons/{client_person.pk}/")
    assert response.status == 404
    assert page.locator("main h1").inner_text() == "Not found"
    refused = page.locator("main").inner_text()
    assert "Aino" not in page.content() and "Asiakas" not in page.content()
    assert_accessible(page)

    response = page.goto("/persons/987654/")
    assert response.status == 404
    assert page.locator("main").inner_text() == refused


# --- what a registration opens -----------------------------------------------------------------


def _register(page, code: str) -> None:
    page.goto("/persons/new/")
    assert_accessible(page)
    page.fill("#id_hetu", code)
    page.fill("#id_first_name", "Eero")
    page.fill("#id_last_name", "Esimerkki")
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")


def test_registrant_of_a_new_client_starts_their_plan(page, alice):
    from luotsi.people.models import Person
    from luotsi.plans.models import Plan

    login(page, "alice")
    _register(page, hetu.build(dt.date(1990, 5, 17), 914))
    person = Person.objects.get()
    assert_accessible(page)
    page.goto(f"/plans/person/{person.pk}/")
    assert page.locator("#start-plan").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#start-plan")
    plan = Plan.objects.get(person=person)
    assert_path(page, f"/plans/{plan.pk}/")
    assert page.locator(".messages .message-success").is_visible()
    assert_accessible(page)


def test_registering_a_clients_code_opens_not_their_plan(page_en, bob, case, client_person):
    """Bob registers the code of alice's client: the person page shows the basic data, but the
    client's plan answers "not found", as for a missing id."""
    page = page_en
    login(page, "bob")
    _register(page, client_person.hetu)
    assert_path(page, f"/persons/{client_person.pk}/")
    assert_accessible(page)
    response = page.goto(f"/plans/person/{client_person.pk}/")
    assert response.status == 404
    assert page.locator("#start-plan").count() == 0
    assert_accessible(page)
