"""A transactional test empties the database after itself (``flushable_db``), which needs the
access log's append-only triggers out of the way for that flush only: the next test meets them
again, on both databases. (pytest-django runs the ordinary tests before the transactional ones,
so the test that follows a flush is a transactional one too.)"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from luotsi.access import log
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome


def _write_entry(user) -> AccessLogEntry:
    return log.record(user, person_id=None, category=Category.BASIC_DATA,
                      action=LogAction.VIEW, basis=Basis.CASE, outcome=Outcome.ALLOWED)


def test_1_a_committed_test_writes_to_the_access_log_and_is_flushed(flushable_db, alice):
    assert _write_entry(alice).pk


def test_2_the_next_test_still_meets_the_append_only_triggers(flushable_db, alice):
    entry = _write_entry(alice)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM access_accesslogentry WHERE id = %s", [entry.pk])
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
