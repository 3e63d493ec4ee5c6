"""Writing and verifying the keyed, hash-chained access log.

Each record's ``hash`` is HMAC-SHA256 over the previous record's hash and the record's own fields
in a canonical form, keyed with a key derived from ``settings.ACCESS_LOG_KEY`` (held outside the
database), and ``seq`` runs 1, 2, 3 … without gaps. Changing a field breaks that record's hash;
removing a record breaks the sequence and the next record's ``prev_hash``; and without the key no
one can recompute the hashes after a change, even with the database's own triggers switched off.

Chain versions (``AccessLogEntry.chain_version``): version 1 is the plain SHA-256 chain of the
records written before the chain was keyed; version 2 is keyed. Version-1 records may only form
the log's beginning, followed by the keyed cut-over record that migration
``0004_access_log_keyed_chain`` wrote: its keyed hash covers the last plain hash, so the old
records cannot be rewritten either. A version-1 record after a keyed one, or a log that ends in
version-1 records, is a break.

The newest ``seq`` and hash (``manage.py access_log_anchor``) are shipped outside the database
daily; ``manage.py verify_access_log --expect SEQ:HASH`` then finds a rewritten or removed tail.

Appending takes the chain lock (a transaction-level advisory lock on PostgreSQL; SQLite's writer
lock, taken at BEGIN IMMEDIATE) so concurrent writers never fork the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.common.context import current_request_id

GENESIS = "0" * 64
PLAIN_CHAIN = 1  # records written before the chain was keyed: SHA-256
KEYED_CHAIN = 2  # HMAC-SHA256 with the access-log key
_CHAIN_LOCK_KEY = 7_304_811  # any constant; names the access-log chain among advisory locks
CLIENT_ROLE = "client"  # the role of a client's own reads (``Actor.client``)
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

    @classmethod
    def client(cls, person) -> Actor:
        """A client reading their own data (``luotsi.oma``): no staff account, named by the
        person's id and name, role ``client``."""
        return cls(None, f"{CLIENT_ROLE}:{person.pk}", person.full_name, "", CLIENT_ROLE)


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


def _body(values: dict, version: int) -> str:
    payload = {name: values[name] for name in _FIELDS}
    payload["at"] = _canonical_at(values["at"])
    if version != PLAIN_CHAIN:
        payload["chain_version"] = version
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=4)
def _chain_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"luotsi access log chain v2").derive(secret.encode("utf-8"))


def compute_hash(prev_hash: str, values: dict, version: int = KEYED_CHAIN) -> str:
    """The record's hash: keyed (version 2) for every record written now; plain SHA-256
    (version 1) only to verify the records written before the chain was keyed."""
    message = f"{prev_hash}|{_body(values, version)}".encode()
    if version == PLAIN_CHAIN:
        return hashlib.sha256(message).hexdigest()
    if version == KEYED_CHAIN:
        return hmac.new(_chain_key(settings.ACCESS_LOG_KEY), message, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown access-log chain version {version}")


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
            digest = compute_hash(prev_hash, values, KEYED_CHAIN)
            rows.append(AccessLogEntry(prev_hash=prev_hash, hash=digest,
                                       chain_version=KEYED_CHAIN, **values))
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
    keyed_seen = False
    last = None
    queryset = AccessLogEntry.objects.order_by("seq").values(
        "id", "prev_hash", "hash", "chain_version", *_FIELDS)
    for row in queryset.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            yield Break(expected_seq, row["id"],
                        f"record seq {expected_seq} is missing (next present is {row['seq']})")
            expected_seq = row["seq"]
        if row["prev_hash"] != prev_hash:
            yield Break(row["seq"], row["id"], "prev_hash does not match the previous record")
        version = row["chain_version"]
        if version == PLAIN_CHAIN and keyed_seen:
            yield Break(row["seq"], row["id"],
                        "unkeyed record after the keyed chain began (changed or downgraded)")
        elif version not in (PLAIN_CHAIN, KEYED_CHAIN):
            yield Break(row["seq"], row["id"], f"unknown chain version {version} (changed)")
        elif compute_hash(row["prev_hash"], row, version) != row["hash"]:
            yield Break(row["seq"], row["id"], "content does not match its hash (changed)")
        keyed_seen = keyed_seen or version == KEYED_CHAIN
        prev_hash = row["hash"]
        last = row
        expected_seq += 1
        if progress is not None:
            progress(row["seq"])
    if last is not None and last["chain_version"] == PLAIN_CHAIN:
        yield Break(last["seq"], last["id"],
                    "the log ends in unkeyed records: the keyed cut-over record and what "
                    "followed it were removed or rewritten")


@dataclass(frozen=True)
class Anchor:
    """The newest record's seq and hash, kept outside the database (``SEQ:HASH``)."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, sep, digest = (text or "").strip().partition(":")
        digest = digest.strip().lower()
        if (not sep or not seq.strip().isdigit() or len(digest) != 64
                or any(c not in "0123456789abcdef" for c in digest)):
            raise ValueError(
                "an anchor is SEQ:HASH, the sequence number and the 64 hex digits of the hash "
                "as printed by manage.py access_log_anchor")
        return cls(int(seq), digest)


def latest_anchor() -> Anchor:
    """The anchor of the log as it is now (``0`` and the genesis hash when it is empty)."""
    last = AccessLogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return Anchor(*last) if last else Anchor(0, GENESIS)


def check_anchor(anchor: Anchor) -> str | None:
    """Why the log does not hold ``anchor`` (a cut tail or a rewritten record), or None."""
    if anchor.seq == 0:
        return None if anchor.hash == GENESIS else "an anchor of seq 0 has the genesis hash"
    row = AccessLogEntry.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
    if row is None:
        newest = latest_anchor().seq
        if newest < anchor.seq:
            return (f"the log was cut: it ends at seq {newest}, but the anchor names seq "
                    f"{anchor.seq}")
        return f"record seq {anchor.seq} of the anchor is missing"
    if row != anchor.hash:
        return (f"record seq {anchor.seq} differs from the anchor: its hash is {row}, the "
                f"anchor's {anchor.hash} (the record or one before it was rewritten)")
    return None
