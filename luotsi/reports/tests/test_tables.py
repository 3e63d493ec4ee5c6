"""The table cells of the key-figure reports: CSV cells carry the formula-injection guard, page
cells the user's number format."""

import pytest
from django.utils import translation

from luotsi.reports.tables import csv_cell, page_cell


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), (3, "3"), (40.0, "40.0"), (-10.84, "-10.8"), ("Porvoo", "Porvoo"),
    ("=1+1", "'=1+1"), ("+358", "'+358"), ("-x", "'-x"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("|cmd", "'|cmd"),
])
def test_csv_cells(value, expected):
    with translation.override("en"):
        assert csv_cell(value) == expected


def test_page_cells():
    with translation.override("fi"):
        assert page_cell(None) == "–"
        assert page_cell(40.0) == "40,0"
        assert page_cell(7) == "7"
