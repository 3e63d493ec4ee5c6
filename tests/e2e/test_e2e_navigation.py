"""The grouped main navigation in the browser: a team lead's daily links fit on one line, the
reports sit under a disclosure menu that opens and is used by keyboard alone, and the page shown
is marked (Finnish and Swedish, axe on every state)."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e

REPORTS = "header nav details:has(a[href='/reports/kpis/'])"


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_navigation__team_lead_reaches_a_report_by_keyboard(new_page, lead, language):
    page = new_page(language=language)
    page.set_viewport_size({"width": 1366, "height": 800})
    login(page, "lead")

    # one line: every top-level item of the navigation on the same row
    tops = page.eval_on_selector_all(
        "header nav.main-nav > ul > li", "items => items.map(i => i.getBoundingClientRect().top)")
    assert len(tops) == 10 and max(tops) - min(tops) < 8, tops
    assert page.locator("header nav a[aria-current=page]").get_attribute("href") == "/"
    assert not page.locator(f"{REPORTS} a[href='/reports/kpis/']").is_visible()
    assert_accessible(page)

    _tab_to(page, f"{REPORTS} > summary")
    page.keyboard.press("Enter")
    assert page.locator(REPORTS).evaluate("d => d.open")
    assert page.locator(f"{REPORTS} a[href='/plans/effectiveness/']").is_visible()
    assert_accessible(page)

    page.keyboard.press("Escape")  # closes the menu and gives the focus back to its summary
    assert not page.locator(REPORTS).evaluate("d => d.open")
    assert page.evaluate("s => document.activeElement === document.querySelector(s)",
                         f"{REPORTS} > summary")

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "/reports/kpis/"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/reports/kpis/")
    current = page.locator("header nav a[aria-current=page]")
    assert current.count() == 1 and current.get_attribute("href") == "/reports/kpis/"
    assert "is-current" in page.locator(REPORTS).get_attribute("class")
    assert_accessible(page)


def test_navigation__menus_open_without_javascript(browser, live_server, lead):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.route("**/favicon.ico", lambda route: route.fulfill(status=404, body=""))
        login(page, "lead")
        page.click(f"{REPORTS} > summary")
        with page.expect_navigation():
            page.click(f"{REPORTS} a[href='/plans/effectiveness/']")
        assert_path(page, "/plans/effectiveness/")
        page.wait_for_load_state("load")  # the page's own requests done before it closes
    finally:
        context.close()
