"""The client's own session identity in their own area (``/oma/``).

A signed-in client is a ``Person`` (their id in the session under ``CLIENT_KEY``), never a staff
account: the staff sign-in (``_auth_user_id``) and the client's never share a session. The
client's session ends after ``CLIENT_IDLE_TIMEOUT_MINUTES`` (15) without a request; the last
request's time is written at most once a minute (``SEEN_KEY``), so the timeout falls between
14 and 15 minutes after the last request.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.middleware.csrf import rotate_token

from luotsi.people.models import DOCUMENT_LANGUAGES, Person

security_log = logging.getLogger("luotsi.security")

AREA = "/oma/"
CLIENT_KEY = "oma_person"
SEEN_KEY = "oma_seen"
LANGUAGE_KEY = "oma_language"
SEEN_WRITE_SECONDS = 60


def in_area(path: str) -> bool:
    return path.startswith(AREA) or path == AREA.rstrip("/")


def idle_limit_seconds() -> int:
    return settings.CLIENT_IDLE_TIMEOUT_MINUTES * 60


def sign_in(request, person: Person, *, method: str) -> None:
    """Begin ``person``'s own session: a new session key and CSRF secret, nothing kept of the
    anonymous session but the language chosen on the sign-in page."""
    language = request.session.get(LANGUAGE_KEY)
    request.session.flush()
    request.session[CLIENT_KEY] = person.pk
    request.session[SEEN_KEY] = int(time.time())
    if language:
        request.session[LANGUAGE_KEY] = language
    rotate_token(request)
    request.client = person
    security_log.info("Client signed in to their own area", extra={
        "event": "client_signed_in", "method": method, "person_id": person.pk})


def sign_out(request) -> None:
    person_id = request.session.get(CLIENT_KEY)
    request.session.flush()
    request.client = None
    if person_id is not None:
        security_log.info("Client signed out of their own area", extra={
            "event": "client_signed_out", "person_id": person_id})


def current_client(request, now: float | None = None) -> Person | None:
    """The signed-in client of this request's session, or ``None``; a session idle for longer
    than the timeout is ended here (``request.client_timed_out`` tells the sign-in page)."""
    session = request.session
    person_id = session.get(CLIENT_KEY)
    if person_id is None:
        return None
    now = time.time() if now is None else now
    seen = session.get(SEEN_KEY, 0)
    if now - seen >= idle_limit_seconds():
        session.flush()
        request.client_timed_out = True
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        session.flush()
        return None
    if now - seen >= SEEN_WRITE_SECONDS:
        session[SEEN_KEY] = int(now)
    return person


def client_language(request, client: Person | None) -> str:
    """The area's language: the client's own (fi/sv/en; Finnish for others) once signed in,
    before that the one chosen on the sign-in page, else Finnish."""
    if client is not None:
        return client.document_language
    chosen = request.session.get(LANGUAGE_KEY, "")
    return chosen if chosen in DOCUMENT_LANGUAGES else settings.LANGUAGE_CODE
