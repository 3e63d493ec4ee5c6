"""The service-usage import takes identity codes through the one ASCII-only check: a code in
another script's digits is a rejected row, never a second person."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from luotsi.people.models import Person
from luotsi.usage.tests.factories import code, row, write_csv

pytestmark = pytest.mark.django_db


def test_import__non_ascii_code_rejected_not_registered_again(tmp_path):
    ascii_code = code(1)
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in ascii_code)
    path = write_csv(tmp_path / "e.csv", [row(1), row(hetu_value=arabic)])
    out = StringIO()
    with time_machine.travel(date(2025, 6, 1), tick=False), translation.override("en"):
        call_command("import_service_events", str(path), "--json", stdout=out, stderr=StringIO())
    result = json.loads(out.getvalue())
    assert result["imported"] == 1
    [rejected] = result["rejected"]
    assert rejected["row"] == 2 and "U+066" in rejected["reason"]
    assert Person.objects.count() == 1
