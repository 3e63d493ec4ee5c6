"""The home page for each kind of user, in each language, and the language switch."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e

NAV = "header nav"


def test_home_as_social_worker(page, alice, case):
    login(page, "alice")
    assert page.locator(f"{NAV} a[href='/persons/']").is_visible()
    assert page.locator(f"{NAV} a[href='/persons/new/']").count() == 1  # in a menu
    assert page.locator(f"{NAV} a[href='/access-log/emergency/']").count() == 0
    assert page.locator(f"{NAV} a[href='/admin/']").count() == 0
    assert page.locator("main form[role=search] #home-name").is_visible()
    assert_accessible(page)


def test_home_as_team_lead_with_a_review_waiting(page, lead, alice, client_person):
    from luotsi.access.services import emergency_access_open

    emergency_access_open(actor=alice, person_id=client_person.pk,
                          reason="Urgent child-protection notice at night, no case yet.")
    login(page, "lead")
    assert page.locator(f"{NAV} a[href='/access-log/emergency/']").count() == 1  # in a menu
    assert page.locator("main ul.todo a[href='/access-log/emergency/']").is_visible()
    assert_accessible(page)


def test_home_as_data_protection_officer(page, charlie):
    login(page, "charlie")
    assert page.locator(f"{NAV} a[href='/access-log/report/']").count() == 1  # in a menu
    assert page.locator(f"{NAV} a[href='/access-log/emergency/']").count() == 1  # in a menu
    # The DPO has no client relationships and cannot search persons.
    assert page.locator(f"{NAV} a[href='/persons/']").count() == 0
    assert page.locator("#home-name").count() == 0
    assert_accessible(page)


def test_home_as_administrator(page, admin_user):
    login(page, "admin")
    assert page.locator(f"{NAV} a[href='/admin/']").count() == 1  # in a menu
    assert page.locator(f"{NAV} a[href='/persons/']").count() == 0
    assert_accessible(page)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_home_in_each_language(new_page, alice, case, language):
    page = new_page(language=language)
    login(page, "alice")
    assert page.get_attribute("html", "lang") == language
    assert page.locator("#language-select").input_value() == language
    assert_accessible(page)


def _switch_language(page, language: str) -> None:
    page.select_option("#language-select", language)
    with page.expect_navigation():
        page.click("form.language-form button[type=submit]")


def test_language_switch_to_swedish_and_back_to_english(page, alice):
    login(page, "alice")
    assert page.get_attribute("html", "lang") == "fi"
    page.goto("/persons/")

    _switch_language(page, "sv")
    assert_path(page, "/persons/")  # stays on the same page
    assert page.get_attribute("html", "lang") == "sv"
    assert page.locator("#language-select").input_value() == "sv"
    assert_accessible(page)

    page.goto("/")  # the choice is remembered across pages
    assert page.get_attribute("html", "lang") == "sv"

    _switch_language(page, "en")
    assert_path(page, "/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("main h1").inner_text().startswith("Good to see you")


def test_language_switch_works_before_signing_in(page):
    page.goto("/login/")
    _switch_language(page, "sv")
    assert_path(page, "/login/")
    assert page.get_attribute("html", "lang") == "sv"
    assert_accessible(page)
