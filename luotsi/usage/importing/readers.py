"""Reading an events file as a stream of raw rows: CSV line by line, Parquet by record batches,
FHIR R4 (a Bundle, or NDJSON line by line) through ``fhir_rows``."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luotsi.usage.importing.fhir import fhir_rows

COLUMNS = ("hetu", "sector", "service_code", "organisation", "event_date", "kind")
FORMATS = ("csv", "parquet", "fhir")


class ImportFileError(Exception):
    """The file cannot be read at all (missing, empty, wrong header or encoding)."""


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
    handle = open(path, encoding="utf-8-sig", newline="")  # closed by the reader
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
    except Exception:  # pyarrow raises several kinds for a damaged file
        raise ImportFileError(_("The file %(path)s is not a readable Parquet file.")
                              % {"path": path}) from None
    _check_header(list(parquet.schema_arrow.names))
    total = parquet.metadata.num_rows
    if total == 0:
        raise ImportFileError(_("The file %(path)s is empty.") % {"path": path})
    names = {name.strip().lower(): name for name in parquet.schema_arrow.names}
    state = {"rows": 0}

    def rows() -> Iterator[tuple[int, Sequence, None]]:
        number = 0
        for record_batch in parquet.iter_batches(batch_size=10_000,
                                                 columns=[names[c] for c in COLUMNS]):
            columns = [record_batch.column(i).to_pylist() for i in range(len(COLUMNS))]
            for values in zip(*columns, strict=True):
                number += 1
                yield number, values, None
            state["rows"] = number

    return Source(rows(), total, "rows", lambda: state["rows"])


def _fhir(path: str) -> Source:  # noqa: C901 -- per-row hot path, flat for speed
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
