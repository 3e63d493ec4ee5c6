"""Helpers to write service-event files and rows in tests."""

from __future__ import annotations

import csv
from datetime import date

from luotsi.people import hetu
from luotsi.usage.importing import COLUMNS


def code(n: int, birth: date = date(1980, 5, 17)) -> str:
    """A valid test-range personal identity code, different for each ``n`` < 100."""
    return hetu.build(birth, 900 + n)


def row(n: int = 0, sector: str = "health", service_code: str = "T10",
        organisation: str = "Porvoon terveysasema", event_date: str = "2025-03-01",
        kind: str = "visit", hetu_value: str | None = None) -> list[str]:
    return [hetu_value if hetu_value is not None else code(n), sector, service_code,
            organisation, event_date, kind]


def write_csv(path, rows: list[list[str]], header=COLUMNS, encoding: str = "utf-8") -> str:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return str(path)
