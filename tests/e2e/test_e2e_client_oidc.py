"""The client's strong identification against a real OpenID Connect provider on loopback
(``oidc_provider.py`` with a second client registered as Finland's identification services do
it: ``private_key_jwt``, ID tokens encrypted to Luotsi's key, a pairwise subject, the identity
code in a claim of its own, Suomi.fi's levels of assurance), in Chromium and through plain HTTP:
signing in, a person of whom Luotsi holds nothing, each refusal, and signing out at the provider
too; the identity code never reaches a log."""

from __future__ import annotations

import copy
import logging
import re
import time
from importlib import import_module
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from e2e_helpers import assert_accessible, assert_path
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_provider import Provider

from luotsi.access.models import AccessLogEntry
from luotsi.oma import auth
from luotsi.oma.session import CLIENT_KEY, LANGUAGE_KEY, SEEN_KEY
from luotsi.oma.tests.builders import client_with_plan
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people import hetu

pytestmark = pytest.mark.e2e

CLIENT_ID = "luotsi-oma-test"
HETU_CLAIM = "personal_identity_code"
UNKNOWN_HETU = "010190-998V"  # valid, and no one's in Luotsi
INVALID_HETU = "131052-308X"  # the check character is wrong
SUBSTANTIAL, HIGH = "http://ftn.ficora.fi/2017/loa2", "http://ftn.ficora.fi/2017/loa3"
REFUSED = {
    "fi": "Kirjautuminen ei onnistunut",
    "sv": "Inloggningen lyckades inte",
    "en": "Sign-in did not succeed",
}


@pytest.fixture(scope="session")
def client_key_file(tmp_path_factory) -> str:
    """Luotsi's private key as a PEM file (the other accepted form, a JWK, in the unit tests)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("client-oidc") / "luotsi-client.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return str(path)


@pytest.fixture(scope="session")
def strong_provider(live_server):
    # The provider fetches Luotsi's keys from the published address itself (node resolves
    # "localhost" to ::1 first, where the live server does not listen).
    site = live_server.url.replace("//localhost:", "//127.0.0.1:")
    running = Provider(f"{live_server.url}/auth/oidc/callback/", f"{live_server.url}/login/",
                       strong={"client_id": CLIENT_ID,
                               "redirect_uri": f"{live_server.url}/oma/auth/callback/",
                               "jwks_uri": f"{site}/oma/auth/jwks.json",
                               "hetu_claim": HETU_CLAIM,
                               "post_logout_redirect_uri": f"{live_server.url}/oma/"})
    yield running
    running.stop()


@pytest.fixture
def strong(strong_provider, settings, client_key_file):
    strong_provider.control("reset")
    auth.provider.clear()
    settings.CLIENT_OIDC_ISSUER = strong_provider.issuer
    settings.CLIENT_OIDC_CLIENT_ID = CLIENT_ID
    settings.CLIENT_OIDC_KEY = client_key_file
    settings.CLIENT_OIDC_HETU_CLAIM = HETU_CLAIM
    settings.DEMO_MODE = False
    # As config/settings.py derives it from LUOTSI_CLIENT_OIDC_ISSUER: the sign-out form's
    # redirect to the provider is a form action.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", strong_provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    yield strong_provider
    auth.provider.clear()


@pytest.fixture
def elli(transactional_db, team):
    coordinator = UserFactory(first_name="Sanna", last_name="Ohjaaja", teams=[team])
    return client_with_plan(coordinator, first_name="Elli", goal="Oma koti").person


def _events(caplog, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", "") == event]


def _reasons(caplog) -> list[str]:
    return [r.reason for r in _events(caplog, "client_oidc_refused")]


def _nothing_logged_of(code: str, caplog) -> None:
    """The identity code is in no log record (any logger, any field) nor in the access log."""
    forms = {code, code.lower(), code.replace("-", "")}
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert not any(form in text for form in forms), record.__dict__
    for entry in AccessLogEntry.objects.all():
        assert not any(form in str(entry.__dict__) for form in forms)


class _LoopbackJar(requests.cookies.RequestsCookieJar):
    """As Chromium does on loopback, the provider's Secure session cookie is sent over plain
    HTTP too."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def _browser() -> requests.Session:
    browser = requests.Session()
    browser.cookies = _LoopbackJar()
    return browser


def _http_start(live_server, browser: requests.Session | None = None):
    browser = browser or _browser()
    answer = browser.get(f"{live_server.url}/oma/auth/start/", allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return browser, answer.headers["Location"]


def _http_sign_in(live_server, login: str, browser: requests.Session | None = None,
                  follow: bool = True):
    """The code flow through plain HTTP up to the provider's redirect back to Luotsi; answers
    the session, the last answer and the callback URL. ``follow=False`` stops before Luotsi's
    callback (so a test can call it itself)."""
    browser, authorize = _http_start(live_server, browser)
    form_page = browser.get(authorize)
    action = re.search(r'<form[^>]*action="([^"]+)"', form_page.text).group(1)
    target = urljoin(form_page.url, action)
    data = {"prompt": "login", "login": login, "password": "anything"}
    if follow:
        answer = browser.post(target, data=data)
        callback = next(r.headers["Location"] for r in answer.history
                        if r.headers.get("Location", "").startswith(
                            live_server.url + "/oma/auth/callback/"))
        return browser, answer, callback
    answer = browser.post(target, data=data, allow_redirects=False)
    while not answer.headers["Location"].startswith(live_server.url + "/oma/auth/callback/"):
        answer = browser.get(urljoin(answer.url, answer.headers["Location"]),
                             allow_redirects=False)
    return browser, answer, answer.headers["Location"]


def _session_of(browser: requests.Session):
    engine = import_module(django_settings.SESSION_ENGINE)
    return engine.SessionStore(browser.cookies.get(django_settings.SESSION_COOKIE_NAME))


def test_the_authorization_request_carries_state_nonce_pkce_and_the_claim(strong, live_server):
    _, authorize = _http_start(live_server)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(strong.issuer + "/")
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"{live_server.url}/oma/auth/callback/"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 40 and len(query["nonce"][0]) >= 40
    assert HETU_CLAIM in query["claims"][0] and query["ui_locales"] == ["fi"]
    assert query["prompt"] == ["login"]
    assert query["acr_values"] == [f"{SUBSTANTIAL} {HIGH}"]
    # The provider takes request objects: the request goes signed too (the provider of these
    # tests requires it of this client, so every sign-in below also shows it is accepted).
    signed = query["request"][0]
    keys = KeySet.import_key_set(requests.get(f"{live_server.url}/oma/auth/jwks.json",
                                              timeout=10).json())
    claims = jwt.decode(signed, keys, algorithms=["RS256"]).claims
    assert claims["iss"] == CLIENT_ID and claims["aud"] == strong.issuer
    assert claims["state"] == query["state"][0] and claims["nonce"] == query["nonce"][0]
    assert claims["code_challenge"] == query["code_challenge"][0]
    assert claims["claims"] == {"id_token": {HETU_CLAIM: {"essential": True}}}
    assert claims["acr_values"] == f"{SUBSTANTIAL} {HIGH}"
    discovery = requests.get(f"{strong.issuer}/.well-known/openid-configuration", timeout=10)
    assert discovery.json()["acr_values_supported"] == [SUBSTANTIAL, HIGH]


def test_an_answer_naming_another_issuer_is_refused(strong, elli, live_server, caplog):
    """RFC 9207: the provider names itself in its answer; a mix-up with another is refused."""
    browser, _, callback = _http_sign_in(live_server, elli.hetu, follow=False)
    forged = re.sub(r"([?&]iss=)[^&]+", r"\1https%3A%2F%2Fevil.example", callback)
    assert forged != callback
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        answer = browser.get(forged, allow_redirects=False)
    assert answer.status_code == 400 and _reasons(caplog) == ["wrong_issuer"]
    assert CLIENT_KEY not in _session_of(browser).load()


def test_luotsi_publishes_only_the_public_part_of_its_key(strong, live_server):
    keys = requests.get(f"{live_server.url}/oma/auth/jwks.json", timeout=10).json()["keys"]
    assert sorted(k["use"] for k in keys) == ["enc", "sig"]
    for key in keys:
        assert key["kty"] == "RSA" and set(key) <= {"kty", "n", "e", "kid", "use", "alg"}


def test_sign_in_lands_on_my_plan_in_the_clients_own_session(strong, elli, live_server, caplog):
    with caplog.at_level(logging.DEBUG):
        browser, answer, _ = _http_sign_in(live_server, elli.hetu)
        assert urlsplit(answer.url).path == "/oma/plan/" and answer.status_code == 200
        assert "Oma koti" in answer.text
        # The client's own session: a Person, never a staff sign-in; nothing outside /oma/.
        session = _session_of(browser)
        assert session[CLIENT_KEY] == elli.pk and "_auth_user_id" not in session
        assert browser.get(f"{live_server.url}/persons/", allow_redirects=False).status_code == 404
        signed_in = _events(caplog, "client_signed_in")
        assert [(r.method, r.person_id) for r in signed_in] == [("strong_identification", elli.pk)]
        # 15 minutes idle end it.
        session[SEEN_KEY] = int(time.time()) - 15 * 60 - 1
        session.save()
        answer = browser.get(f"{live_server.url}/oma/plan/")
        assert urlsplit(answer.url).path == "/oma/" and "15" in answer.text
        assert CLIENT_KEY not in _session_of(browser).load()
    _nothing_logged_of(elli.hetu, caplog)


def test_a_replayed_state_is_refused(strong, elli, live_server, caplog):
    browser, answer, callback = _http_sign_in(live_server, elli.hetu, follow=False)
    first = browser.get(callback, allow_redirects=False)
    assert first.status_code == 302 and first.headers["Location"] == "/oma/plan/"
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        again = browser.get(callback, allow_redirects=False)  # the same session, signed in
        elsewhere = requests.get(callback, allow_redirects=False, timeout=10)  # another browser
    assert again.status_code == elsewhere.status_code == 400
    assert "on jo käytetty" in again.text and "on jo käytetty" in elsewhere.text
    assert _reasons(caplog) == ["unknown_or_used_state", "unknown_or_used_state"]
    assert CLIENT_KEY not in _session_of(requests.Session()).load()


@pytest.mark.parametrize(("control", "params", "reason"), [
    ("audience", {"value": "another-service"}, "wrong_audience"),
    ("plain-id-tokens", {}, "id_token_not_encrypted"),
    ("tamper-id-tokens", {}, "undecryptable_token"),
    ("hide-keys", {}, "unknown_key"),
], ids=["another_audience", "not_encrypted", "tampered", "unknown_signing_key"])
def test_a_token_that_does_not_hold_is_refused(strong, elli, live_server, caplog, control,
                                               params, reason):
    strong.control(control, **params)
    with caplog.at_level(logging.DEBUG):
        browser, answer, _ = _http_sign_in(live_server, elli.hetu)
    assert answer.status_code == 400 and urlsplit(answer.url).path == "/oma/auth/callback/"
    assert REFUSED["fi"] in answer.text
    assert _reasons(caplog) == [reason]
    assert CLIENT_KEY not in _session_of(browser).load()
    assert browser.get(f"{live_server.url}/oma/plan/").url.endswith("/oma/")
    _nothing_logged_of(elli.hetu, caplog)


def _choose_language(live_server, browser: requests.Session, language: str) -> None:
    page = browser.get(f"{live_server.url}/oma/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    browser.post(f"{live_server.url}/oma/language/", data={
        "language": language, "next": "/oma/", "csrfmiddlewaretoken": token})


def test_a_county_requiring_high_accepts_an_identification_at_high(strong, elli, live_server,
                                                                    settings):
    settings.CLIENT_OIDC_ACR_VALUES = (HIGH,)
    browser, answer, _ = _http_sign_in(live_server, elli.hetu)
    assert urlsplit(answer.url).path == "/oma/plan/" and answer.status_code == 200
    assert _session_of(browser)[CLIENT_KEY] == elli.pk


@pytest.mark.parametrize(("given", "language", "detail", "words"), [
    (SUBSTANTIAL, "fi", SUBSTANTIAL, "varmuustasolla"),
    ("", "sv", "missing", "tillitsnivå"),
    ("http://eidas.europa.eu/LoA/low", "en", "http://eidas.europa.eu/LoA/low",
     "level of assurance"),
], ids=["substantial_when_high_required", "no_level", "another_level"])
def test_an_identification_below_the_required_level_is_refused(
        strong, elli, live_server, settings, caplog, given, language, detail, words):
    """The real provider gives the level ``given`` (as when the person used a weaker means);
    the county requires high."""
    settings.CLIENT_OIDC_ACR_VALUES = (HIGH,)
    strong.control("acr", value=given)
    browser = _browser()
    _choose_language(live_server, browser, language)
    with caplog.at_level(logging.DEBUG):
        _, answer, _ = _http_sign_in(live_server, elli.hetu, browser)
    assert answer.status_code == 400 and urlsplit(answer.url).path == "/oma/auth/callback/"
    assert answer.headers["Content-Language"] == language
    assert REFUSED[language] in answer.text and words in answer.text
    assert _reasons(caplog) == ["acr_not_accepted"]
    assert [r.detail for r in _events(caplog, "client_oidc_refused")] == [detail]
    assert CLIENT_KEY not in _session_of(browser).load()
    assert not _events(caplog, "client_signed_in")
    _nothing_logged_of(elli.hetu, caplog)


def _csrf(page_text: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_text).group(1)


def test_signing_out_ends_the_identification_session_too(strong, elli, live_server, caplog):
    with caplog.at_level(logging.DEBUG):
        browser, answer, _ = _http_sign_in(live_server, elli.hetu)
        end_session = requests.get(f"{strong.issuer}/.well-known/openid-configuration",
                                   timeout=10).json()["end_session_endpoint"]
        # The provider holds the person's session: it asks whether to end it.
        assert "op.logoutForm" in browser.get(end_session).text
        session_key = browser.cookies.get(django_settings.SESSION_COOKIE_NAME)
        assert _session_of(browser)[auth.ID_TOKEN_KEY].count(".") == 4  # kept encrypted
        out = browser.post(f"{live_server.url}/oma/sign-out/",
                           data={"csrfmiddlewaretoken": _csrf(answer.text)},
                           allow_redirects=False)
        # A page of Luotsi's posts the request to the provider: the hint holds the identity
        # code, so it is in no address (no redirect, no query) and the page is not stored.
        assert out.status_code == 200 and "Location" not in out.headers
        assert out.headers["Cache-Control"] == "no-store"
        form = re.search(r'<form action="([^"]+)" method="post" data-auto-submit>(.*?)</form>',
                         out.text, re.DOTALL)
        assert form.group(1) == end_session
        query = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">',
                                form.group(2)))
        assert set(query) == {"id_token_hint", "client_id", "post_logout_redirect_uri", "state",
                              "ui_locales"}
        assert query["client_id"] == CLIENT_ID and query["ui_locales"] == "fi"
        assert query["post_logout_redirect_uri"] == f"{live_server.url}/oma/"
        for url in re.findall(r'(?:href|src|action)="([^"]*)"', out.text):
            assert query["id_token_hint"] not in url and elli.hetu not in url
        # The hint is the provider's own signed ID token for Luotsi.
        keys = KeySet.import_key_set(requests.get(f"{strong.issuer}/jwks", timeout=10).json())
        hint = jwt.decode(query["id_token_hint"], keys, algorithms=["RS256"]).claims
        assert hint["aud"] == CLIENT_ID and hint["iss"] == strong.issuer
        # Luotsi's own session ended first (and was logged as before): a new session holding
        # only the state and the language, nothing of the client or the token.
        assert browser.cookies.get(django_settings.SESSION_COOKIE_NAME) != session_key
        left = _session_of(browser).load()
        assert left[auth.LOGOUT_STATE_KEY] == query["state"] and left[LANGUAGE_KEY] == "fi"
        assert CLIENT_KEY not in left and auth.ID_TOKEN_KEY not in left
        assert [r.person_id for r in _events(caplog, "client_signed_out")] == [elli.pk]
        assert browser.get(f"{live_server.url}/oma/plan/").url == f"{live_server.url}/oma/"
        # The provider's confirmation, then back to Luotsi's page saying the client is out.
        confirm = browser.post(end_session, data=query)
        assert confirm.history == [] and elli.hetu not in confirm.url
        action = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)"',
                           confirm.text).group(1)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text).group(1)
        back = browser.post(urljoin(confirm.url, action), data={"xsrf": xsrf, "logout": "yes"})
        assert back.history[-1].headers["Location"] == (
            f"{live_server.url}/oma/?state={query['state']}")
        assert all(elli.hetu not in r.headers.get("Location", "") for r in back.history)
        assert urlsplit(back.url).path == "/oma/" and back.status_code == 200
        assert "Olet kirjautunut ulos Luotsista ja tunnistuspalvelusta" in back.text
        # The state is used once: the same address again says nothing of a sign-out.
        assert "Olet kirjautunut ulos" not in browser.get(back.url).text
        # The provider's session is gone: nothing left there to end.
        assert "op.logoutForm" not in browser.get(end_session).text
    _nothing_logged_of(elli.hetu, caplog)


def test_a_forged_return_from_sign_out_says_nothing(strong, live_server):
    answer = requests.get(f"{live_server.url}/oma/", params={"state": "made-up"}, timeout=10)
    assert answer.status_code == 200 and "Olet kirjautunut ulos" not in answer.text


def test_without_an_end_session_endpoint_sign_out_stays_at_luotsi(strong, elli, live_server,
                                                                   monkeypatch):
    browser, answer, _ = _http_sign_in(live_server, elli.hetu)
    document = {key: value for key, value in auth.provider.discovery().items()
                if key != "end_session_endpoint"}
    monkeypatch.setattr(auth.provider, "discovery", lambda: document)
    out = browser.post(f"{live_server.url}/oma/sign-out/",
                       data={"csrfmiddlewaretoken": _csrf(answer.text)}, allow_redirects=False)
    assert (out.status_code, out.headers["Location"]) == (302, "/oma/")
    assert CLIENT_KEY not in _session_of(browser).load()


def test_an_expired_id_token_is_refused(strong, elli, live_server, caplog, monkeypatch):
    monkeypatch.setattr(auth, "CLOCK_LEEWAY_SECONDS", 0)
    strong.control("expire-id-tokens")
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        _, answer, _ = _http_sign_in(live_server, elli.hetu)
    assert answer.status_code == 400 and _reasons(caplog) == ["expired_token"]


@pytest.mark.parametrize(("language", "words"), [
    ("fi", "ei ole kelvollinen"), ("sv", "inte giltig"), ("en", "not valid")])
def test_an_invalid_identity_code_is_refused_in_the_clients_language(strong, live_server,
                                                                     caplog, language, words):
    browser = _browser()
    page = browser.get(f"{live_server.url}/oma/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    browser.post(f"{live_server.url}/oma/language/", data={
        "language": language, "next": "/oma/", "csrfmiddlewaretoken": token})
    with caplog.at_level(logging.DEBUG):
        _, answer, _ = _http_sign_in(live_server, INVALID_HETU, browser)
    assert answer.status_code == 400 and answer.headers["Content-Language"] == language
    assert REFUSED[language] in answer.text and words in answer.text
    assert _reasons(caplog) == ["invalid_identity_code"]
    _nothing_logged_of(INVALID_HETU, caplog)


def test_a_person_of_whom_luotsi_holds_nothing_gets_a_friendly_page(strong, live_server,
                                                                     caplog):
    with caplog.at_level(logging.DEBUG):
        browser, answer, _ = _http_sign_in(live_server, UNKNOWN_HETU)
    assert answer.status_code == 200 and "Luotsilla ei ole tietoja sinusta" in answer.text
    assert len(_events(caplog, "client_oidc_no_data")) == 1
    assert CLIENT_KEY not in _session_of(browser).load()
    _nothing_logged_of(UNKNOWN_HETU, caplog)


def test_a_cancelled_identification_is_refused_and_ends_the_flow(strong, live_server, caplog):
    browser, authorize = _http_start(live_server)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        answer = browser.get(f"{live_server.url}/oma/auth/callback/",
                             params={"error": "access_denied", "state": state})
    assert answer.status_code == 400 and "peruttiin" in answer.text
    assert _reasons(caplog) == ["provider_error"]
    assert state not in _session_of(browser).load().get(auth.FLOWS_KEY, {})


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_client_strong_identification__sign_in_no_data_and_refusal_in_chromium(
        strong, elli, new_page, language, live_server):
    """The area's sign-in page offers strong identification; an identified person unknown to
    Luotsi gets a friendly page, an invalid identity code a refusal, both in the chosen
    language; a known client lands on their plan. Every Luotsi page is checked with axe."""
    elli.language = language
    elli.save(update_fields=["language"])
    page = new_page()
    page.goto("/oma/")
    if language != "fi":
        page.select_option("#oma-language", language)
        with page.expect_navigation():
            page.click(".oma-language button")
    assert page.locator("a[href='/oma/auth/start/']").count() == 1
    assert page.locator("a[href='/oma/demo/']").count() == 0  # demo identification: demo only
    assert_accessible(page)

    def identify(login: str) -> None:
        page.goto("/oma/")
        page.click("a[href='/oma/auth/start/']")
        page.wait_for_selector("input[name=login]")  # the provider's own sign-in form
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", "anything")
        with page.expect_navigation(url=re.compile(r"/oma/")):
            page.click("button[type=submit]")
        page.wait_for_load_state()

    identify(UNKNOWN_HETU)
    assert_path(page, "/oma/auth/callback/")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)

    identify(INVALID_HETU)
    assert REFUSED[language] in page.locator("h1").inner_text()
    assert page.locator(".oma-error[role=alert]").count() == 1
    assert_accessible(page)

    identify(elli.hetu)
    assert_path(page, "/oma/plan/")
    assert "Elli" in page.content()
    assert_accessible(page)
    assert hetu.clean(elli.hetu) not in page.url


def test_client_sign_out_at_the_provider_in_chromium(strong, elli, new_page, live_server):
    """Signing out of My Luotsi shows a page saying so, which posts the end-session request to
    the provider (by its script, or by its button where scripts do not run); the provider's own
    sign-out sends the browser back to the area's front page, which says so. Neither the token
    nor the identity code is ever in an address. Every Luotsi page is checked with axe."""
    elli.language = "sv"
    elli.save(update_fields=["language"])
    page = new_page()
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))

    def sign_in() -> None:
        page.goto("/oma/")
        page.click("a[href='/oma/auth/start/']")
        page.wait_for_selector("input[name=login]")
        page.fill("input[name=login]", elli.hetu)
        page.fill("input[name=password]", "anything")
        with page.expect_navigation(url=re.compile(r"/oma/plan/")):
            page.click("button[type=submit]")
        assert_accessible(page)

    def back_from_the_provider() -> None:
        assert page.url == strong.issuer + "/session/end"  # posted: no query
        with page.expect_navigation(url=re.compile(r"/oma/")):
            page.click("button[value=yes]")  # the provider's "Yes, sign me out"
        assert_path(page, "/oma/")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert "Du har loggat ut" in page.locator(".oma-notice[role=status]").inner_text()
        assert_accessible(page)

    # Without the script (blocked here): the page stays, says so, and its button goes on.
    sign_in()
    page.route("**/js/oma-sign-out.js", lambda route: route.abort())
    with page.expect_navigation(url=re.compile(r"/oma/sign-out/")):
        page.click("form.oma-sign-out button[type=submit]")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "Du har loggat ut från Mitt Luotsi" in page.locator(
        ".oma-notice[role=status]").inner_text()
    assert page.locator("form[data-auto-submit] input[type=hidden]").count() == 5
    assert_accessible(page)
    with page.expect_navigation(url=re.compile(re.escape(strong.issuer))):
        page.click("form[data-auto-submit] button[type=submit]")
    back_from_the_provider()
    page.unroute("**/js/oma-sign-out.js")

    # With the script: the page posts the request by itself.
    sign_in()
    with page.expect_navigation(url=re.compile(re.escape(strong.issuer))):
        page.click("form.oma-sign-out button[type=submit]")
    back_from_the_provider()
    code = hetu.clean(elli.hetu)
    assert not [url for url in addresses if code in url or code.replace("-", "") in url]
    assert not [url for url in addresses if "id_token_hint" in url]
