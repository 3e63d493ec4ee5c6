"""Two-step verification in Chromium, outside demo mode, in Finnish and Swedish: the first
password sign-in sets up the authenticator (the test reads the secret from the page and computes
the codes as an authenticator app does, RFC 6238), the recovery codes are shown once, and the
next sign-in asks a code after the password. Every page is checked with axe."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from e2e_helpers import PASSWORD, assert_accessible, assert_path

pytestmark = pytest.mark.e2e

HEADINGS = {"fi": "Kaksivaiheinen tunnistautuminen", "sv": "Tvåstegsverifiering"}


def _code(secret: str, at: float) -> str:
    """What an authenticator app holding ``secret`` shows at the time ``at``."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = at
    return f"{totp.token():06d}"


def _password(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit].primary")


def _submit(page) -> None:
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_second_factor__enrolment_then_sign_in_with_a_code(new_page, alice, settings, language):
    settings.DEMO_MODE = False
    page = new_page(language=language)

    # The first sign-in with a password: set up the authenticator.
    _password(page, "alice")
    assert_path(page, "/login/authenticator/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("img.qr-code").get_attribute("src").startswith("data:image/svg+xml")
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth > 0")
    secret = page.locator("#totp-secret").inner_text()
    page.click("details summary")
    assert page.locator(".totp-uri").inner_text().startswith("otpauth://totp/Luotsi%3Aalice?")
    assert_accessible(page)

    # A wrong code is named on its field.
    page.fill("#id_code", "000000")
    _submit(page)
    assert page.locator("#id_code[aria-invalid='true']").count() == 1
    assert page.locator(".error-summary a[href='#id_code']").count() == 1
    assert_accessible(page)

    page.fill("#id_code", _code(secret, time.time()))
    _submit(page)
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    with page.expect_navigation():
        page.click("main a.button-link")
    assert_path(page, "/")

    # The professional's own page: recovery codes left, new ones for a code.
    page.click("header a[href='/account/two-step-verification/']")
    assert_path(page, "/account/two-step-verification/")
    assert page.locator("h1").inner_text() == HEADINGS[language]
    assert_accessible(page)

    # Signed out; the next sign-in asks the code after the password (the next half-minute's:
    # a code is accepted once, and the app's clock may run a little ahead).
    with page.expect_navigation():
        page.click("header .logout-form button")
    _password(page, "alice")
    assert_path(page, "/login/code/")
    assert page.locator("h1").inner_text() == HEADINGS[language]
    assert_accessible(page)
    page.fill("#id_code", _code(secret, time.time() + 30))
    _submit(page)
    assert_path(page, "/")
    assert page.locator("nav a[href='/persons/']").is_visible()
