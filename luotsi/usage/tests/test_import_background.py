"""The import's background writer (used on PostgreSQL): batches stored on a second connection,
so the test needs a transactional database, emptied after the test."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from luotsi.usage import importing
from luotsi.usage.models import ServiceEvent
from luotsi.usage.tests.factories import row, write_csv


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
