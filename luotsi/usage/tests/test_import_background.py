"""The import's background writer (used on PostgreSQL): batches stored on a second connection,
so the test needs a transactional database, emptied after the test."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module

import pytest

from luotsi.usage import importing
from luotsi.usage.models import ServiceEvent
from luotsi.usage.tests.factories import row, write_csv

_APPEND_ONLY = import_module("luotsi.access.migrations.0002_access_log_append_only")


def _triggers(*, back: bool) -> None:
    from django.db import connection

    with connection.schema_editor() as editor:
        _APPEND_ONLY.reverse(None, editor)
        if back:
            _APPEND_ONLY.forward(None, editor)


@pytest.fixture(scope="module", autouse=True)
def _append_only_back_after_module(django_db_setup, django_db_blocker):
    yield  # after the last test's flush
    with django_db_blocker.unblock():
        _triggers(back=True)


@pytest.fixture
def flushable_db(transactional_db):
    """The flush after the test empties every table; the access log's append-only triggers
    would refuse it, so they are dropped just before and put back after the module."""
    yield
    _triggers(back=False)


def test_import__background_writer_stores_every_batch_and_stops_on_interrupt(tmp_path,
                                                                            flushable_db):
    rows = [row(n % 10, event_date=(date(2025, 1, 1) + timedelta(days=n)).isoformat())
            for n in range(25)]
    path = write_csv(tmp_path / "e.csv", rows)
    calls = []

    def stop_after_first(result):
        calls.append(result.imported)
        if len(calls) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importing.import_events(path, batch_size=10, after_batch=stop_after_first, background=True)
    assert ServiceEvent.objects.count() == 10
    result = importing.import_events(path, batch_size=10, background=True)
    assert (result.rows, result.imported, result.duplicates) == (25, 15, 10)
    assert ServiceEvent.objects.count() == 25
