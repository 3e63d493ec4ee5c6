"""Writing and verifying the hash-chained access log.

Each record's ``hash`` is SHA-256 over the previous record's hash and the record's own fields in
a canonical form, and ``seq`` runs 1, 2, 3 … without gaps. Changing a field breaks that record's
hash; removing a record breaks the sequence and the next record's ``prev_hash``.

Appending takes the chain lock (a transaction-level advisory lock on PostgreSQL; SQLite's writer
lock, taken at BEGIN IMMEDIATE) so concurrent writers never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.common.context import current_request_id

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 7_304_811  # any constant; names the access-log chain among advisory locks
_FIELDS = ("seq", "at", "user_id", "username", "user_name", "team", "role", "person_id",
           "category", "action", "basis", "outcome", "request_id", "detail")


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    user_name: str
    team: str
    role: str

    @classmethod
    def of(cls, user, team_code: str | None = None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, "anonymous", "", "", "")
        if team_code is None:
            team = user.primary_team()
            team_code = team.code if team else ""
        return cls(user.pk, user.get_username(), user.get_full_name(), team_code, user.role)


@dataclass(frozen=True)
class Event:
    person_id: int | None
    category: str
    action: str
    basis: str
    outcome: str
    detail: str = ""


def _canonical_at(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(prev_hash: str, values: dict) -> str:
    payload = {name: values[name] for name in _FIELDS}
    payload["at"] = _canonical_at(values["at"])
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def append(actor: Actor, events: Iterable[Event]) -> list[AccessLogEntry]:
    """Append events for one actor to the chain, in one transaction, and return the records."""
    events = list(events)
    if not events:
        return []
    request_id = current_request_id()
    now = timezone.now()
    with transaction.atomic():
        _lock_chain()
        last = AccessLogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = last if last else (0, GENESIS)
        rows = []
        for event in events:
            seq += 1
            values = {
                "seq": seq,
                "at": now,
                "user_id": actor.user_id,
                "username": actor.username,
                "user_name": actor.user_name,
                "team": actor.team,
                "role": actor.role,
                "person_id": event.person_id,
                "category": event.category,
                "action": event.action,
                "basis": event.basis,
                "outcome": event.outcome,
                "request_id": request_id,
                "detail": event.detail[:500],
            }
            digest = compute_hash(prev_hash, values)
            rows.append(AccessLogEntry(prev_hash=prev_hash, hash=digest, **values))
            prev_hash = digest
        AccessLogEntry.objects.bulk_create(rows)
    return rows


def record(user, *, person_id: int | None, category: str, action: str, basis: str,
           outcome: str, detail: str = "", team_code: str | None = None) -> AccessLogEntry:
    """Append one record for ``user``."""
    return append(
        Actor.of(user, team_code),
        [Event(person_id, category, action, basis, outcome, detail)],
    )[0]


@dataclass(frozen=True)
class Break:
    seq: int
    entry_id: int | None
    reason: str


def verify(batch_size: int = 5000,
           progress: Callable[[int], None] | None = None) -> Iterator[Break]:
    """Walk the chain in order and yield every break found (the first one is the one to chase).

    ``progress``, when given, is called with each record's seq once the record is checked.
    """
    expected_seq = 1
    prev_hash = GENESIS
    queryset = AccessLogEntry.objects.order_by("seq").values("id", "prev_hash", "hash", *_FIELDS)
    for row in queryset.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            yield Break(expected_seq, row["id"],
                        f"record seq {expected_seq} is missing (next present is {row['seq']})")
            expected_seq = row["seq"]
        if row["prev_hash"] != prev_hash:
            yield Break(row["seq"], row["id"], "prev_hash does not match the previous record")
        if compute_hash(row["prev_hash"], row) != row["hash"]:
            yield Break(row["seq"], row["id"], "content does not match its hash (changed)")
        prev_hash = row["hash"]
        expected_seq += 1
        if progress is not None:
            progress(row["seq"])
