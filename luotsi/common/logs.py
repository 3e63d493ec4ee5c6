"""Structured logs: every record carries the request id and the signed-in professional's id.

Only ids go into a record's context: never a name, an identity code or a query string (a search
term can be a person's name). ``config/settings.py`` writes the records as JSON lines to stdout.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from luotsi.common.context import current_user_id, request_id_or_empty, user_id_set


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to each record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a failed request after the middleware has finished with it: the
        # ids are then read from the request the record carries.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", "") or request_id_or_empty()
        user = getattr(request, "user", None)
        if user is not None:
            user_id = str(user.pk) if user.is_authenticated else ""
        else:
            user_id = current_user_id()
        record.user_id = user_id
        return True


class LuotsiJsonFormatter(JsonFormatter):
    """JSON lines without the extras that can carry personal data: Django's ``request`` (its
    repr has the query string) and the server socket."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "taskName", "request", "server_time"])
        super().__init__(*args, **kwargs)


class UserIdMiddleware:
    """After authentication: the signed-in professional's id into the log context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        user_id = str(user.pk) if user is not None and user.is_authenticated else ""
        with user_id_set(user_id):
            return self.get_response(request)
