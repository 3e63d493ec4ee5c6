"""Sessions that end after the idle timeout, written once a minute rather than on every request.

The session's expiry (``SESSION_COOKIE_AGE``, the idle timeout) is moved forward when at least
``LUOTSI_SESSION_REFRESH_SECONDS`` (60) have passed since it was last written, so a page costs no
session write when the previous one was moments ago; the timeout then falls between
``SESSION_COOKIE_AGE - 60 s`` and ``SESSION_COOKIE_AGE`` after the last request. A session whose
data changed is always saved.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils import timezone


class SessionStore(DatabaseStore):
    """The database store, remembering the expiry it read (to know when to move it)."""

    stored_expiry = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.stored_expiry = stored.expire_date if stored is not None else None
        return stored


def needs_refresh(session, now=None) -> bool:
    """Whether the session's stored expiry is older than the refresh interval allows."""
    expiry = getattr(session, "stored_expiry", None)
    if expiry is None:
        return True
    now = now or timezone.now()
    written = expiry - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return now - written >= timedelta(seconds=settings.SESSION_REFRESH_SECONDS)


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware that also saves a session whose expiry is due a refresh."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (session is not None and not session.modified and not session.is_empty()
                and needs_refresh(session)):
            session.modified = True
        return super().process_response(request, response)
