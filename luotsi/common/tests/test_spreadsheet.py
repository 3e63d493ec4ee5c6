"""The one CSV writer: byte-order mark, semicolons, CR LF, and the formula-injection guard on
every text cell, while our own numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from luotsi.common.spreadsheet import Figure, figure, guard, write_csv


@pytest.mark.parametrize("hostile", ["=1+1", "+358 40 123", "-2+3", "@SUM(A1)", "\tcmd",
                                     "\rcmd", "|calc", '=HYPERLINK("http://x";"y")'])
def test_guard__text_that_would_run_as_a_formula_is_written_as_text(hostile):
    assert guard(hostile) == "'" + hostile


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), (0, "0"), (-7, "-7"), ("Porvoo", "Porvoo"), ("<5", "<5"), ("", ""),
    ("'=x", "'=x"), ("a=b", "a=b"), (True, "True")])
def test_guard__other_cells(value, expected):
    assert guard(value) == expected


def test_figure__our_negative_numbers_stay_numbers_in_the_language_of_the_reader():
    with translation.override("fi"):
        assert figure(-10.845, 1) == "-10,8"
        assert guard(figure(-10.845, 2)) == "-10,85"
    with translation.override("en"):
        assert figure(40.0, 2) == "40.00"
    assert isinstance(figure(1.0, 1), Figure)


def test_guard__a_guarded_cell_is_not_guarded_twice():
    assert guard(guard("=x")) == "'=x"


def test_write_csv__bom_semicolons_crlf_and_guarded_cells():
    with translation.override("en"):
        text = write_csv(["name", "count"],
                         [["=cmd", 3], ["a;b", -1], [None, figure(-0.5, 2)]])
    assert text.startswith("\ufeff")
    assert text.count("\r\n") == 4 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["name", "count"], ["'=cmd", "3"], ["a;b", "-1"], ["", "-0.50"]]


def test_write_csv__header_cells_guarded_too():
    rows = list(csv.reader(io.StringIO(write_csv(["@head"], [])[1:]), delimiter=";"))
    assert rows == [["'@head"]]


def test_write_csv__notes_before_the_header_on_one_line_each():
    text = write_csv(["a"], [[1]], notes=["# purpose: x\r\ny", "# second"])
    assert text[1:].split("\r\n")[:3] == ["# purpose: x  y", "# second", "a"]


def test_write_csv__a_note_must_be_a_comment_line():
    with pytest.raises(ValueError, match="#"):
        write_csv(["a"], [], notes=["=cmd"])
