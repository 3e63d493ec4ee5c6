"""Import of service-usage events from CSV, Parquet and FHIR R4 files.

Files are read as a stream of rows (CSV line by line, Parquet by record batches, FHIR NDJSON line by
line) and written in batches, each batch in its own transaction: an interrupted import keeps the
batches already committed, and running it again stores only what is missing, because an event
identical in all six fields to a stored one is skipped by the database's unique index on the
events' key (``ServiceEvent.key_for``: a 16-byte key of the six fields).

On PostgreSQL a batch is copied (COPY, its text written by ``writers.postgresql``) into a temporary staging table and
moved with one ``INSERT … SELECT … ORDER BY row_key ON CONFLICT (row_key) DO NOTHING``, with
``synchronous_commit`` off and room to sort in memory for the batch's transaction; elsewhere it is
one bulk insert that ignores conflicts. Persons are found by the keyed hash of their personal
identity code, or registered with the code alone (encrypted code, lookup hash and birth date; on
PostgreSQL copied and inserted with one statement), one access-log record each.

The package, by step: ``readers`` (a file as a stream of raw rows; ``fhir`` maps FHIR
resources to rows), ``validation`` (a raw row to a clean event or the reason it is refused),
``persons`` (persons by identity code, registering the unknown), ``writers`` (one batch in one
transaction: ``postgresql`` and ``generic`` back-ends, and the background writer) and ``run``
(``import_events``, the whole import).
"""

from luotsi.usage.importing.readers import COLUMNS, FORMATS, ImportFileError
from luotsi.usage.importing.run import Result, import_events

__all__ = ["COLUMNS", "FORMATS", "ImportFileError", "Result", "import_events"]
