"""Helpers for the browser tests: signing in and the axe-core accessibility check."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PASSWORD = "correct horse battery staple"  # UserFactory's default
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices too: landmarks (every content inside one, each named uniquely, one main),
# one h1 and headings in order, among others.
BEST_PRACTICE = ["best-practice"]
REQUIRED_RULES = ("region", "landmark-unique", "landmark-one-main", "page-has-heading-one",
                  "heading-order")
_AXE = Axe()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the home page."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert_path(page, "/")


def assert_path(page, path: str) -> None:
    """The page is at `path` and has loaded.

    A click on a link returns once the navigation has started; the new document may still be
    loading, so wait for its URL and its load event before a test reads the page.
    """
    try:
        page.wait_for_url(lambda url: urlsplit(url).path == path, timeout=5_000)
    except PlaywrightTimeoutError:
        pass  # the assertion below names where the page is instead
    page.wait_for_load_state("load")
    actual = urlsplit(page.url).path
    assert actual == path, f"expected to be at {path}, but at {page.url}"


def _describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
                     f" <{violation.get('helpUrl', '')}>")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Run axe-core on the whole page, the WCAG 2.0/2.1 A and AA rules and axe's best practices
    (among them ``region``, ``landmark-unique``, ``landmark-one-main``, ``page-has-heading-one``
    and ``heading-order``), and fail on any violation. Nothing is left out, the Django admin
    included: its markup is fixed in ``templates/admin/``."""
    page.wait_for_load_state("load")
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA + BEST_PRACTICE},
               "rules": {rule: {"enabled": True} for rule in REQUIRED_RULES},
               "resultTypes": ["violations"]}
    results = _AXE.run(page, options=options)
    violations = results.response["violations"]
    assert violations == [], f"{page.url}\n{_describe(violations)}"
    _record_checked(page.url)


# The page routes (URL names from Django's resolver) each browser test has checked with axe, by
# test: ``tests/e2e/axe_coverage.py`` names the test that checks each page route, and the
# browser tests' conftest fails a test that no longer visits a route it is named for.
CHECKED: dict[str, set[str]] = {}


def route_of(url: str) -> str | None:
    """The URL name (with its namespace) of the page at ``url``, or None for no route."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


# The page routes whose HTML each browser test's pages loaded (main frame, 2xx or 4xx: a refusal
# is a page too; a redirect is not), by test: a
# test checks with axe every page it passes through (``unchecked_visits``).
VISITED: dict[str, set[str]] = {}
# The sign-in steps every test passes through: the sign-in page and the home page it leads to are
# checked in each of their states by tests/e2e/test_e2e_login.py and test_e2e_home.py.
SIGN_IN_ROUTES = frozenset({"login", "home"})


def current_test() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]


def record_visit(response) -> None:
    """A page's response: recorded under the running test when it is an HTML document."""
    request = response.request
    if (not request.is_navigation_request() or request.frame.parent_frame is not None
            or not (200 <= response.status < 300 or 400 <= response.status < 500)
            or "text/html" not in (response.headers.get("content-type") or "")):
        return
    test, route = current_test(), route_of(response.url)
    if test and route:
        VISITED.setdefault(test, set()).add(route)


def unchecked_visits(test: str) -> list[str]:
    """The page routes ``test`` loaded but did not check with axe (sign-in steps aside)."""
    return sorted(VISITED.get(test, set()) - CHECKED.get(test, set()) - SIGN_IN_ROUTES)


def _record_checked(url: str) -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    route = route_of(url)
    if test and route:
        CHECKED.setdefault(test, set()).add(route)


LAPTOP = {"width": 1366, "height": 768}


def assert_columns_in_view(page) -> None:
    """Every column of every report table (its header cells) lies within the window's width,
    at the window size the page is shown in (``page.set_viewport_size(LAPTOP)`` first)."""
    width = page.viewport_size["width"]
    outside = page.eval_on_selector_all(
        ".table-scroll table",
        """(tables, width) => tables.flatMap(table => [...table.querySelectorAll('thead th')]
            .filter(th => th.getBoundingClientRect().right > width + 0.5)
            .map(th => `${table.id}: ${th.textContent.trim()}`))""", width)
    assert page.locator(".table-scroll table").count() > 0, "no report table on the page"
    assert outside == [], f"columns beyond {width} px: {outside}"
