"""The client's strong identification through OpenID Connect, as Finland's identification
services do it (Suomi.fi e-Identification and the identification brokers of the Finnish Trust
Network):

- the authorization code flow with ``state``, ``nonce`` and PKCE (S256), the three kept in the
  session per sign-in under way, each ``state`` used once and for ``FLOW_SECONDS`` at most;
  ``prompt=login``: the provider identifies the person every time; where the provider says it
  takes request objects (``request_parameter_supported``), the request also goes as one signed
  with Luotsi's key (the Finnish Trust Network's profile asks for signed requests); an ``iss``
  in the answer (RFC 9207) must name the configured issuer; ``acr_values`` asks for the levels
  of assurance of ``LUOTSI_CLIENT_OIDC_ACR_VALUES`` (by default Suomi.fi's substantial and
  high);
- client authentication ``private_key_jwt``: a client assertion signed with Luotsi's own key
  (``LUOTSI_CLIENT_OIDC_KEY``), ``iss`` and ``sub`` the client id, ``aud`` the token endpoint,
  a fresh ``jti``, one minute of life;
- the ID token must come encrypted (JWE) to Luotsi's key; a signed-only token is refused. Inside
  it, the provider's signature is checked against its published keys (fetched again once when a
  token names a key not known yet), and the issuer, the audience (and ``azp``), the expiry, the
  issue time, the subject and the nonce, and its ``acr`` must be one of the accepted levels (a
  missing or another level is refused: a client's data is shown only after identification at
  the level the county requires);
- the personal identity code is taken from the claim named by
  ``LUOTSI_CLIENT_OIDC_HETU_CLAIM`` (asked for as an essential claim of the ID token), validated
  (``people.hetu``) and matched to a person through the keyed lookup hash
  (``people.lookup.find_by_hetu``); it is never stored, logged or shown back to the client;
- every refusal has a ``reason`` for the security log and a message for the client, in the
  client's language, that reveals nothing of the token;
- signing out ends the session at the provider too (RP-initiated logout 1.0, where the
  discovery document names an ``end_session_endpoint``): the ID token as received (encrypted to
  Luotsi's key) is kept in the client's server-side session and decrypted at sign-out for the
  ``id_token_hint``; the browser posts the request from a page of Luotsi's (the hint holds the
  identity code, so it never goes in a URL); the provider sends the browser back to the area's
  front page with the ``state`` kept in the new session, which then says the client is signed
  out.

The public keys are published for the provider at ``<site>/oma/auth/jwks.json``
(``public_key_set``). The JOSE work is joserfc's (``luotsi.common.jose_keys`` reads the key).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc import jwe, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry
from joserfc.registry import HeaderParameter, InvalidHeaderValueError

from luotsi.common.jose_keys import CONTENT_ENCRYPTION, KeyProblem, OwnKey, load_own_key
from luotsi.common.oidc_provider import ProviderCache
from luotsi.people import hetu, lookup
from luotsi.people.models import Person

FLOWS_KEY = "oma_oidc_flows"  # session: state → nonce, PKCE verifier, start time
# The signed-in client's session: the ID token as received (encrypted).
ID_TOKEN_KEY = "oma_oidc_id_token"  # noqa: S105 - a session key, not a secret
LOGOUT_STATE_KEY = "oma_oidc_logout_state"  # after sign-out: the state sent to the provider
FLOW_SECONDS = 10 * 60
MAX_FLOWS = 3  # sign-ins under way in one session (other tabs); the oldest is dropped
ASSERTION_SECONDS = 60
# Clock difference allowed between the provider and Luotsi when checking exp and iat.
CLOCK_LEEWAY_SECONDS = 30
# The provider's signing algorithms accepted inside the encrypted ID token (never "none", never
# a shared-secret HMAC).
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512")
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _string_or_strings(value) -> None:
    if not (isinstance(value, str) or (isinstance(value, list)
                                       and all(isinstance(item, str) for item in value))):
        raise InvalidHeaderValueError("a string or a list of strings")


# Claims a provider may replicate into the encrypted token's header (RFC 7519, 5.3), as
# oidc-provider does; the signed claims inside are the ones checked.
_REPLICATED_CLAIMS = {
    "iss": HeaderParameter("Issuer, replicated from the claims", "str"),
    "sub": HeaderParameter("Subject, replicated from the claims", "str"),
    "aud": HeaderParameter("Audience, replicated from the claims", _string_or_strings),
}

# The client's messages by what went wrong (``Refused.message``).
MESSAGES = {
    "cancelled": _("The identification was cancelled or did not succeed, so you were not "
                   "signed in. You can try again."),
    "used": _("This sign-in has already been used or has expired. Start signing in again."),
    "unreachable": _("The identification service cannot be reached just now. Try again in a "
                     "moment."),
    "unverified": _("The identification could not be verified, so you were not signed in. Try "
                    "again; if this happens again, tell your worker."),
    "level": _("The identification was not made at the level of assurance this service requires, "
               "so you were not signed in. Sign in again with your online banking codes, a mobile "
               "certificate or an identity card."),
    "no_code": _("The identification service did not tell us your personal identity code, so "
                 "you could not be signed in. Tell your worker."),
}


class Refused(Exception):
    """A sign-in refused. ``reason`` goes to the security log (never a token or an identity
    code); ``message`` is what the client is told."""

    def __init__(self, reason: str, message_key: str = "unverified", *, detail: str = "",
                 message=None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.message = message if message is not None else MESSAGES[message_key]


def configured() -> bool:
    return bool(settings.CLIENT_OIDC_ISSUER and settings.CLIENT_OIDC_CLIENT_ID
                and settings.CLIENT_OIDC_KEY and settings.CLIENT_OIDC_HETU_CLAIM)


def own_key() -> OwnKey:
    try:
        return load_own_key(settings.CLIENT_OIDC_KEY)
    except KeyProblem as exc:
        raise Refused("own_key_unusable", detail=str(exc)) from exc


def public_key_set() -> dict:
    """Luotsi's public keys for the provider (signing and encryption)."""
    return own_key().public_key_set()


class _ProviderCache(ProviderCache):
    """The provider's discovery document and published signing keys, per process and issuer."""

    def signing_key(self, kid: str | None, alg: str) -> RSAKey | ECKey:
        """The provider's published key for ``kid`` (the only one fitting ``alg`` when the token
        names none); the keys are fetched again once when it is not among them."""
        jwks_uri = self.discovery()["jwks_uri"]
        keys = self.cached_keys(jwks_uri)
        for attempt in (0, 1):
            if keys is None or attempt:
                keys = self.fetch_keys(jwks_uri)
            fitting = [jwk for jwk in keys if jwk.get("kty") in ("RSA", "EC")
                       and jwk.get("alg", alg) == alg
                       and (jwk.get("kid") == kid if kid else True)]
            if len(fitting) == 1:
                try:
                    return KeySet.import_key_set({"keys": fitting}).keys[0]
                except (JoseError, ValueError, TypeError, KeyError) as exc:
                    raise Refused("unusable_provider_key", detail=str(kid)) from exc
            if len(fitting) > 1:
                raise Refused("ambiguous_provider_key", detail=str(kid))
        raise Refused("unknown_key", detail=str(kid)[:100])


def _provider_refused(reason: str, detail: str) -> Refused:
    return Refused(reason, "unreachable", detail=detail)


provider = _ProviderCache(
    "CLIENT_OIDC_ISSUER", _provider_refused,
    required_endpoints=("authorization_endpoint", "token_endpoint", "jwks_uri"))


def redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("oma:auth_callback"))


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def begin(request, *, language: str) -> str:
    """Start a sign-in: a new state, nonce and PKCE verifier into the session; answers the
    provider's authorization URL the browser is sent to."""
    document = provider.discovery()
    endpoint = document["authorization_endpoint"]
    own_key()  # a sign-in that could not be finished is not started
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    now = int(time.time())
    flows = {key: flow for key, flow in request.session.get(FLOWS_KEY, {}).items()
             if now - flow.get("at", 0) < FLOW_SECONDS}
    for stale in sorted(flows, key=lambda key: flows[key]["at"])[:max(0, len(flows) - MAX_FLOWS + 1)]:
        del flows[stale]
    flows[state] = {"nonce": nonce, "verifier": verifier, "at": now}
    request.session[FLOWS_KEY] = flows
    claim = settings.CLIENT_OIDC_HETU_CLAIM
    params = {
        "response_type": "code",
        "client_id": settings.CLIENT_OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri(request),
        "scope": settings.CLIENT_OIDC_SCOPE,
        "state": state,
        "nonce": nonce,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        "ui_locales": language,
        # Identification every time: a session left at the provider (a shared computer) never
        # signs the next person in.
        "prompt": "login",
        "claims": json.dumps({"id_token": {claim: {"essential": True}}}, separators=(",", ":")),
        "acr_values": " ".join(settings.CLIENT_OIDC_ACR_VALUES),
    }
    if document.get("request_parameter_supported"):
        params["request"] = request_object(params, now)
    query = urlencode(params)
    return f"{endpoint}{'&' if urlsplit(endpoint).query else '?'}{query}"


def request_object(params: dict[str, str], now: int) -> str:
    """The authorization request as a JWT signed with Luotsi's key (OpenID Connect Core 6.1):
    the same parameters, ``iss`` the client id, ``aud`` the issuer, a minute of life."""
    key = own_key()
    claims: dict[str, object] = {
        **params, "claims": json.loads(params["claims"]),
        "iss": settings.CLIENT_OIDC_CLIENT_ID, "aud": settings.CLIENT_OIDC_ISSUER,
        "iat": now, "nbf": now, "exp": now + ASSERTION_SECONDS,
        "jti": secrets.token_urlsafe(24)}
    header = {"alg": key.signing_algorithm, "kid": key.signing_kid, "typ": "oauth-authz-req+jwt"}
    return jwt.encode(header, claims, key.key, algorithms=[key.signing_algorithm])


def _take_flow(request, state: str) -> dict:
    """The sign-in under way named by ``state``, removed from the session: a state is used
    once, whatever the outcome."""
    flows = dict(request.session.get(FLOWS_KEY, {}))
    flow = flows.pop(state, None)
    request.session[FLOWS_KEY] = flows
    if flow is None:
        raise Refused("unknown_or_used_state", "used")
    if time.time() - flow.get("at", 0) >= FLOW_SECONDS:
        raise Refused("flow_expired", "used")
    return flow


def client_assertion(key: OwnKey, token_endpoint: str) -> str:
    now = int(time.time())
    client_id = settings.CLIENT_OIDC_CLIENT_ID
    header = {"alg": key.signing_algorithm, "kid": key.signing_kid, "typ": "JWT"}
    claims = {"iss": client_id, "sub": client_id, "aud": token_endpoint,
              "jti": secrets.token_urlsafe(24), "iat": now, "exp": now + ASSERTION_SECONDS}
    return jwt.encode(header, claims, key.key, algorithms=[key.signing_algorithm])


def _token_request(code: str, verifier: str, request) -> dict:
    token_endpoint = provider.discovery()["token_endpoint"]
    key = own_key()
    try:
        response = requests.post(token_endpoint, timeout=settings.OIDC_TIMEOUT, data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(request),
            "code_verifier": verifier,
            "client_id": settings.CLIENT_OIDC_CLIENT_ID,
            "client_assertion_type": JWT_BEARER,
            "client_assertion": client_assertion(key, token_endpoint),
        }, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise Refused("provider_unreachable", "unreachable", detail=str(exc)) from exc
    if response.status_code != 200:
        try:
            error = str(response.json().get("error", ""))[:100]
        except ValueError:
            error = ""
        raise Refused("token_request_refused", detail=f"{response.status_code} {error}".strip())
    try:
        answer = response.json()
    except ValueError as exc:
        raise Refused("malformed_token_response") from exc
    if not isinstance(answer, dict):
        raise Refused("malformed_token_response")
    return answer


def _decrypt(id_token: str, key: OwnKey) -> str:
    """The signed token inside the encrypted ID token; an ID token not encrypted is refused."""
    parts = id_token.count(".") + 1
    if parts == 3:
        raise Refused("id_token_not_encrypted")
    if parts != 5:
        raise Refused("malformed_token", detail=f"{parts} parts")
    try:
        registry = jwe.JWERegistry(header_registry=_REPLICATED_CLAIMS,
                                   algorithms=[*key.key_management, *CONTENT_ENCRYPTION])
        decrypted = jwe.decrypt_compact(id_token, key.key, registry=registry)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise Refused("undecryptable_token", detail=type(exc).__name__) from exc
    if decrypted.plaintext is None:
        raise Refused("undecryptable_token")
    try:
        return decrypted.plaintext.decode("ascii")
    except UnicodeDecodeError as exc:
        raise Refused("malformed_token", detail="nested token not ASCII") from exc


def _unverified_header(token: str) -> dict:
    try:
        encoded = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, IndexError) as exc:
        raise Refused("malformed_token", detail="header") from exc
    if not isinstance(header, dict):
        raise Refused("malformed_token", detail="header")
    return header


def verified_claims(id_token: str, nonce: str) -> dict:
    """The claims of the ID token: decrypted with Luotsi's key, its signature checked against
    the provider's published key, and its issuer, audience, times, subject, nonce and level of
    assurance checked."""
    signed = _decrypt(id_token, own_key())
    if signed.count(".") != 2:
        raise Refused("malformed_token", detail="nested token not signed")
    header = _unverified_header(signed)
    alg = header.get("alg")
    if alg not in SIGNING_ALGORITHMS:
        raise Refused("wrong_algorithm", detail=str(alg)[:20])
    key = provider.signing_key(header.get("kid"), alg)
    try:
        token = jwt.decode(signed, key, algorithms=[alg])
    except (JoseError, ValueError, TypeError) as exc:
        raise Refused("invalid_signature", detail=type(exc).__name__) from exc
    claims = token.claims
    client_id = settings.CLIENT_OIDC_CLIENT_ID
    registry = JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY_SECONDS,
        iss={"essential": True, "value": settings.CLIENT_OIDC_ISSUER},
        aud={"essential": True, "value": client_id},
        exp={"essential": True}, iat={"essential": True}, sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        claim = getattr(exc, "claim", "")
        reason = {"iss": "wrong_issuer", "aud": "wrong_audience", "nonce": "nonce_mismatch",
                  "exp": "expired_token"}.get(claim, "invalid_claims")
        if exc.error == "expired_token":
            reason = "expired_token"
        raise Refused(reason, detail=f"{exc.error} {claim}".strip()) from exc
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise Refused("wrong_audience", detail="azp")
    if claims["iat"] > time.time() + CLOCK_LEEWAY_SECONDS:
        raise Refused("invalid_claims", detail="iat in the future")
    acr = claims.get("acr")
    if not isinstance(acr, str) or acr not in settings.CLIENT_OIDC_ACR_VALUES:
        raise Refused("acr_not_accepted", "level",
                      detail=str(acr)[:100] if acr is not None else "missing")
    return claims


def identity_code(claims: dict) -> str:
    """The validated personal identity code from the configured claim; an invalid one is
    refused with the reason (in the client's language) and never repeated back."""
    value = claims.get(settings.CLIENT_OIDC_HETU_CLAIM)
    if not isinstance(value, str) or not value.strip():
        raise Refused("no_identity_code", "no_code")
    try:
        return hetu.clean(value)
    except hetu.HetuError as exc:
        raise Refused("invalid_identity_code", detail=exc.code, message=_(
            "The identification service gave a personal identity code that is not valid, so "
            "you could not be signed in. Tell your worker.")) from exc


@dataclass(frozen=True)
class Outcome:
    person: Person | None  # None: Luotsi holds no data of the identified person
    id_token: str = ""  # as received (encrypted): the hint when signing out at the provider


def finish(request) -> Outcome:
    """The provider's answer at the redirect URI: the flow checked and ended, the code
    exchanged, the ID token read and the person found; raises ``Refused``."""
    params = request.GET
    if params.get("error"):
        state = params.get("state", "")
        if state:
            try:
                _take_flow(request, state)
            except Refused:
                pass
        raise Refused("provider_error", "cancelled", detail=params.get("error", "")[:100])
    code, state = params.get("code", ""), params.get("state", "")
    if not code or not state:
        raise Refused("incomplete_callback", "used")
    flow = _take_flow(request, state)
    if "iss" in params and params["iss"] != settings.CLIENT_OIDC_ISSUER:
        raise Refused("wrong_issuer", detail="iss parameter")  # a mix-up (RFC 9207)
    answer = _token_request(code, flow["verifier"], request)
    id_token = answer.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise Refused("no_id_token")
    claims = verified_claims(id_token, flow["nonce"])
    code_value = identity_code(claims)
    return Outcome(person=lookup.find_by_hetu(code_value), id_token=id_token)


@dataclass(frozen=True)
class EndSession:
    """The end-session request the browser posts to the provider (RP-initiated logout 1.0, 2:
    the provider takes it as GET or POST). Posted, never sent as an address: the hint carries
    the person's identity code, which must never be in a URL (history, proxy and server logs)."""

    endpoint: str
    params: dict[str, str]


def end_session_request(request, id_token: str, *, language: str) -> EndSession | None:
    """The request that ends the identification session at the provider too after Luotsi's own
    sign-out, or ``None`` when the provider has no ``end_session_endpoint`` or cannot be
    reached. Call with the client's session already ended: the ``state`` is kept in the new one
    for the page the provider sends the browser back to."""
    try:
        endpoint = provider.discovery().get("end_session_endpoint")
    except Refused:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    params = {"client_id": settings.CLIENT_OIDC_CLIENT_ID}
    try:
        # The hint is the signed token inside the encrypted one (RP-initiated logout 1.0, 2).
        params["id_token_hint"] = _decrypt(id_token, own_key())
    except Refused:
        pass  # Luotsi's key changed meanwhile: the provider asks the person itself
    state = secrets.token_urlsafe(32)
    request.session[LOGOUT_STATE_KEY] = state
    params.update({
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("oma:home")),
        "state": state, "ui_locales": language})
    return EndSession(endpoint=endpoint, params=params)


def returned_from_sign_out(request) -> bool:
    """Whether this request is the provider sending the browser back after ending its session
    (the ``state`` it was given, used once)."""
    state = request.GET.get("state")
    expected = request.session.pop(LOGOUT_STATE_KEY, None) if state else None
    return bool(expected) and secrets.compare_digest(str(state), str(expected))
