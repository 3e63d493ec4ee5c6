"""Storing a batch of events on SQLite (``INSERT OR IGNORE``) and other databases (a bulk insert
that ignores conflicts)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Max

from luotsi.usage.models import ServiceEvent


def insert_events(rows: list[tuple], batch_id: int) -> int:
    """Bulk insert ignoring conflicts; the new rows are those above the highest id before
    (the batch runs in a transaction that holds SQLite's write lock)."""
    before = ServiceEvent.objects.aggregate(m=Max("id"))["m"] or 0
    if connection.vendor == "sqlite":
        # in the key's order (date first): neighbouring pages
        values: list[tuple] = sorted(
            [(*row[:4], row[4].isoformat(), row[5], row[6], batch_id) for row in rows],
            key=lambda value: value[6])
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {ServiceEvent._meta.db_table} (person_id, sector, "  # noqa: S608 - constant name
                "service_code, organisation, event_date, kind, row_key, batch_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", values)
        return ServiceEvent.objects.filter(id__gt=before).count()
    ServiceEvent.objects.bulk_create(
        [ServiceEvent(person_id=r[0], sector=r[1], service_code=r[2], organisation=r[3],
                      event_date=r[4], kind=r[5], batch_id=batch_id) for r in rows],
        batch_size=2000, ignore_conflicts=True)
    return ServiceEvent.objects.filter(id__gt=before).count()
