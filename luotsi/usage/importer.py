"""Import of service-usage events from CSV, Parquet and FHIR R4 files.

Files are read as a stream of rows (CSV line by line, Parquet by record batches, FHIR NDJSON line by
line) and written in batches, each batch in its own transaction: an interrupted import keeps the
batches already committed, and running it again stores only what is missing, because an event
identical in all six fields to a stored one is skipped by the database's unique index on the
events' key (``ServiceEvent.key_for``: a 16-byte key of the six fields).

On PostgreSQL a batch is copied (COPY, text written here) into a temporary staging table and
moved with one ``INSERT … SELECT … ORDER BY row_key ON CONFLICT (row_key) DO NOTHING``, with
``synchronous_commit`` off and room to sort in memory for the batch's transaction; elsewhere it is
one bulk insert that ignores conflicts. Persons are found by the keyed hash of their personal
identity code, or registered with the code alone (encrypted code, lookup hash and birth date; on
PostgreSQL copied and inserted with one statement), one access-log record each.
"""

from __future__ import annotations

import csv
import json
import os
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.common import validation
from luotsi.people import crypto, hetu
from luotsi.people.models import Person
from luotsi.usage.models import EventSector, ImportBatch, ServiceEvent

COLUMNS = ("hetu", "sector", "service_code", "organisation", "event_date", "kind")
FORMATS = ("csv", "parquet", "fhir")
SECTORS = frozenset(EventSector.values)
HETU_SYSTEM = "urn:oid:1.2.246.21"
SECTOR_SYSTEM = "urn:luotsi:service-sector"
KIND_SYSTEM = "urn:luotsi:event-kind"
SERVICE_SYSTEM = "urn:luotsi:service-code"
MAX_LENGTHS = {"service_code": 50, "organisation": 200, "kind": 40}
MAX_OTHER_LENGTH = 100  # the identity code, the sector and the date
IMPORT_ACTOR = log.Actor(None, "import_service_events", "", "", "")
EARLIEST = validation.EARLIEST_DATE


class ImportFileError(Exception):
    """The file cannot be read at all (missing, empty, wrong header or encoding)."""


@dataclass
class Result:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    persons_created: int = 0

    def as_dict(self) -> dict:
        return {"rows": self.rows, "imported": self.imported, "duplicates": self.duplicates,
                "rejected": self.rejected}


# --- reading -----------------------------------------------------------------------------------

@dataclass
class Source:
    # (row number, the six raw fields in COLUMNS order or the reason the row cannot be read,
    # the row's line in the file when the format has lines)
    rows: Iterator[tuple[int, Sequence | str, int | None]]
    total: int  # for the progress bar, in ``unit``
    unit: str  # "rows" or "bytes"
    position: Callable[[], int]


def detect_format(path: str) -> str:
    lower = path.lower()
    if lower.endswith(".parquet"):
        return "parquet"
    if lower.endswith((".json", ".ndjson")):
        return "fhir"
    return "csv"


def open_source(path: str, file_format: str | None = None) -> Source:
    if not os.path.exists(path):
        raise ImportFileError(_("The file %(path)s does not exist.") % {"path": path})
    if os.path.isdir(path):
        raise ImportFileError(_("%(path)s is a directory, not a file.") % {"path": path})
    if os.path.getsize(path) == 0:
        raise ImportFileError(_("The file %(path)s is empty.") % {"path": path})
    file_format = file_format or detect_format(path)
    if file_format == "parquet":
        return _parquet(path)
    if file_format == "fhir":
        return _fhir(path)
    return _csv(path)


def _check_header(names: list[str]) -> None:
    cleaned = [name.strip().lower() for name in names]
    missing = [name for name in COLUMNS if name not in cleaned]
    if missing:
        raise ImportFileError(
            _("The file's header is wrong: missing column(s) %(missing)s. The columns must be "
              "%(columns)s.") % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)})


def _csv(path: str) -> Source:
    size = os.path.getsize(path)
    with open(path, "rb") as probe:
        head = probe.read(65536)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the probe's end
            raise ImportFileError(_("The file is not UTF-8 text; save it as UTF-8 and try "
                                    "again.")) from None
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the reader
    state = {"bytes": 0}

    def lines() -> Iterator[str]:
        try:
            for line in handle:
                state["bytes"] += len(line)
                yield line
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text; save it as UTF-8 and try "
                                    "again.")) from None

    sample = head.decode("utf-8", errors="ignore").splitlines()[0] if head.strip() else ""
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    records = csv_records(lines(), delimiter)
    try:
        _line, header = next(records)
    except StopIteration:
        handle.close()
        raise ImportFileError(_("The file %(path)s is empty.") % {"path": path}) from None
    try:
        if isinstance(header, str):
            raise ImportFileError(_("The file's header cannot be read: %(reason)s.")
                                  % {"reason": header})
        _check_header(header)
    except ImportFileError:
        handle.close()
        raise
    index = {name.strip().lower(): position for position, name in enumerate(header)}
    positions = [index[name] for name in COLUMNS]
    width = len(header)
    in_order = positions == list(range(len(COLUMNS))) and width == len(COLUMNS)

    def rows() -> Iterator[tuple[int, Sequence | str, int | None]]:
        try:
            for number, (line, values) in enumerate(records, start=1):
                if isinstance(values, str):  # a record that cannot be read: its reason
                    yield number, values, line
                    continue
                if len(values) != width:
                    if not values or (len(values) == 1 and not values[0].strip()):
                        continue
                    yield number, _("%(count)s columns instead of %(width)s") % {
                        "count": len(values), "width": width}, line
                    continue
                yield number, values if in_order else [values[i] for i in positions], line
        finally:
            handle.close()

    return Source(rows(), size, "bytes", lambda: state["bytes"])


# A quoted CSV field may span this many lines; a quote still open after them (or at the end of
# the file) is an unbalanced quote: that line is rejected and reading goes on from the next.
MAX_RECORD_LINES = 50
# A field longer than any column allows is read (and then rejected with its row), not fatal.
MAX_FIELD_BYTES = 16 * 1024 * 1024


def csv_records(lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """The records of a CSV text as (line number, fields), or (line number, reason) for a record
    that cannot be read (an unbalanced quote, a quote inside a quoted field): only that record is
    lost, never the rows after it. A line without quotes is split directly."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_BYTES))
    numbered = enumerate(lines, start=1)
    pending: list[tuple[int, str]] = []  # lines to read again after an unbalanced quote

    def next_line() -> tuple[int, str] | None:
        if pending:
            return pending.pop()
        return next(numbered, None)

    while (first := next_line()) is not None:
        number, text = first
        if '"' not in text:
            yield number, text.rstrip("\r\n").split(delimiter)
            continue
        lines_of_record = [first]
        while True:
            try:
                yield number, next(csv.reader(["".join(t for _n, t in lines_of_record)],
                                              delimiter=delimiter, strict=True))
                break
            except csv.Error as error:
                if "unexpected end of data" not in str(error):
                    yield number, _("the row's quotes cannot be read (%(error)s)") % {
                        "error": error}
                    break
                more = next_line() if len(lines_of_record) < MAX_RECORD_LINES else None
                if more is None:
                    yield number, _("a quote opened on this line is never closed")
                    # the lines after the opening one are rows of their own
                    pending.extend(reversed(lines_of_record[1:]))
                    break
                lines_of_record.append(more)


def _parquet(path: str) -> Source:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception:  # noqa: BLE001 - pyarrow raises several kinds for a damaged file
        raise ImportFileError(_("The file %(path)s is not a readable Parquet file.")
                              % {"path": path}) from None
    _check_header(list(parquet.schema_arrow.names))
    total = parquet.metadata.num_rows
    if total == 0:
        raise ImportFileError(_("The file %(path)s is empty.") % {"path": path})
    names = {name.strip().lower(): name for name in parquet.schema_arrow.names}
    state = {"rows": 0}

    def rows() -> Iterator[tuple[int, Sequence]]:
        number = 0
        for record_batch in parquet.iter_batches(batch_size=10_000,
                                                 columns=[names[c] for c in COLUMNS]):
            columns = [record_batch.column(i).to_pylist() for i in range(len(COLUMNS))]
            for values in zip(*columns, strict=True):
                number += 1
                yield number, values, None
            state["rows"] = number

    return Source(rows(), total, "rows", lambda: state["rows"])


# FHIR R4: an Encounter or EpisodeOfCare becomes one row.
# - hetu: the patient's identifier with system urn:oid:1.2.246.21, either on ``subject`` /
#   ``patient`` itself or on the Patient resource it references inside the Bundle;
# - event_date: the date part of ``period.start``;
# - sector: the coding with system urn:luotsi:service-sector (Encounter.serviceType or .type,
#   EpisodeOfCare.type);
# - kind: the coding with system urn:luotsi:event-kind in the same places; without it an
#   Encounter of class EMER is an ``emergency_visit``, any other Encounter a ``visit``, and an
#   EpisodeOfCare an ``episode``;
# - service_code: the coding with system urn:luotsi:service-code, else the first other code;
# - organisation: serviceProvider (Encounter) or managingOrganization (EpisodeOfCare), its
#   identifier value or else its display text.

def _codings(resource: dict) -> list[dict]:
    found = []
    for key in ("serviceType", "type"):
        value = resource.get(key)
        for concept in value if isinstance(value, list) else [value] if value else []:
            if isinstance(concept, dict):
                found.extend(c for c in concept.get("coding", []) if isinstance(c, dict))
    return found


def _code(codings: list[dict], system: str) -> str:
    for coding in codings:
        if coding.get("system") == system:
            return str(coding.get("code") or "")
    return ""


def _hetu_of(reference: dict | None, patients: dict[str, dict]) -> str:
    if not isinstance(reference, dict):
        return ""
    identifiers = []
    if isinstance(reference.get("identifier"), dict):
        identifiers.append(reference["identifier"])
    target = patients.get(reference.get("reference") or "")
    if target:
        identifiers.extend(i for i in target.get("identifier", []) if isinstance(i, dict))
    for identifier in identifiers:
        if identifier.get("system") == HETU_SYSTEM:
            return str(identifier.get("value") or "")
    return ""


def fhir_rows(bundle: dict) -> Iterator[dict | str]:
    """One raw row per Encounter/EpisodeOfCare entry, or the reason it cannot be read."""
    entries = [e for e in bundle.get("entry", []) if isinstance(e, dict)]
    patients: dict[str, dict] = {}
    for entry in entries:
        resource = entry.get("resource") or {}
        if resource.get("resourceType") == "Patient":
            if entry.get("fullUrl"):
                patients[entry["fullUrl"]] = resource
            if resource.get("id"):
                patients[f"Patient/{resource['id']}"] = resource
    for entry in entries:
        resource = entry.get("resource") or {}
        kind_of = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind_of not in ("Encounter", "EpisodeOfCare"):
            continue
        try:
            yield _fhir_row(resource, kind_of, patients)
        except (AttributeError, TypeError):  # an element of the wrong shape
            yield _("the %(resource)s has elements of the wrong type") % {"resource": kind_of}


def _fhir_row(resource: dict, kind_of: str, patients: dict[str, dict]) -> dict:
    """The raw row of one Encounter or EpisodeOfCare."""
    codings = _codings(resource)
    service = _code(codings, SERVICE_SYSTEM) or next(
        (str(c.get("code") or "") for c in codings
         if c.get("system") not in (SECTOR_SYSTEM, KIND_SYSTEM)), "")
    kind = _code(codings, KIND_SYSTEM)
    if not kind:
        if kind_of == "Encounter":
            cls = resource.get("class") or {}
            kind = "emergency_visit" if cls.get("code") == "EMER" else "visit"
        else:
            kind = "episode"
    organisation_ref = resource.get(
        "serviceProvider" if kind_of == "Encounter" else "managingOrganization") or {}
    organisation = ((organisation_ref.get("identifier") or {}).get("value")
                    or organisation_ref.get("display") or "")
    start = str((resource.get("period") or {}).get("start") or "")
    return {
        "hetu": _hetu_of(resource.get("subject" if kind_of == "Encounter" else "patient"),
                         patients),
        "sector": _code(codings, SECTOR_SYSTEM),
        "service_code": service,
        "organisation": str(organisation),
        "event_date": start[:10],
        "kind": kind,
    }


def _fhir(path: str) -> Source:
    size = os.path.getsize(path)
    state = {"bytes": 0}
    try:
        with open(path, encoding="utf-8") as handle:
            first = handle.read(1)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text; save it as UTF-8 and try "
                                "again.")) from None

    def bundles() -> Iterator[tuple[int | None, dict | str]]:
        """(line, the parsed JSON) of a Bundle file or of each NDJSON line; a line of NDJSON
        that is not JSON gives (line, its reason) and reading goes on."""
        try:
            with open(path, encoding="utf-8") as handle:
                if first == "{" and not path.lower().endswith(".ndjson"):
                    try:
                        data = json.load(handle)
                    except json.JSONDecodeError as error:
                        raise ImportFileError(_("The file is not valid JSON (line %(line)s).")
                                              % {"line": error.lineno}) from None
                    state["bytes"] = size
                    yield None, data
                    return
                for line_number, line in enumerate(handle, start=1):
                    state["bytes"] += len(line)
                    if not line.strip():
                        continue
                    try:
                        yield line_number, json.loads(line)
                    except (json.JSONDecodeError, RecursionError):
                        yield line_number, _("the line is not valid JSON")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text; save it as UTF-8 and try "
                                    "again.")) from None

    def rows() -> Iterator[tuple[int, Sequence | str, int | None]]:
        number = 0
        seen_any = False
        for line, data in bundles():
            if isinstance(data, str):
                seen_any = True
                number += 1
                yield number, data, line
                continue
            if not isinstance(data, dict):
                raise ImportFileError(_("The file is not a FHIR R4 Bundle."))
            if data.get("resourceType") == "Bundle":
                resources = fhir_rows(data)
            elif data.get("resourceType") in ("Encounter", "EpisodeOfCare"):
                resources = fhir_rows({"entry": [{"resource": data}]})
            else:
                raise ImportFileError(_("The file is not a FHIR R4 Bundle."))
            for raw in resources:
                seen_any = True
                number += 1
                yield number, raw if isinstance(raw, str) else [raw[n] for n in COLUMNS], line
        if not seen_any:
            raise ImportFileError(_("The file has no Encounter or EpisodeOfCare resources."))

    return Source(rows(), size, "bytes", lambda: state["bytes"])


# --- validating --------------------------------------------------------------------------------

class RowValidator:
    """Turns raw fields into a clean event tuple or a reason; caches parsed codes and dates."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.hetus: dict[str, str | None] = {}  # raw → normalised code, or None when invalid
        self.hetu_errors: dict[str, str] = {}
        self.dates: dict[str, date | str] = {}
        # One object for each repeated text (sector, service code, organisation, kind): a batch
        # held in memory is then mostly the tuples and the codes.
        self.texts: dict[str, str] = {}

    def _hetu(self, raw: str) -> str | None:
        if raw in self.hetus:
            return self.hetus[raw]
        try:
            value = hetu.parse(raw).value
        except hetu.HetuError as error:
            value = None
            self.hetu_errors[raw] = str(error.message)
        if len(self.hetus) > 500_000:
            self.hetus.clear()
        self.hetus[raw] = value
        return value

    def _date(self, raw: str) -> date | str:
        cached = self.dates.get(raw)
        if cached is not None:
            return cached
        text = raw[:10] if len(raw) > 10 and raw[10] in "T " else raw  # a timestamp's date
        try:
            value: date | str = date.fromisoformat(text)
        except ValueError:
            value = _("the event date “%(value)s” is not a date (use YYYY-MM-DD)") % {
                "value": raw}
        else:
            if value > self.today:
                value = _("the event date %(value)s is in the future") % {"value": raw}
            elif value < EARLIEST:
                value = _("the event date %(value)s is before 1900") % {"value": raw}
        if len(self.dates) < 100_000:
            self.dates[raw] = value
        return value

    def clean(self, raw: Sequence | str) -> tuple | str:
        """The event as (hetu, sector, service code, organisation, date, kind), or a reason."""
        if isinstance(raw, str):  # the reader could not read the row: its reason
            return raw
        fields = [(value if type(value) is str else _text(value)).strip() for value in raw]
        if len(fields) != len(COLUMNS) or not all(fields):
            for name, value in zip(COLUMNS, [*fields, *[""] * len(COLUMNS)], strict=False):
                if not value:
                    return _("missing %(field)s") % {"field": name}
        joined = "".join(fields)
        if len(joined) > MAX_OTHER_LENGTH or _SUSPECT.search(joined):  # rare: find the field
            for name, value in zip(COLUMNS, fields, strict=True):
                problem = _text_problem(value, MAX_LENGTHS.get(name, MAX_OTHER_LENGTH))
                if problem:
                    return _("%(field)s: %(problem)s") % {"field": name, "problem": problem}
        raw_hetu, raw_sector, service_code, organisation, raw_date, kind = fields
        if len(service_code) > 50 or len(organisation) > 200 or len(kind) > 40:
            for name, value in zip(COLUMNS, fields, strict=True):
                limit = MAX_LENGTHS.get(name)
                if limit and len(value) > limit:
                    return _("%(field)s is longer than %(limit)s characters") % {
                        "field": name, "limit": limit}
        code = self.hetus.get(raw_hetu, False)
        if code is False:
            code = self._hetu(raw_hetu)
        if code is None:
            return _("invalid hetu: %(reason)s") % {"reason": self.hetu_errors[raw_hetu]}
        sector = raw_sector if raw_sector in SECTORS else raw_sector.lower()
        if sector not in SECTORS:
            return _("unknown sector “%(value)s” (use %(sectors)s)") % {
                "value": raw_sector, "sectors": ", ".join(EventSector.values)}
        event_date = self.dates.get(raw_date) or self._date(raw_date)
        if type(event_date) is str:
            return event_date
        texts = self.texts
        if len(texts) > 100_000:
            texts.clear()
        kind = kind.lower()
        return (code, texts.setdefault(sector, sector),
                texts.setdefault(service_code, service_code),
                texts.setdefault(organisation, organisation), event_date,
                texts.setdefault(kind, kind))


# Control characters other than tab and line breaks, and lone surrogates: a quick test before
# the shared check (``luotsi.common.validation``) names the problem.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _text_problem(value: str, limit: int) -> str | None:
    """Why a field cannot be stored (control characters, over-long), or ``None``. Tabs and line
    breaks are kept: they are a part of some organisations' names in the source systems."""
    if len(value) <= limit and not _SUSPECT.search(value):
        return None
    return validation.text_problem(value, multiline=True, max_length=limit)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- writing -----------------------------------------------------------------------------------

class PersonResolver:
    """Person ids by normalised hetu; registers unknown persons with the code alone."""

    def __init__(self, source: str) -> None:
        self.ids: dict[str, int] = {}
        self.source = source

    def resolve(self, codes: set[str]) -> int:
        """Fill ``ids`` for ``codes``; returns the number of persons registered."""
        missing = [code for code in codes if code not in self.ids]
        if not missing:
            return 0
        if len(self.ids) > 1_000_000:
            self.ids.clear()
        hashes = {crypto.lookup_hash(code): code for code in missing}
        self._load(hashes)
        unknown = [h for h in hashes if hashes[h] not in self.ids]
        if not unknown:
            return 0
        before = len(self.ids)
        if connection.vendor == "postgresql":
            self._register_postgresql(unknown, hashes)
        else:
            Person.objects.bulk_create([
                Person(hetu_encrypted=crypto.encrypt(hashes[digest]), hetu_lookup=digest,
                       birth_date=hetu.parse(hashes[digest]).birth_date, first_name="",
                       last_name="", search_name="")
                for digest in unknown], batch_size=2000, ignore_conflicts=True)
        # Those registered now, and those another import registered meanwhile.
        self._load({digest: hashes[digest] for digest in unknown if hashes[digest] not in self.ids})
        created = [self.ids[hashes[d]] for d in unknown if hashes[d] in self.ids]
        log.append(IMPORT_ACTOR, [
            log.Event(person_id, Category.BASIC_DATA, LogAction.CREATE, Basis.REGISTRATION,
                      Outcome.ALLOWED, f"import_service_events: {self.source}")
            for person_id in created
        ])
        return len(self.ids) - before

    def _register_postgresql(self, unknown: list[str], hashes: dict[str, str]) -> None:
        """The rows ``bulk_create`` would insert (the model's defaults, the code, its hash and
        the birth date), copied into a staging table and inserted with one statement."""
        template = Person(first_name="", last_name="", search_name="")
        fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
        values = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
        positions = {f.name: n for n, f in enumerate(fields)}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_PERSON_STAGING} "  # noqa: S608 - constant names
                           f"ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {_PERSON_STAGING} ({columns}) FROM STDIN") as copy:
                for digest in unknown:
                    code = hashes[digest]
                    row = list(values)
                    row[positions["hetu_encrypted"]] = crypto.encrypt(code)
                    row[positions["hetu_lookup"]] = digest
                    row[positions["birth_date"]] = hetu.parse(code).birth_date
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM "  # noqa: S608 - constant names
                           f"{_PERSON_STAGING} ON CONFLICT DO NOTHING RETURNING id, hetu_lookup")
            for person_id, digest in cursor.fetchall():
                self.ids[hashes[digest]] = person_id
            cursor.execute(f"DROP TABLE {_PERSON_STAGING}")

    def _load(self, hashes: dict[str, str]) -> None:
        keys = list(hashes)
        for start in range(0, len(keys), 900):
            chunk = keys[start:start + 900]
            for person_id, digest in Person.objects.filter(hetu_lookup__in=chunk).values_list(
                    "id", "hetu_lookup"):
                self.ids[hashes[digest]] = person_id


_STAGING = "usage_event_staging"
_PERSON_STAGING = "usage_person_staging"
keys_for = ServiceEvent.keys_for


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
    lines = []
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


def _insert_postgresql(rows: list[tuple], batch_id: int) -> int:
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


def _insert_generic(rows: list[tuple], batch_id: int) -> int:
    """Bulk insert ignoring conflicts; the new rows are those above the highest id before
    (the batch runs in a transaction that holds SQLite's write lock)."""
    before = ServiceEvent.objects.aggregate(m=Max("id"))["m"] or 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {ServiceEvent._meta.db_table} (person_id, sector, "  # noqa: S608 - constant name
                "service_code, organisation, event_date, kind, row_key, batch_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                # in the key's order (date first): neighbouring pages
                sorted(((*row[:4], row[4].isoformat(), row[5], row[6], batch_id)
                        for row in rows), key=lambda values: values[6]))
        return ServiceEvent.objects.filter(id__gt=before).count()
    ServiceEvent.objects.bulk_create(
        [ServiceEvent(person_id=r[0], sector=r[1], service_code=r[2], organisation=r[3],
                      event_date=r[4], kind=r[5], batch_id=batch_id) for r in rows],
        batch_size=2000, ignore_conflicts=True)
    return ServiceEvent.objects.filter(id__gt=before).count()


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
        inserter = _insert_postgresql if connection.vendor == "postgresql" else _insert_generic
        imported = inserter(events, batch.pk) if events else 0
        batch.imported = imported
        batch.duplicates = len(events) - imported
        batch.save(update_fields=["imported", "duplicates"])
    return imported, created


class _Writer(threading.Thread):
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
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
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

    writer = _Writer(store) if background else None
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
            if type(cleaned) is str:
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
    return result
