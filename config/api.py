"""The JSON API under /api/v1: the root that mounts every app's router, with one error shape for
every failure (``luotsi.api.errors``).

    {"error": {"code": "...", "message": "...", "fields": [{"field": "...", "message": "..."}]}}

It sits in ``config`` beside ``urls.py`` because it is wiring, like the URL configuration: it
imports the routers of every capability, so it is above them all, while the helpers that the
capabilities' APIs use (bearer tokens, errors, input schemas, idempotency, throttling) stay in
``luotsi.api`` at the bottom.
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from luotsi.access.gateway import EmergencyWriteRefused
from luotsi.api.auth import TokenAuth
from luotsi.api.errors import error_body
from luotsi.api.throttling import AddressRateThrottle, TokenRateThrottle

logger = logging.getLogger("luotsi.api.api")  # the logger name the API has always used

api = NinjaAPI(
    title="Luotsi API",
    version="1",
    description="Client guidance and client plans of a wellbeing services county. Every read of "
    "client data goes through the access gateway and is written to the access log.",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle(), AddressRateThrottle()],
    urls_namespace="api",
    docs_url=None,
)


def _loc_field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header")]
    return ".".join(parts) or "body"


def _schema_message(err: dict) -> str:  # noqa: PLR0911 -- one flat dispatch on the error kind
    """The message of one schema error in the user's language (the schema library's own
    messages are English)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "luotsi_invalid":
        return err.get("msg", "")
    if kind == "missing":
        return _("A value is needed for this field.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind == "string_too_long":
        return _("The text is too long: at most %(limit)s characters.") % {
            "limit": ctx.get("max_length")}
    if kind == "too_long":
        return _("Too many items: at most %(limit)s.") % {"limit": ctx.get("max_length")}
    if kind.startswith("datetime"):
        return _("Enter a valid date and time (ISO 8601 with its UTC offset).")
    if kind.startswith("date"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind.startswith("int") or kind in ("greater_than", "greater_than_equal", "less_than",
                                          "less_than_equal"):
        return _("Enter a whole number in the accepted range.")
    if kind.startswith("bool"):
        return _("Enter true or false (a JSON boolean).")
    if kind.startswith("string"):
        return _("Enter the value as a text (a JSON string).")
    if kind in ("literal_error", "enum"):
        return _("Choose one of the accepted codes.")
    return _("This value is not valid for this field.")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    fields = [{"field": _loc_field(err.get("loc", [])), "message": _schema_message(err)}
              for err in exc.errors]
    return api.create_response(
        request, error_body("invalid", _("The request has invalid fields."), fields), status=422)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        fields = [{"field": name, "message": message}
                  for name, messages in exc.message_dict.items() for message in messages]
    else:
        fields = [{"field": "body", "message": message} for message in exc.messages]
    return api.create_response(
        request, error_body("invalid", _("The request has invalid fields."), fields), status=422)


@api.exception_handler(EmergencyWriteRefused)
def on_emergency_write(request, exc: EmergencyWriteRefused):
    """A write whose only basis is emergency access (read-only in this county): 403, with why."""
    return api.create_response(
        request, error_body("emergency_read_only", exc.messages[0]), status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(
        request, error_body("forbidden", _("You may not do this.")), status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    response = api.create_response(
        request, error_body("unauthenticated", _("A valid bearer token is required.")), status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    wait = max(1, math.ceil(exc.wait or 1))
    response = api.create_response(
        request, error_body("too_many_requests", _(
            "Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait}),
        status=429)
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    code = {400: "bad_request", 405: "method_not_allowed", 409: "conflict",
            412: "precondition_failed", 428: "precondition_required"}.get(exc.status_code, "error")
    # The framework's own 400 is a request body it could not read (not JSON).
    message = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return api.create_response(request, error_body(code, message), status=exc.status_code)


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    logger.exception("Unexpected API error", extra={"request_id": getattr(request, "request_id", "")})
    return api.create_response(
        request, error_body("server_error", _("An unexpected error occurred; it was logged.")),
        status=500)


def _register_routers() -> None:
    from luotsi.foresight.api import router as foresight_router
    from luotsi.intake.api import advice_router, assessments_router, contacts_router
    from luotsi.people.api import router as people_router
    from luotsi.plans.api import router as plans_router
    from luotsi.sharedcare.api import router as sharedcare_router
    from luotsi.signals.api import router as signals_router

    api.add_router("/persons", people_router)
    api.add_router("/clients", plans_router)
    api.add_router("/contacts", contacts_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/advice", advice_router)
    api.add_router("/shared-clients", sharedcare_router)
    api.add_router("/signals", signals_router)
    api.add_router("/foresight", foresight_router)


_register_routers()
