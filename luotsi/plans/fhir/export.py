"""The client plan as a FHIR R4 Bundle, as one professional may see it (docs/fhir.md)."""

from __future__ import annotations

import uuid

from django.utils import timezone, translation
from django.utils.translation import pgettext
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest

from luotsi.plans import selectors
from luotsi.plans.fhir.codes import (
    AVAIN_EVALUATION_CODE,
    AVAIN_RATING_CODE,
    BASE,
    BUNDLE_SYSTEM,
    CARE_TEAM_ROLE_SYSTEM,
    CODE_SYSTEMS,
    CONDITION_CATEGORY_SYSTEM,
    CONDITION_CLINICAL_SYSTEM,
    CONSENT_SYSTEM,
    DIRECTION_SYSTEM,
    EVALUATED_SYSTEM,
    EVALUATION_SYSTEM,
    GOAL_PRIORITY,
    GOAL_PRIORITY_SYSTEM,
    GOAL_SYSTEM,
    HETU_SYSTEM,
    OBSERVATION_SYSTEM,
    OCCASION_SYSTEM,
    PLAN_SYSTEM,
    PROFESSIONAL_SYSTEM,
    PROVISIONAL_EXTENSION,
    RATED_BY_SYSTEM,
    RATING_SYSTEM,
    SECTOR_SYSTEM,
    SERVICE_REQUEST_STATUS,
    SERVICE_SYSTEM,
    SUPPORT_NEED_SYSTEM,
    TEMPORARY_ID_SYSTEM,
)
from luotsi.plans.models import (
    CodeListItem,
    Consent,
    Evaluation,
    Goal,
    Participant,
    Plan,
    PlanService,
    PlanSupportNeed,
    Rating,
    Step,
)
from luotsi.plans.sectors import sector_label
from luotsi.plans.selectors import VisibleParts, plan_for_export, visible_parts

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


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
    # The version of the code list the row was recorded with (docs/code-lists.md): a code of
    # an older version keeps its own.
    coding = {"system": CODE_SYSTEMS[item.code_list], "version": item.version.version,
              "code": item.code, "display": item.name}
    if item.provisional:
        coding["extension"] = [{"url": PROVISIONAL_EXTENSION, "valueBoolean": True}]
    return {"coding": [coding], "text": item.name}


def _sector(sector: str) -> dict:
    label = sector_label(sector)
    return {"coding": [{"system": SECTOR_SYSTEM, "code": sector, "display": label}],
            "text": label}


def _sector_actor(sector: str) -> dict:
    return {"type": "Organization", "display": sector_label(sector),
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
    if plan.named_worker:
        # the statutory named worker (SHL 42 §) is a role of its own, even when the same
        # professional also coordinates the plan
        participants.append({"role": role("named-worker", pgettext(
            "care team", "Named worker (omatyöntekijä)")),
            "member": _professional(plan.named_worker)})
        seen.add(plan.named_worker.pk)
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


def _support_need(need: PlanSupportNeed, nid: str, patient_ref: dict) -> Condition:
    """A support need of the client (SHL 11 §) as a Condition the plan addresses: the code of
    the support-needs list, who recorded it and when, its note."""
    data = {
        "id": nid,
        "identifier": _identifier(SUPPORT_NEED_SYSTEM, need.pk),
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL_SYSTEM, "code": "active"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY_SYSTEM,
                                  "code": "problem-list-item"}]}],
        "code": _code(need.need),
        "subject": patient_ref,
        "recordedDate": need.created_at.isoformat(),
        "recorder": _professional(need.recorded_by),
    }
    if need.note:
        data["note"] = [{"text": need.note}]
    return Condition(**data)


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


def _evaluation_observation(evaluation: Evaluation, oid: str, focus: dict | None,
                            patient_ref: dict) -> Observation:
    """An evaluation of the AVAIN meter: a service or method (did it help, on the scale), a
    situation factor (better, the same, worse) or the client's own rating of a goal; the
    performer is who rated (the client, or the professional who recorded it)."""
    by_client = evaluation.rater == Evaluation.Rater.CLIENT
    performer = patient_ref if by_client or evaluation.recorded_by is None \
        else _professional(evaluation.recorded_by)
    item = {Evaluation.Subject.SERVICE: lambda: evaluation.service.item,
            Evaluation.Subject.METHOD: lambda: evaluation.method.method,
            Evaluation.Subject.FACTOR: lambda: evaluation.factor.factor,
            Evaluation.Subject.GOAL: lambda: None}[evaluation.subject]()
    components: list[dict] = [
        {"code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": "occasion"}]},
         "valueCodeableConcept": {"coding": [{
             "system": OCCASION_SYSTEM, "code": evaluation.occasion,
             "display": str(evaluation.get_occasion_display())}]}},
        {"code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": "evaluated"}]},
         "valueCodeableConcept": {"coding": [{
             "system": EVALUATED_SYSTEM, "code": evaluation.subject,
             "display": str(evaluation.get_subject_display())}]}},
    ]
    if item is not None:
        components.append(
            {"code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": "item"}]},
             "valueCodeableConcept": {"coding": [{
                 "system": CODE_SYSTEMS[item.code_list], "code": item.code,
                 "display": item.name}]}})
    data: dict = {
        "id": oid,
        "identifier": _identifier(EVALUATION_SYSTEM, evaluation.pk),
        "status": "final",
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey"}]}],
        "code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": AVAIN_EVALUATION_CODE,
                             "display": pgettext("fhir", "AVAIN meter evaluation")}]},
        "subject": patient_ref,
        "effectiveDateTime": evaluation.rated_on.isoformat(),
        "performer": [performer],
        "method": {"coding": [{"system": RATED_BY_SYSTEM, "code": evaluation.rater,
                               "display": str(evaluation.get_rater_display())}]},
        "component": components,
    }
    if focus is not None:
        data["focus"] = [focus]
    if evaluation.value is not None and evaluation.scale is not None:
        data["valueInteger"] = evaluation.value
        data["referenceRange"] = [{"low": {"value": evaluation.scale.minimum},
                                   "high": {"value": evaluation.scale.maximum},
                                   "text": evaluation.scale.name}]
    else:
        data["valueCodeableConcept"] = {"coding": [{
            "system": DIRECTION_SYSTEM, "code": evaluation.direction,
            "display": str(evaluation.get_direction_display())}]}
    if evaluation.note:
        data["note"] = [{"text": evaluation.note}]
    return Observation(**data)


def _evaluation_entries(plan: Plan, goal_urls: dict[int, str], service_urls: dict[int, str],
                        patient_ref: dict) -> list:
    """The meter's evaluations of what the reader sees: a service of a shown sector, a goal
    shown (and its factors and methods), a method of the whole plan."""
    entries = []
    for evaluation in plan.evaluations.all():
        subject = evaluation.subject
        if subject == Evaluation.Subject.SERVICE:
            url = service_urls.get(evaluation.service_id)
        elif subject == Evaluation.Subject.GOAL:
            url = goal_urls.get(evaluation.goal_id)
        elif subject == Evaluation.Subject.FACTOR:
            url = goal_urls.get(evaluation.factor.goal_id)
        else:
            goal_id = evaluation.method.goal_id
            url = goal_urls.get(goal_id) if goal_id is not None else ""
        if url is None:
            continue  # of a hidden sector
        oid = _uuid("evaluation", evaluation.pk)
        entries.append(_entry(oid, _evaluation_observation(
            evaluation, oid, _ref(url) if url else None, patient_ref)))
    return entries


def _consent_status(consent: Consent, active: set[int]) -> str:
    """FHIR's status of a consent: ``proposed`` while it waits for the client's answer (asked by a
    worker, neither accepted nor withdrawn), ``active`` while in force, else ``inactive``."""
    if consent.pk in active:
        return "active"
    if consent.status == Consent.Status.REQUESTED and consent.withdrawn_on is None:
        return "proposed"
    return "inactive"


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
        status=_consent_status(consent, active),
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

        # The client's support needs: the whole plan's, bound to no sector.
        need_entries, need_refs = [], []
        for need in plan.support_needs.all():
            nid = _uuid("support-need", need.pk)
            need_entries.append(_entry(nid, _support_need(need, nid, patient_ref)))
            need_refs.append(_ref(f"urn:uuid:{nid}", need.need.name))

        service_entries, service_urls = [], {}
        for service in parts.services:
            sid = _uuid("service", service.pk)
            service_urls[service.pk] = f"urn:uuid:{sid}"
            service_entries.append(_entry(sid, _service_request(service, sid, patient_ref)))
        observation_entries += _evaluation_entries(plan, goal_urls, service_urls, patient_ref)

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
            "addresses": need_refs,
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
        for key in ("addresses", "goal", "activity"):
            if not care_plan_data[key]:
                del care_plan_data[key]
        plan_id = care_plan_data["id"]
        entries.append(_entry(plan_id, CarePlan(**care_plan_data)))
        entries.append(_entry(team_id, care_team))
        entries += (need_entries + goal_entries + service_entries + observation_entries
                    + consent_entries)

    return Bundle(
        identifier={"system": BUNDLE_SYSTEM, "value": str(uuid.uuid4())},
        type="collection",
        timestamp=timezone.now().isoformat(),
        entry=entries,
    )


def plan_bundle_json(user, plan_id: int) -> str:
    return build_bundle(user, plan_for_export(plan_id)).model_dump_json()
