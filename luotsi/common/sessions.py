"""Sessions that end after the idle timeout, written once a minute rather than on every request.

The session's expiry (``SESSION_COOKIE_AGE``, the idle timeout) is moved forward when at least
``LUOTSI_SESSION_REFRESH_SECONDS`` (60) have passed since it was last written, so a page costs no
session write when the previous one was moments ago; the timeout then falls between
``SESSION_COOKIE_AGE - 60 s`` and ``SESSION_COOKIE_AGE`` after the last request. A session whose
data changed is always saved.

Besides the idle timeout a signed-in session has an absolute lifetime,
``LUOTSI_SESSION_MAX_HOURS`` (10) from the sign-in: after it the session ends however active it
was, and the user signs in again (a form posted then is kept as after the idle timeout).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
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


SIGNED_IN_AT_KEY = "luotsi_signed_in_at"


def _remember_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_KEY] = int(timezone.now().timestamp())


user_logged_in.connect(_remember_sign_in, dispatch_uid="luotsi_session_signed_in_at")


def past_max_lifetime(session, now=None) -> bool:
    """Whether a signed-in session is older than ``SESSION_MAX_HOURS`` since its sign-in."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    if signed_in_at is None:
        return False
    now = now or timezone.now()
    return now.timestamp() - signed_in_at >= settings.SESSION_MAX_HOURS * 3600


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware that ends a session past its absolute lifetime and saves a
    session whose expiry is due a refresh."""

    def process_request(self, request):
        super().process_request(request)
        session = request.session
        if SIGNED_IN_AT_KEY not in session and "_auth_user_id" in session:
            session[SIGNED_IN_AT_KEY] = int(timezone.now().timestamp())  # signed in before the rule
        if past_max_lifetime(session):
            request.session.flush()  # signed out: the next page asks for a new sign-in

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (session is not None and not session.modified and not session.is_empty()
                and needs_refresh(session)):
            session.modified = True
        return super().process_response(request, response)
