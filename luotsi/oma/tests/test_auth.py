"""The client's strong identification without a provider: Luotsi's key (JWK or PEM) and its
published public part, the sign-in page's button, the start and the callback's refusals that
need no provider, the ID token checks a real provider cannot be made to fail, and the deploy
check of a half configuration. The whole flow against a real provider is in
tests/e2e/test_e2e_client_oidc.py."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.checks import run_checks
from joserfc import jwe, jwt
from joserfc.jwk import RSAKey

from luotsi.common.jose_keys import KeyProblem, load_own_key
from luotsi.oma import auth
from luotsi.oma.session import CLIENT_KEY
from luotsi.oma.tests.builders import sign_in_client
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://tunnistus.example.fi"
SUBSTANTIAL, HIGH = "http://ftn.ficora.fi/2017/loa2", "http://ftn.ficora.fi/2017/loa3"
CLIENT_ID = "luotsi-asiakas"


def _pem(private_key, password: bytes | None = None) -> bytes:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return private_key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8, encryption)


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_file(tmp_path, rsa_key):
    path = tmp_path / "luotsi.pem"
    path.write_bytes(_pem(rsa_key))
    return str(path)


@pytest.fixture
def configured(settings, key_file):
    settings.CLIENT_OIDC_ISSUER = ISSUER
    settings.CLIENT_OIDC_CLIENT_ID = CLIENT_ID
    settings.CLIENT_OIDC_KEY = key_file
    settings.CLIENT_OIDC_HETU_CLAIM = "hetu"
    auth.provider.clear()
    yield settings
    auth.provider.clear()


def _reasons(caplog) -> list[str]:
    return [r.reason for r in caplog.records if getattr(r, "event", "") == "client_oidc_refused"]


# --- Luotsi's key ------------------------------------------------------------------------------


def test_the_key_is_read_from_a_jwk_or_a_pem_file(tmp_path, rsa_key):
    jwk = RSAKey.generate_key(2048)
    (tmp_path / "key.json").write_text(json.dumps(jwk.as_dict(private=True)))
    (tmp_path / "set.json").write_text(json.dumps({"keys": [jwk.as_dict(private=True)]}))
    (tmp_path / "rsa.pem").write_bytes(_pem(rsa_key))
    (tmp_path / "ec.pem").write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    read = {name: load_own_key(str(tmp_path / name))
            for name in ("key.json", "set.json", "rsa.pem", "ec.pem")}
    assert read["key.json"].thumbprint == read["set.json"].thumbprint == jwk.thumbprint()
    assert [read[n].signing_algorithm for n in read] == ["RS256", "RS256", "RS256", "ES256"]
    assert read["rsa.pem"].key_management[0] == "RSA-OAEP-256"
    assert read["ec.pem"].key_management[0] == "ECDH-ES"


@pytest.mark.parametrize(("case", "words"), [
    ("missing", "cannot be read"),
    ("public_only", "only a public key"),
    ("short_rsa", "at least 2048 bits"),
    ("password", "protected by a password"),
    ("symmetric", "must be RSA or EC"),
    ("two_keys", "exactly one key"),
    ("not_a_key", "not a PEM private key"),
], ids=lambda value: value if isinstance(value, str) and " " not in value else "")
def test_an_unusable_key_file_is_refused_with_the_reason(tmp_path, rsa_key, case, words):
    path = tmp_path / "key"
    two = [RSAKey.generate_key(2048).as_dict(private=True) for _ in range(2)]
    contents = {
        "public_only": json.dumps(RSAKey.generate_key(2048).as_dict(private=False)).encode(),
        "short_rsa": _pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)),  # noqa: S505
        "password": _pem(rsa_key, b"secret-password"),
        "symmetric": json.dumps({"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"}).encode(),
        "two_keys": json.dumps({"keys": two}).encode(),
        "not_a_key": b"hello",
    }
    if case in contents:
        path.write_bytes(contents[case])
    with pytest.raises(KeyProblem, match=words) as raised:
        load_own_key(str(path))
    assert "BEGIN" not in str(raised.value)


def test_the_published_keys_are_the_public_part_for_signing_and_for_encryption(client,
                                                                               configured):
    answer = client.get("/oma/auth/jwks.json")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    keys = answer.json()["keys"]
    assert [(k["use"], k.get("alg")) for k in keys] == [("sig", "RS256"), ("enc", None)]
    assert all(set(k) <= {"kty", "n", "e", "kid", "use", "alg"} for k in keys)
    assert keys[0]["kid"] != keys[1]["kid"]


def test_the_published_keys_answer_503_and_log_when_the_key_cannot_be_read(client, configured,
                                                                            caplog):
    configured.CLIENT_OIDC_KEY = "/nonexistent/luotsi.pem"
    with caplog.at_level(logging.ERROR, logger="luotsi.security"):
        answer = client.get("/oma/auth/jwks.json")
    assert answer.status_code == 503 and answer.json() == {"keys": []}
    assert _reasons(caplog) == ["own_key_unusable"]


def test_nothing_of_it_answers_until_configured(client, settings):
    settings.CLIENT_OIDC_ISSUER = ""
    for url in ("/oma/auth/start/", "/oma/auth/callback/", "/oma/auth/jwks.json"):
        assert client.get(url).status_code == 404, url


# --- the sign-in page and the start --------------------------------------------------------------


def test_the_sign_in_page_offers_strong_identification_when_configured(client, settings,
                                                                       key_file):
    settings.DEMO_MODE = False
    html = client.get("/oma/").content.decode()
    assert "/oma/auth/start/" not in html and "/oma/demo/" not in html
    settings.CLIENT_OIDC_ISSUER, settings.CLIENT_OIDC_CLIENT_ID = ISSUER, CLIENT_ID
    settings.CLIENT_OIDC_KEY = key_file
    html = client.get("/oma/").content.decode()
    assert "/oma/auth/start/" not in html  # half configured: not offered
    settings.CLIENT_OIDC_HETU_CLAIM = "hetu"
    html = client.get("/oma/").content.decode()
    assert 'href="/oma/auth/start/"' in html and "/oma/demo/" not in html
    settings.DEMO_MODE = True  # demo identification beside it, in demo mode only
    html = client.get("/oma/").content.decode()
    assert 'href="/oma/auth/start/"' in html and 'href="/oma/demo/"' in html


def test_a_professional_signed_in_is_not_sent_to_the_provider(client, configured, alice):
    client.force_login(alice)
    answer = client.get("/oma/auth/start/")
    assert (answer.status_code, answer["Location"]) == (302, "/oma/")


def test_an_unreachable_provider_is_a_clear_page_not_a_500(client, configured, caplog):
    configured.CLIENT_OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        answer = client.get("/oma/auth/start/", HTTP_ACCEPT_LANGUAGE="fi")
    assert answer.status_code == 503
    assert "Tunnistuspalveluun ei juuri nyt saada yhteyttä" in answer.content.decode()
    assert _reasons(caplog) == ["provider_unreachable"]


# --- the callback's refusals without a provider ------------------------------------------------


def test_a_callback_without_code_or_with_an_unknown_state_is_refused(client, configured,
                                                                     caplog):
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        missing = client.get("/oma/auth/callback/")
        unknown = client.get("/oma/auth/callback/", {"code": "x", "state": "made-up"})
        long = client.get("/oma/auth/callback/", {"code": "x" * 10_000, "state": "\x00"})
    assert missing.status_code == unknown.status_code == long.status_code == 400
    assert "Aloita kirjautuminen uudelleen" in unknown.content.decode()
    assert _reasons(caplog) == [
        "incomplete_callback", "unknown_or_used_state", "unknown_or_used_state"]
    assert CLIENT_KEY not in client.session


def test_a_sign_in_left_too_long_is_refused(client, configured, caplog):
    session = client.session
    session[auth.FLOWS_KEY] = {"old": {"nonce": "n", "verifier": "v",
                                       "at": int(time.time()) - auth.FLOW_SECONDS - 1}}
    session.save()
    with caplog.at_level(logging.WARNING, logger="luotsi.security"):
        answer = client.get("/oma/auth/callback/", {"code": "x", "state": "old"})
    assert answer.status_code == 400
    assert _reasons(caplog) == ["flow_expired"]
    assert "old" not in client.session[auth.FLOWS_KEY]


def test_a_signed_in_client_keeps_their_session_on_a_bad_callback(client, configured):
    person = PersonFactory()
    sign_in_client(client, person)
    assert client.get("/oma/auth/callback/", {"code": "x", "state": "y"}).status_code == 400
    assert client.session[CLIENT_KEY] == person.pk


# --- the ID token checks a real provider will not fail ------------------------------------------


@pytest.fixture
def provider_key(monkeypatch):
    key = RSAKey.generate_key(2048, parameters={"kid": "op-1"})
    monkeypatch.setattr(auth.provider, "signing_key", lambda kid, alg: key)
    return key


def _id_token(provider_key, key_file, *, header=None, encrypt_with=None, **claims) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "pairwise-1", "iat": now,
               "exp": now + 300, "nonce": "the-nonce", "acr": HIGH, **claims}
    payload = {k: v for k, v in payload.items() if v is not None}
    signed = jwt.encode(header or {"alg": "RS256", "kid": "op-1"}, payload, provider_key)
    recipient = encrypt_with or load_own_key(key_file).key
    return jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT"},
                               signed, recipient, algorithms=["RSA-OAEP-256", "A256GCM"])


@pytest.mark.parametrize(("claims", "reason"), [
    ({"nonce": "another"}, "nonce_mismatch"),
    ({"nonce": None}, "nonce_mismatch"),
    ({"iss": "https://other.example.fi"}, "wrong_issuer"),
    ({"aud": "other-client"}, "wrong_audience"),
    ({"aud": [CLIENT_ID, "other-client"]}, "wrong_audience"),  # no azp naming Luotsi
    ({"exp": int(time.time()) - 3600}, "expired_token"),
    ({"sub": None}, "invalid_claims"),
], ids=["nonce", "no_nonce", "issuer", "audience", "audiences_without_azp", "expired",
        "no_subject"])
def test_an_id_token_whose_claims_do_not_hold_is_refused(configured, provider_key, key_file,
                                                         claims, reason):
    token = _id_token(provider_key, key_file, **claims)
    with pytest.raises(auth.Refused) as refused:
        auth.verified_claims(token, "the-nonce")
    assert refused.value.reason == reason


def test_several_audiences_are_accepted_when_azp_names_luotsi(configured, provider_key,
                                                              key_file):
    token = _id_token(provider_key, key_file, aud=[CLIENT_ID, "other"], azp=CLIENT_ID)
    assert auth.verified_claims(token, "the-nonce")["sub"] == "pairwise-1"


@pytest.mark.parametrize(("accepted", "acr", "reason"), [
    ((SUBSTANTIAL, HIGH), SUBSTANTIAL, None),
    ((SUBSTANTIAL, HIGH), HIGH, None),
    ((HIGH,), SUBSTANTIAL, "acr_not_accepted"),  # the county requires high
    ((SUBSTANTIAL, HIGH), "http://eidas.europa.eu/LoA/low", "acr_not_accepted"),
    ((SUBSTANTIAL, HIGH), None, "acr_not_accepted"),
    ((SUBSTANTIAL, HIGH), [HIGH], "acr_not_accepted"),
], ids=["substantial", "high", "substantial_when_high_required", "low", "missing", "not_a_string"])
def test_the_level_of_assurance_must_be_one_accepted(configured, provider_key, key_file,
                                                     accepted, acr, reason):
    configured.CLIENT_OIDC_ACR_VALUES = accepted
    token = _id_token(provider_key, key_file, acr=acr)
    if reason is None:
        assert auth.verified_claims(token, "the-nonce")["acr"] == acr
        return
    with pytest.raises(auth.Refused) as refused:
        auth.verified_claims(token, "the-nonce")
    assert refused.value.reason == reason
    assert refused.value.message == auth.MESSAGES["level"]
    assert refused.value.detail == ("missing" if acr is None else str(acr))


def test_the_default_levels_are_suomi_fi_substantial_and_high(settings):
    assert settings.CLIENT_OIDC_ACR_VALUES == (SUBSTANTIAL, HIGH)


def test_an_id_token_encrypted_to_another_key_or_unsigned_inside_is_refused(
        configured, provider_key, key_file):
    other = RSAKey.generate_key(2048)
    with pytest.raises(auth.Refused) as refused:
        auth.verified_claims(_id_token(provider_key, key_file, encrypt_with=other), "the-nonce")
    assert refused.value.reason == "undecryptable_token"
    own = load_own_key(key_file).key
    unsigned = jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256GCM"},
                                   json.dumps({"iss": ISSUER}), own,
                                   algorithms=["RSA-OAEP-256", "A256GCM"])
    with pytest.raises(auth.Refused) as refused:
        auth.verified_claims(unsigned, "the-nonce")
    assert refused.value.reason == "malformed_token"


@pytest.mark.parametrize(("value", "reason"), [
    (None, "no_identity_code"), ("", "no_identity_code"), (12, "no_identity_code"),
    ("131052-308X", "invalid_identity_code"), ("١٣١٠٥٢-308T", "invalid_identity_code"),
], ids=["missing", "empty", "number", "checksum", "arabic_digits"])
def test_an_identity_code_claim_that_is_no_valid_code_is_refused(configured, value, reason):
    with pytest.raises(auth.Refused) as refused:
        auth.identity_code({"hetu": value} if value is not None else {})
    assert refused.value.reason == reason
    assert "131052" not in str(refused.value.message) and "131052" not in refused.value.detail


def test_the_identity_code_is_normalised_before_the_lookup(configured):
    assert auth.identity_code({"hetu": " 131052-308t "}) == "131052-308T"


# --- the deploy check ---------------------------------------------------------------------------


def _client_oidc_warnings():
    return sorted(m.id for m in run_checks(include_deployment_checks=True)
                  if m.id.startswith("luotsi.W02"))


def test_the_deploy_check_warns_of_a_half_configuration(settings, key_file):
    for name in ("ISSUER", "CLIENT_ID", "KEY", "HETU_CLAIM"):
        setattr(settings, f"CLIENT_OIDC_{name}", "")
    assert _client_oidc_warnings() == []
    settings.CLIENT_OIDC_ISSUER = ISSUER
    assert _client_oidc_warnings() == ["luotsi.W020"]
    settings.CLIENT_OIDC_CLIENT_ID, settings.CLIENT_OIDC_HETU_CLAIM = CLIENT_ID, "hetu"
    settings.CLIENT_OIDC_KEY = key_file
    assert _client_oidc_warnings() == []
    settings.CLIENT_OIDC_KEY = key_file + ".missing"
    assert _client_oidc_warnings() == ["luotsi.W021"]
    settings.CLIENT_OIDC_KEY, settings.CLIENT_OIDC_ISSUER = key_file, "http://127.0.0.1:9"
    assert _client_oidc_warnings() == ["luotsi.W022"]


def test_a_staff_member_and_a_client_never_share_the_session(client, configured):
    """The callback keeps a professional out (the area's sign-in page tells them to sign out
    of Luotsi first)."""
    client.force_login(UserFactory())
    answer = client.get("/oma/auth/callback/", {"code": "x", "state": "y"})
    assert (answer.status_code, answer["Location"]) == (302, "/oma/")


def test_signing_out_after_demo_identification_stays_at_luotsi(client, configured, monkeypatch):
    """Only a session begun with strong identification is ended at the provider."""

    def no_provider():
        raise AssertionError("the provider is not asked")

    monkeypatch.setattr(auth.provider, "discovery", no_provider)
    sign_in_client(client, PersonFactory())
    answer = client.post("/oma/sign-out/")
    assert (answer.status_code, answer["Location"]) == (302, "/oma/")
    assert CLIENT_KEY not in client.session and auth.LOGOUT_STATE_KEY not in client.session


END_SESSION = f"{ISSUER}/session/end"
CODE = "131052-308T"


def _signed_in_strongly(client, provider_key, key_file) -> str:
    """A client signed in with strong identification (the ID token as received kept in the
    session); answers the signed token inside it, which holds the identity code."""
    sign_in_client(client, PersonFactory(language="sv"))
    session = client.session
    session[auth.ID_TOKEN_KEY] = _id_token(provider_key, key_file, hetu=CODE)
    session.save()
    return auth._decrypt(session[auth.ID_TOKEN_KEY], load_own_key(key_file))


def _urls_of(answer) -> list[str]:
    """Every address in an answer: its Location and the page's href, src and action."""
    text = answer.content.decode()
    return [answer.get("Location", ""), *re.findall(r'(?:href|src|action)="([^"]*)"', text)]


def test_signing_out_posts_the_end_session_request_from_a_page(client, configured, provider_key,
                                                               key_file, monkeypatch, caplog):
    """The ID token holds the identity code, so the end-session request is posted from a page
    of Luotsi's (submitted by a static script, a button without one), never sent as an address:
    neither the token nor the code is in any URL, and the page is not stored."""
    monkeypatch.setattr(auth.provider, "discovery", lambda: {"end_session_endpoint": END_SESSION})
    signed = _signed_in_strongly(client, provider_key, key_file)
    assert CODE in json.dumps(jwt.decode(signed, provider_key).claims)
    with caplog.at_level(logging.DEBUG):
        answer = client.post("/oma/sign-out/")
    assert answer.status_code == 200 and "Location" not in answer
    assert answer["Cache-Control"] == "no-store"
    assert answer["Content-Language"] == "sv"
    text = answer.content.decode()
    form = re.search(r'<form action="([^"]+)" method="post" data-auto-submit>(.*?)</form>', text,
                     re.DOTALL)
    assert form and form.group(1) == END_SESSION
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)))
    state = client.session[auth.LOGOUT_STATE_KEY]
    assert fields == {"client_id": CLIENT_ID, "id_token_hint": signed,
                      "post_logout_redirect_uri": "http://testserver/oma/", "state": state,
                      "ui_locales": "sv"}
    assert "csrfmiddlewaretoken" not in form.group(2)  # Luotsi's CSRF token stays at Luotsi
    assert re.search(r'<button type="submit"[^>]*>Fortsätt logga ut</button>', form.group(2))
    assert "Du har loggat ut från Mitt Luotsi" in text
    assert '<script src="/static/js/oma-sign-out.js" defer></script>' in text
    assert "<script>" not in text  # no inline script: the policy allows scripts from self only
    for url in _urls_of(answer):
        assert signed not in url and CODE not in url and CODE.replace("-", "") not in url
    assert CLIENT_KEY not in client.session and auth.ID_TOKEN_KEY not in client.session
    for record in caplog.records:
        logged = f"{record.getMessage()} {record.__dict__}"
        assert signed.split(".")[1] not in logged and CODE not in logged


def test_the_content_security_policy_lets_the_page_post_to_the_provider(settings):
    """The page's form posts to the provider and its script is Luotsi's own."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert "'self'" in directives["form-action"]
