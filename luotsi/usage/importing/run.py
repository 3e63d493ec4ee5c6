"""The whole import of one file: read, validate and store in batches."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from luotsi.usage import analytics
from luotsi.usage.importing.persons import PersonResolver
from luotsi.usage.importing.readers import open_source
from luotsi.usage.importing.validation import RowValidator
from luotsi.usage.importing.writers import BackgroundWriter, write_batch

logger = logging.getLogger(__name__)


@dataclass
class Result:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    persons_created: int = 0
    copy_months: int = 0  # months of the analytical copy written after the import

    def as_dict(self) -> dict:
        return {"rows": self.rows, "imported": self.imported, "duplicates": self.duplicates,
                "rejected": self.rejected}


def import_events(path: str, *, file_format: str | None = None, batch_size: int = 10_000,
                  progress: Callable[[int, str], Callable[[int], None]] | None = None,
                  after_batch: Callable[[Result], None] | None = None,
                  rejected_limit: int = 10_000, background: bool | None = None) -> Result:
    """Import ``path``; raise ImportFileError when the file cannot be read at all.

    ``progress(total, unit)`` returns an ``advance(n)`` callable. ``after_batch`` is called after
    each committed batch (tests use it to simulate an interruption). ``background`` stores the
    batches on a second connection while the next one is read; by default on PostgreSQL outside
    a transaction.
    """
    source = open_source(path, file_format)
    validator = RowValidator(timezone.localdate())
    name = os.path.basename(path)
    resolver = PersonResolver(name)
    result = Result()
    advance = progress(source.total, source.unit) if progress else None
    if background is None:
        background = connection.vendor == "postgresql" and not connection.in_atomic_block

    def store(batch: tuple) -> None:
        valid, rejected, rows = batch
        imported, created = write_batch(valid, rejected, rows, resolver, name)
        result.imported += imported
        result.duplicates += len(valid) - imported
        result.persons_created += created
        if after_batch:
            after_batch(result)

    writer = BackgroundWriter(store) if background else None
    if writer:
        writer.start()
    shown = 0
    valid: list[tuple] = []
    rejected_in_batch = 0
    rows_in_batch = 0

    def flush() -> None:
        nonlocal valid, rejected_in_batch, rows_in_batch, shown
        if rows_in_batch:
            batch = (valid, rejected_in_batch, rows_in_batch)
            if writer:
                writer.put(batch)
            else:
                store(batch)
        valid, rejected_in_batch, rows_in_batch = [], 0, 0
        if advance:
            position = source.position()
            advance(position - shown)
            shown = position

    clean = validator.clean
    try:
        for number, raw, line in source.rows:
            result.rows += 1
            rows_in_batch += 1
            cleaned = clean(raw)
            if isinstance(cleaned, str):
                rejected_in_batch += 1
                if len(result.rejected) < rejected_limit:
                    item = {"row": number, "reason": cleaned}
                    if line is not None:
                        item["line"] = line
                    result.rejected.append(item)
            else:
                valid.append(cleaned)
            if rows_in_batch >= batch_size:
                flush()
        flush()
    finally:
        if writer:
            writer.finish()  # the batches read so far are stored (or the error re-raised)
    _write_copy(result)
    return result


def _write_copy(result: Result) -> None:
    """The months the file touched, written to the analytical copy when one is configured. If
    that fails the events are stored all the same and the copy's months stay marked behind (they
    are rewritten before they are read, or by ``manage.py events_parquet``)."""
    if not result.imported or not analytics.enabled():
        return
    try:
        result.copy_months = len(analytics.refresh())
    except analytics.CopyUnavailable as error:
        logger.warning("events copy not written: %s", error)
