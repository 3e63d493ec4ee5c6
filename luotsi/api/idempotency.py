"""One idempotency mechanism for every write that creates something: a retry is answered, never
repeated. The API's ``Idempotency-Key`` header and a page form's hidden key (stored as ``web-…``)
both land in ``IdempotencyRecord``; nothing else in Luotsi keeps retry keys.

An operation wraps its write with its access check::

    return idempotency.respond(
        request, response,
        access=lambda: selectors.access_client_plan_by_id(user, person_id, detail=…).record,
        handler=lambda plan: (201, body_of(services.goal_add(actor=user, plan=plan, …))),
        private=True)

(``respond`` is ``run`` and the answer: its status and body, ``Idempotent-Replayed: true`` on a
replay and ``Cache-Control: no-store`` on one with client data; an operation that needs the
``Outcome`` itself, for an ETag or an answer read again, calls ``run`` and ``answer_headers``.)

``access`` is required and runs first, on every request: the first one, a retry and a retry
racing the first alike. It is the operation's ``access_*_by_id`` call (or its role check), so a
professional who has lost access since the first request is refused exactly as a new request
would be (404 and the refusal logged by the access function) and **nothing stored is answered
without that check**. Its result is handed to ``handler`` (and to ``replay``), so the write
cannot reach its target any other way. It runs outside the write's transaction, so a refusal
stays logged when a failing write rolls back.

Without a key the handler simply runs. With one:

- the first request runs the handler and stores its status and JSON body under
  (user, key) **in the same transaction** as the write, so either both are saved or neither;
- the same key with the same request (method, path with query string, canonical JSON body)
  gives the stored status and body again without running the handler (``outcome.replayed``;
  operations send ``Idempotent-Replayed: true``). An operation whose answer must be read again
  stores only what rebuilding it needs (the created record's id) and gives ``replay``, which
  reads the record again through its access function: registering a contact or recording
  advice does;
- the same key with a different request is refused with 409 (code ``conflict``);
- keys are scoped per user: another professional's identical key is another record;
- a refused request (4xx raised by the handler) is not stored and rolls back the reservation,
  so the client may correct it and retry with the same key;
- two concurrent requests with one key are serialised by the unique (user, key) constraint: the
  second waits for the first to commit, then is answered from its record.

Records keep response bodies that may hold client data, so they live ``RETENTION``: a user's
expired records are removed when they store a new one, and ``manage.py purge`` removes the rest.

``once`` is the same store without an HTTP request: a page's form carries its own key (a
hidden ``idempotency_key``, stored as ``web-…``) so posting it twice saves once. An operation
may name another ``fingerprint`` that also makes two requests the same: registering a contact
accepts the fingerprint of the contact's entries, which its keys were stored with before they
moved to this store (and which the registration form uses); recording advice the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder, Status

from luotsi.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
RETENTION = timedelta(hours=24)
# What an operation taking the header says of it in the API document.
DOCUMENTED = ("\n\n**Idempotency.** Send an `Idempotency-Key` header (1–200 visible ASCII "
              "characters) to make retries safe: the same key with the same body answers with "
              "the stored result (`Idempotent-Replayed: true`) and creates nothing new; the same "
              "key with a different body is refused with **409** `conflict`. A key is your own "
              "and kept for 24 hours.")
# A page form's own key is stored with this prefix, apart from the API's keys.
FORM_KEY_PREFIX = "web-"


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


def header() -> Any:
    """An operation's ``Idempotency-Key`` parameter (``key: str | None = idempotency.header()``),
    so the API document names the header on every operation that takes it; ``run`` reads and
    checks it."""
    return Header(None, alias=HEADER)


class KeyReused(Exception):
    """The key was already used by this professional for a different request."""


Checked = TypeVar("Checked")
Handler = Callable[[Checked], tuple[int, Any]]
Replay = Callable[[Checked, Any], Any]


def _answer(record: IdempotencyRecord, digests: tuple[str, ...], checked: Checked,
            replay: Replay | None) -> Outcome:
    if record.fingerprint not in digests:
        raise KeyReused
    body = record.response_body if replay is None else replay(checked, record.response_body)
    return Outcome(record.response_status, body, replayed=True)


def _stored(user, key: str) -> IdempotencyRecord | None:
    return (IdempotencyRecord.objects
            .filter(user=user, key=key, created_at__gte=timezone.now() - RETENTION)
            .first())


def once(*, user, key: str, fingerprints: tuple[str, ...], method: str, path: str,
         access: Callable[[], Checked], handler: Handler,
         replay: Replay | None = None) -> Outcome:
    """Check ``access`` (always, first), then run ``handler(checked)`` (returning
    ``(status, body)``) at most once per (user, key). The first of ``fingerprints`` is stored; a
    retry whose record holds any of them gets the stored outcome (its body given to
    ``replay(checked, body)`` when the operation reads its answer again), another request with
    the key raises ``KeyReused``."""
    return _once(access(), user=user, key=key, fingerprints=fingerprints, method=method,
                 path=path, handler=handler, replay=replay)


def _once(checked: Checked, *, user, key: str, fingerprints: tuple[str, ...], method: str,
          path: str, handler: Handler, replay: Replay | None) -> Outcome:
    record = _stored(user, key)
    if record is not None:
        return _answer(record, fingerprints, checked, replay)
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(
                user=user, created_at__lt=timezone.now() - RETENTION).delete()
            # The reservation: a concurrent request with the same key blocks on the unique
            # (user, key) index here until this transaction ends.
            record = IdempotencyRecord.objects.create(
                user=user, key=key, method=method[:10], path=path[:500],
                fingerprint=fingerprints[0], response_status=0)
            status, body = handler(checked)
            record.response_status = status
            record.response_body = _json_ready(body)
            record.save(update_fields=["response_status", "response_body"])
    except IntegrityError:
        # Another request with this key committed first; answer from its record. An
        # IntegrityError of the handler itself (no record) is not ours to hide.
        record = _stored(user, key)
        if record is None:
            raise
        return _answer(record, fingerprints, checked, replay)
    return Outcome(record.response_status, record.response_body)


def form_once(request, form_key: str, *, fingerprint: str, access: Callable[[], Checked],
              handler: Handler, replay: Replay | None = None) -> Outcome:
    """``once`` for a page's form: its hidden key (empty when the browser sent none: the handler
    simply runs) stored as ``web-<key>`` for the signed-in professional, ``fingerprint`` of the
    form's entries as the same request. ``KeyReused`` when the form was saved with other
    entries."""
    if not form_key:
        status, body = handler(access())
        return Outcome(status, _json_ready(body))
    return once(user=request.user, key=f"{FORM_KEY_PREFIX}{form_key}",
                fingerprints=(fingerprint,), method=request.method, path=request.path,
                access=access, handler=handler, replay=replay)


def form_saved_once(request, form, call: Callable[[dict], Any], *,
                    access: Callable[[], Any]) -> Callable[[dict], Any]:
    """``call`` for ``save_through_service``, run at most once per the posted key of ``form``
    (a ``luotsi.common.forms.OnceMixin`` form): posted again with the same entries it saves
    nothing and gives the record the first post saved, read again (``None`` when it is gone
    since); with other entries it is refused on the form. ``access`` is the page's check, as
    for ``once``: the view's ``access_*_by_id`` call for this post."""
    def run(cleaned: dict) -> Any:
        made: list = []

        def handler(_checked) -> tuple[int, dict]:
            made.append(call(cleaned))
            meta = getattr(made[0], "_meta", None)
            return 201, {"id": getattr(made[0], "pk", None),
                         "model": meta.label_lower if meta is not None else None}

        entries = json.dumps([request.path, form.data.get("intent", ""), cleaned],
                             sort_keys=True, default=str, ensure_ascii=False)
        try:
            outcome = form_once(request, form.posted_key,
                                fingerprint=hashlib.sha256(entries.encode("utf-8")).hexdigest(),
                                access=access, handler=handler)
        except KeyReused:
            raise ValidationError(_("This form was already saved with other entries. Open the "
                                    "page again to see what is saved.")) from None
        if made:
            return made[0]
        stored = outcome.body or {}
        if not stored.get("model") or stored.get("id") is None:
            return None
        model = apps.get_model(stored["model"])
        return model._default_manager.filter(pk=stored["id"]).first()
    return run


def run(request, *, access: Callable[[], Checked], handler: Handler,
        replay: Replay | None = None, fingerprint: str | None = None) -> Outcome:
    """``once`` for an API operation: ``access`` first, then the key from the
    ``Idempotency-Key`` header, the request's fingerprint (and the operation's own
    ``fingerprint``, if it gives one, as the same request); a reused key answers 409. Without
    the header the handler simply runs."""
    checked = access()
    key = _key(request)
    if key is None:
        status, body = handler(checked)
        return Outcome(status, _json_ready(body))
    try:
        return _once(checked, user=request.auth, key=key,
                     fingerprints=(request_fingerprint(request),
                                   *((fingerprint,) if fingerprint else ())),
                     method=request.method, path=request.get_full_path(), handler=handler,
                     replay=replay)
    except KeyReused:
        raise HttpError(409, _("This Idempotency-Key was already used for a different request. "
                               "Use a new key for a new request.")) from None


def answer_headers(response, outcome: Outcome | None = None, *, private: bool = True) -> None:
    """The headers of an operation's answer: ``Cache-Control: no-store`` when it carries client
    data (``private``), ``Idempotent-Replayed: true`` when ``outcome`` was replayed."""
    if private:
        response["Cache-Control"] = "no-store"
    if outcome is not None and outcome.replayed:
        response[REPLAYED_HEADER] = "true"


def respond(request, response, *, access: Callable[[], Checked], handler: Handler,
            private: bool = False) -> Status:
    """``run``, answered: the outcome's status and body with ``answer_headers``."""
    outcome = run(request, access=access, handler=handler)
    answer_headers(response, outcome, private=private)
    return Status(outcome.status, outcome.body)


def purge_expired(now=None) -> int:
    """Remove records older than ``RETENTION``; returns how many were removed."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
