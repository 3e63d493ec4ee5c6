"""Code lists as loadable, versioned data (docs/code-lists.md).

A code list file has the shape of a national code-server export: one row per code with the code,
its names in Finnish, Swedish and English, the start and end of its validity and its parent code.
It is CSV (a header row; comma or semicolon separated; UTF-8, a BOM allowed) or JSON (an object
with the list's ``code_list``, ``version``, ``source``, ``provisional`` and its ``codes``).

``read_file`` checks the whole file first and refuses it naming the line and the column of the
first fault; ``store`` then writes the version and its codes in one transaction and makes it the
list's current version. The migration that ships Luotsi's own lists calls the same two functions
with the historical models, so a county's file and the shipped data go through one set of rules.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from luotsi.common.file_refusals import FileRefusal
from luotsi.common.validation import date_problem, text_problem

CODE_LISTS = ("goal_area", "situation_factor", "service", "method", "support_need")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
# Column names a file may use for each field: Luotsi's own, and the usual names of code-server
# exports (English and Finnish).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "codevalue", "code_value", "codeid", "koodi", "koodiarvo"),
    "name_fi": ("name_fi", "longname", "longname_fi", "nimi", "nimi_fi", "prefLabel_fi".lower()),
    "name_sv": ("name_sv", "longname_sv", "nimi_sv", "preflabel_sv"),
    "name_en": ("name_en", "longname_en", "nimi_en", "preflabel_en"),
    "valid_from": ("valid_from", "begindate", "begin_date", "startdate", "start_date",
                   "voimassaolo_alkaa", "alkupvm"),
    "valid_until": ("valid_until", "expirationdate", "expiration_date", "enddate", "end_date",
                    "voimassaolo_paattyy", "loppupvm"),
    "parent_code": ("parent_code", "parent", "parentid", "parent_id", "broadercode",
                    "ylakoodi", "parent_code_value"),
}
REQUIRED = ("code", "name_fi")
# Code servers write an open-ended validity as a far-future end date.
OPEN_END = date(9999, 12, 31)
MAX_NAME = 200


class CodeListFileError(FileRefusal):
    """A refusal of a code-list file (``FileRefusal``)."""


@dataclass
class CodeRow:
    code: str
    name_fi: str
    name_sv: str = ""
    name_en: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    parent_code: str = ""


@dataclass
class CodeListFile:
    path: str
    code_list: str
    version: str
    source: str = ""
    provisional: bool = False
    codes: list[CodeRow] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reading


def read_file(path: str | Path, *, code_list: str | None = None, version: str | None = None,
              source: str | None = None, provisional: bool | None = None) -> CodeListFile:
    """Read and check the file; the keyword values complete (or, given, replace) what a JSON
    file says of itself. A CSV file has no place for them: ``code_list`` and ``version`` are
    then required."""
    name = str(path)
    text = CodeListFileError.read_text(path, encoding="utf-8-sig",
                                       unreadable="cannot read the file ({reason})",
                                       not_text="the file is not UTF-8 text")
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        parsed = _read_json(name, text)
    else:
        parsed = _read_csv(name, text)
    if code_list is not None:
        parsed.code_list = code_list
    if version is not None:
        parsed.version = version
    if source is not None:
        parsed.source = source
    if provisional is not None:
        parsed.provisional = provisional
    if parsed.code_list not in CODE_LISTS:
        raise CodeListFileError(name, 1, 1, "code_list",
                                f"name the code list, one of: {', '.join(CODE_LISTS)} "
                                f"(it was {parsed.code_list!r})")
    if not VERSION.match(parsed.version or ""):
        raise CodeListFileError(name, 1, 1, "version",
                                "name the version: letters, digits, '.', '_' or '-', at most "
                                f"40 characters (it was {parsed.version!r})")
    if text_problem(parsed.source, max_length=300):
        raise CodeListFileError(name, 1, 1, "source", text_problem(parsed.source, max_length=300))
    return parsed


def _column_key(header: str) -> str | None:
    wanted = header.strip().lower().replace(" ", "_")
    for key, names in COLUMNS.items():
        if wanted in names:
            return key
    return None


def _read_csv(name: str, text: str) -> CodeListFile:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[CodeRow] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise CodeListFileError(name, 1, 1, "", f"not CSV: {error}") from error
    if not header:
        raise CodeListFileError(name, 1, 1, "", "the file is empty: a header row is needed")
    keys: list[str | None] = [_column_key(h) for h in header]
    for needed in REQUIRED:
        if needed not in keys:
            raise CodeListFileError(name, 1, 1, needed,
                                    f"the header has no column {needed!r} "
                                    f"(accepted names: {', '.join(COLUMNS[needed])})")
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise CodeListFileError(name, reader.line_num, 1, "", f"not CSV: {error}") from error
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise CodeListFileError(name, line, min(len(values), len(header)) + 1, "",
                                    f"the row has {len(values)} values, the header "
                                    f"{len(header)}")
        found: dict[str, tuple[str, int]] = {}
        for index, (key, value) in enumerate(zip(keys, values, strict=True)):
            if key is not None:
                found[key] = (value.strip(), _csv_column(text, line, index, delimiter))
        rows.append(_code_row(name, line, found, seen))
    if not rows:
        raise CodeListFileError(name, 2, 1, "", "the file has no codes")
    _check_parents(name, rows, seen)
    return CodeListFile(path=name, code_list="", version="", codes=rows)


def _csv_column(text: str, line: int, index: int, delimiter: str) -> int:
    """The 1-based character column where field ``index`` of line ``line`` starts (quoted
    fields with the delimiter inside are rare in code lists; they shift the column, never the
    line)."""
    lines = text.splitlines()
    if line - 1 >= len(lines):
        return 1
    parts = lines[line - 1].split(delimiter)
    return sum(len(p) + 1 for p in parts[:index]) + 1


def _read_json(name: str, text: str) -> CodeListFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CodeListFileError(name, error.lineno, error.colno, "",
                                f"not JSON: {error.msg}") from error
    if not isinstance(document, dict) or not isinstance(document.get("codes"), list):
        raise CodeListFileError(name, 1, 1, "codes",
                                "the file must be an object with a list 'codes'")
    places = _json_places(text)
    rows: list[CodeRow] = []
    seen: dict[str, int] = {}
    lines: dict[str, int] = {}
    for index, entry in enumerate(document["codes"]):
        line, column, keys = places[index] if index < len(places) else (1, 1, {})
        if not isinstance(entry, dict):
            raise CodeListFileError(name, line, column, "", "each code must be an object")
        found: dict[str, tuple[str, int]] = {}
        key_lines: dict[str, tuple[int, int]] = {}
        for raw_key, value in entry.items():
            key = _column_key(str(raw_key))
            if key is None:
                continue
            where = keys.get(str(raw_key), (line, column))
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise CodeListFileError(name, where[0], where[1], key,
                                        "write the value as a JSON string")
            found[key] = (value.strip(), where[1])
            key_lines[key] = where
        row = _code_row(name, line, found, seen, key_lines)
        lines[row.code] = line
        rows.append(row)
    if not rows:
        raise CodeListFileError(name, 1, 1, "codes", "the file has no codes")
    _check_parents(name, rows, lines)
    provisional = document.get("provisional", False)
    if not isinstance(provisional, bool):
        raise CodeListFileError(name, 1, 1, "provisional", "write true or false")
    meta = {k: document.get(k, "") for k in ("code_list", "version", "source")}
    for key, value in meta.items():
        if not isinstance(value, str):
            raise CodeListFileError(name, 1, 1, key, "write the value as a JSON string")
    return CodeListFile(path=name, code_list=meta["code_list"], version=meta["version"],
                        source=meta["source"], provisional=provisional, codes=rows)


def _json_places(text: str) -> list[tuple[int, int, dict[str, tuple[int, int]]]]:
    """Where each entry of the top-level ``codes`` list starts, and where each of its keys is:
    (line, column, {key: (line, column)}), found by decoding the list one entry at a time."""
    decoder = json.JSONDecoder()
    match = re.search(r'"codes"\s*:\s*\[', text)
    if match is None:
        return []
    position = match.end()
    places = []
    whitespace = re.compile(r"[\s,]*")
    while True:
        position = whitespace.match(text, position).end()
        if position >= len(text) or text[position] == "]":
            break
        try:
            _, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        keys = {}
        for key_match in re.finditer(r'"((?:[^"\\]|\\.)*)"\s*:', text[position:end]):
            keys.setdefault(key_match.group(1), _line_column(text, position + key_match.start()))
        places.append((*_line_column(text, position), keys))
        position = end
    return places


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _code_row(name: str, line: int, found: dict[str, tuple[str, int]], seen: dict[str, int],
              key_lines: dict[str, tuple[int, int]] | None = None) -> CodeRow:
    def where(key: str) -> tuple[int, int]:
        if key_lines and key in key_lines:
            return key_lines[key]
        return line, found.get(key, ("", 1))[1]

    def refuse(key: str, message: str):
        at = where(key)
        raise CodeListFileError(name, at[0], at[1], key, message)

    code = found.get("code", ("", 1))[0]
    if not code:
        refuse("code", "the code is missing")
    if not CODE.match(code):
        refuse("code", "a code is letters, digits, '.', '_' or '-', at most 40 characters "
                       f"(it was {code!r})")
    if code in seen:
        refuse("code", f"the code {code!r} is already on line {seen[code]}")
    seen[code] = line
    names = {}
    for key in ("name_fi", "name_sv", "name_en"):
        value = found.get(key, ("", 1))[0]
        problem = text_problem(value, max_length=MAX_NAME)
        if problem:
            refuse(key, problem)
        names[key] = value
    if not names["name_fi"]:
        refuse("name_fi", "the Finnish name is missing")
    dates = _dates(found, refuse)
    parent = found.get("parent_code", ("", 1))[0]
    if parent and not CODE.match(parent):
        refuse("parent_code", f"the parent code {parent!r} is not a code")
    if parent == code:
        refuse("parent_code", "a code cannot be its own parent")
    return CodeRow(code=code, parent_code=parent, valid_from=dates["valid_from"],
                   valid_until=dates["valid_until"], **names)


def _dates(found: dict[str, tuple[str, int]], refuse) -> dict[str, date | None]:
    dates: dict[str, date | None] = {}
    for key in ("valid_from", "valid_until"):
        value = found.get(key, ("", 1))[0]
        try:
            dates[key] = _date(value)
        except ValueError:
            refuse(key, f"write the date as YYYY-MM-DD or D.M.YYYY (it was {value!r})")
        if key == "valid_until" and dates[key] == OPEN_END:
            dates[key] = None
        problem = date_problem(dates[key])
        if problem:
            refuse(key, f"{problem} (it was {value!r})")
    if dates["valid_from"] and dates["valid_until"] and dates["valid_until"] < dates["valid_from"]:
        refuse("valid_until", "the validity ends before it starts")
    return dates


def _date(value: str) -> date | None:
    if not value:
        return None
    value = value.strip()
    if "T" in value:
        value = value.split("T", 1)[0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", value):
        day, month, year = (int(part) for part in value.split("."))
        return date(year, month, day)
    raise ValueError(value)


def _check_parents(name: str, rows: list[CodeRow], lines: dict[str, int]) -> None:
    codes = {r.code for r in rows}
    for row in rows:
        if row.parent_code and row.parent_code not in codes:
            raise CodeListFileError(name, lines.get(row.code, 1), 1, "parent_code",
                                    f"the parent code {row.parent_code!r} of {row.code!r} is not "
                                    "in the file")


# ---------------------------------------------------------------------------------------------
# Storing


class VersionExists(Exception):
    pass


def store(parsed: CodeListFile, *, version_model, item_model, now: datetime | None = None):
    """Write ``parsed`` as a new current version of its list, in one transaction: the previous
    version stays (its codes retire: plans keep them, forms no longer offer them). A version
    already loaded is refused (``VersionExists``)."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = version_model.objects.select_for_update().filter(code_list=parsed.code_list)
        if existing.filter(version=parsed.version).exists():
            raise VersionExists(parsed.version)
        existing.filter(current=True).update(current=False)
        version = version_model.objects.create(
            code_list=parsed.code_list, version=parsed.version, source=parsed.source,
            provisional=parsed.provisional, current=True, loaded_at=now)
        item_model.objects.bulk_create([
            item_model(code_list=parsed.code_list, version=version, code=row.code,
                       name_fi=row.name_fi, name_sv=row.name_sv, name_en=row.name_en,
                       valid_from=row.valid_from, valid_until=row.valid_until,
                       parent_code=row.parent_code, provisional=parsed.provisional,
                       active=True, sort_order=order)
            for order, row in enumerate(parsed.codes, start=1)])
    return version


SHIPPED = Path(__file__).resolve().parent / "code_lists"
