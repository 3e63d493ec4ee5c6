"""Staff sign-in through the county's OpenID Connect provider (Entra ID, Keycloak or similar).

mozilla-django-oidc runs the authorization code flow (state, nonce and PKCE kept in the session,
each state used once); this module adds what a county's deployment needs on top of it:

- configuration by environment only (``LUOTSI_OIDC_ISSUER``, ``LUOTSI_OIDC_CLIENT_ID``,
  ``LUOTSI_OIDC_CLIENT_SECRET``, ``LUOTSI_OIDC_USERNAME_CLAIM``); the endpoints come from the
  issuer's ``/.well-known/openid-configuration``, whose own ``issuer`` must be the configured one;
- the ID token's signature checked against the provider's published keys (JWKS), kept in memory
  and fetched again when a token names a key (``kid``) not among them, so a key rotation at the
  provider needs no restart; issuer, audience, expiry and nonce checked;
- the subject's claim (``preferred_username`` unless configured otherwise) must name an existing
  professional who may sign in (``backends.may_sign_in``: active, and demo logins only in demo
  mode); nobody is created by signing in;
- every refusal logged on ``luotsi.security`` (the log of refused sign-ins) with its reason, never
  a token;
- signing out ends the session at the provider too (its ``end_session_endpoint``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from luotsi.common.addresses import client_address
from luotsi.common.oidc_provider import ProviderCache
from luotsi.organisation.backends import may_sign_in

security_log = logging.getLogger("luotsi.security")

SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"]


class OIDCRefused(Exception):
    """A sign-in through the provider refused; ``reason`` is logged, never shown. (Not a
    SuspiciousOperation: the library would swallow that one and log it without the reason.)"""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def oidc_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID
                and settings.OIDC_RP_CLIENT_SECRET)


class _ProviderCache(ProviderCache):
    """The provider's discovery document and published keys, per process."""

    def key(self, kid: str | None, alg: str) -> jwt.PyJWK:
        """The published key named ``kid``; fetched again once when it is not known yet."""
        jwks_uri = self.discovery()["jwks_uri"]
        keys = self.cached_keys(jwks_uri)
        for attempt in (0, 1):
            if keys is None or attempt:
                keys = self.fetch_keys(jwks_uri)
            fitting = [jwk for jwk in keys if jwk.get("kid") == kid and jwk.get("alg", alg) == alg]
            if fitting:
                return jwt.PyJWK(fitting[-1])
        raise OIDCRefused("unknown_key", str(kid))


provider = _ProviderCache("OIDC_ISSUER", OIDCRefused)


class LuotsiOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of the code flow; answers nothing else (password sign-in and
    API tokens pass it by)."""

    def __init__(self, *args, **kwargs):
        # The endpoints are read from the discovery document when a sign-in needs them, so that
        # listing this backend costs nothing when OpenID Connect is not configured.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        document = provider.discovery()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        if not oidc_configured():
            return None
        self._configure()
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else ""
            raise OIDCRefused("token_request_refused", str(status)) from exc
        except requests.RequestException as exc:
            raise OIDCRefused("provider_unreachable", str(exc)) from exc

    def retrieve_matching_jwk(self, token):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise OIDCRefused("malformed_token", str(exc)) from exc
        return provider.key(header.get("kid"), header.get("alg", ""))

    def _verify_jws(self, payload, key):
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
            if alg != self.OIDC_RP_SIGN_ALGO:
                raise OIDCRefused("wrong_algorithm", str(alg))
            return jwt.decode(
                payload, key, algorithms=[alg], audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]})
        except jwt.ExpiredSignatureError as exc:
            raise OIDCRefused("expired_token", str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise OIDCRefused("wrong_issuer", str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise OIDCRefused("wrong_audience", str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise OIDCRefused("invalid_token", str(exc)) from exc

    def verify_token(self, token, **kwargs):
        if not token:
            raise OIDCRefused("no_id_token")
        try:
            return super().verify_token(token, **kwargs)
        except OIDCRefused:
            raise
        except SuspiciousOperation as exc:  # the library's nonce check
            raise OIDCRefused("nonce_mismatch", str(exc)) from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims; the userinfo endpoint's only where the ID token lacks the
        user-name claim (its subject must be the token's)."""
        claim = settings.OIDC_USERNAME_CLAIM
        if payload.get(claim) or not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return payload
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise OIDCRefused("userinfo_subject_mismatch")
        return {**userinfo, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        user = (self.UserModel.objects.filter(username=username).first()
                if isinstance(username, str) and username else None)
        if user is None:
            raise OIDCRefused("no_such_professional", f"sub={claims.get('sub')}")
        if not may_sign_in(user):
            raise OIDCRefused("may_not_sign_in", f"user={user.pk}")
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and may_sign_in(user) else None


def _refused(request, exc: OIDCRefused) -> HttpResponseRedirect:
    security_log.warning("Sign-in through the identity provider refused: %s", exc.reason, extra={
        "event": "oidc_sign_in_refused", "reason": exc.reason, "detail": exc.detail[:200],
        "address": client_address(request)})
    return HttpResponseRedirect(reverse("login") + "?oidc=refused")


class OIDCSignInView(OIDCAuthenticationRequestView):
    """Starts the code flow: state, nonce and PKCE verifier into the session, then the browser
    to the provider."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr, *args):
        return getattr(settings, attr, *args)

    def get(self, request):
        if not oidc_configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.discovery()["authorization_endpoint"]
        except OIDCRefused as exc:
            return _refused(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer (``<site>/auth/oidc/callback/``): a refused sign-in is logged and
    the browser sent back to the sign-in page with a message."""

    @staticmethod
    def get_settings(attr, *args):
        return getattr(settings, attr, *args)

    @property
    def failure_url(self):
        return reverse("login") + "?oidc=refused"

    def get(self, request):
        if not oidc_configured():
            raise Http404
        if request.GET.get("error"):
            response = super().get(request)
            _refused(request, OIDCRefused("provider_error", request.GET.get("error", "")[:100]))
            return response
        if "code" not in request.GET or "state" not in request.GET:
            return _refused(request, OIDCRefused("incomplete_callback"))
        if request.GET["state"] not in request.session.get("oidc_states", {}):
            return _refused(request, OIDCRefused("unknown_or_used_state"))
        try:
            response = super().get(request)
        except OIDCRefused as exc:
            return _refused(request, exc)
        except SuspiciousOperation as exc:
            return _refused(request, OIDCRefused("suspicious_callback", str(exc)))
        if not request.user.is_authenticated:
            return _refused(request, OIDCRefused("not_signed_in"))
        return response


def provider_logout_url(request, id_token: str) -> str | None:
    """Where the browser goes to end the session at the provider too, if it has such an
    endpoint (RP-initiated logout)."""
    try:
        endpoint = provider.discovery().get("end_session_endpoint")
    except OIDCRefused:
        return None
    if not endpoint:
        return None
    query = urlencode({
        "id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))})
    return f"{endpoint}{'&' if urlsplit(endpoint).query else '?'}{query}"
