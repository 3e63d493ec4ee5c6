"""FHIR R4 Encounter and EpisodeOfCare resources as raw event rows.

The resources are read as plain JSON dictionaries, by hand, not through the ``fhir.resources``
models: building a pydantic model per resource costs many times the rest of a row's import, and an
import has millions of rows. The mapping below reads only the elements it needs and turns an
element of the wrong type into that row's reason; ``usage/tests/test_import_fhir.py`` checks it
against resources built and serialised with ``fhir.resources``.

An Encounter or EpisodeOfCare becomes one row:
- hetu: the patient's identifier with system urn:oid:1.2.246.21, either on ``subject`` /
  ``patient`` itself or on the Patient resource it references inside the Bundle;
- event_date: the date part of ``period.start``;
- sector: the coding with system urn:luotsi:service-sector (Encounter.serviceType or .type,
  EpisodeOfCare.type);
- kind: the coding with system urn:luotsi:event-kind in the same places; without it an
  Encounter of class EMER is an ``emergency_visit``, any other Encounter a ``visit``, and an
  EpisodeOfCare an ``episode``;
- service_code: the coding with system urn:luotsi:service-code, else the first other code;
- organisation: serviceProvider (Encounter) or managingOrganization (EpisodeOfCare), its
  identifier value or else its display text.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

HETU_SYSTEM = "urn:oid:1.2.246.21"
SECTOR_SYSTEM = "urn:luotsi:service-sector"
KIND_SYSTEM = "urn:luotsi:event-kind"
SERVICE_SYSTEM = "urn:luotsi:service-code"


def _codings(resource: dict) -> list[dict]:
    found: list[dict] = []
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
