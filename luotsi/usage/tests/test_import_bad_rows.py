"""import_service_events with bad rows: each is rejected with its line and reason, the rest of the
file is imported, and with --json the standard output is the JSON result alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from luotsi.usage.models import ServiceEvent
from luotsi.usage.tests.factories import code

pytestmark = pytest.mark.django_db

HEADER = "hetu,sector,service_code,organisation,event_date,kind\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 1), tick=False):
        yield


def line(n: int, organisation: str = "Porvoon terveysasema", day: str = "2025-03-01") -> str:
    return f"{code(n)},health,T10,{organisation},{day},visit\n"


def run(path) -> dict:
    out = StringIO()
    with translation.override("en"):
        call_command("import_service_events", str(path), "--json", "--batch-size", "3",
                     stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def _write(tmp_path, text: str, name: str = "e.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8", newline="")
    return path


def test_import__nul_byte_rejects_its_row_only(tmp_path):
    path = _write(tmp_path, line(1) + line(2, "Porvoon\x00asema") + line(3) + line(4))

    result = run(path)

    assert result["imported"] == 3
    assert [(r["row"], r["line"]) for r in result["rejected"]] == [(2, 3)]
    assert "organisation" in result["rejected"][0]["reason"]
    assert "control" in result["rejected"][0]["reason"]
    assert ServiceEvent.objects.count() == 3


def test_import__one_megabyte_field_rejects_its_row_only(tmp_path):
    path = _write(tmp_path, line(1) + line(2, "x" * 1_000_000) + line(3))

    result = run(path)

    assert result["imported"] == 2
    assert [r["line"] for r in result["rejected"]] == [3]
    assert "too long" in result["rejected"][0]["reason"]


def test_import__extra_column_rejects_its_row_only(tmp_path):
    path = _write(tmp_path, line(1) + line(2).rstrip("\n") + ",extra\n" + line(3))

    result = run(path)

    assert result["imported"] == 2
    assert [r["line"] for r in result["rejected"]] == [3]
    assert "7 columns instead of 6" in result["rejected"][0]["reason"]


def test_import__unbalanced_quote_rejects_its_row_not_the_rows_after_it(tmp_path):
    rows_after = "".join(line(n, day=f"2025-03-{n:02d}") for n in range(3, 12))
    path = _write(tmp_path, line(1) + f'{code(2)},health,T10,"Porvoon asema,2025-03-01,visit\n'
                  + rows_after)

    result = run(path)

    assert [r["line"] for r in result["rejected"]] == [3]
    assert "quote" in result["rejected"][0]["reason"]
    assert result["imported"] == 10
    assert ServiceEvent.objects.count() == 10


def test_import__quoted_line_breaks_still_one_row(tmp_path):
    path = _write(tmp_path, line(1) + f'{code(2)},health,T10,"Porvoon\nasema",2025-03-01,visit\n'
                  + line(3))

    result = run(path)

    assert (result["imported"], result["rejected"]) == (3, [])
    assert ServiceEvent.objects.filter(organisation="Porvoon\nasema").count() == 1


def test_import__fhir_ndjson_bad_line_and_nul_rejected_rest_imported(tmp_path):
    def encounter(n: int, organisation: str = "Porvoo") -> str:
        return json.dumps({
            "resourceType": "Encounter", "class": {"code": "AMB"},
            "subject": {"identifier": {"system": "urn:oid:1.2.246.21", "value": code(n)}},
            "serviceType": {"coding": [{"system": "urn:luotsi:service-sector", "code": "health"},
                                       {"system": "urn:luotsi:service-code", "code": "T10"}]},
            "serviceProvider": {"display": organisation},
            "period": {"start": "2025-03-01T10:00:00+02:00"}}) + "\n"
    path = tmp_path / "e.ndjson"
    path.write_text(encounter(1) + "{not json\n" + encounter(2, "Porvoo\x00")
                    + encounter(3) + json.dumps({"resourceType": "Encounter",
                                                 "period": ["x"]}) + "\n", encoding="utf-8")

    result = run(path)

    assert result["imported"] == 2
    assert [r["line"] for r in result["rejected"]] == [2, 3, 5]


def test_import__parquet_nul_and_huge_field_rejected_rest_imported(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    organisations = ["Porvoo", "Porvoo\x00", "x" * 1_000_000, "Loviisa"]
    table = pa.table({
        "hetu": [code(n) for n in range(4)], "sector": ["health"] * 4,
        "service_code": ["T10"] * 4, "organisation": organisations,
        "event_date": ["2025-03-01"] * 4, "kind": ["visit"] * 4})
    path = tmp_path / "e.parquet"
    pq.write_table(table, path)

    result = run(path)

    assert result["imported"] == 2
    assert [r["row"] for r in result["rejected"]] == [2, 3]


def test_import__json_output_is_pure_json_in_a_subprocess(tmp_path):
    """Run as an operator would: progress and anything else on standard error, standard output
    parses as one JSON document."""
    path = _write(tmp_path, "".join(line(n % 50, day=f"2025-0{1 + n % 5}-1{n % 9}")
                                    for n in range(400)) + line(1, "bad\x00"))
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "LUOTSI_DEMO": "1", "DATABASE_URL": f"sqlite:///{database}"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, capture_output=True)

    done = subprocess.run([*manage, "import_service_events", str(path), "--json",
                           "--batch-size", "50"], env=env, capture_output=True, text=True,
                          check=True)

    result = json.loads(done.stdout)
    assert result["rows"] == 401 and len(result["rejected"]) == 1
    assert result["rejected"][0]["line"] == 402
    assert "%" in done.stderr  # the progress went to standard error
