"""Helpers for the browser tests: signing in and the axe-core accessibility check."""

from __future__ import annotations

from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

PASSWORD = "correct horse battery staple"  # UserFactory's default
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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


def assert_accessible(page, *, exclude: list[str] | None = None) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page and fail on any violation.

    ``exclude`` lists CSS selectors to leave out; use it only for markup Luotsi does not own
    (Django admin) and say why at the call site.
    """
    page.wait_for_load_state("load")
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = _AXE.run(page, context=context, options=options)
    violations = results.response["violations"]
    assert violations == [], f"{page.url}\n{_describe(violations)}"
