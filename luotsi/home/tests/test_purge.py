"""``manage.py purge``: what outlived its retention goes, the rest stays, the access log is never
touched, and ``--dry-run`` removes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection

from luotsi.access import log
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.api.models import IdempotencyRecord
from luotsi.common import outbox
from luotsi.common.models import OutboxMail
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                              "LOCATION": "luotsi_cache"}}


def _idempotency(user, key: str, age: dt.timedelta) -> None:
    record = IdempotencyRecord.objects.create(user=user, key=key, method="POST", path="/api/v1/x",
                                              fingerprint="0" * 64, response_status=201)
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=NOW - age)


def _mail(status: str, age: dt.timedelta) -> None:
    mail = outbox.enqueue(kind="deadline", recipient="iris@example.org", subject="Luotsi",
                          body="x")
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=status, created_at=NOW - age,
        sent_at=NOW - age if status == OutboxMail.Status.SENT else None)


def _cache_row(key: str, expires: dt.datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO luotsi_cache (cache_key, value, expires) VALUES (%s, %s, %s)",
                       [key, "x", expires])


@pytest.fixture
def seeded(time_machine, settings):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable")  # as migrate does with the default LUOTSI_CACHE=database
    time_machine.move_to(NOW, tick=False)
    user = UserFactory(username="iris")
    _idempotency(user, "old", dt.timedelta(hours=25))
    _idempotency(user, "new", dt.timedelta(hours=23))
    Session.objects.create(session_key="a" * 32, session_data="e30=",
                           expire_date=NOW - dt.timedelta(minutes=1))
    Session.objects.create(session_key="b" * 32, session_data="e30=",
                           expire_date=NOW + dt.timedelta(minutes=29))
    _mail(OutboxMail.Status.SENT, dt.timedelta(days=31))
    _mail(OutboxMail.Status.SENT, dt.timedelta(days=29))
    _mail(OutboxMail.Status.FAILED, dt.timedelta(days=31))
    _mail(OutboxMail.Status.PENDING, dt.timedelta(days=40))  # still to be sent: kept
    _cache_row(":1:old", NOW - dt.timedelta(seconds=1))
    _cache_row(":1:new", NOW + dt.timedelta(minutes=1))
    for _ in range(3):
        log.record(user, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
                   basis=Basis.NONE, outcome=Outcome.ALLOWED, detail="kept for ever")
    return user


def _purge(*args: str) -> list[str]:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def _counts() -> tuple[int, int, int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM luotsi_cache")
        cache = cursor.fetchone()[0]
    return (IdempotencyRecord.objects.count(), Session.objects.count(),
            OutboxMail.objects.count(), cache, AccessLogEntry.objects.count())


def test_dry_run_counts_and_removes_nothing(seeded):
    before = _counts()

    assert _purge("--dry-run") == [
        "idempotency records (24 hours): would remove 1",
        "sessions (expired): would remove 1",
        "sent and failed e-mails (30 days): would remove 2",
        "cache entries (expired): would remove 1",
        "total: would remove 5",
    ]
    assert _counts() == before


def test_purge_removes_what_outlived_its_retention_and_never_the_access_log(seeded):
    anchor = str(log.latest_anchor())

    assert _purge() == [
        "idempotency records (24 hours): removed 1",
        "sessions (expired): removed 1",
        "sent and failed e-mails (30 days): removed 2",
        "cache entries (expired): removed 1",
        "total: removed 5",
    ]

    assert _counts() == (1, 1, 2, 1, 3)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert sorted(OutboxMail.objects.values_list("status", flat=True)) == ["pending", "sent"]
    out = StringIO()
    call_command("verify_access_log", "--expect", anchor, stdout=out)
    assert "intact" in out.getvalue()
    # Run again: nothing left to remove.
    assert _purge()[-1] == "total: removed 0"


def test_the_outbox_retention_is_configurable(seeded, settings):
    settings.OUTBOX_RETENTION_DAYS = 60

    assert "sent and failed e-mails (60 days): would remove 0" in _purge("--dry-run")


def test_without_the_database_cache_there_are_no_cache_entries_to_remove(seeded, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert "cache entries (expired): would remove 0" in _purge("--dry-run")
