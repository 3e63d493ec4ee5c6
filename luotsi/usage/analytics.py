"""The service events' analytical copy: Parquet files by month, read with DuckDB.

The events table stays the source of truth. Beside it, in ``settings.EVENTS_PARQUET_DIR``
(``LUOTSI_EVENTS_PARQUET_DIR``), each month of events is one Parquet file (``YYYY-MM.parquet``:
the event id, the person id, the date, the sector and the kind, sorted by date) and
``manifest.json`` records the events table's identity (``EventStore``) and the generation of each
month the files hold. The database raises a month's generation in the same transaction as every
change of its events (``EventMonth``, the triggers of migration 0009), so a month whose file is
behind the table is known exactly: ``refresh`` rewrites it from the database (the import does so
after its last batch, the identification before reading), and ``window_files`` hands out the
files of a window only once each of its months is current. When the copy cannot be brought up
to date (an unreadable directory, a failing write), the reader gets ``None`` and reads the
events table instead: a copy behind the database is never used.

Each file is written to a temporary name in the same directory and renamed over the old one, and
the manifest after the files it names, so a reader sees a month's old file or its new one, never
a part of one, and a crash between the two leaves a month marked behind, rewritten next time.
Writers take a lock on the directory (``flock``), so two imports do not write the same month at
once.

On PostgreSQL a month is read through the key's index (its first bytes are the day:
``day_key``) and streamed with ``COPY``; the months of one refresh are read in one snapshot
(``REPEATABLE READ``), so their files and the generations recorded match exactly.
"""

# The SQL below is built from constant table names; every value is a query parameter or, for
# DuckDB's file lists, a path of the copy's own directory, quoted.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from luotsi.usage.models import EventMonth, EventStore, ServiceEvent, day_key

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LOCK = ".lock"
FORMAT = 1
COLUMNS = ("id", "person_id", "event_date", "sector", "kind")


class CopyUnavailable(Exception):
    """The copy cannot be brought up to date: the reader uses the events table."""


def directory() -> Path | None:
    """The copy's directory, or None when no copy is configured."""
    value = getattr(settings, "EVENTS_PARQUET_DIR", "")
    return Path(value) if value else None


def enabled() -> bool:
    return directory() is not None


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> list[str]:
    """The months ``YYYY-MM`` from ``first``'s to ``last``'s."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_range(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:7])
    first = date(year, number, 1)
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return first, following - timedelta(days=1)


def _schema():
    import pyarrow as pa

    return pa.schema([("id", pa.int64()), ("person_id", pa.int64()),
                      ("event_date", pa.date32()), ("sector", pa.string()),
                      ("kind", pa.string())])


# --- the manifest and the lock -------------------------------------------------------------------

def _read_manifest(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": FORMAT, "store": "", "months": {}}
    except (OSError, ValueError) as error:
        raise CopyUnavailable(f"the manifest cannot be read: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("months"), dict):
        return {"format": FORMAT, "store": "", "months": {}}
    return data


def _write_atomically(path: Path, write) -> None:
    """Write ``path`` through a temporary file in the same directory, renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True)
    _write_atomically(root / MANIFEST, lambda name: Path(name).write_text(text,
                                                                          encoding="utf-8"))


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    with open(root / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- the database side ---------------------------------------------------------------------------

def _store_token() -> str:
    store = EventStore.objects.order_by("pk").first()
    if store is None:
        store = EventStore.objects.create()
    return str(store.token)


def _generations() -> dict[str, int]:
    return dict(EventMonth.objects.values_list("month", "generation"))


def _month_table(month: str):
    """The month's events from the database, sorted by date and person, as an Arrow table."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first, last = _month_range(month)
    table = ServiceEvent._meta.db_table
    sql = (f"SELECT id, person_id, event_date, sector, kind FROM {table} "
           "WHERE row_key >= %s AND row_key < %s AND event_date >= %s AND event_date <= %s "
           "ORDER BY event_date, person_id, id")
    params = (day_key(first), day_key(last + timedelta(days=1)), first, last)
    schema = _schema()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            if not buffer.tell():
                return schema.empty_table()
            buffer.seek(0)
            return pacsv.read_csv(
                buffer, read_options=pacsv.ReadOptions(column_names=list(COLUMNS)),
                convert_options=pacsv.ConvertOptions(
                    column_types=schema, strings_can_be_null=False, quoted_strings_can_be_null=False))
        # SQLite stores a UUID as its 32 hex digits and a date as its ISO text.
        cursor.execute(sql, [value.hex if isinstance(value, uuid.UUID) else str(value)
                             for value in params])
        rows = cursor.fetchall()
    columns: list = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    return pa.table([pa.array(values, type=field.type)
                     for values, field in zip(columns, schema, strict=True)], schema=schema)


def _write_month(root: Path, month: str) -> int:
    """Rewrite the month's file from the database; returns its number of events."""
    import pyarrow.parquet as pq

    table = _month_table(month)
    path = root / f"{month}.parquet"
    if table.num_rows == 0:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return 0
    _write_atomically(path, lambda name: pq.write_table(
        table, name, compression="zstd", row_group_size=65_536))
    return table.num_rows


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the events and their months' generations (PostgreSQL:
    REPEATABLE READ when this starts the transaction; SQLite's read transaction is one)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def refresh(months: list[str] | None = None, *, rebuild: bool = False) -> dict[str, int]:
    """Bring the copy's months (all, or those of ``months``) up to date with the database:
    every month whose generation differs from the copy's is rewritten, the files of months
    without events removed. ``rebuild`` rewrites every month. Returns the months written with
    their number of events. Raises ``CopyUnavailable`` when no copy is configured or it cannot
    be written."""
    root = directory()
    if root is None:
        raise CopyUnavailable("no copy is configured (LUOTSI_EVENTS_PARQUET_DIR)")
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root):
            manifest = _read_manifest(root)
            written: dict[str, int] = {}
            token = _store_token()
            with _snapshot():
                current = _generations()
                if rebuild or manifest.get("store") != token:
                    for stale in root.glob("*.parquet"):
                        stale.unlink()
                    manifest = {"format": FORMAT, "store": token, "months": {}}
                    _write_manifest(root, manifest)
                wanted = set(current) if months is None else set(months) & set(current)
                for month in sorted(wanted):
                    if manifest["months"].get(month) != current[month]:
                        written[month] = _write_month(root, month)
                        manifest["months"][month] = current[month]
                for month in [m for m in manifest["months"] if m not in current]:
                    (root / f"{month}.parquet").unlink(missing_ok=True)
                    del manifest["months"][month]
            _write_manifest(root, manifest)
    except (OSError, DatabaseError) as error:
        raise CopyUnavailable(f"the copy in {root} cannot be written: {error}") from error
    return written


def status() -> dict[str, Any]:
    """How the copy stands against the database: configured, its months, those behind."""
    root = directory()
    if root is None:
        return {"configured": False}
    manifest: dict[str, Any] = _read_manifest(root) if root.is_dir() else {
        "store": "", "months": {}}
    current = _generations()
    same_store = manifest.get("store") == _store_token()
    behind = sorted(month for month, generation in current.items()
                    if not same_store or manifest["months"].get(month) != generation)
    return {"configured": True, "directory": str(root), "months": len(current),
            "behind": behind, "files": len(list(root.glob("*.parquet"))) if root.is_dir()
            else 0}


def window_files(first: date, last: date) -> list[str] | None:
    """The copy's files of the months ``first``–``last``, each month brought up to date with the
    database first; None when there is no copy or it cannot be brought up to date (the caller
    reads the events table)."""
    root = directory()
    if root is None:
        return None
    wanted = months_between(first, last)
    try:
        manifest = _read_manifest(root)
        current = _generations()
        if manifest.get("store") != _store_token() or any(
                manifest["months"].get(month) != current[month]
                for month in wanted if month in current):
            written = refresh(wanted)
            logger.info("events copy: %d months rewritten before reading", len(written))
    except CopyUnavailable as error:
        logger.warning("events copy not used: %s", error)
        return None
    return [str(root / f"{month}.parquet") for month in wanted
            if (root / f"{month}.parquet").exists()]


# --- DuckDB --------------------------------------------------------------------------------------

def duckdb_connection():
    import duckdb

    return duckdb.connect(":memory:")


def events_sql(files: list[str]) -> str:
    """``read_parquet`` of ``files`` (paths of the copy's directory, quoted as SQL strings)."""
    if not files:
        return ("(SELECT CAST(NULL AS BIGINT) AS id, CAST(NULL AS BIGINT) AS person_id, "
                "CAST(NULL AS DATE) AS event_date, CAST(NULL AS VARCHAR) AS sector, "
                "CAST(NULL AS VARCHAR) AS kind WHERE FALSE)")
    quoted = ", ".join("'" + name.replace("'", "''") + "'" for name in files)
    return f"read_parquet([{quoted}])"
