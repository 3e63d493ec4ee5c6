"""The client's strong identification: starting it, the provider's answer at the redirect URI
(``<site>/oma/auth/callback/``) and Luotsi's published keys (``<site>/oma/auth/jwks.json``).
The protocol is in ``auth.py``; the client's own session in ``session.py``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from luotsi.common.addresses import client_address
from luotsi.oma import auth
from luotsi.oma.session import sign_in

security_log = logging.getLogger("luotsi.security")

# Refusals that are Luotsi's or the provider's trouble, not the answer's.
_UNAVAILABLE = {"provider_unreachable", "discovery_issuer_mismatch", "discovery_incomplete",
                "own_key_unusable"}


def _log_refusal(request, exc: auth.Refused) -> None:
    level = logging.ERROR if exc.reason == "own_key_unusable" else logging.WARNING
    security_log.log(level, "Client's strong identification refused: %s", exc.reason, extra={
        "event": "client_oidc_refused", "reason": exc.reason, "detail": exc.detail[:200],
        "address": client_address(request)})


def _refused(request, exc: auth.Refused):
    _log_refusal(request, exc)
    return render(request, "oma/auth_refused.html", {
        "message": exc.message, "oma_idle_minutes": settings.CLIENT_IDLE_TIMEOUT_MINUTES,
    }, status=503 if exc.reason in _UNAVAILABLE else 400)


def _may_start(request) -> bool:
    """Not while a professional is signed in (the area's sign-in page tells them to sign out
    first)."""
    return not request.user.is_authenticated


@require_GET
def start(request):
    """The "sign in with strong identification" button: the browser to the provider."""
    if not auth.configured():
        raise Http404()
    if not _may_start(request) or getattr(request, "client", None) is not None:
        return redirect("oma:home")
    try:
        url = auth.begin(request, language=request.LANGUAGE_CODE)
    except auth.Refused as exc:
        return _refused(request, exc)
    return HttpResponseRedirect(url)


@require_GET
def callback(request):
    """The provider's answer: the client signed in to their own session and sent to their
    plan; a refusal or an identified person of whom Luotsi holds nothing gets a page of its own
    (logged, without the identity code)."""
    if not auth.configured():
        raise Http404()
    if not _may_start(request):
        return redirect("oma:home")
    try:
        outcome = auth.finish(request)
    except auth.Refused as exc:
        return _refused(request, exc)
    if outcome.person is None:
        security_log.info("Client identified, but Luotsi holds no data of them", extra={
            "event": "client_oidc_no_data", "address": client_address(request)})
        return render(request, "oma/auth_no_data.html", {
            "oma_idle_minutes": settings.CLIENT_IDLE_TIMEOUT_MINUTES})
    sign_in(request, outcome.person, method="strong_identification")
    # For ending the identification session at the provider when the client signs out; kept
    # only in the server-side session, as received (encrypted to Luotsi's key).
    request.session[auth.ID_TOKEN_KEY] = outcome.id_token
    return redirect("oma:plan")


@require_GET
def jwks(request):
    """Luotsi's public keys (signing and encryption) for the provider."""
    if not auth.configured():
        raise Http404()
    try:
        key_set = auth.public_key_set()
    except auth.Refused as exc:
        _log_refusal(request, exc)
        return JsonResponse({"keys": []}, status=503)
    return JsonResponse(key_set)
