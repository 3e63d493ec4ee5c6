"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

One browser per test session (per xdist worker), a fresh browser context (cookies, storage) per
test. Every page is checked with axe-core against WCAG 2.1 A and AA and axe's best practices
(``assert_accessible``), the Django admin included.

Chromium is Debian's ``/usr/bin/chromium``. Without it the browser tests are skipped, except in
CI (``CI=true``), where a missing browser fails the run so that the tests cannot silently vanish.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run where
# a loop is running unless told that this is fine. Test-only: the server thread is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("LUOTSI_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 30_000  # generous: a loaded CI machine is slow, a real hang still fails


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


def _browser_missing(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason}; browser tests must run in CI (CI=true)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items) -> None:
    """Without Chromium, skip the browser tests up front (before any database set-up); in CI
    they are left to fail in the ``browser`` fixture instead."""
    if CHROMIUM.exists() or _in_ci():
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set CI=true to fail)")
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _flushable_access_log(flushable_db, request) -> Iterator[None]:
    """Browser tests need a committed database, emptied after each test (``flushable_db``
    lets the append-only access log be emptied then, and puts its triggers back). The flush
    empties the data migrations' reference data too (code lists, sectors, rating scale,
    checklist, bases, grounds, rules, signals): it is put back before every browser test,
    whatever ran before it on this worker."""
    request.getfixturevalue("reference_data_restored")
    yield


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        _browser_missing(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev requirements install it
        _browser_missing("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's event loop runs, Django keeps this thread's database connections
            # apart from those it uses without a loop (asgiref's thread-critical Local), so the
            # tests opened their own. Close them now, or on PostgreSQL the test database cannot
            # be dropped at the end ("being accessed by other users").
            from django.db import connections

            connections.close_all()


@pytest.fixture
def new_page(browser, live_server, transactional_db) -> Iterator[Callable]:
    """Open a page in a new browser context; ``new_page(language="en")`` sets the language
    cookie first (no cookie: Finnish, the default)."""
    contexts = []

    def _new_page(language: str | None = None):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        # Luotsi has no favicon; Chromium's automatic request for one would be a stray request
        # still running in the server when the test's database is emptied.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=404, body=""))
        if language:
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
        from e2e_helpers import record_visit

        context.on("response", record_visit)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in Finnish, the default language."""
    return new_page()


@pytest.fixture
def page_en(new_page):
    """A page in English (language cookie), for assertions on wording."""
    return new_page(language="en")


@pytest.fixture
def admin_user(db):
    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import UserFactory

    return UserFactory(username="admin", first_name="Aapo", last_name="Admin", role=Role.ADMIN,
                       is_staff=True, is_superuser=True)


@pytest.fixture(scope="session", autouse=True)
def _axe_routes_recorded() -> Iterator[None]:
    """With ``LUOTSI_AXE_ROUTES=<file>``, write each test's axe-checked page routes there
    (JSON), to see what the browser tests cover."""
    yield
    target = os.environ.get("LUOTSI_AXE_ROUTES")
    if target:
        import json

        from e2e_helpers import CHECKED

        Path(target).write_text(json.dumps({test: sorted(routes)
                                            for test, routes in sorted(CHECKED.items())},
                                           indent=1))

# Each test's outcome, by test function (all its parameters), for the coverage check below.
_PASSED: dict[str, list[bool]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        _PASSED.setdefault(item.nodeid.split("[")[0], []).append(report.passed)
        item.luotsi_passed = report.passed


@pytest.fixture(autouse=True)
def _every_page_passed_through_checked(request) -> Iterator[None]:
    """A browser test checks with axe every page its browser loaded, not only the one it is
    about: a page passed through on the way (a list before the record, a form before its
    answer, the page after a refusal) is a state a user meets too. Sign-in steps aside
    (``e2e_helpers.SIGN_IN_ROUTES``); a test that failed is not judged again here."""
    yield
    from e2e_helpers import current_test, unchecked_visits

    if getattr(request.node, "luotsi_passed", False):
        unchecked = unchecked_visits(current_test() or request.node.nodeid)
        if unchecked:
            pytest.fail("Pages this test loaded without checking them with axe "
                        f"(assert_accessible): {', '.join(unchecked)}", pytrace=False)


def _unchecked_routes() -> list[str]:
    """The routes ``axe_coverage`` names a test for that passed in this run without checking
    them with axe (in any of its parameters)."""
    from axe_coverage import page_test
    from django.urls import URLPattern, URLResolver, get_resolver
    from e2e_helpers import CHECKED

    def routes(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from routes(entry, inner)
            elif isinstance(entry, URLPattern):
                yield f"{namespace}:{entry.name}" if namespace else (entry.name or "")

    checked: dict[str, set[str]] = {}
    for test, seen in CHECKED.items():
        checked.setdefault(test.split("[")[0], set()).update(seen)
    return sorted(f"{route} ({test})" for route in set(routes(get_resolver()))
                  if (test := page_test(route)) and _PASSED.get(test)
                  and all(_PASSED[test]) and route not in checked.get(test, set()))


def pytest_sessionfinish(session, exitstatus) -> None:
    """A run fails when a test named in ``axe_coverage.py`` passed without checking with axe a
    page route it is named for: the list of covered pages cannot drift from the tests."""
    if not _PASSED:
        return
    unchecked = _unchecked_routes()
    if unchecked:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("Page routes named in tests/e2e/axe_coverage.py but not checked "
                                f"with axe by their test: {', '.join(unchecked)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
