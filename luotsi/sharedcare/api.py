"""Shared clients in the API, under ``/api/v1/shared-clients``: candidates with why, a person's
shared-client record, network meetings and consultations between experts.

The rules are those of the pages: candidates come from ``selectors.candidates`` (the caller's
visible flagged persons, not decided on) with the why of ``selectors.reasons``; a team lead also
gets the area-wide counts of ``selectors.area_counts`` (no names). Every write goes through
``luotsi.sharedcare.services`` — a meeting's decisions become plan steps, a consultation needs
the client's consent or a statutory basis and is logged as a disclosure — so the API refuses
exactly what the forms refuse, with the field named in the API's terms.

Every read of a person goes through the gateway and is logged (``selectors.access_*_by_id``,
lists with ``log_listed``/``log_listed_ids``); a person the caller may not see answers 404,
exactly as a missing one, and the refusal is logged. ``POST`` of meetings, consultations and answers accepts
``Idempotency-Key`` (``luotsi.api.idempotency``): a retry replays the stored answer
(``Idempotent-Replayed: true``); the same key with a different request is 409 ``conflict``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.api import idempotency
from luotsi.api.errors import responses
from luotsi.api.paging import Page, page_of
from luotsi.api.schemas import Id, StrictInput, choice, data_code
from luotsi.organisation.decorators import require_action
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans.api import PlanConsentOut
from luotsi.plans.models import Consent, Participant, Plan, Sector, Step
from luotsi.sharedcare import selectors, services
from luotsi.sharedcare.models import (
    OFFERED_BASIS_CODES,
    Consultation,
    Meeting,
    MeetingDecision,
    MeetingParticipant,
    SharedClient,
)

router = Router(tags=["shared clients"])

MAX_TEXT = 20_000

# The codes of the API: enumerations in the OpenAPI document.
OwnerCode = choice(Step.Owner)
OwnerOrBlank = choice(Step.Owner, blank=True)
MeetingKindCode = choice(Meeting.Kind)
SECTOR_DESCRIPTION = ("A plan sector's code. The sectors are data (the administrator adds "
                      "them); the shipped ones are listed as examples.")
SectorCode = data_code(description=SECTOR_DESCRIPTION, examples=Sector, max_length=30)
SectorOrBlank = data_code(description=SECTOR_DESCRIPTION, examples=Sector, blank=True,
                          max_length=30)
BasisCode = choice(OFFERED_BASIS_CODES)
StatusCode = choice(SharedClient.Status)
ParticipantCode = choice(MeetingParticipant.Kind)



# --- schemas: in ------------------------------------------------------------------------------


class ClosePersonIn(StrictInput):
    name: str = Field("", max_length=200)
    relation: str = Field("", max_length=100, description="How the person is related to the "
                                                          "client.")


class DecisionIn(StrictInput):
    what: str = Field("", max_length=300)
    owner_kind: OwnerOrBlank = Field("", description="Who does it.")
    owner_id: Id | None = Field(None, description="The professional, when `owner_kind` is "
                                                   "`professional`.")
    due_on: date | None = Field(None, description="By when; not in the past.")


class NetworkMeetingIn(StrictInput):
    held_at: datetime | None = Field(None, description=(
        "ISO 8601; without a UTC offset it is Finnish time."))
    kind: MeetingKindCode = Meeting.Kind.IN_PERSON.value
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=MAX_TEXT)
    notes: str = Field("", max_length=MAX_TEXT)
    client_present: bool = False
    professional_ids: list[Id] = Field(default_factory=list, max_length=50)
    close_persons: list[ClosePersonIn] = Field(default_factory=list, max_length=20)
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=50, description=(
        "Each becomes a step of the shared plan."))


class ConsultationIn(StrictInput):
    sector: SectorOrBlank = Field("", description="The expert's sector.")
    expert_id: Id | None = Field(None, description="A named expert; or `expert_team_id`.")
    expert_team_id: Id | None = Field(None, description="An expert team; or `expert_id`.")
    question: str = Field("", max_length=MAX_TEXT)
    due_on: date | None = Field(None, description="When the answer is needed; not in the past.")
    basis: BasisCode = Field("", description=(
        "The basis for disclosing the client's data, with its legal source in "
        "docs/personal-data.md. `consent` and `shl_41` need the client's consent in force "
        "covering the expert's sector."))


class AnswerIn(StrictInput):
    answer: str = Field("", max_length=MAX_TEXT)


# --- schemas: out -----------------------------------------------------------------------------

class SharedCareProfessionalOut(Schema):
    id: int
    name: str


class ContactPersonOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    email: str


class SharedCareTeamOut(Schema):
    id: int
    code: str
    name: str


class BreakdownOut(Schema):
    label: str
    count: int


class ReasonOut(Schema):
    """One matched identification rule and the number behind it, as on the person page."""

    code: str
    name: str
    explanation: str
    measure: str
    threshold: int
    window_days: int
    value: int = Field(..., description="The count the rule measured over its window.")
    window_from: date
    window_to: date
    first_flagged_on: date
    rule_version: int = Field(..., description="The version of the rule that raised the flag "
                                               "(and last confirmed it).")
    breakdown: list[BreakdownOut] = Field(..., description="Events per sector (for the "
                                                           "several-sectors rule).")
    event_kinds: list[str] = Field(..., description="The only kinds of service the rule counts "
                                                    "(empty: every kind).")
    min_age: int | None = Field(..., description="The rule counts people at least this old on "
                                                 "the date of the run (none: no lower limit).")
    max_age: int | None = Field(..., description="The rule counts people at most this old on "
                                                 "the date of the run (none: no upper limit).")
    sectors_together: list[BreakdownOut] = Field(
        ..., description="The events in each of the sectors the rule requires to be used "
                         "together (empty: no such condition).")


class CandidateOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: date | None
    age: int | None
    first_flagged: date | None
    rules: list[ReasonOut]


class AreaCountOut(Schema):
    region: str
    municipality: str
    flagged: int
    candidates: int
    confirmed: int
    declined: int


class CandidatePageOut(Schema):
    items: list[CandidateOut]
    count: int
    area: list[AreaCountOut] | None = Field(..., description=(
        "For team leads (`manage_team`): counts of the whole county by region and "
        "municipality, without names; otherwise null."))


class SharedClientConsentOut(PlanConsentOut):
    # A consent of the shared plan as in the plan's API, and whether it is in force today.
    in_force: bool


class CareTeamMemberOut(Schema):
    id: int
    name: str
    role: str


class DecisionHistoryOut(Schema):
    status: StatusCode
    reason: str
    coordinator_id: int | None
    decided_by_id: int
    decided_at: datetime


class SharedClientOut(Schema):
    person_id: int
    status: StatusCode | None = Field(..., description=(
        "`confirmed`, `declined`, `ended`, or null when no one has decided on the person."))
    flagged: bool
    coordinator: ContactPersonOut | None
    coordination_started_on: date | None
    plan_id: int | None
    care_team: list[CareTeamMemberOut]
    consents: list[SharedClientConsentOut]
    decline_reason: str
    hidden_until: date | None
    decided_by_id: int | None
    decided_at: datetime | None
    history: list[DecisionHistoryOut]


class MeetingParticipantOut(Schema):
    kind: ParticipantCode
    user_id: int | None
    name: str
    relation: str
    sector: SectorOrBlank


class MeetingDecisionOut(Schema):
    id: int
    what: str
    owner_kind: OwnerCode
    owner_id: int | None
    due_on: date
    step_id: int | None = Field(..., description="The step of the shared plan.")


class NetworkMeetingOut(Schema):
    id: int
    person_id: int
    held_at: datetime
    kind: MeetingKindCode
    place: str
    agenda: str
    notes: str
    created_by_id: int
    participants: list[MeetingParticipantOut]
    decisions: list[MeetingDecisionOut]


class MeetingPageOut(Schema):
    items: list[NetworkMeetingOut]
    count: int


class ConsultationOut(Schema):
    id: int
    person_id: int
    asked_by: SharedCareProfessionalOut
    expert: SharedCareProfessionalOut | None
    expert_team: SharedCareTeamOut | None
    sector: SectorCode
    question: str
    basis: str = Field(description=(
        "The basis the data were disclosed on: one of the offered bases, or `child_welfare_25` "
        "on a consultation recorded before that was refused (not a consultation basis)."))
    basis_source: str = Field(description="The legal source of the basis.")
    consent_id: int | None
    due_on: date
    asked_at: datetime
    is_open: bool
    answer: str
    answered_at: datetime | None
    answered_by_id: int | None
    late_working_days: int | None = Field(
        description="Working days after the due date the answer was given (0: in time; null: "
                    "not answered). An answer given late stays late.")


class ConsultationPageOut(Schema):
    items: list[ConsultationOut]
    count: int


# --- helpers ----------------------------------------------------------------------------------



def _professional(user) -> dict | None:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()} \
        if user is not None else None


def _renamed(exc: ValidationError, rename) -> ValidationError:
    """A service's field errors under the API's field names."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({rename(name): messages for name, messages in exc.message_dict.items()})


_ROW = re.compile(r"^(close_name|close_relation|what|owner|due)_(\d+)$")
_ROW_FIELDS = {"close_name": "close_persons.{i}.name",
               "close_relation": "close_persons.{i}.relation",
               "what": "decisions.{i}.what", "due": "decisions.{i}.due_on"}


def _meeting_field(payload: NetworkMeetingIn):
    """``what_2`` → ``decisions.1.what`` and so on: the form's row names in the API's terms."""
    def rename(name: str) -> str:
        if name == "professionals":
            return "professional_ids"
        found = _ROW.match(name)
        if not found:
            return name
        kind, index = found.group(1), int(found.group(2)) - 1
        if kind == "owner":
            row = payload.decisions[index] if index < len(payload.decisions) else None
            valid_kind = row is not None and row.owner_kind in Step.Owner.values
            return f"decisions.{index}.{'owner_id' if valid_kind else 'owner_kind'}"
        return _ROW_FIELDS[kind].format(i=index)
    return rename


_CONSULTATION_FIELDS = {"expert": "expert_id", "expert_team": "expert_team_id"}


def _reason(reason: selectors.RuleReason) -> dict:
    rule = reason.rule
    return {"code": rule.code, "name": rule.label(), "explanation": rule.text(),
            "measure": rule.measure, "threshold": rule.threshold,
            "window_days": rule.window_days, "value": reason.value,
            "window_from": reason.window_from, "window_to": reason.window_to,
            "first_flagged_on": reason.flag.first_flagged_on,
            "rule_version": reason.flag.rule_version,
            "breakdown": [{"label": label, "count": count} for label, count in reason.breakdown],
            "event_kinds": sorted(rule.event_kinds or []),
            "min_age": rule.min_age, "max_age": rule.max_age,
            "sectors_together": [{"label": label, "count": count}
                                 for label, count in reason.together]}


def _meetings(person_id: int):
    return (Meeting.objects.filter(shared_client__person_id=person_id)
            .select_related("shared_client")
            .prefetch_related(
                Prefetch("participants", queryset=MeetingParticipant.objects.order_by("pk")),
                Prefetch("decisions", queryset=MeetingDecision.objects.order_by("due_on", "pk")))
            .order_by("-held_at", "-pk"))


def _meeting(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk, "person_id": meeting.shared_client.person_id,
        "held_at": meeting.held_at, "kind": meeting.kind, "place": meeting.place,
        "agenda": meeting.agenda, "notes": meeting.notes,
        "created_by_id": meeting.created_by_id,
        "participants": [{"kind": p.kind, "user_id": p.user_id, "name": p.name,
                          "relation": p.relation, "sector": p.sector}
                         for p in meeting.participants.all()],
        "decisions": [{"id": d.pk, "what": d.what, "owner_kind": d.owner_kind,
                       "owner_id": d.owner_id, "due_on": d.due_on, "step_id": d.step_id}
                      for d in meeting.decisions.all()],
    }


def _consultation(c: Consultation) -> dict:
    team = c.expert_team
    return {
        "id": c.pk, "person_id": c.person_id, "asked_by": _professional(c.asked_by),
        "expert": _professional(c.expert),
        "expert_team": {"id": team.pk, "code": team.code, "name": team.name} if team else None,
        "sector": c.sector, "question": c.question, "basis": c.basis_id,
        "basis_source": c.basis.source, "consent_id": c.consent_id, "due_on": c.due_on,
        "asked_at": c.created_at, "is_open": c.is_open, "answer": c.answer,
        "answered_at": c.answered_at, "answered_by_id": c.answered_by_id,
        "late_working_days": c.late_working_days,
    }


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# A write about a person or consultation in the path, with a body and an Idempotency-Key.
_WRITE = (400, 403, 404, 409)
_IDEMPOTENCY_NOTE = (
    "\n\n**Idempotency.** Send an `Idempotency-Key` header to make retries safe: the same key "
    "with the same body answers with the stored result (`Idempotent-Replayed: true`) and "
    "creates nothing new; the same key with a different body is refused with **409** "
    "`conflict`. Invalid input answers **422** `invalid` with each field named; nothing is "
    "saved.")


# --- candidates -------------------------------------------------------------------------------

@router.get(
    "/candidates", response=responses({200: CandidatePageOut}, 403),
    summary="Candidates for shared clients, with why",
    description=(
        "Flagged persons the caller may see who are not decided on (or whose decline's hiding "
        "period has passed), newest flag first, as on the candidates page. Each carries the "
        "rules that matched with the number behind each over its window. Paged with `limit` "
        "(at most 200) and `offset`; `count` is the total. Every listed person is logged. A "
        "team lead also gets `area`: the county's counts by region and municipality, no names."),
)
def list_candidates(request: HttpRequest, response: HttpResponse, page: Query[Page]):
    user = request.auth
    require_action(user, Action.VIEW_CLIENT)
    today = timezone.localdate()
    queryset = selectors.candidates(user, today)
    persons, count = page_of(queryset, page)
    gateway.log_listed(user, persons, category=Category.SHARED_CARE,
                       detail="api: shared-client candidates")
    why = selectors.candidate_reasons(persons)
    items = [{"id": p.pk, "first_name": p.first_name, "last_name": p.last_name,
              "birth_date": p.birth_date, "age": selectors.age(p.birth_date, today),
              "first_flagged": p.first_flagged,
              "rules": [_reason(reason) for reason in why[p.pk]]} for p in persons]
    area = selectors.area_counts(today) if has_permission(user, Action.MANAGE_TEAM) else None
    idempotency.answer_headers(response)
    return {"items": items, "count": count, "area": area}


# --- consultations asked of the caller (declared before /{person_id}) --------------------------

@router.get(
    "/consultations", response=responses({200: ConsultationPageOut}, 403),
    summary="Open consultations asked of the caller or their teams",
    description=("The expert's work list: unanswered consultations asked of the caller or of "
                 "one of their teams, the earliest due first. Every listed person is logged."),
)
def list_work(request: HttpRequest, response: HttpResponse, page: Query[Page]):
    user = request.auth
    require_action(user, Action.VIEW_CLIENT)
    queryset = selectors.work_list(user)
    rows, count = page_of(queryset, page)
    gateway.log_listed_ids(user, [c.person_id for c in rows], category=Category.SHARED_CARE,
                           detail="api: consultations asked of me")
    idempotency.answer_headers(response)
    return {"items": [_consultation(c) for c in rows], "count": count}


@router.post(
    "/consultations/{consultation_id}/answer",
    response=responses({200: ConsultationOut}, *_WRITE),
    summary="Answer a consultation (the expert; Idempotency-Key)",
    description=("Only the expert asked (or a member of the expert team) may answer; for "
                 "anyone else the consultation does not exist (404). The answer stays with the "
                 "client's record and is logged as a disclosure to the professional who asked; "
                 "a consultation is answered once." + _IDEMPOTENCY_NOTE),
)
def answer_consultation(request: HttpRequest, consultation_id: Id, payload: AnswerIn,
                        response: HttpResponse,
                        idempotency_key: str | None = idempotency.header()):
    user = request.auth

    def write(_access):
        answered = services.consultation_answer(actor=user, consultation_id=consultation_id,
                                                answer=payload.answer)
        return 200, _consultation(selectors.consultation_detail(answered))

    return idempotency.respond(
        request, response, access=lambda: selectors.access_consultation_by_id(
            user, consultation_id, asked_of_user=True,
            detail=f"api: consultation {consultation_id} answer"),
        handler=write, private=True)


# --- one person -------------------------------------------------------------------------------

@router.get(
    "/{person_id}", response=responses({200: SharedClientOut}, 403, 404),
    summary="A person's shared-client record",
    description=("The decision (status), the coordinator the client can contact, the care team "
                 "and the client's consents on the shared plan, and the decision history. "
                 "`status` is null when no one has decided on the person yet. 404 when the "
                 "person does not exist or is not the caller's to see (logged)."),
)
def get_shared_client(request: HttpRequest, person_id: Id, response: HttpResponse):
    user = request.auth
    access = selectors.access_shared_client_by_id(user, person_id, detail="api: shared client")
    person = access.person
    shared = (SharedClient.objects.select_related("coordinator", "plan")
              .prefetch_related("decisions").filter(person=person).first())
    # The shared plan is the person's one plan; its consents may predate the decision.
    plan_id = (shared.plan_id if shared and shared.plan_id else
               Plan.objects.filter(person=person).values_list("pk", flat=True).first())
    care_team, consents = [], []
    if plan_id is not None:
        care_team = [{"id": p.user_id, "name": p.user.get_full_name() or p.user.get_username(),
                      "role": p.role_text or p.user.title}
                     for p in Participant.objects.filter(
                         plan_id=plan_id, kind=Participant.Kind.PROFESSIONAL,
                         user__isnull=False).select_related("user").order_by("pk")]
        today = timezone.localdate()
        consents = [{"id": c.pk, "sector": c.sector, "scope": c.scope,
                     "valid_from": c.valid_from, "valid_until": c.valid_until,
                     "withdrawn_on": c.withdrawn_on,
                     "in_force": c.in_force_on(today)}
                    for c in Consent.objects.filter(plan_id=plan_id).order_by("sector", "pk")]
    coordinator = shared.coordinator if shared else None
    idempotency.answer_headers(response)
    return {
        "person_id": person.pk,
        "status": shared.status if shared else None,
        "flagged": bool(selectors.person_flags(person.pk)),
        "coordinator": {"id": coordinator.pk,
                        "name": coordinator.get_full_name() or coordinator.get_username(),
                        "title": coordinator.title, "phone": coordinator.phone,
                        "email": coordinator.email} if coordinator else None,
        "coordination_started_on": shared.coordination_started_on if shared else None,
        "plan_id": plan_id,
        "care_team": care_team,
        "consents": consents,
        "decline_reason": shared.decline_reason if shared else "",
        "hidden_until": shared.hidden_until if shared else None,
        "decided_by_id": shared.decided_by_id if shared else None,
        "decided_at": shared.decided_at if shared else None,
        "history": [{"status": d.status, "reason": d.reason, "coordinator_id": d.coordinator_id,
                     "decided_by_id": d.decided_by_id, "decided_at": d.decided_at}
                    for d in shared.decisions.all()] if shared else [],
    }


@router.get(
    "/{person_id}/meetings",
    response=responses({200: MeetingPageOut}, 403, 404),
    summary="Network meetings of a shared client",
    description=("Newest first, with participants and decisions (each decision names its plan "
                 "step). Paged with `limit` and `offset`. Reading is logged."),
)
def list_meetings(request: HttpRequest, person_id: Id, response: HttpResponse,
                  page: Query[Page]):
    access = selectors.access_shared_client_by_id(request.auth, person_id, detail="api: network meetings")
    queryset = _meetings(access.person.pk)
    rows, count = page_of(queryset, page)
    idempotency.answer_headers(response)
    return {"items": [_meeting(m) for m in rows], "count": count}


@router.post(
    "/{person_id}/meetings", response=responses({201: NetworkMeetingOut}, *_WRITE),
    summary="Record a network meeting (Idempotency-Key)",
    description=(
        "For a confirmed shared client. Participants: the client (`client_present`), "
        "professionals (`professional_ids`, their sector from their team) and close persons. "
        "Each decision becomes a step of the shared plan, as from the meeting form; a decision "
        "names the client or a professional and a date not in the past. Errors name the row: "
        "`decisions.0.due_on`, `close_persons.1.name`." + _IDEMPOTENCY_NOTE),
)
def create_meeting(request: HttpRequest, person_id: Id, payload: NetworkMeetingIn,
                   response: HttpResponse,
                   idempotency_key: str | None = idempotency.header()):
    user = request.auth
    data = services.MeetingInput(
        held_at=_aware(payload.held_at), kind=payload.kind, place=payload.place,
        agenda=payload.agenda, notes=payload.notes, client_present=payload.client_present,
        professional_ids=list(payload.professional_ids),
        close_persons=[(p.name, p.relation) for p in payload.close_persons],
        decisions=[services.DecisionInput(what=d.what, owner_kind=d.owner_kind,
                                          owner_id=d.owner_id, due_on=d.due_on)
                   for d in payload.decisions])

    def write(access):
        try:
            meeting = services.meeting_create(actor=user, person_id=access.person.pk, data=data)
        except ValidationError as exc:
            raise _renamed(exc, _meeting_field(payload)) from None
        return 201, _meeting(_meetings(access.person.pk).get(pk=meeting.pk))

    return idempotency.respond(
        request, response, access=lambda: selectors.access_shared_client_by_id(
            user, person_id, detail="api: network meeting"),
        handler=write, private=True)


@router.get(
    "/{person_id}/consultations",
    response=responses({200: ConsultationPageOut}, 403, 404),
    summary="Consultations about a person",
    description=("Asked and answered, newest first, as on the person's page. Paged with `limit` "
                 "and `offset`. Reading is logged."),
)
def list_consultations(request: HttpRequest, person_id: Id, response: HttpResponse,
                       page: Query[Page]):
    access = selectors.access_shared_client_by_id(request.auth, person_id, detail="api: consultations")
    queryset = selectors.consultations_of_person(access.person.pk)
    rows, count = page_of(queryset, page)
    idempotency.answer_headers(response)
    return {"items": [_consultation(c) for c in rows], "count": count}


@router.post(
    "/{person_id}/consultations", response=responses({201: ConsultationOut}, *_WRITE),
    summary="Ask an expert of another sector (Idempotency-Key)",
    description=(
        "Needs an offered basis (`basis`); `consent` and `shl_41` (contact with another "
        "authority, SHL 41 §) need the client's consent in force covering the expert's sector. "
        "Without a valid basis it is refused (422, field `basis`) and nothing is disclosed; "
        "the child-welfare duty to notify is not a consultation basis. The question is logged as a disclosure and the expert (or team) gets "
        "time-boxed access to the person." + _IDEMPOTENCY_NOTE),
)
def create_consultation(request: HttpRequest, person_id: Id, payload: ConsultationIn,
                        response: HttpResponse,
                        idempotency_key: str | None = idempotency.header()):
    user = request.auth
    data = services.ConsultationInput(
        sector=payload.sector, question=payload.question, basis=payload.basis,
        due_on=payload.due_on, expert_id=payload.expert_id,
        expert_team_id=payload.expert_team_id)

    def write(access):
        try:
            asked = services.consultation_ask(actor=user, person_id=access.person.pk, data=data)
        except ValidationError as exc:
            raise _renamed(exc, lambda name: _CONSULTATION_FIELDS.get(name, name)) from None
        return 201, _consultation(selectors.consultation_detail(asked))

    return idempotency.respond(
        request, response, access=lambda: selectors.access_shared_client_by_id(
            user, person_id, detail="api: consultation"),
        handler=write, private=True)
