"""import_service_events through the management command (and the importer for interruptions)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from luotsi.access.models import AccessLogEntry
from luotsi.people import crypto
from luotsi.people.models import Person
from luotsi.usage import importing
from luotsi.usage.importing.writers import generic, postgresql
from luotsi.usage.models import ServiceEvent
from luotsi.usage.tests.factories import code, row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 1), tick=False):
        yield


def run(path, *args) -> dict:
    out = StringIO()
    call_command("import_service_events", str(path), "--json", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_import__rows_stored_and_person_registered_with_hetu_alone(tmp_path):
    path = write_csv(tmp_path / "e.csv", [row(1, kind="doctor_visit"), row(1, sector="social"),
                                          row(2, event_date="2024-12-31")])
    result = run(path)
    assert result == {"rows": 3, "imported": 3, "duplicates": 0, "rejected": []}
    person = Person.objects.get(hetu_lookup=crypto.lookup_hash(code(1)))
    assert person.hetu == code(1)
    assert person.hetu_encrypted and code(1) not in person.hetu_encrypted
    assert person.birth_date == date(1980, 5, 17)
    assert set(person.service_events.values_list("sector", "kind")) == {
        ("health", "doctor_visit"), ("social", "visit")}
    created = AccessLogEntry.objects.filter(person_id=person.pk, action="create")
    assert created.count() == 1 and created.get().username == "import_service_events"


def test_import__registered_person_has_the_models_defaults(tmp_path):
    run(write_csv(tmp_path / "e.csv", [row(1)]))
    person = Person.objects.get(hetu_lookup=crypto.lookup_hash(code(1)))
    reference = Person(first_name="", last_name="", search_name="")
    for field in Person._meta.concrete_fields:
        if field.name not in {"id", "hetu_encrypted", "hetu_lookup", "birth_date", "created_at",
                              "updated_at"}:
            assert getattr(person, field.attname) == getattr(reference, field.attname), field
    assert person.created_at and person.updated_at
    assert (person.first_name, person.last_name, person.municipality_id) == ("", "", None)


def test_events__person_reference_checked_on_postgresql(client_person):
    """The foreign key's guarantee, kept by the statement-level checks of migration 0005."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the ordinary foreign key")
    fields = {"sector": "health", "service_code": "X", "organisation": "O",
              "event_date": date(2025, 1, 2), "kind": "visit"}
    missing = Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceEvent.objects.create(person_id=missing, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceEvent.objects.bulk_create([ServiceEvent(person=client_person, **fields),
                                          ServiceEvent(person_id=missing, **fields)])
    event = ServiceEvent.objects.create(person=client_person, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceEvent.objects.filter(pk=event.pk).update(person_id=missing)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_person WHERE id = %s", [client_person.pk])
    assert ServiceEvent.objects.get(pk=event.pk).person_id == client_person.pk
    other = Person.objects.create(first_name="Ei", last_name="Tapahtumia", search_name="x",
                                  temporary_id="T-1")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_person WHERE id = %s", [other.pk])
    assert not Person.objects.filter(pk=other.pk).exists()


def test_import__texts_with_backslashes_tabs_and_line_breaks_stored_as_they_are(tmp_path):
    organisation = "Porvoo\\Loviisa\tyksikkö\nB\r\\N"
    path = write_csv(tmp_path / "e.csv", [row(1, organisation=organisation, service_code="\\N"),
                                          row(2, kind="käynti\\t")])
    assert run(path)["imported"] == 2
    assert set(ServiceEvent.objects.values_list("organisation", "service_code", "kind")) == {
        (organisation, "\\N", "visit"), ("Porvoon terveysasema", "T10", "käynti\\t")}
    assert run(path)["duplicates"] == 2


def test_import__existing_person_found_by_hetu(tmp_path, client_person):
    path = write_csv(tmp_path / "e.csv", [row(hetu_value=client_person.hetu)])
    run(path)
    assert Person.objects.count() == 1
    assert client_person.service_events.count() == 1


def test_import__duplicates_within_file_and_against_stored_rows(tmp_path):
    run(write_csv(tmp_path / "a.csv", [row(1)]))
    path = write_csv(tmp_path / "b.csv", [row(1), row(2), row(2), row(2, kind="contact")])
    result = run(path)
    assert (result["rows"], result["imported"], result["duplicates"]) == (4, 2, 2)
    assert ServiceEvent.objects.count() == 3


def test_import__rows_differing_in_one_field_kept_identical_ones_not_across_two_imports(
        tmp_path):
    base = row(1)
    variants = [row(2), row(1, sector="social"), row(1, service_code="T11"),
                row(1, organisation="Loviisan terveysasema"), row(1, event_date="2025-03-02"),
                row(1, kind="contact"), row(1, service_code="T10|x"),
                row(1, service_code="T10|Porvoon", organisation="terveysasema")]
    first = run(write_csv(tmp_path / "a.csv", [base, *variants[:4]]))
    assert (first["imported"], first["duplicates"]) == (5, 0)
    second = run(write_csv(tmp_path / "b.csv", [*variants, base, list(base), variants[0]]),
                 "--batch-size", "3")
    assert (second["imported"], second["duplicates"]) == (4, 7)
    assert ServiceEvent.objects.count() == 1 + len(variants)
    stored = {(e.person.hetu, e.sector, e.service_code, e.organisation, e.event_date.isoformat(),
               e.kind) for e in ServiceEvent.objects.select_related("person")}
    assert stored == {tuple(r) for r in [base, *variants]}
    for event in ServiceEvent.objects.all():
        assert event.row_key.hex == ServiceEvent.key_for(
            event.person_id, event.sector, event.service_code, event.organisation,
            event.event_date, event.kind)


def test_key__filled_on_save_and_bulk_create_and_unique(client_person):
    from django.db import IntegrityError, transaction

    fields = {"person": client_person, "sector": "health", "service_code": "X",
              "organisation": "O", "event_date": date(2025, 1, 2), "kind": "visit"}
    saved = ServiceEvent.objects.create(**fields)
    assert saved.row_key.hex == ServiceEvent.key_for(
        client_person.pk, "health", "X", "O", date(2025, 1, 2), "visit")
    assert saved.row_key.hex.startswith(f"{(date(2025, 1, 2) - date(1900, 1, 1)).days:06x}")
    [other] = ServiceEvent.objects.bulk_create([ServiceEvent(**{**fields, "kind": "contact"})])
    assert ServiceEvent.objects.get(pk=other.pk).row_key != saved.row_key
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceEvent.objects.bulk_create([ServiceEvent(**fields)])
    saved.kind = "decision"
    saved.save()
    saved.refresh_from_db()
    assert saved.row_key.hex == ServiceEvent.key_for(
        client_person.pk, "health", "X", "O", date(2025, 1, 2), "decision")


def test_key__day_key_range_holds_exactly_the_days_events(client_person):
    from luotsi.usage.models import day_key

    first = date(2025, 1, 2)
    days = [first + timedelta(days=n) for n in range(-1, 3)]
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=client_person, sector=sector, service_code=service, organisation="O",
                     event_date=day, kind="visit")
        for day in days for sector in ("health", "social") for service in ("A", "ÖÖ", "z" * 50)])
    in_range = ServiceEvent.objects.filter(row_key__gte=day_key(first),
                                           row_key__lt=day_key(first + timedelta(days=2)))
    assert sorted(in_range.values_list("event_date", flat=True)) == sorted(
        [first] * 6 + [first + timedelta(days=1)] * 6)


def test_key__field_boundaries_count():
    day = date(2025, 1, 2)
    assert ServiceEvent.key_for(1, "health", "a|b", "c", day, "k") != ServiceEvent.key_for(
        1, "health", "a", "b|c", day, "k")
    assert ServiceEvent.key_for(1, "health", "a", "c", day, "k|1:a") != ServiceEvent.key_for(
        1, "health", "a|1:a", "c", day, "k")
    assert ServiceEvent.key_for(12, "health", "a", "c", day, "k") != ServiceEvent.key_for(
        1, "health", "a", "c", day, "k")


def test_key__migrations_sql_gives_the_same_key_on_postgresql(client_person):
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the set-based key of the migration is PostgreSQL's")
    migration = import_module("luotsi.usage.migrations.0004_service_event_row_key")
    for organisation, kind in (("Päivystys åäö €", "emergency_visit"), ("O|1:x", "k")):
        event = ServiceEvent.objects.create(
            person=client_person, sector="health", service_code="X|ö", organisation=organisation,
            event_date=date(1931, 12, 31), kind=kind)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {migration.POSTGRESQL_KEY} FROM usage_serviceevent "  # noqa: S608
                           "WHERE id = %s", [event.pk])
            assert cursor.fetchone()[0] == event.row_key


def test_import__reimport_adds_nothing(tmp_path):
    path = write_csv(tmp_path / "e.csv", [row(n, event_date=f"2025-01-{n + 1:02d}")
                                          for n in range(20)])
    first = run(path, "--batch-size", "7")
    again = run(path, "--batch-size", "7")
    assert first["imported"] == 20
    assert (again["imported"], again["duplicates"]) == (0, 20)
    assert ServiceEvent.objects.count() == 20
    assert Person.objects.count() == 20


def test_import__invalid_rows_rejected_with_row_and_reason_rest_imported(tmp_path):
    path = write_csv(tmp_path / "e.csv", [
        row(1),
        row(hetu_value="131052-308X"),
        row(2, sector="dentistry"),
        row(3, event_date="2025-02-30"),
        row(3, event_date="2025-06-02"),
        row(3, event_date="1899-12-31"),
        row(4, organisation=""),
        row(5),
    ])
    with translation.override("en"):
        result = run(path)
    assert result["imported"] == 2
    rejected = {item["row"]: item["reason"] for item in result["rejected"]}
    assert sorted(rejected) == [2, 3, 4, 5, 6, 7]
    assert "hetu" in rejected[2]
    assert "dentistry" in rejected[3]
    assert "2025-02-30" in rejected[4]
    assert "future" in rejected[5]
    assert "1900" in rejected[6]
    assert "organisation" in rejected[7]
    assert not Person.objects.filter(hetu_lookup=crypto.lookup_hash(code(3))).exists()


def test_import__reasons_in_the_users_language(tmp_path):
    path = write_csv(tmp_path / "e.csv", [row(2, sector="dentistry")])
    with translation.override("en"):
        english = run(path)["rejected"][0]["reason"]
    assert english.startswith("unknown sector")


def test_import__interrupted_after_first_batch_then_rerun_loses_and_duplicates_nothing(tmp_path):
    rows = [row(n % 10, event_date=(date(2025, 1, 1) + timedelta(days=n)).isoformat())
            for n in range(25)]
    path = write_csv(tmp_path / "e.csv", rows)
    batches = []

    def stop_after_first(result):
        batches.append(result.imported)
        if len(batches) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importing.import_events(path, batch_size=10, after_batch=stop_after_first)
    assert ServiceEvent.objects.count() == 10  # the first batch was committed
    result = run(path, "--batch-size", "10")
    assert (result["imported"], result["duplicates"]) == (15, 10)
    assert ServiceEvent.objects.count() == 25
    assert Person.objects.count() == 10


def test_import__failure_inside_a_batch_leaves_nothing_of_that_batch(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "e.csv", [row(n) for n in range(5)])

    def broken(rows, batch_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generic, "insert_events", broken)
    monkeypatch.setattr(postgresql, "insert_events", broken)
    with pytest.raises(RuntimeError):
        importing.import_events(path)
    assert Person.objects.count() == 0
    assert ServiceEvent.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"name,date\nx,y\n", "header"),
    (b"", "empty"),
    ("hetu,sector,service_code,organisation,event_date,kind\n"
     "010101A123N,social,S1,Sosiaalitoimi Ääneskoski,2025-01-01,visit\n".encode("latin-1"),
     "UTF-8"),
])
def test_import__unreadable_file_gives_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("import_service_events", str(path), stdout=StringIO())
    assert ServiceEvent.objects.count() == 0


def test_import__missing_file_gives_a_clear_message(tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="does not exist"):
        call_command("import_service_events", str(tmp_path / "none.csv"), stdout=StringIO())


def test_import__semicolons_and_bom_accepted(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("\ufeffhetu;sector;service_code;organisation;event_date;kind\n"
                    f"{code(1)};employment;TE1;TE-palvelut;2025-01-02;contact\n", encoding="utf-8")
    assert run(path)["imported"] == 1


def test_import__parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [row(1), row(2, sector="mental_health_substance", kind="doctor_visit"), row(1),
            row(3, sector="nowhere")]
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(importing.COLUMNS)})
    path = tmp_path / "e.parquet"
    pq.write_table(table, path, row_group_size=2)
    result = run(path)
    assert (result["rows"], result["imported"], result["duplicates"]) == (4, 2, 1)
    assert result["rejected"][0]["row"] == 4
    assert run(path)["imported"] == 0


def _bundle() -> dict:
    return {
        "resourceType": "Bundle", "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:p1", "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": "urn:oid:1.2.246.21", "value": code(1)}]}},
            {"resource": {
                "resourceType": "Encounter", "status": "finished",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                          "code": "EMER"},
                "serviceType": {"coding": [
                    {"system": "urn:luotsi:service-sector", "code": "health"},
                    {"system": "urn:luotsi:service-code", "code": "PAIV"}]},
                "subject": {"reference": "urn:uuid:p1"},
                "serviceProvider": {"display": "Porvoon päivystys"},
                "period": {"start": "2025-02-03T10:15:00+02:00"}}},
            {"resource": {
                "resourceType": "EpisodeOfCare", "status": "active",
                "type": [{"coding": [
                    {"system": "urn:luotsi:service-sector", "code": "employment"},
                    {"system": "urn:luotsi:event-kind", "code": "decision"},
                    {"system": "urn:luotsi:service-code", "code": "TYP"}]}],
                "patient": {"identifier": {"system": "urn:oid:1.2.246.21", "value": code(2)}},
                "managingOrganization": {"identifier": {"value": "0245437-2"}},
                "period": {"start": "2025-01-20"}}},
            {"resource": {
                "resourceType": "Encounter", "status": "finished",
                "serviceType": {"coding": [
                    {"system": "urn:luotsi:service-sector", "code": "health"}]},
                "subject": {"identifier": {"system": "urn:oid:1.2.246.21", "value": "bad"}},
                "serviceProvider": {"display": "X"},
                "period": {"start": "2025-02-03"}}},
        ],
    }


def test_import__fhir_bundle(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle()), encoding="utf-8")
    result = run(path)
    assert (result["rows"], result["imported"]) == (3, 2)
    assert result["rejected"][0]["row"] == 3
    events = set(ServiceEvent.objects.values_list(
        "person__hetu_lookup", "sector", "service_code", "organisation", "event_date", "kind"))
    assert events == {
        (crypto.lookup_hash(code(1)), "health", "PAIV", "Porvoon päivystys", date(2025, 2, 3),
         "emergency_visit"),
        (crypto.lookup_hash(code(2)), "employment", "TYP", "0245437-2", date(2025, 1, 20),
         "decision"),
    }
    assert run(path)["imported"] == 0


def test_import__fhir_ndjson_and_non_bundle_refused(tmp_path):
    path = tmp_path / "bundles.ndjson"
    path.write_text(json.dumps(_bundle()) + "\n" + json.dumps(_bundle()) + "\n", encoding="utf-8")
    result = run(path, "--format", "fhir")
    assert (result["rows"], result["imported"], result["duplicates"]) == (6, 2, 2)
    other = tmp_path / "patient.json"
    other.write_text(json.dumps({"resourceType": "Patient"}), encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="Bundle"):
        call_command("import_service_events", str(other), stdout=StringIO())


def test_import__progress_as_plain_lines_when_not_a_terminal(tmp_path):
    path = write_csv(tmp_path / "e.csv", [row(n % 50, event_date=(
        date(2024, 1, 1) + timedelta(days=n)).isoformat()) for n in range(300)])
    out = StringIO()
    call_command("import_service_events", path, "--batch-size", "20", stdout=out)
    text = out.getvalue()
    assert "%" in text
    assert "300" in text

