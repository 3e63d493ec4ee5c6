"""Keeping the client's own area (``/oma/``) apart from the professionals' Luotsi.

``ClientAreaMiddleware``: a client's session reaches nothing outside ``/oma/`` (404); a session
that somehow holds both a staff sign-in and a client's ends at once; under ``/oma/`` the
request carries ``request.client`` (a ``Person`` or ``None``), the language is the client's own,
and every answer is ``no-store``.

``CsrfSecretInSessionMiddleware``: under ``/oma/`` the CSRF secret of Django's CSRF middleware
is kept in the session rather than in a cookie of its own, so the area stores nothing in the
browser but the session cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404
from django.utils import translation

from luotsi.oma.session import CLIENT_KEY, client_language, current_client, in_area

CSRF_SESSION_FIELD = "oma_csrf"  # the session key holding the CSRF secret under /oma/


class ClientAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if CLIENT_KEY in session and request.user.is_authenticated:
            logout(request)  # never both at once: both sign-ins end
        area = in_area(request.path)
        if not area:
            if CLIENT_KEY in session:
                request.client_area = True  # the "not found" page of the client's own area
                request.client = None  # its header offers nothing outside /oma/ pages
                raise Http404()
            return self.get_response(request)
        request.client_area = True
        request.client = current_client(request)
        language = client_language(request, request.client)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Content-Language"] = language
        return response


class CsrfSecretInSessionMiddleware:
    """Before Django's CSRF middleware: under ``/oma/`` the CSRF secret it reads as a cookie is
    taken from the session, and the cookie it sets is moved into the session instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not in_area(request.path):
            return self.get_response(request)
        name = settings.CSRF_COOKIE_NAME
        secret = request.session.get(CSRF_SESSION_FIELD)
        if secret:
            request.COOKIES[name] = secret
        else:
            request.COOKIES.pop(name, None)  # a cookie from elsewhere is never used here
        response = self.get_response(request)
        morsel = response.cookies.pop(name, None)
        if morsel is not None and morsel.value and morsel.value != secret:
            request.session[CSRF_SESSION_FIELD] = morsel.value
        return response
