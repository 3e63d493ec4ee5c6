"""Request id, language choice and keeping a form posted after the session timed out."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import urlencode

from luotsi.common.context import request_id_set

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed X-Request-ID) for logs and the access log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        with request_id_set(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def language_for(request) -> str:
    """The language cookie if set; for the API the Accept-Language header; otherwise Finnish."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in _SUPPORTED:
        return chosen
    if request.path.startswith("/api/"):
        accepted = translation.get_language_from_request(request)
        if accepted and accepted[:2] in _SUPPORTED:
            return accepted[:2]
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Finnish unless the person chose another language (or an API client asks for one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


PENDING_FORM_KEY = "luotsi_pending_form"
_NEVER_KEEP = {"csrfmiddlewaretoken", "password"}


class PendingFormMiddleware:
    """A form posted after the idle timeout is not lost.

    The post is kept in the (new, anonymous) session, the user signs in again, and the form page
    offers the kept values (``pending_form_data``) so that the user only needs to press save.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not request.path.startswith(("/api/", "/login", "/admin/", "/i18n/", "/oma/"))
            and _csrf_ok(request)
        ):
            data = {k: v for k, v in request.POST.lists() if k not in _NEVER_KEEP}
            request.session[PENDING_FORM_KEY] = {"path": request.path, "data": data}
            login_url = resolve_url(settings.LOGIN_URL)
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path(), "expired": "1"})
            return HttpResponseRedirect(f"{login_url}?{query}")
        return self.get_response(request)


def _csrf_ok(request) -> bool:
    """Only a genuine form of ours is kept; anything else goes on to be refused as usual."""
    checker = CsrfViewMiddleware(lambda req: None)
    return checker.process_view(request, _plain_view, (), {}) is None


def _plain_view(request):  # pragma: no cover - never called, only inspected by the CSRF check
    return None


def pending_form_data(request) -> QueryDict | None:
    """The values of a form this user posted to this page after the session had expired."""
    pending = request.session.get(PENDING_FORM_KEY)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[PENDING_FORM_KEY]
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    return data


CACHE_ALLOWED_ATTR = "luotsi_cache_allowed"


def cache_allowed(view):
    """Mark a view whose answers carry no client data, so ``NoStoreMiddleware`` leaves them be."""
    setattr(view, CACHE_ALLOWED_ATTR, True)
    return view


class NoStoreMiddleware(MiddlewareMixin):
    """``Cache-Control: no-store`` on every answer to a signed-in user and every API answer.

    Client data (persons, contacts, queues, searches, plans, shared clients, reports and their
    CSV and PDF files) must never stay in a browser's or a proxy's cache, so the rule is set at
    its cause for all such answers rather than view by view; a view whose answers carry no client
    data may opt out with ``@cache_allowed``. Static files (WhiteNoise, earlier in the chain) and
    pages for anonymous visitors, such as the login page, are left to their own headers.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, CACHE_ALLOWED_ATTR, False):
            request.luotsi_cache_allowed = True

    def process_response(self, request, response):
        if getattr(request, "luotsi_cache_allowed", False):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
        return response
