"""The FHIR rows of import_service_events, read by hand from JSON, against resources built and
serialised with ``fhir.resources`` (R4B models): what a conforming sender writes is what the
importer reads."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from luotsi.people import crypto
from luotsi.usage.importing import fhir as fhir_rows
from luotsi.usage.models import ServiceEvent
from luotsi.usage.tests.factories import code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 1), tick=False):
        yield


def _concept(*codes: tuple[str, str]) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=value) for system, value in codes])


def _hetu(n: int) -> Identifier:
    return Identifier(system=fhir_rows.HETU_SYSTEM, value=code(n))


def _resources() -> list:
    emergency = Encounter(
        status="finished",
        class_fhir=Coding(system="http://terminology.hl7.org/CodeSystem/v3-ActCode", code="EMER"),
        serviceType=_concept((fhir_rows.SECTOR_SYSTEM, "health"),
                             (fhir_rows.SERVICE_SYSTEM, "PAIV")),
        subject=Reference(reference="urn:uuid:patient-1"),
        serviceProvider=Reference(display="Porvoon päivystys"),
        period=Period(start="2025-02-03T10:15:00+02:00"))
    visit = Encounter(
        status="finished",
        class_fhir=Coding(system="http://terminology.hl7.org/CodeSystem/v3-ActCode", code="AMB"),
        type=[_concept((fhir_rows.SECTOR_SYSTEM, "social"), ("urn:example:local", "K12"))],
        subject=Reference(identifier=_hetu(2)),
        serviceProvider=Reference(identifier=Identifier(value="0245437-2")),
        period=Period(start="2025-03-04"))
    episode = EpisodeOfCare(
        status="active",
        type=[_concept((fhir_rows.SECTOR_SYSTEM, "employment"),
                       (fhir_rows.KIND_SYSTEM, "decision"),
                       (fhir_rows.SERVICE_SYSTEM, "TYP"))],
        patient=Reference(reference="Patient/p3"),
        managingOrganization=Reference(display="TE-palvelut"),
        period=Period(start="2025-01-20"))
    plain_episode = EpisodeOfCare(
        status="finished",
        type=[_concept((fhir_rows.SECTOR_SYSTEM, "employment"),
                       (fhir_rows.SERVICE_SYSTEM, "TYP"))],
        patient=Reference(identifier=_hetu(2)),
        managingOrganization=Reference(display="TE-palvelut"),
        period=Period(start="2025-04-01"))
    return [emergency, visit, episode, plain_episode]


EXPECTED = {
    (1, "health", "PAIV", "Porvoon päivystys", date(2025, 2, 3), "emergency_visit"),
    (2, "social", "K12", "0245437-2", date(2025, 3, 4), "visit"),
    (3, "employment", "TYP", "TE-palvelut", date(2025, 1, 20), "decision"),
    (2, "employment", "TYP", "TE-palvelut", date(2025, 4, 1), "episode"),
}


def _stored() -> set[tuple]:
    numbers = {crypto.lookup_hash(code(n)): n for n in (1, 2, 3)}
    return {(numbers[lookup], *rest) for lookup, *rest in ServiceEvent.objects.values_list(
        "person__hetu_lookup", "sector", "service_code", "organisation", "event_date", "kind")}


def _run(path, *args) -> dict:
    out = StringIO()
    call_command("import_service_events", str(path), "--json", *args, stdout=out,
                 stderr=StringIO())
    return json.loads(out.getvalue())


def test_import__fhir_resources_bundle_read_as_built(tmp_path):
    patients = [
        BundleEntry(fullUrl="urn:uuid:patient-1", resource=Patient(identifier=[_hetu(1)])),
        BundleEntry(resource=Patient(id="p3", identifier=[
            Identifier(system="urn:example:other", value="x"), _hetu(3)])),
    ]
    bundle = Bundle(type="collection", entry=[
        *patients, *(BundleEntry(resource=resource) for resource in _resources())])
    path = tmp_path / "bundle.json"
    path.write_text(bundle.model_dump_json(), encoding="utf-8")
    result = _run(path)
    assert (result["rows"], result["imported"], result["rejected"]) == (4, 4, [])
    assert _stored() == EXPECTED


def test_import__fhir_resources_ndjson_of_single_resources(tmp_path):
    # Without the Bundle, only the identifiers on the references themselves are known.
    resources = _resources()
    resources[0].subject = Reference(identifier=_hetu(1))
    resources[2].patient = Reference(identifier=_hetu(3))
    path = tmp_path / "events.ndjson"
    path.write_text("".join(resource.model_dump_json() + "\n" for resource in resources),
                    encoding="utf-8")
    result = _run(path)
    assert (result["rows"], result["imported"], result["rejected"]) == (4, 4, [])
    assert _stored() == EXPECTED
    assert _run(path)["duplicates"] == 4
