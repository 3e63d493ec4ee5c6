"""Staff sign-in through a real OpenID Connect provider on loopback (``oidc_provider.py``):
the code flow in Chromium and through plain HTTP, refusals, key rotation and signing out at the
provider."""

from __future__ import annotations

import copy
import logging
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from e2e_helpers import assert_accessible, assert_path
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

from luotsi.organisation import oidc
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def provider(live_server):
    running = Provider(f"{live_server.url}/auth/oidc/callback/", f"{live_server.url}/login/")
    yield running
    running.stop()


@pytest.fixture
def oidc_settings(provider, settings):
    provider.control("reset")
    oidc.provider.clear()
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    # As config/settings.py derives it from LUOTSI_OIDC_ISSUER.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    yield settings
    oidc.provider.clear()


@pytest.fixture
def worker(transactional_db, team):
    return UserFactory(username="sanna.sw", first_name="Sanna", last_name="Sosiaali",
                       role=Role.SOCIAL_WORKER, teams=[team])


def _browser_sign_in(page, login: str) -> None:
    page.goto("/login/")
    assert_accessible(page)
    page.click("a[href^='/auth/oidc/login/']")
    page.wait_for_selector("input[name=login]")  # the provider's own sign-in form
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "anything")
    with page.expect_navigation():
        page.click("button[type=submit]")


def _http_sign_in(live_server, login: str) -> tuple[requests.Session, requests.Response, str]:
    """The code flow through plain HTTP up to the provider's redirect back to Luotsi; answers
    the session, the callback's answer and the callback URL (so a test can replay it)."""
    browser = requests.Session()
    answer = browser.get(f"{live_server.url}/auth/oidc/login/", allow_redirects=False)
    assert answer.status_code == 302
    authorize = answer.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    form_page = browser.get(authorize)
    action = re.search(r'<form[^>]*action="([^"]+)"', form_page.text).group(1)
    answer = browser.post(urljoin(form_page.url, action), data={"prompt": "login", "login": login,
                                                 "password": "anything"})
    # The provider redirects back to the callback; requests followed it.
    callback = next(r.headers["Location"] for r in answer.history
                    if r.headers.get("Location", "").startswith(live_server.url + "/auth/oidc/"))
    return browser, answer, callback


def test_sign_in_page_offers_the_provider_only_when_configured(page, settings):
    settings.OIDC_ISSUER = ""
    page.goto("/login/")
    assert page.locator("a[href^='/auth/oidc/login/']").count() == 0


def test_sign_in_through_the_provider_and_sign_out_there_too(page_en, worker, oidc_settings,
                                                             provider, live_server):
    page = page_en
    _browser_sign_in(page, "sanna.sw")
    assert_path(page, "/")
    assert_accessible(page)
    assert "Sanna" in page.content()
    # Signing out ends the provider's session too: its sign-out confirmation, then back here.
    with page.expect_navigation():
        page.click("form[action='/logout/'] button[type=submit]")
    assert page.url.startswith(provider.issuer + "/session/end")
    with page.expect_navigation():
        page.click("button[type=submit]")  # the provider's "Yes, sign me out"
    assert_path(page, "/login/")
    assert_accessible(page)
    # The provider asks for the user name again: its session ended as well.
    page.click("a[href^='/auth/oidc/login/']")
    page.wait_for_selector("input[name=login]")


def test_unknown_subject_is_refused_and_logged(page_en, worker, oidc_settings, caplog):
    page = page_en
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        _browser_sign_in(page, "stranger")
    assert_path(page, "/login/")
    alert = page.locator(".message-error[role=alert]")
    assert "refused" in alert.inner_text()
    assert_accessible(page)
    reasons = [r.reason for r in caplog.records if getattr(r, "event", "") == "oidc_sign_in_refused"]
    assert reasons == ["no_such_professional"]
    from luotsi.organisation.models import User

    assert not User.objects.filter(username="stranger").exists()  # nobody is created


def test_demo_login_is_refused_outside_demo_mode(worker, oidc_settings, live_server, caplog):
    UserFactory(username="demo.sw", is_demo=True)
    oidc_settings.DEMO_MODE = False
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        _, answer, _ = _http_sign_in(live_server, "demo.sw")
    assert answer.url.endswith("/login/?oidc=refused")
    assert [r.reason for r in caplog.records if getattr(r, "event", "") ==
            "oidc_sign_in_refused"] == ["may_not_sign_in"]


def test_sign_in_through_the_provider_needs_no_second_factor(worker, oidc_settings,
                                                            live_server):
    """Outside demo mode a password sign-in asks a code from an authenticator app; a sign-in
    through the identity provider does not (the provider authenticates strongly itself)."""
    oidc_settings.DEMO_MODE = False
    browser, answer, _ = _http_sign_in(live_server, "sanna.sw")
    assert urlsplit(answer.url).path == "/" and answer.status_code == 200
    persons = browser.get(f"{live_server.url}/persons/", allow_redirects=False)
    assert persons.status_code == 200
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not TOTPDevice.objects.exists()


def test_http_sign_in_and_replayed_state_refused(worker, oidc_settings, live_server, caplog):
    browser, answer, callback = _http_sign_in(live_server, "sanna.sw")
    assert urlsplit(answer.url).path == "/"
    assert answer.status_code == 200
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        replay = browser.get(callback, allow_redirects=False)
    assert replay.status_code == 302 and replay.headers["Location"] == "/login/?oidc=refused"
    assert [r.reason for r in caplog.records if getattr(r, "event", "") ==
            "oidc_sign_in_refused"] == ["unknown_or_used_state"]


@pytest.mark.parametrize(("control", "params", "reason"), [
    ("issuer", {"value": "https://impostor.example"}, "wrong_issuer"),
    ("hide-keys", {}, "unknown_key"),
    ("expire-id-tokens", {}, "expired_token"),
])
def test_bad_id_tokens_are_refused(worker, oidc_settings, provider, live_server, caplog,
                                   control, params, reason):
    oidc.provider.discovery()  # Luotsi knows the provider before it starts misbehaving
    provider.control(control, **params)
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        browser, answer, _ = _http_sign_in(live_server, "sanna.sw")
    assert answer.url.endswith("/login/?oidc=refused")
    assert [r.reason for r in caplog.records if getattr(r, "event", "") ==
            "oidc_sign_in_refused"] == [reason]
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302


def test_key_rotation_needs_no_restart(worker, oidc_settings, provider, live_server):
    _, answer, _ = _http_sign_in(live_server, "sanna.sw")
    assert urlsplit(answer.url).path == "/"
    before = {jwk["kid"] for jwk in oidc.provider.cached_keys(oidc.provider.discovery()["jwks_uri"])}
    provider.control("rotate")
    _, answer, _ = _http_sign_in(live_server, "sanna.sw")
    assert urlsplit(answer.url).path == "/"
    after = {jwk["kid"] for jwk in oidc.provider.cached_keys(oidc.provider.discovery()["jwks_uri"])}
    assert after and not (before & after)  # the new key was fetched when a token named it


def test_discovery_naming_another_issuer_is_refused(worker, oidc_settings, provider, live_server,
                                                   caplog):
    oidc_settings.OIDC_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        answer = requests.get(f"{live_server.url}/auth/oidc/login/", allow_redirects=False,
                              timeout=30)
    assert answer.headers["Location"] == "/login/?oidc=refused"
    assert [r.reason for r in caplog.records if getattr(r, "event", "") ==
            "oidc_sign_in_refused"] == ["discovery_issuer_mismatch"]
