"""``Idempotency-Key`` for POST operations: a retried request is answered, never repeated.

An operation that creates something wraps its write::

    outcome = idempotency.run(request, lambda: (201, body))
    return Status(outcome.status, outcome.body)

Without the header the handler simply runs. With it:

- the first request runs the handler and stores its status and JSON body under
  (user, key) **in the same transaction** as the write, so either both are saved or neither;
- the same key with the same request (method, path with query string, canonical JSON body)
  replays the stored status and body without running the handler again
  (``outcome.replayed`` is true; operations send ``Idempotent-Replayed: true``);
- the same key with a different request is refused with 409 (code ``conflict``);
- keys are scoped per user: another professional's identical key is another record;
- a refused request (4xx raised by the handler) is not stored and rolls back the reservation,
  so the client may correct it and retry with the same key;
- two concurrent requests with one key are serialised by the unique (user, key) constraint: the
  second waits for the first to commit, then is answered from its record.

Operations check access (the gateway, which logs) *before* calling ``run`` so a replay is still
refused to someone who has lost access, and a refusal is logged outside the transaction that a
failing handler rolls back.

Records keep response bodies that may hold client data, so they live ``RETENTION``: a user's
expired records are removed when they store a new one, and ``manage.py purge`` removes the rest.
An operation whose answer must be read again on a replay stores only what rebuilding it needs
(registering a contact stores the contact's id) and reads the record again through the gateway.

``once`` is the same store without an HTTP request: a page's form carries its own key (the
contact registration form's hidden key, stored as ``web-…``) so posting it twice saves once.
An operation may name another ``fingerprint`` that also makes two requests the same: registering a
contact accepts the fingerprint of the contact's entries, which its keys were stored with before
they moved to this store (and which the registration form uses).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder

from luotsi.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool = False


def _json_ready(body: Any) -> Any:
    """The body as plain JSON data (dates as ISO strings), exactly as it will be replayed."""
    return json.loads(json.dumps(body, cls=NinjaJSONEncoder))


def request_fingerprint(request) -> str:
    """A hash of what makes two requests "the same": method, full path and canonical body."""
    raw = request.body or b""
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        body = raw.hex()
    material = json.dumps([request.method, request.get_full_path(), body],
                          ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(ch) <= 126 for ch in key):
        raise ValidationError({HEADER: [
            _("The Idempotency-Key must be 1–%(max)s visible ASCII characters.")
            % {"max": MAX_KEY_LENGTH}]})
    return key


class KeyReused(Exception):
    """The key was already used by this professional for a different request."""


def _answer(record: IdempotencyRecord, digests: tuple[str, ...]) -> Outcome:
    if record.fingerprint not in digests:
        raise KeyReused
    return Outcome(record.response_status, record.response_body, replayed=True)


def _stored(user, key: str) -> IdempotencyRecord | None:
    return (IdempotencyRecord.objects
            .filter(user=user, key=key, created_at__gte=timezone.now() - RETENTION)
            .first())


def once(*, user, key: str, fingerprints: tuple[str, ...], method: str, path: str,
         handler: Callable[[], tuple[int, Any]]) -> Outcome:
    """Run ``handler`` (returning ``(status, body)``) at most once per (user, key). The first of
    ``fingerprints`` is stored; a retry whose record holds any of them gets the stored outcome,
    another request with the key raises ``KeyReused``."""
    record = _stored(user, key)
    if record is not None:
        return _answer(record, fingerprints)
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(
                user=user, created_at__lt=timezone.now() - RETENTION).delete()
            # The reservation: a concurrent request with the same key blocks on the unique
            # (user, key) index here until this transaction ends.
            record = IdempotencyRecord.objects.create(
                user=user, key=key, method=method[:10], path=path[:500],
                fingerprint=fingerprints[0], response_status=0)
            status, body = handler()
            record.response_status = status
            record.response_body = _json_ready(body)
            record.save(update_fields=["response_status", "response_body"])
    except IntegrityError:
        # Another request with this key committed first; answer from its record. An
        # IntegrityError of the handler itself (no record) is not ours to hide.
        record = _stored(user, key)
        if record is None:
            raise
        return _answer(record, fingerprints)
    return Outcome(record.response_status, record.response_body)


def run(request, handler: Callable[[], tuple[int, Any]], *,
        fingerprint: str | None = None) -> Outcome:
    """``once`` for an API operation: the key from the ``Idempotency-Key`` header, the request's
    fingerprint (and the operation's own ``fingerprint``, if it gives one, as the same request);
    a reused key answers 409."""
    key = _key(request)
    if key is None:
        status, body = handler()
        return Outcome(status, _json_ready(body))
    try:
        return once(user=request.auth, key=key,
                    fingerprints=(request_fingerprint(request),
                                  *((fingerprint,) if fingerprint else ())),
                    method=request.method, path=request.get_full_path(), handler=handler)
    except KeyReused:
        raise HttpError(409, _("This Idempotency-Key was already used for a different request. "
                               "Use a new key for a new request.")) from None


def purge_expired(now=None) -> int:
    """Remove records older than ``RETENTION``; returns how many were removed."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
