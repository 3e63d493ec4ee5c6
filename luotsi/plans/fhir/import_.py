"""A plan Bundle from another system, validated and read for filing as a draft section
(docs/fhir.md); ``plans.services.section_import`` stores it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticValidationError

from luotsi.common import validation
from luotsi.people import hetu
from luotsi.plans import sectors as plan_sectors
from luotsi.plans.fhir.codes import CODE_SYSTEMS, HETU_SYSTEM, SECTOR_SYSTEM
from luotsi.plans.models import CodeList, CodeListVersion

ACCEPTED_BUNDLE_TYPES = {"collection", "document", "transaction", "batch", "searchset"}


def _fail(errors: dict[str, str]) -> None:
    raise ValidationError({name: [message] for name, message in errors.items()})


def _element_path(loc) -> str:
    path = "Bundle"
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}"
    return path


def _text_problems(value, loc: tuple):
    """Each text of the raw Bundle that cannot be stored (control characters, over-long), with
    the path of its element (``luotsi.common.validation``)."""
    if isinstance(value, str):
        problem = validation.text_problem(value, multiline=True)
        if problem:
            yield _element_path(loc), problem
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_problems(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_problems(item, (*loc, index))


def parse_bundle(body) -> Bundle:
    """Parse and validate a Bundle; a ``ValidationError`` names each invalid element."""
    if isinstance(body, bytes | str):
        try:
            data = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            _fail({"body": _("The request body is not JSON.")})
    else:
        data = body
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        _fail({"Bundle.resourceType": _("Send a FHIR Bundle (resourceType Bundle).")})
    text_errors = dict(_text_problems(data, ()))
    if text_errors:
        _fail(dict(list(text_errors.items())[:20]))
    try:
        bundle = Bundle.model_validate(data)
    except PydanticValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors()[:20]:
            errors.setdefault(_element_path(err.get("loc", ())), []).append(err.get("msg", ""))
        raise ValidationError(errors) from None
    if bundle.type not in ACCEPTED_BUNDLE_TYPES:
        _fail({"Bundle.type": _("A plan is imported from a Bundle of type collection, document, "
                                "transaction, batch or searchset.")})
    return bundle


def _codes(concepts, system: str) -> list[str]:
    out = []
    for concept in concepts or []:
        for coding in concept.coding or []:
            if coding.system == system and coding.code:
                out.append(coding.code)
    return out


def _versions(concepts, system: str) -> set[str]:
    """The code-list versions the codings of ``system`` name (``Coding.version``)."""
    return {coding.version for concept in concepts or [] for coding in concept.coding or []
            if coding.system == system and coding.code and coding.version}


def _unknown_versions(wanted: dict[str, dict[str, set[str]]]) -> dict[str, str]:
    """For each element path whose codings name a version of their code list that is not
    loaded here, the refusal (one statement for the whole Bundle). A known older version is
    fine: its codes are matched to the current version's by code when the draft is merged."""
    names = {v for by_list in wanted.values() for versions in by_list.values() for v in versions}
    if not names:
        return {}
    known = set(CodeListVersion.objects.filter(version__in=names).values_list("code_list",
                                                                              "version"))
    errors = {}
    for path, by_list in wanted.items():
        unknown = sorted(v for code_list, versions in by_list.items() for v in versions
                         if (code_list, v) not in known)
        if unknown:
            errors[path] = _("The code list version %(version)s is not loaded in Luotsi: load "
                             "it first (manage.py load_code_list), or send the codes of a "
                             "loaded version.") % {"version": ", ".join(unknown)}
    return errors


def _text(concept) -> str:
    if concept is None:
        return ""
    if concept.text and concept.text.strip():
        return concept.text.strip()
    for coding in concept.coding or []:
        if coding.display and coding.display.strip():
            return coding.display.strip()
    return ""


@dataclass
class ImportedPlan:
    source: str
    sector: str | None
    goals: list[dict]
    services: list[dict]

    def as_json(self) -> dict:
        return {"source": self.source, "goals": self.goals, "services": self.services}


def read_plan(bundle: Bundle, person) -> ImportedPlan:  # noqa: C901 -- one pass over the Bundle
    """The plan content of a validated Bundle, checked against the client it is filed under."""
    resources = [(i, e.resource) for i, e in enumerate(bundle.entry or []) if e.resource]
    plans = [(i, r) for i, r in resources if r.get_resource_type() == "CarePlan"]
    if len(plans) != 1:
        _fail({"Bundle.entry": _("The Bundle must contain exactly one CarePlan.")})
    own_hetu = person.hetu or ""
    for i, resource in resources:
        if resource.get_resource_type() != "Patient" or not own_hetu:
            continue
        for identifier in resource.identifier or []:
            if identifier.system != HETU_SYSTEM or not identifier.value:
                continue
            try:
                given = hetu.clean(identifier.value)  # ASCII only, as everywhere a code enters
            except hetu.HetuError as error:
                _fail({f"Bundle.entry[{i}].resource.identifier": str(error.message)})
            if given != own_hetu:
                _fail({f"Bundle.entry[{i}].resource.identifier": _(
                    "The Bundle is for another person: the personal identity code does not "
                    "match this client.")})
    _index, care_plan = plans[0]
    sectors = [c for c in _codes(care_plan.category, SECTOR_SYSTEM) if plan_sectors.is_active(c)]

    goals, errors = [], {}
    versions: dict[str, dict[str, set[str]]] = {}
    for i, resource in resources:
        if resource.get_resource_type() != "Goal":
            continue
        versions[f"Bundle.entry[{i}].resource.category"] = {CodeList.GOAL_AREA: _versions(
            resource.category, CODE_SYSTEMS[CodeList.GOAL_AREA])}
        wording = _text(resource.description)
        if not wording:
            errors[f"Bundle.entry[{i}].resource.description.text"] = _(
                "The goal has no text: the client's own wording is needed.")
            continue
        areas = _codes(resource.category, CODE_SYSTEMS[CodeList.GOAL_AREA])
        due = next((t.dueDate for t in resource.target or [] if t.dueDate), None)
        if validation.date_problem(due):
            errors[f"Bundle.entry[{i}].resource.target.dueDate"] = validation.date_problem(due)
            continue
        goals.append({"goal_area_code": areas[0] if areas else None,
                      "client_wording": wording,
                      "target_date": due.isoformat() if due else None})
    services = []
    for i, resource in resources:
        if resource.get_resource_type() != "ServiceRequest":
            continue
        concepts = [resource.code] if resource.code else []
        versions[f"Bundle.entry[{i}].resource.code"] = {CodeList.SERVICE: _versions(
            concepts, CODE_SYSTEMS[CodeList.SERVICE])}
        items = _codes(concepts, CODE_SYSTEMS[CodeList.SERVICE])
        provider = next((p.display for p in resource.performer or []
                         if p.display and (p.type in (None, "Organization"))), "")
        sector = next((c for c in _codes(resource.category, SECTOR_SYSTEM)
                       if plan_sectors.is_active(c)), None)
        services.append({"item_code": items[0] if items else None,
                         "provider": provider or "", "sector": sector})
    errors.update(_unknown_versions(versions))
    if errors:
        _fail(errors)

    identifier = next(iter(care_plan.identifier or []), None) or bundle.identifier
    source = care_plan.title or "CarePlan"
    if identifier is not None and identifier.value:
        source += f" ({identifier.system or ''}|{identifier.value})"
    return ImportedPlan(source=source[:200], sector=sectors[0] if sectors else None,
                        goals=goals, services=services)
