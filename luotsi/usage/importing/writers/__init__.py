"""Storing one batch of clean events, each batch in its own transaction, on the database's own
back-end (``postgresql`` or ``generic``); ``BackgroundWriter`` stores them on a second connection
while the next batch is read."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from django.db import connection, transaction

from luotsi.usage.importing.persons import PersonResolver
from luotsi.usage.importing.writers import generic, postgresql
from luotsi.usage.models import ImportBatch, ServiceEvent

keys_for = ServiceEvent.keys_for


def write_batch(valid: list[tuple], rejected: int, rows: int, resolver: PersonResolver,
                source: str) -> tuple[int, int]:
    """Store one batch in one transaction; returns (imported, persons registered)."""
    with transaction.atomic():
        created = resolver.resolve({row[0] for row in valid})
        batch = ImportBatch.objects.create(source=source[:500], rows=rows, rejected=rejected)
        ids = resolver.ids
        events = [(ids[row[0]], *row[1:]) for row in valid]
        # (person id, the five other fields, the key of all six: see ServiceEvent.keys_for)
        events = [(*event, key) for event, key in zip(events, keys_for(events), strict=True)]
        inserter = (postgresql.insert_events if connection.vendor == "postgresql"
                    else generic.insert_events)
        imported = inserter(events, batch.pk) if events else 0
        batch.imported = imported
        batch.duplicates = len(events) - imported
        batch.save(update_fields=["imported", "duplicates"])
    return imported, created


class BackgroundWriter(threading.Thread):
    """Stores batches on its own database connection while the caller reads the next one.

    PostgreSQL works on a batch in its own process while this process parses the next, so the
    two overlap. Batches are stored in order, each in its own transaction; after an error the
    writer stops and the caller re-raises it.
    """

    def __init__(self, store: Callable[[tuple], None]) -> None:
        super().__init__(name="import-writer", daemon=True)
        self.store = store
        self.batches: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while (batch := self.batches.get()) is not None:
                self.store(batch)
        except BaseException as error:  # handed to the caller's thread
            self.error = error
        finally:
            connection.close()

    def put(self, batch: tuple | None) -> None:
        while self.is_alive():
            try:
                self.batches.put(batch, timeout=0.2)
                break
            except queue.Full:
                continue
        self.check()

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def finish(self) -> None:
        self.put(None)
        self.join()
        self.check()
