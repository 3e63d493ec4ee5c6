"""The client plan as FHIR R4 (the R4B models of ``fhir.resources``): export and import.

Export — ``plan_bundle(user, plan_id)`` builds a Bundle of type ``collection``:

- ``Patient``: the hetu under ``urn:oid:1.2.246.21``, or the temporary identifier under
  ``https://luotsi.fi/fhir/sid/temporary-id``; name, birth date, language;
- ``CarePlan``: status ``active``, intent ``plan``, the client's situation as ``description``,
  the client's view and any disagreement as ``note``, sectors as ``category``, the coordinator
  (or the creator) as ``author``, ``goal`` references, ``activity`` references to the
  ServiceRequests and the concrete steps as ``activity.detail``;
- ``CareTeam``: the client, the coordinator, the professionals and close persons, and the
  responsible professionals of the visible sections;
- ``Goal`` per goal: ``description.text`` is the client's own wording, ``category`` the AVAIN
  goal area, ``target.dueDate``, ``priority`` (HL7 goal-priority);
- ``ServiceRequest`` per service: ``code`` the AVAIN service, ``performer`` the provider,
  ``occurrencePeriod``, status planned→draft, ongoing→active, ended→completed;
- ``Observation`` per AVAIN meter rating: code ``avain-rating``, ``valueInteger``,
  ``effectiveDateTime``, ``focus`` the Goal, ``performer`` who rated, the scale as
  ``referenceRange``;
- ``Consent`` per consent: status active/inactive, scope, category, ``provision.period`` and
  ``provision.actor`` the sector the plan is shared with.

Only what ``user`` may see is exported: goals, services and steps of sector sections hidden from
them (``selectors.visible_sectors``) are left out. References are ``urn:uuid:`` full URLs,
stable for a row (UUID 5 of the row), so a receiver can recognise a resource it already has.
Professionals are logical references (identifier + display), not Practitioner resources.

Code systems under ``https://luotsi.fi/fhir/CodeSystem/`` are Luotsi's own. The AVAIN ones are
provisional until the national code systems replace them: each such coding carries the extension
``https://luotsi.fi/fhir/StructureDefinition/provisional-code`` = true.

Import — ``section_import(...)`` validates a plan Bundle from another system (one CarePlan, its
Goals and ServiceRequests) and stores it as a draft section (``PlanSection.Status.IMPORTED``)
whose ``imported`` JSON is::

    {"source": "...",
     "goals": [{"goal_area_code": str | None, "client_wording": str, "target_date": iso | None}],
     "services": [{"item_code": str | None, "provider": str, "sector": str}]}

The team merges it into the plan from the plan page. A Bundle whose Patient carries a hetu other
than the client's is refused: another person's plan is never filed under this client.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError as PydanticValidationError

from luotsi.access.models import LogAction
from luotsi.common import validation
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people import hetu
from luotsi.plans import selectors
from luotsi.plans import services as plan_services
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Consent,
    Goal,
    GoalFactor,
    Participant,
    Plan,
    PlanSection,
    PlanService,
    Rating,
    Sector,
    Step,
)

HETU_SYSTEM = "urn:oid:1.2.246.21"
BASE = "https://luotsi.fi/fhir"
TEMPORARY_ID_SYSTEM = f"{BASE}/sid/temporary-id"
PROFESSIONAL_SYSTEM = f"{BASE}/sid/professional"
PLAN_SYSTEM = f"{BASE}/sid/plan"
GOAL_SYSTEM = f"{BASE}/sid/goal"
SERVICE_SYSTEM = f"{BASE}/sid/plan-service"
RATING_SYSTEM = f"{BASE}/sid/avain-rating"
CONSENT_SYSTEM = f"{BASE}/sid/consent"
BUNDLE_SYSTEM = f"{BASE}/sid/bundle"
SECTOR_SYSTEM = f"{BASE}/CodeSystem/sector"
CARE_TEAM_ROLE_SYSTEM = f"{BASE}/CodeSystem/care-team-role"
OBSERVATION_SYSTEM = f"{BASE}/CodeSystem/observation"
RATED_BY_SYSTEM = f"{BASE}/CodeSystem/avain-rated-by"
OCCASION_SYSTEM = f"{BASE}/CodeSystem/avain-rating-occasion"
FACTOR_EFFECT_SYSTEM = f"{BASE}/CodeSystem/avain-factor-effect"
PROVISIONAL_EXTENSION = f"{BASE}/StructureDefinition/provisional-code"
AVAIN_RATING_CODE = "avain-rating"
CODE_SYSTEMS = {
    CodeList.GOAL_AREA: f"{BASE}/CodeSystem/avain-goal-area",
    CodeList.SITUATION_FACTOR: f"{BASE}/CodeSystem/avain-situation-factor",
    CodeList.SERVICE: f"{BASE}/CodeSystem/avain-service",
    CodeList.METHOD: f"{BASE}/CodeSystem/avain-method",
}
GOAL_PRIORITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-priority"
GOAL_PRIORITY = {Goal.Priority.HIGH: "high-priority", Goal.Priority.MEDIUM: "medium-priority",
                 Goal.Priority.LOW: "low-priority"}
SERVICE_REQUEST_STATUS = {PlanService.Status.PLANNED: "draft",
                          PlanService.Status.ONGOING: "active",
                          PlanService.Status.ENDED: "completed"}
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


# --- what the caller may see ------------------------------------------------------------------

@dataclass
class VisibleParts:
    """The parts of a plan one professional may see (hidden sectors' parts left out)."""

    allowed: set[str] | None
    sections: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    services: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    consents: list = field(default_factory=list)

    @property
    def goal_ids(self) -> set[int]:
        return {g.pk for g in self.goals}

    @property
    def section_ids(self) -> set[int]:
        return {s.pk for s in self.sections}


def visible_parts(user, plan: Plan) -> VisibleParts:
    """Filter a plan loaded with its parts prefetched (``plan_for_page``/``plan_for_export``).

    A goal belongs to its section's sector; a goal without a section is the whole plan's. A
    service belongs to its own sector; a step to its goal.
    """
    consents = list(plan.consents.all())
    allowed = selectors.visible_sectors(user, plan, consents)
    all_sections = list(plan.sections.all())
    hidden_sections = {s.pk for s in all_sections
                       if not selectors.section_visible(s.sector, allowed)}
    goals = [g for g in plan.goals.all() if g.section_id not in hidden_sections]
    goal_ids = {g.pk for g in goals}
    return VisibleParts(
        allowed=allowed,
        sections=[s for s in all_sections if s.pk not in hidden_sections],
        goals=goals,
        services=[s for s in plan.services.all()
                  if selectors.section_visible(s.sector, allowed)],
        steps=[s for s in plan.steps.all() if s.goal_id is None or s.goal_id in goal_ids],
        consents=consents,
    )


def plan_for_export(plan_id: int) -> Plan:
    """The plan with everything the Bundle needs, in a fixed number of queries."""
    return (
        Plan.objects.select_related("person", "coordinator", "created_by")
        .prefetch_related(
            Prefetch("sections", queryset=PlanSection.objects.select_related("responsible")),
            Prefetch("goals", queryset=Goal.objects.select_related("goal_area", "section")
                     .prefetch_related(
                         Prefetch("factors", queryset=GoalFactor.objects.select_related("factor")),
                         Prefetch("ratings", queryset=Rating.objects.select_related(
                             "scale", "recorded_by").order_by("rated_on", "pk")))),
            Prefetch("services", queryset=PlanService.objects.select_related(
                "item", "responsible")),
            Prefetch("steps", queryset=Step.objects.select_related("owner")),
            Prefetch("participants", queryset=Participant.objects.select_related("user")),
            Prefetch("consents", queryset=Consent.objects.all()),
        )
        .get(pk=plan_id)
    )


# --- export -----------------------------------------------------------------------------------

def _uuid(kind: str, pk) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}/{pk}"))


def _ref(full_url: str, display: str = "") -> dict:
    out = {"reference": full_url}
    if display:
        out["display"] = display
    return out


def _professional(user) -> dict:
    """A logical reference to a professional: Luotsi does not publish Practitioner resources."""
    return {"type": "Practitioner", "display": str(user),
            "identifier": {"system": PROFESSIONAL_SYSTEM, "value": str(user.pk)}}


def _code(item: CodeListItem) -> dict:
    coding = {"system": CODE_SYSTEMS[item.code_list], "code": item.code, "display": item.name}
    if item.provisional:
        coding["extension"] = [{"url": PROVISIONAL_EXTENSION, "valueBoolean": True}]
    return {"coding": [coding], "text": item.name}


def _sector(sector: str) -> dict:
    label = str(Sector(sector).label)
    return {"coding": [{"system": SECTOR_SYSTEM, "code": sector, "display": label}],
            "text": label}


def _sector_actor(sector: str) -> dict:
    return {"type": "Organization", "display": str(Sector(sector).label),
            "identifier": {"system": SECTOR_SYSTEM, "value": sector}}


def _identifier(system: str, pk) -> list[dict]:
    return [{"system": system, "value": str(pk)}]


def _entry(full_url: str, resource) -> BundleEntry:
    return BundleEntry(fullUrl=f"urn:uuid:{full_url}", resource=resource)


def _patient(person, pid: str) -> Patient:
    if person.hetu:
        identifier = {"use": "official", "system": HETU_SYSTEM, "value": person.hetu}
    else:
        identifier = {"use": "temp", "system": TEMPORARY_ID_SYSTEM, "value": person.temporary_id}
    data = {
        "id": pid,
        "identifier": [identifier],
        "name": [{"family": person.last_name,
                  **({"given": person.first_name.split()} if person.first_name else {})}],
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47",
                                                    "code": person.language}]}}],
    }
    if person.birth_date:
        data["birthDate"] = person.birth_date
    return Patient(**data)


def _care_team(plan: Plan, parts: VisibleParts, pid: str, patient_ref: dict) -> CareTeam:
    def role(code: str, label: str) -> list[dict]:
        return [{"coding": [{"system": CARE_TEAM_ROLE_SYSTEM, "code": code, "display": label}]}]

    participants = [{"role": role("client", pgettext("care team", "Client")),
                     "member": patient_ref}]
    seen: set[int] = set()
    if plan.coordinator:
        participants.append({"role": role("coordinator", pgettext("care team", "Coordinator")),
                             "member": _professional(plan.coordinator)})
        seen.add(plan.coordinator.pk)
    for section in parts.sections:
        if section.responsible and section.responsible.pk not in seen:
            participants.append({
                "role": role("responsible", pgettext("care team", "Responsible professional")),
                "member": _professional(section.responsible)})
            seen.add(section.responsible.pk)
    for person in plan.participants.all():
        if person.kind == Participant.Kind.PROFESSIONAL and person.user:
            if person.user.pk in seen:
                continue
            seen.add(person.user.pk)
            participants.append({
                "role": role("professional", pgettext("care team", "Professional")),
                "member": _professional(person.user)})
        elif person.kind == Participant.Kind.CLOSE_PERSON:
            participants.append({
                "role": role("close_person", pgettext("care team", "Close person")),
                "member": {"type": "RelatedPerson", "display": person.name}})
    return CareTeam(id=pid, status="active", subject=patient_ref,
                    name=pgettext("care team", "Care team of the client plan"),
                    participant=participants)


def _goal(goal: Goal, gid: str, patient_ref: dict) -> FhirGoal:
    data = {
        "id": gid,
        "identifier": _identifier(GOAL_SYSTEM, goal.pk),
        "lifecycleStatus": "completed" if goal.achieved_on else "active",
        "achievementStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
            "code": "achieved" if goal.achieved_on else "in-progress"}]},
        "category": [_code(goal.goal_area)],
        "priority": {"coding": [{"system": GOAL_PRIORITY_SYSTEM,
                                 "code": GOAL_PRIORITY[goal.priority],
                                 "display": str(goal.get_priority_display())}]},
        "description": {"text": goal.client_wording},
        "subject": patient_ref,
        "expressedBy": patient_ref,
    }
    if goal.target_date:
        data["target"] = [{"dueDate": goal.target_date}]
    if goal.achieved_on:
        data["statusDate"] = goal.achieved_on
    notes = [f"{factor.get_effect_display()}: {factor.factor.name}"
             + (f" — {factor.note}" if factor.note else "") for factor in goal.factors.all()]
    if notes:
        data["note"] = [{"text": text} for text in notes]
    return FhirGoal(**data)


def _service_request(service: PlanService, sid: str, patient_ref: dict) -> ServiceRequest:
    data = {
        "id": sid,
        "identifier": _identifier(SERVICE_SYSTEM, service.pk),
        "status": SERVICE_REQUEST_STATUS[service.status],
        "intent": "plan",
        "category": [_sector(service.sector)],
        "code": _code(service.item),
        "subject": patient_ref,
    }
    performers = []
    if service.provider:
        performers.append({"type": "Organization", "display": service.provider})
    if service.responsible:
        performers.append(_professional(service.responsible))
    if performers:
        data["performer"] = performers
    period = {}
    if service.starts_on:
        period["start"] = service.starts_on
    if service.ends_on:
        period["end"] = service.ends_on
    if period:
        data["occurrencePeriod"] = period
    return ServiceRequest(**data)


def _observation(rating: Rating, oid: str, goal_ref: dict, patient_ref: dict) -> Observation:
    performers = []
    if rating.rated_by_kind in (Rating.RatedBy.CLIENT, Rating.RatedBy.TOGETHER):
        performers.append(patient_ref)
    if rating.rated_by_kind in (Rating.RatedBy.PROFESSIONAL, Rating.RatedBy.TOGETHER):
        performers.append(_professional(rating.recorded_by))
    scale = rating.scale
    return Observation(
        id=oid,
        identifier=_identifier(RATING_SYSTEM, rating.pk),
        status="final",
        category=[{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey"}]}],
        code={"coding": [{"system": OBSERVATION_SYSTEM, "code": AVAIN_RATING_CODE,
                          "display": pgettext("fhir", "AVAIN meter rating")}]},
        subject=patient_ref,
        focus=[goal_ref],
        effectiveDateTime=rating.rated_on.isoformat(),
        performer=performers,
        valueInteger=rating.value,
        method={"coding": [{"system": RATED_BY_SYSTEM, "code": rating.rated_by_kind,
                            "display": str(rating.get_rated_by_kind_display())}]},
        referenceRange=[{"low": {"value": scale.minimum}, "high": {"value": scale.maximum},
                         "text": scale.name}],
        component=[
            {"code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": "occasion"}]},
             "valueCodeableConcept": {"coding": [{
                 "system": OCCASION_SYSTEM, "code": rating.occasion,
                 "display": str(rating.get_occasion_display())}]}},
            {"code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": "client-took-part"}]},
             "valueBoolean": rating.client_took_part},
        ],
    )


def _consent(consent: Consent, cid: str, patient_ref: dict, active: set[int]) -> FhirConsent:
    period = {"start": consent.valid_from}
    end = consent.withdrawn_on or consent.valid_until
    if consent.withdrawn_on and consent.valid_until:
        end = min(consent.withdrawn_on, consent.valid_until)
    if end:
        period["end"] = end
    return FhirConsent(
        id=cid,
        identifier=_identifier(CONSENT_SYSTEM, consent.pk),
        status="active" if consent.pk in active else "inactive",
        scope={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                           "code": "patient-privacy"}],
               "text": consent.scope},
        category=[{"coding": [{"system": "http://loinc.org", "code": "59284-0",
                               "display": "Patient Consent"}]}],
        patient=patient_ref,
        dateTime=consent.created_at.isoformat(),
        policyRule={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                "code": "OPTIN"}]},
        provision={
            "type": "permit",
            "period": period,
            "actor": [{
                "role": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "code": "IRCP", "display": "information recipient"}]},
                "reference": _sector_actor(consent.sector)}],
        },
    )


def _step_activity(step: Step, goal_urls: dict[int, str], patient_ref: dict) -> dict:
    if step.owner_kind == Step.Owner.PROFESSIONAL and step.owner:
        performer = _professional(step.owner)
    else:
        performer = patient_ref
    detail = {
        "kind": "Task",
        "status": "completed" if step.done_on else "not-started",
        "description": step.what,
        "scheduledPeriod": {"end": step.due_on.isoformat()},
        "performer": [performer],
    }
    if step.goal_id in goal_urls:
        detail["goal"] = [_ref(goal_urls[step.goal_id])]
    return {"detail": detail}


def build_bundle(user, plan: Plan) -> Bundle:
    """The FHIR Bundle of ``plan`` as ``user`` may see it (``plan`` from ``plan_for_export``)."""
    parts = visible_parts(user, plan)
    active_consents = {c.pk for c in parts.consents
                       if c.sector in selectors.consented_sectors(plan, [c])}
    with translation.override(plan.language):
        person = plan.person
        pid = _uuid("patient", person.pk)
        patient_ref = _ref(f"urn:uuid:{pid}", person.full_name)
        entries = [_entry(pid, _patient(person, pid))]

        team_id = _uuid("careteam", plan.pk)
        care_team = _care_team(plan, parts, team_id, patient_ref)

        goal_urls, goal_entries, observation_entries = {}, [], []
        for goal in parts.goals:
            gid = _uuid("goal", goal.pk)
            goal_urls[goal.pk] = f"urn:uuid:{gid}"
            goal_entries.append(_entry(gid, _goal(goal, gid, patient_ref)))
            goal_ref = _ref(goal_urls[goal.pk], goal.client_wording[:80])
            for rating in goal.ratings.all():
                oid = _uuid("rating", rating.pk)
                observation_entries.append(
                    _entry(oid, _observation(rating, oid, goal_ref, patient_ref)))

        service_entries = []
        for service in parts.services:
            sid = _uuid("service", service.pk)
            service_entries.append(_entry(sid, _service_request(service, sid, patient_ref)))

        consent_entries = []
        for consent in parts.consents:
            cid = _uuid("consent", consent.pk)
            consent_entries.append(_entry(cid, _consent(consent, cid, patient_ref,
                                                        active_consents)))

        author = plan.coordinator or plan.created_by
        sectors = sorted({s.sector for s in parts.sections})
        care_plan_data = {
            "id": _uuid("plan", plan.pk),
            "meta": {"versionId": str(plan.revision), "lastUpdated": plan.updated_at.isoformat()},
            "identifier": _identifier(PLAN_SYSTEM, plan.pk),
            "status": "active",
            "intent": "plan",
            "title": pgettext("fhir", "Client plan"),
            "subject": patient_ref,
            "period": {"start": timezone.localtime(plan.created_at).date()},
            "created": plan.created_at.isoformat(),
            "author": _professional(author),
            "careTeam": [_ref(f"urn:uuid:{team_id}")],
            "goal": [_ref(url) for url in goal_urls.values()],
            "activity": [{"reference": _ref(entry.fullUrl)} for entry in service_entries]
            + [_step_activity(step, goal_urls, patient_ref) for step in parts.steps],
        }
        if sectors:
            care_plan_data["category"] = [_sector(s) for s in sectors]
        if plan.client_situation:
            care_plan_data["description"] = plan.client_situation
        notes = []
        if plan.client_view:
            notes.append({"authorReference": patient_ref, "text": plan.client_view})
        if plan.disagreement:
            notes.append({"text": pgettext("fhir", "Disagreement: %(text)s")
                          % {"text": plan.disagreement}})
        if notes:
            care_plan_data["note"] = notes
        for key in ("goal", "activity"):
            if not care_plan_data[key]:
                del care_plan_data[key]
        plan_id = care_plan_data["id"]
        entries.append(_entry(plan_id, CarePlan(**care_plan_data)))
        entries.append(_entry(team_id, care_team))
        entries += goal_entries + service_entries + observation_entries + consent_entries

    return Bundle(
        identifier={"system": BUNDLE_SYSTEM, "value": str(uuid.uuid4())},
        type="collection",
        timestamp=timezone.now().isoformat(),
        entry=entries,
    )


def plan_bundle_json(user, plan_id: int) -> str:
    return build_bundle(user, plan_for_export(plan_id)).model_dump_json()


# --- import -----------------------------------------------------------------------------------

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


def read_plan(bundle: Bundle, person) -> ImportedPlan:
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
    sectors = [c for c in _codes(care_plan.category, SECTOR_SYSTEM) if c in Sector.values]

    goals, errors = [], {}
    for i, resource in resources:
        if resource.get_resource_type() != "Goal":
            continue
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
    for _i, resource in resources:
        if resource.get_resource_type() != "ServiceRequest":
            continue
        items = _codes([resource.code] if resource.code else [], CODE_SYSTEMS[CodeList.SERVICE])
        provider = next((p.display for p in resource.performer or []
                         if p.display and (p.type in (None, "Organization"))), "")
        sector = next((c for c in _codes(resource.category, SECTOR_SYSTEM)
                       if c in Sector.values), None)
        services.append({"item_code": items[0] if items else None,
                         "provider": provider or "", "sector": sector})
    if errors:
        _fail(errors)

    identifier = next(iter(care_plan.identifier or []), None) or bundle.identifier
    source = care_plan.title or "CarePlan"
    if identifier is not None and identifier.value:
        source += f" ({identifier.system or ''}|{identifier.value})"
    return ImportedPlan(source=source[:200], sector=sectors[0] if sectors else None,
                        goals=goals, services=services)


def section_import(*, actor, plan: Plan, body, sector: str | None = None) -> PlanSection:
    """File a plan Bundle from another system as a draft section of ``plan``.

    The sector comes from ``sector`` or else the CarePlan's Luotsi sector category. Everything is
    checked before anything is written; the write raises the plan's revision and is logged.
    """
    if not has_permission(actor, Action.VIEW_CLIENT):
        raise PermissionDenied
    if sector and sector not in Sector.values:
        _fail({"sector": _("Choose the sector.")})
    imported = read_plan(parse_bundle(body), plan.person)
    sector = sector or imported.sector
    if not sector:
        _fail({"sector": _("Give the sector of the imported plan: the sector query parameter "
                           "or a CarePlan category of the Luotsi sector code system.")})
    for row in imported.services:
        row["sector"] = row["sector"] or sector
    with transaction.atomic():
        locked = plan_services._bump(plan, actor, None)
        section = PlanSection.objects.create(
            plan=locked, sector=sector, status=PlanSection.Status.IMPORTED,
            source=imported.source, imported=imported.as_json())
        plan_services._log(actor, locked, LogAction.CREATE,
                      f"section {section.pk} ({sector}) imported from FHIR")
    return section
