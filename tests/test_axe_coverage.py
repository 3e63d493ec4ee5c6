"""Every page route (from Django's URL resolver) has a browser test that checks it with axe:
``tests/e2e/axe_coverage.py`` names the test for each page and says why any other route is not
a page; a new route fails here until it is named, and a named test must exist and run axe. The
browser tests' conftest checks, when they run, that each named test really checked its routes.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

HERE = Path(__file__).parent
ROOT = HERE.parent


def _coverage():
    spec = importlib.util.spec_from_file_location("axe_coverage", HERE / "e2e/axe_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _routes(resolver=None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _routes(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}" if namespace else (entry.name or "")


def test_every_page_route_has_a_browser_test_with_axe():
    coverage = _coverage()
    routes = set(_routes())
    assert "" not in routes, "every route has a name"
    pages = {route: coverage.page_test(route) for route in routes}
    untested = sorted(route for route, test in pages.items() if test == "")
    assert untested == [], f"page routes with no browser test checking them with axe: {untested}"
    stale = sorted((set(coverage.COVERED) | set(coverage.NOT_PAGES)) - routes)
    assert stale == [], f"named in tests/e2e/axe_coverage.py but no such route: {stale}"
    assert sum(1 for r, t in pages.items() if t and r.startswith("admin:")) >= 60


def test_every_named_browser_test_exists_and_runs_axe():
    coverage = _coverage()
    missing = []
    for test in {*coverage.COVERED.values(), coverage.ADMIN_TEST}:
        path, name = test.split("::")
        source = (ROOT / path).read_text()
        found = re.search(rf"^def {re.escape(name)}\(.*?(?=^def |\Z)", source, re.S | re.M)
        if not found or "assert_accessible(" not in found.group(0):
            missing.append(test)
    assert missing == []
