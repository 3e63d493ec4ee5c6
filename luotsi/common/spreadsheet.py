"""The one CSV writer of every report and export: what a spreadsheet program opens.

One choice for every file: UTF-8 with a byte-order mark (so spreadsheets read ä and ö), semicolons
between cells (the decimal mark of fi and sv is a comma), CR LF line ends.

The formula-injection guard is always on: a text cell that starts with ``= + - @``, a tab, a
carriage return or ``|`` would be run by a spreadsheet as a formula, so it is written with a
leading apostrophe (the spreadsheet shows the text). Numbers are ours and never guarded, so a
negative figure stays a number: pass ints as they are and decimals through ``figure()``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.formats import number_format

BOM = "\ufeff"
DELIMITER = ";"
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|")


class Figure(str):
    """A number already written the way the reader's language writes it (``figure()``): a cell
    the guard leaves alone."""

    __slots__ = ()


def figure(value: float, decimals: int) -> Figure:
    """``value`` rounded to ``decimals`` places with the active language's decimal mark."""
    return Figure(number_format(round(value, decimals), decimals))


def guard(value) -> str:
    """One cell as text: empty for None, ints and ``Figure`` as they are, and any other text
    that a spreadsheet would run as a formula with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, Figure) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(headers: Iterable, rows: Iterable[Iterable], *, notes: Iterable[str] = ()) -> str:
    """The file: ``notes`` first (comment lines, each starting with ``#``, line breaks inside
    one made spaces), then the header row and the rows, every cell through ``guard``."""
    buffer = io.StringIO()
    for note in notes:
        text = note.replace("\r", " ").replace("\n", " ")
        if not text.startswith("#"):
            raise ValueError("a note line starts with '#'")
        buffer.write(text + LINE_END)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator=LINE_END)
    writer.writerow([guard(cell) for cell in headers])
    writer.writerows([guard(cell) for cell in row] for row in rows)
    return BOM + buffer.getvalue()
