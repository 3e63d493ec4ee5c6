"""The calendar month of a date column as the database computes it, for counting by month in
SQL (``GROUP BY``) on SQLite and PostgreSQL alike.

Django's ``TruncMonth`` runs a Python function for every row on SQLite; these use each
database's own string function instead (``substr`` of SQLite's ISO text, ``to_char`` on
PostgreSQL), so grouping tens of thousands of rows by month stays in the database's own code.
"""

from __future__ import annotations

from datetime import date

from django.db.backends.base.base import BaseDatabaseWrapper


def month_of_sql(connection: BaseDatabaseWrapper, column: str) -> str:
    """SQL giving ``YYYY-MM`` of the date column ``column`` (a trusted, quoted column name)."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


def month_start(value: str) -> date:
    """The first day of the month ``YYYY-MM`` that ``month_of_sql`` gave."""
    year, month = value.split("-")
    return date(int(year), int(month), 1)
