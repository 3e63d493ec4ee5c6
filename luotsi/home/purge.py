"""What ``manage.py purge`` removes: rows past their documented retention (docs/operations.md).

Each kind is one set-based DELETE of rows whose retention ran out:

- idempotency records older than ``luotsi.api.idempotency.RETENTION`` (24 hours): they keep
  response bodies that may hold client data;
- sessions past their expiry (the idle timeout): Django never deletes them itself;
- outbox mail sent or failed more than ``OUTBOX_RETENTION_DAYS`` (30) ago; waiting mail stays;
- the database cache's expired entries (the API's rate-limit windows), when the cache is the
  database's.

The access log is never touched (the database refuses it anyway, and its retention is the
county's data-management plan's: docs/personal-data.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Q, QuerySet

from luotsi.api.idempotency import RETENTION as IDEMPOTENCY_RETENTION
from luotsi.api.models import IdempotencyRecord
from luotsi.common.models import OutboxMail


@dataclass(frozen=True)
class Kind:
    name: str
    retention: str
    count: Callable[[datetime], int]
    delete: Callable[[datetime], int]


def _kind(name: str, retention: str, rows: Callable[[datetime], QuerySet]) -> Kind:
    def delete(now: datetime) -> int:
        # None of these rows is referenced by others or has signals: one DELETE each.
        return rows(now).delete()[0]

    return Kind(name, retention, lambda now: rows(now).count(), delete)


def _idempotency(now: datetime) -> QuerySet:
    return IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_RETENTION)


def _sessions(now: datetime) -> QuerySet:
    return Session.objects.filter(expire_date__lt=now)


def _outbox(now: datetime) -> QuerySet:
    cutoff = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    return OutboxMail.objects.filter(
        Q(status=OutboxMail.Status.SENT, sent_at__lt=cutoff)
        | Q(status=OutboxMail.Status.FAILED, created_at__lt=cutoff))


def _cache_table() -> str | None:
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND") != "django.core.cache.backends.db.DatabaseCache":
        return None
    table = cache["LOCATION"]
    return table if table in connection.introspection.table_names() else None


def _expired_cache_entries(now: datetime, *, delete: bool) -> int:
    """How many entries of the cache table have expired by ``now``; removed when ``delete``."""
    table = _cache_table()
    if table is None:
        return 0
    statement = "DELETE" if delete else "SELECT COUNT(*)"
    with connection.cursor() as cursor:
        # Nothing of any input in the SQL: one of two statements and the configured table's
        # quoted name.
        cursor.execute(f"{statement} FROM {connection.ops.quote_name(table)} "
                       "WHERE expires < %s", [now])
        return cursor.rowcount if delete else cursor.fetchone()[0]


def kinds() -> list[Kind]:
    return [
        _kind("idempotency records", "24 hours", _idempotency),
        _kind("sessions", "expired", _sessions),
        _kind("sent and failed e-mails", f"{settings.OUTBOX_RETENTION_DAYS} days", _outbox),
        Kind("cache entries", "expired",
             lambda now: _expired_cache_entries(now, delete=False),
             lambda now: _expired_cache_entries(now, delete=True)),
    ]
