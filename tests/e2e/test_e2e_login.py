"""The sign-in page: its form, its errors, and the keyboard route past the header."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


def test_login_page_is_accessible(page):
    page.goto("/login/")
    assert page.locator("#id_username").is_visible()
    assert page.locator("#id_password").is_visible()
    assert page.locator(".error-summary").count() == 0
    assert_accessible(page)


def test_login_with_empty_fields_shows_errors(page):
    page.goto("/login/")
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert_path(page, "/login/")
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".error-summary a[href='#id_username']").count() == 1
    assert page.locator("#id_username[aria-invalid='true']").count() == 1
    assert page.locator("#id_username-error.error").is_visible()
    assert page.locator("#id_password-error.error").is_visible()
    # The error summary takes focus so that a screen-reader user hears it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page)


def test_login_with_wrong_password_shows_error(page_en, alice):
    page = page_en
    page.goto("/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "not the password at all")
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert_path(page, "/login/")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "correct" in summary.inner_text().lower()
    assert_accessible(page)


def test_login_fields_are_bounded_and_an_overlong_name_is_named(page_en, alice):
    page = page_en
    page.goto("/login/")
    assert page.get_attribute("#id_username", "maxlength") == "150"
    assert page.get_attribute("#id_password", "maxlength") == "1024"
    page.fill("#id_username", "a" * 160)  # typed or pasted text stops at the bound
    assert len(page.input_value("#id_username")) == 150
    # A name set past the bound (as a script could) is refused by the server on its field.
    page.eval_on_selector("#id_username", "(field, value) => { field.value = value; }", "a" * 151)
    page.fill("#id_password", "not the password at all")
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert_path(page, "/login/")
    assert page.locator(".error-summary a[href='#id_username']").count() == 1
    assert "150" in page.locator("#id_username-error").inner_text()
    assert_accessible(page)


def test_login_leads_home(page, alice):
    login(page, "alice")
    assert page.locator("nav a[href='/persons/']").is_visible()


def _tab_to_skip_link_then_main(page) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link", (
        "the first Tab stop is "
        + page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.url.endswith("#main")


def test_first_tab_on_login_page_reaches_skip_link(page):
    page.goto("/login/")
    _tab_to_skip_link_then_main(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_first_tab_reaches_skip_link_which_moves_focus_to_main(page, alice):
    login(page, "alice")
    page.goto("/")
    _tab_to_skip_link_then_main(page)
    # The next Tab continues inside main, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
