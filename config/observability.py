"""Error reporting to a Sentry-compatible service (``SENTRY_DSN``), without personal data.

Events carry the exception, the stack without local variables, the request's method and path, and
the request id. Request bodies, cookies, headers that identify a session, query strings (a search
term can be a name or an identity code), user data and breadcrumbs (they can hold SQL parameters
and log lines) are dropped before an event leaves the process.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

_KEPT_HEADERS = {"host", "user-agent", "x-request-id", "content-type", "accept-language"}


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's ``before_send``: keep what locates the failure, drop what can identify a person."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        url = request.get("url")
        if isinstance(url, str):
            parts = urlsplit(url)
            request["url"] = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {name: value for name, value in headers.items()
                                  if name.lower() in _KEPT_HEADERS}
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    return event


def init_sentry(dsn: str, *, environment: str, release: str = "") -> None:
    """Start error reporting to ``dsn``: exceptions only, no performance traces, no PII."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), LoggingIntegration(event_level=None, level=None)],
        # send_default_pii stays off (its default; this SDK deprecates passing it in favour of
        # data_collection, which says the same per category and more strictly).
        data_collection={"user_info": False, "http_bodies": [], "stack_frame_variables": False,
                         "database_query_data": False},
        include_local_variables=False,
        max_breadcrumbs=0,
        traces_sample_rate=0.0,
        before_send=scrub_event,
    )
