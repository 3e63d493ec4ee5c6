"""Storing a batch of events on PostgreSQL: COPY (text written here) into a temporary staging
table, then one ``INSERT … SELECT … ORDER BY row_key ON CONFLICT (row_key) DO NOTHING``."""

from __future__ import annotations

from datetime import date

from django.db import connection

from luotsi.usage.models import ServiceEvent

_STAGING = "usage_event_staging"


def _copy_escape(value: str) -> str:
    """``value`` as a field of COPY's text format."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _copy_text(rows: list[tuple]) -> bytes:
    """The rows (person id, sector, service code, organisation, date, kind, key) as COPY text.

    Written directly rather than value by value: the texts repeat (one conversion each) and so
    do the dates."""
    texts: dict[str, str] = {}
    dates: dict[date, str] = {}
    lines: list[str] = []
    append = lines.append
    for person_id, sector, service_code, organisation, event_date, kind, key in rows:
        service_text = texts.get(service_code)
        if service_text is None:
            service_text = texts[service_code] = _copy_escape(service_code)
        organisation_text = texts.get(organisation)
        if organisation_text is None:
            organisation_text = texts[organisation] = _copy_escape(organisation)
        kind_text = texts.get(kind)
        if kind_text is None:
            kind_text = texts[kind] = _copy_escape(kind)
        date_text = dates.get(event_date)
        if date_text is None:
            date_text = dates[event_date] = event_date.isoformat()
        append(f"{person_id}\t{sector}\t{service_text}\t{organisation_text}\t{date_text}\t"
               f"{kind_text}\t{key}\n")
    return "".join(lines).encode()


def insert_events(rows: list[tuple], batch_id: int) -> int:
    table = ServiceEvent._meta.db_table
    with connection.cursor() as cursor:
        # A crash may lose the last batches acknowledged to this process but not yet flushed
        # (never a part of one, never anything else): running the import again stores them.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # The batch is sorted by its key in memory, not in temporary files (the server's default
        # work_mem is 4 MB; a batch of 200,000 events is about 30 MB).
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} (person_id bigint, sector text, "
            "service_code text, organisation text, event_date date, kind text, row_key uuid) "
            "ON COMMIT DELETE ROWS")
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {_STAGING} (person_id, sector, service_code, organisation, "
                      "event_date, kind, row_key) FROM STDIN") as copy:
            for start in range(0, len(rows), 20_000):
                copy.write(_copy_text(rows[start:start + 20_000]))
        # In the key's order (date first): neighbouring pages of its index and the date index.
        cursor.execute(
            f"INSERT INTO {table} (person_id, sector, service_code, organisation, event_date, "  # noqa: S608 - constant names
            f"kind, row_key, batch_id) SELECT person_id, sector, service_code, organisation, "
            f"event_date, kind, row_key, %s FROM {_STAGING} ORDER BY row_key "
            f"ON CONFLICT (row_key) DO NOTHING",
            [batch_id])
        inserted = cursor.rowcount
        cursor.execute(f"TRUNCATE {_STAGING}")
    return inserted
