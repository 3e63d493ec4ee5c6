"""Contacts and service-need assessments in the API, through the access gateway and the services.

A contact or an assessment is fetched by id through ``selectors.access_contact_by_id`` /
``access_assessment_by_id``: one whose child the caller cannot see answers 404, the same as a
missing one, and the refusal is written to the access log. Reads of one record are logged there
with the real basis; lists by ``gateway.log_listed_ids``; writes by the services.

Registering a contact takes an ``Idempotency-Key`` through ``luotsi.api.idempotency``, the one
mechanism of the API: keys are the caller's own (per professional), a retry replays the stored
answer, the same key with another body is refused with 409.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.api import idempotency
from luotsi.api.errors import responses
from luotsi.api.paging import DEFAULT_LIMIT, Limit, page_of
from luotsi.api.schemas import CheckedInput, Id, Offset, StrictInput, Version, choice
from luotsi.intake import advice, responsible, selectors, services
from luotsi.intake.models import (
    CLOCK_CHOICES,
    AdviceKind,
    AdviceOutcome,
    AdviceRecord,
    AdviceTopic,
    AskerGroup,
    Assessment,
    AssessmentReferral,
    AssessmentSupport,
    Channel,
    Consultation,
    Contact,
    ContactKind,
    ContactPerson,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
    Meeting,
    NamedWorkerNeed,
    ReporterKind,
    ServiceCatalogueItem,
    SupportMeasure,
    SupportNeed,
    Urgency,
)
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import User
from luotsi.organisation.permissions import Action
from luotsi.people.api import MunicipalityOut
from luotsi.people.models import Language

contacts_router = Router(tags=["contacts"])
assessments_router = Router(tags=["assessments"])
advice_router = Router(tags=["advice"])


# The codes of the API: enumerations in the OpenAPI document.
KindCode = choice(ContactKind)
ClockCode = choice([code for code, _label in CLOCK_CHOICES])
ChannelCode = choice(Channel)
ReporterCode = choice(ReporterKind)
RoleCode = choice(ContactPerson.Role)
LanguageCode = choice(Language)
UrgencyCode = choice(Urgency)
ContactStatusCode = choice(ContactStatus)
DeadlineStatusCode = choice(DeadlineStatus)
OpenDeadlineStatus = (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON, DeadlineStatus.ON_TIME)
InitialOutcomeCode = choice(InitialAssessment.Outcome)
AssessmentOutcomeCode = choice(Assessment.Outcome)
MeetingKindCode = choice(Meeting.Kind)
NamedWorkerNeedCode = choice(NamedWorkerNeed)
NamedWorkerNeedOrBlank = choice(NamedWorkerNeed, blank=True)
SupportNeedCode = choice(SupportNeed)
SupportNeedOrBlank = choice(SupportNeed, blank=True)
SupportMeasureCode = choice(SupportMeasure)
ClockOrBlank = choice([code for code, _label in CLOCK_CHOICES], blank=True)
OpenDeadlineStatusOrBlank = choice(OpenDeadlineStatus, blank=True)
KindOrBlank = choice(ContactKind, blank=True)
ContactOrAdviceKindCode = choice([*ContactKind.values, *AdviceKind.values])
ReporterOrBlank = choice(ReporterKind, blank=True)
AdviceTopicOrBlank = choice(AdviceTopic, blank=True)
AskerGroupOrBlank = choice(AskerGroup, blank=True)
AdviceOutcomeOrBlank = choice(AdviceOutcome, blank=True)
AdviceKindOrBlank = choice(AdviceKind, blank=True)



# --- schemas: in ------------------------------------------------------------------------------


class ContactPersonIn(StrictInput):
    role: RoleCode
    person_id: Id | None = Field(None, description="An existing person, by id.")
    hetu: str = Field("", max_length=20, description=(
        "Personal identity code: an existing person is found by it, a new one is registered."))
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    temporary: bool = Field(False, description="A new person without a hetu (temporary id).")
    expected_birth_date: date | None = Field(None, description="For an unborn child.")
    language: LanguageCode = "fi"


class ContactCreateIn(StrictInput):
    kind: ContactOrAdviceKindCode = Field(..., description=(
        "A named contact's kind, or `advice` / `professional_consultation`: advice, guidance or "
        "a professional's consultation without a named child. Those take `topic`, `channel`, "
        "`received_at`, `asker_group`, `duration_minutes`, `outcome` and `summary`, and no "
        "person data: `persons`, the reporter's details, `description`, `clock` and "
        "`municipality_code` are refused (422 naming the field), as is an identity code in "
        "`summary`. No statutory clock runs."))
    clock: ClockOrBlank = Field("", description=(
        "The statutory clock; empty for the one the kind requires. A stricter clock may be "
        "chosen; one that drops, postpones or replaces the kind's clock is refused (422, "
        "`clock`)."))
    channel: ChannelCode
    received_at: datetime = Field(..., description="ISO 8601 with its UTC offset.")
    reporter_kind: ReporterOrBlank = Field("", description="Required for a named contact.")
    reporter_name: str = Field("", max_length=200)
    reporter_organisation: str = Field("", max_length=200)
    reporter_phone: str = Field("", max_length=40)
    reporter_protected: bool = Field(False, description=(
        "The reporter's identity is protected from the family; the API then omits it."))
    family_informed: bool = False
    description: str = Field("", max_length=20000,
                             description="Required for a named contact: what was reported.")
    municipality_code: str = Field("", max_length=10, description=(
        "The family's municipality (three digits); empty to take the child's."))
    persons: list[ContactPersonIn] = Field(default_factory=list, max_length=30, description=(
        "The persons concerned: at least one child (or the unborn child) for a named contact; "
        "none for advice or a consultation."))
    advice_id: Id | None = Field(None, description=(
        "Convert this advice record of your team into the named contact: the contact is "
        "received at the record's `received_at` (its clocks start then) and the record's "
        "outcome becomes `converted`."))
    topic: AdviceTopicOrBlank = Field("", description="Advice and consultations: the topic.")
    asker_group: AskerGroupOrBlank = Field("", description=(
        "Advice and consultations: who asked, as a group, never a name."))
    duration_minutes: int | None = Field(None, ge=1, le=advice.MAX_DURATION_MINUTES, description=(
        "Advice and consultations: the duration in whole minutes, 1 to 480."))
    outcome: AdviceOutcomeOrBlank = Field("", description=(
        "Advice and consultations: how it ended (`converted` only by conversion)."))
    summary: str = Field("", max_length=5000, description=(
        "Advice and consultations: what was asked and advised, without names or identity "
        "codes."))


class ContactFilters(CheckedInput):
    team: Id | None = Field(None, description="Team id.")
    assignee: Id | None = Field(None, description="Worker id (as worker or pair worker).")
    unassigned: bool = False
    status: OpenDeadlineStatusOrBlank = Field("", description="Deadline status; empty for all.")
    kind: KindOrBlank = Field("", description="Kind of contact; empty for all.")
    municipality: str = Field("", max_length=10, description="Municipality code.")
    include_closed: bool = False
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class AdviceFilters(CheckedInput):
    kind: AdviceKindOrBlank = Field("", description="Advice or a consultation; empty for both.")
    topic: AdviceTopicOrBlank = Field("", description="Topic; empty for all.")
    outcome: AdviceOutcomeOrBlank = Field("", description="Outcome; empty for all.")
    received_from: date | None = Field(None, description=(
        "The first day received (Helsinki), included."))
    received_to: date | None = Field(None, description=(
        "The last day received (Helsinki), included; not before `received_from`."))
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class UrgencyIn(StrictInput):
    urgency: UrgencyCode
    note: str = Field("", max_length=10000, description="Required when urgent.")
    expected_version: Version | None = Field(None, description="The contact's version you saw.")


class InitialAssessmentIn(StrictInput):
    outcome: InitialOutcomeCode
    reason: str = Field("", max_length=20000,
                        description="Required for `advice` and `no_action`.")
    referral_code: str = Field("", max_length=60,
                               description="Catalogue service code, for `referral`.")
    informed_on: date | None = Field(None, description=(
        "Child and guardian informed (LSL 26 §). For a contact with the `investigation_decision` "
        "deadline, required unless `not_informed_reason` is given."))
    not_informed_reason: str = Field("", max_length=10000, description=(
        "Why the child and guardian were not informed (instead of `informed_on`)."))
    expected_version: Version | None = None


class ClockChangeIn(StrictInput):
    clock: ClockCode
    reason: str = Field(..., max_length=10000, description="Why the clock is changed.")
    expected_version: Version | None = Field(None, description="The contact's version you saw.")


class AssignIn(StrictInput):
    assignee_id: Id
    pair_worker_id: Id | None = None


class AssessmentStartIn(StrictInput):
    started_on: date
    pair_worker_id: Id | None = None


class AssessmentMeetingIn(StrictInput):
    kind: MeetingKindCode
    held_on: date
    participants: str = Field("", max_length=500)
    notes: str = Field(..., max_length=50000)


class AssessmentResultIn(StrictInput):
    """The content of the result (palvelutarpeen arvio); what is required is required at
    completion, a draft may leave it empty."""

    reason: str = Field("", max_length=50000, description=(
        "The summary of the situation and the need for services and support."))
    conclusions: str = Field("", max_length=50000, description=(
        "Required at completion: the conclusions on the conditions for clienthood."))
    client_view: str = Field("", max_length=50000, description=(
        "Required at completion: the client's own view of their needs."))
    named_worker_need: NamedWorkerNeedOrBlank = Field("", description=(
        "Required at completion: whether a named worker (omatyöntekijä, SHL 42 §) is needed."))
    children_situation: str = Field("", max_length=50000, description=(
        "The situation of any child in the adult's care; required at completion when the person "
        "assessed is an adult."))
    child_met_on: date | None = Field(None, description=(
        "When the child was met and heard; for a child, this or `child_not_met_reason` is "
        "required at completion."))
    child_not_met_reason: str = Field("", max_length=5000, description=(
        "Why the child was not met (only without `child_met_on`)."))
    child_view: str = Field("", max_length=50000, description=(
        "The child's own view; required at completion when the child was met."))
    support_need: SupportNeedOrBlank = Field("", description=(
        "Whether the need for support is temporary, repeated or long-term; required at "
        "completion unless the outcome is `closed`."))
    expected_version: Version | None = None


class AssessmentCompleteIn(AssessmentResultIn):
    outcome: AssessmentOutcomeCode
    reason: str = Field(..., max_length=50000)
    completed_on: date
    responsible_worker_id: Id | None = Field(None, description=(
        "The named worker (omatyöntekijä); required when a client relationship is opened."))
    informed_on: date | None = Field(None, description=(
        "Child and guardian informed; required for a child-welfare client relationship."))


class AssessmentSupportIn(StrictInput):
    measure: SupportMeasureCode
    started_on: date
    note: str = Field("", max_length=300, description="Details; required for `other`.")


class AssessmentReferralIn(StrictInput):
    service_code: str = Field(..., max_length=60, description=(
        "The service's code in the service catalogue."))
    referred_on: date
    note: str = Field("", max_length=300)


# --- schemas: out -----------------------------------------------------------------------------

class TeamOut(Schema):
    id: int
    code: str
    name: str


class DeadlineOut(Schema):
    code: str
    due_on: date
    target_on: date | None = Field(None, description=(
        "The team's internal target, earlier than the legal final day (`due_on`): for a "
        "three-month deadline that Act 150/1930 § 5 moved to the next working day, the unmoved "
        "final day; for a seven-working-day deadline with Midsummer Eve or Christmas Eve inside "
        "its window, the seventh working day counting the eves as working days. Null when they "
        "are the same."))
    basis: str
    status: DeadlineStatusCode
    met_on: date | None
    late_working_days: int | None = Field(
        None, description="Working days after the final day the deadline was met (0: in time; "
        "null: not met).")


class ContactDeadlineOut(DeadlineOut):
    contact_id: int


class PersonRoleOut(Schema):
    id: int
    role: RoleCode


class UrgencyOut(Schema):
    value: UrgencyCode
    note: str
    assessed_by_id: int | None
    assessed_at: datetime | None


class InitialAssessmentOut(Schema):
    outcome: InitialOutcomeCode
    reason: str
    referral_code: str | None
    informed_on: date | None
    not_informed_reason: str
    decided_on: date
    decided_by_id: int


class ContactStateOut(Schema):
    """A contact's state after a write: enough to go on, no client data beyond the ids."""

    id: int
    version: int
    status: ContactStatusCode
    opened_on: date
    urgency: UrgencyCode | None
    team: TeamOut
    assignee_id: int | None
    pair_worker_id: int | None
    assessment_id: int | None
    deadlines: list[DeadlineOut]


class ContactRegisteredOut(ContactStateOut):
    """The answer to registering a contact. Someone who registers a contact about a child they
    may not see (a notification from another sector) learns only that it was registered: the
    handling team, the workers, an open assessment and the deadlines are left out."""

    visible: bool = Field(..., description=(
        "False when the contact's child is not yours to see: the contact was passed to the "
        "central intake team and `status`, `urgency`, `team`, `assignee_id`, `pair_worker_id` "
        "and `assessment_id` are null and `deadlines` empty, whatever the child's situation."))
    status: ContactStatusCode | None
    team: TeamOut | None


class ContactListItemOut(Schema):
    id: int
    version: int
    kind: KindCode
    status: ContactStatusCode
    received_at: datetime
    opened_on: date
    urgency: UrgencyCode | None
    child_id: int
    municipality: MunicipalityOut
    team: TeamOut
    assignee_id: int | None
    pair_worker_id: int | None
    assessment_id: int | None
    next_due: date | None
    deadline_status: DeadlineStatusCode = Field(..., description="The most pressing status of its deadlines.")
    deadlines: list[DeadlineOut]


class ContactPageOut(Schema):
    items: list[ContactListItemOut]
    count: int


class ClockChangeOut(Schema):
    from_clock: ClockCode
    to_clock: ClockCode
    reason: str
    changed_by_id: int
    changed_at: datetime


class ContactOut(Schema):
    id: int
    version: int
    kind: KindCode
    clock: ClockCode
    channel: ChannelCode
    received_at: datetime
    opened_on: date
    status: ContactStatusCode
    closed_on: date | None
    reporter_kind: ReporterCode
    reporter_protected: bool
    reporter_name: str | None = Field(..., description="Omitted (null) when protected.")
    reporter_organisation: str | None
    reporter_phone: str | None
    family_informed: bool
    description: str
    child_id: int
    persons: list[PersonRoleOut]
    municipality: MunicipalityOut
    team: TeamOut
    assignee_id: int | None
    pair_worker_id: int | None
    urgency: UrgencyOut | None
    initial_assessment: InitialAssessmentOut | None
    assessment_id: int | None
    deadlines: list[DeadlineOut]
    clock_changes: list[ClockChangeOut] = Field(..., description=(
        "Changes of the statutory clock after registration, oldest first."))
    probable_duplicates: list[int] = Field(..., description=(
        "Contacts about the same child from the same reporter close in time that you may see; "
        "shown, never merged."))


class AssessmentMeetingOut(Schema):
    id: int
    kind: MeetingKindCode
    held_on: date
    participants: str
    notes: str
    recorded_by_id: int


class AssessmentConsultationOut(Schema):
    id: int
    expert: str
    question: str
    answer: str
    asked_by_id: int


class AssessmentSupportOut(Schema):
    id: int
    measure: SupportMeasureCode
    started_on: date
    note: str


class AssessmentReferralOut(Schema):
    id: int
    service_code: str
    service_name: str
    referred_on: date
    note: str


class AssessmentStateOut(Schema):
    id: int
    version: int
    started_on: date | None
    completed_on: date | None
    outcome: AssessmentOutcomeCode | None
    worker_id: int | None
    pair_worker_id: int | None
    responsible_worker_id: int | None
    deadlines: list[ContactDeadlineOut]


class AssessmentCompletedOut(AssessmentStateOut):
    warnings: list[str] = Field(..., description=(
        "Warnings that did not stop the completion, in the caller's language: the responsible "
        "social worker now has more children as child-welfare clients than the LSL 13 b § cap "
        "(`LUOTSI_CHILDREN_PER_SOCIAL_WORKER`, 30)."))


class ResponsibleWorkerChangeOut(Schema):
    from_worker_id: int
    to_worker_id: int
    reason: str
    changed_by_id: int
    changed_at: datetime


class ResponsibleWorkerIn(StrictInput):
    responsible_worker_id: Id = Field(..., description=(
        "The new responsible worker: a licensed social worker for a child-welfare client "
        "(LSL 13 b §); a social-welfare professional for a family-services client, a licensed "
        "social worker when the child needs special support (SHL 42 §)."))
    reason: str = Field(..., max_length=10000, description="Why the worker is changed.")
    expected_version: Version | None = Field(None, description=(
        "The assessment's version you saw."))


class AssessmentOut(AssessmentStateOut):
    child_id: int
    team: TeamOut
    opened_on: date
    outcome_reason: str
    informed_on: date | None
    conclusions: str
    client_view: str
    named_worker_need: NamedWorkerNeedCode | None
    children_situation: str
    child_met_on: date | None
    child_not_met_reason: str
    child_view: str
    support_need: SupportNeedCode | None
    support_measures: list[AssessmentSupportOut]
    referrals: list[AssessmentReferralOut]
    contact_ids: list[int]
    responsible_worker_changes: list[ResponsibleWorkerChangeOut]
    meetings: list[AssessmentMeetingOut]
    consultations: list[AssessmentConsultationOut]


class AdviceRecordOut(Schema):
    """An advice record or consultation: no person data."""

    id: int
    version: int
    kind: str
    topic: str
    channel: ChannelCode
    asker_group: str
    received_at: datetime
    duration_minutes: int
    outcome: str
    summary: str
    team: TeamOut
    converted_to_id: int | None


class AdvicePageOut(Schema):
    items: list[AdviceRecordOut]
    count: int


class CreatedOut(Schema):
    id: int


# --- helpers ----------------------------------------------------------------------------------

def _team(team) -> dict:
    return {"id": team.pk, "code": team.code, "name": team.name}


def _deadline(d: Deadline) -> dict:
    return {"code": d.code, "due_on": d.due_on, "target_on": d.target_on, "basis": d.basis,
            "status": d.status,
            "met_on": d.met_on, "late_working_days": d.late_working_days}


def _contact_state(contact: Contact) -> dict:
    contact = (Contact.objects.select_related("team")
               .prefetch_related(Prefetch("deadlines",
                                          queryset=Deadline.objects.order_by("due_on", "pk")))
               .get(pk=contact.pk))
    return {
        "id": contact.pk, "version": contact.version, "status": contact.status,
        "opened_on": contact.opened_on, "urgency": contact.urgency or None,
        "team": _team(contact.team), "assignee_id": contact.assignee_id,
        "pair_worker_id": contact.pair_worker_id, "assessment_id": contact.assessment_id,
        "deadlines": [_deadline(d) for d in contact.deadlines.all()],
    }


def _registered_state(user, contact: Contact, *, replayed: bool = False) -> dict:
    """The contact's state as its registrant may see it now (``ContactRegisteredOut``). A
    replayed answer is read again through the gateway, and logged: the registrant may have lost
    access to the child since."""
    if selectors.visible_contacts(user).filter(pk=contact.pk).exists():
        if replayed:
            contact = selectors.access_contact_by_id(
                user, contact.pk, detail=f"api: contact {contact.pk} registration replayed").record
        return {**_contact_state(contact), "visible": True}
    return {"id": contact.pk, "version": contact.version, "status": None,
            "opened_on": contact.opened_on, "urgency": None, "team": None,
            "assignee_id": None, "pair_worker_id": None, "assessment_id": None,
            "deadlines": [], "visible": False}


def _assessment_deadlines(assessment: Assessment) -> list[dict]:
    deadlines = (Deadline.objects.filter(contact__assessment=assessment)
                 .order_by("due_on", "contact_id", "pk"))
    return [{**_deadline(d), "contact_id": d.contact_id} for d in deadlines]


def _assessment_state(assessment: Assessment) -> dict:
    return {
        "id": assessment.pk, "version": assessment.version,
        "started_on": assessment.started_on, "completed_on": assessment.completed_on,
        "outcome": assessment.outcome or None, "worker_id": assessment.worker_id,
        "pair_worker_id": assessment.pair_worker_id,
        "responsible_worker_id": assessment.responsible_worker_id,
        "deadlines": _assessment_deadlines(assessment),
    }


def _result(payload: AssessmentResultIn) -> services.AssessmentResult:
    return services.AssessmentResult(
        conclusions=payload.conclusions, client_view=payload.client_view,
        named_worker_need=payload.named_worker_need,
        children_situation=payload.children_situation, child_met_on=payload.child_met_on,
        child_not_met_reason=payload.child_not_met_reason, child_view=payload.child_view,
        support_need=payload.support_need)


def _professional(field_name: str, pk: int | None) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({field_name: [_("There is no active professional with this id.")]})
    return user


@contextmanager
def _version_checked(model, pk: int, expected_version: int | None) -> Iterator[None]:
    """A write refused because someone changed the record meanwhile answers 409 ``conflict``."""
    try:
        yield
    except ValidationError:
        if (expected_version is not None
                and not model.objects.filter(pk=pk, version=expected_version).exists()):
            raise HttpError(409, _("Someone else changed this record meanwhile. Read it again "
                                   "and check the changes before saving again.")) from None
        raise


@contextmanager
def _fields_renamed(**names: str) -> Iterator[None]:
    """Name the API's fields (``assignee_id``) in errors the services give for their arguments
    (``assignee``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(name, name): messages
                               for name, messages in exc.message_dict.items()}) from None


# A write to a record in the path: a body (400 when not JSON), a role that may not (403), a
# record that is missing or not the caller's to see (404).
_WRITE = (400, 403, 404)
_CONFLICT_NOTE = ("\n\nWith `expected_version`, a change made meanwhile by someone else is "
                  "refused with **409** `conflict`.")


# --- contacts ---------------------------------------------------------------------------------

@contacts_router.post(
    "", response=responses({201: ContactRegisteredOut | AdviceRecordOut}, 400, 403, 404, 409),
    summary="Register a contact or notification, or record advice or a consultation",
    description=(
        "Registers a contact once, computes its statutory deadlines and gives the central intake "
        "team access to the persons concerned. A contact about a child with an open "
        "service-need assessment is attached to it. A contact about a child who already is a "
        "client (child welfare or family services: their latest completed assessment opened a "
        "client relationship with a responsible worker) goes to that responsible worker "
        "(`assignee_id`) and their team (`team`), not to the central queue, and the responsible "
        "worker gets an in-app notification. A probable duplicate is listed on the contact "
        "(`probable_duplicates` of `GET /contacts/{id}`), never merged.\n\n"
        "**What you see.** A contact about a child you may not see (for instance a "
        "notification from another sector) is passed to the central intake team; the answer "
        "then says only that it was registered (`visible` false): nothing about the child's "
        "team, workers, assessment or deadlines.\n\n"
        "**Roles and age.** A `child` is under 18 on the received date, a `guardian` 18 or "
        "older, an `unborn` child not yet born; otherwise **422** naming `persons.N.role`. "
        "When a person's date of birth is unknown (a temporary identifier) the role is "
        "accepted as given.\n\n"
        "**Idempotency.** Send an `Idempotency-Key` header (1–200 visible ASCII characters) to "
        "make retries safe. A key is your own: another professional's identical key is another "
        "request. The first request answers **201**; the same key with the same body answers "
        "the same **201** and body again, with the header `Idempotent-Replayed: true`, and "
        "registers nothing; the same key with a different body is refused with **409** and the "
        "error code `conflict`. Keys are kept for 24 hours.\n\n"
        "Invalid input answers **422** with the error code `invalid` and each field named "
        "(`persons.0.hetu`, `received_at`, `Idempotency-Key`, …); nothing is saved."),
)
def create_contact(request, response: HttpResponse, payload: ContactCreateIn,
                   idempotency_key: str | None = idempotency.header()):
    user = request.auth
    if payload.kind in AdviceKind.values:
        return _create_advice(request, response, payload)

    def access() -> AdviceRecord | None:
        # Before a replay too: someone who may no longer register is not answered, and the
        # advice record converted must still be the caller's team's.
        require_action(user, Action.CREATE_PERSON)
        _no_advice_fields(payload)
        return (selectors.access_advice_by_id(user, payload.advice_id, for_write=True).record
                if payload.advice_id is not None else None)

    data = services.ContactInput(
        kind=payload.kind, clock=payload.clock, channel=payload.channel,
        received_at=payload.received_at, reporter_kind=payload.reporter_kind,
        reporter_name=payload.reporter_name, reporter_organisation=payload.reporter_organisation,
        reporter_phone=payload.reporter_phone, reporter_protected=payload.reporter_protected,
        family_informed=payload.family_informed, description=payload.description,
        municipality_code=payload.municipality_code,
        persons=[services.PersonRef(
            role=p.role, person_id=p.person_id, hetu=p.hetu, first_name=p.first_name,
            last_name=p.last_name, temporary=p.temporary,
            expected_birth_date=p.expected_birth_date, language=p.language,
        ) for p in payload.persons],
    )
    registered: list[Contact] = []

    def write(source: AdviceRecord | None):
        contact = (advice.advice_convert(actor=user, record=source, data=data)
                   if source is not None else services.contact_register(actor=user, data=data))
        registered.append(contact)
        # Only the id is kept: a replay rebuilds the answer from the contact as it is then.
        return 201, {"id": contact.pk}

    def replay(_source, stored: dict) -> dict:
        # The registrant may have lost access to the child since: the contact is read again
        # through the gateway.
        contact = Contact.objects.get(pk=stored["id"])
        return _registered_state(user, contact, replayed=True)

    # A key kept on the contact before the one store was moved to it with the fingerprint of
    # the contact's entries (``data.fingerprint``): a retry with the same entries is the same.
    outcome = idempotency.run(request, access=access, handler=write, replay=replay,
                              fingerprint=data.fingerprint())
    idempotency.answer_headers(response, outcome, private=False)
    if outcome.replayed:
        return Status(201, outcome.body)
    return Status(201, _registered_state(user, registered[0]))


# What only a named contact has, and what only advice has, with the value meaning "not given".
_NAMED_ONLY = {"clock": "", "reporter_kind": "", "reporter_name": "",
               "reporter_organisation": "", "reporter_phone": "", "reporter_protected": False,
               "family_informed": False, "description": "", "municipality_code": "",
               "persons": [], "advice_id": None}
_ADVICE_ONLY = {"topic": "", "asker_group": "", "duration_minutes": None, "outcome": "",
                "summary": ""}


def _refuse_given(payload: ContactCreateIn, fields: dict, message: str) -> None:
    given = {name: [message] for name, empty in fields.items()
             if getattr(payload, name) != empty}
    if given:
        raise ValidationError(given)


def _no_advice_fields(payload: ContactCreateIn) -> None:
    _refuse_given(payload, _ADVICE_ONLY, _(
        "Only advice and consultations have this field; leave it out of a named contact."))


def _advice_state(record: AdviceRecord) -> dict:
    return {"id": record.pk, "version": record.version, "kind": record.kind,
            "topic": record.topic, "channel": record.channel, "asker_group": record.asker_group,
            "received_at": record.received_at, "duration_minutes": record.duration_minutes,
            "outcome": record.outcome, "summary": record.summary, "team": _team(record.team),
            "converted_to_id": record.converted_to_id}


def _create_advice(request, response: HttpResponse, payload: ContactCreateIn):
    """``POST /contacts`` with an advice kind: an advice record of the caller's intake team."""
    user = request.auth

    def access() -> None:
        require_action(user, Action.VIEW_CLIENT)
        if advice.advice_team_for(user) is None:
            raise HttpError(403, _("Advice and consultations are recorded by the central family "
                                   "intake team."))
        _refuse_given(payload, _NAMED_ONLY, _(
            "Advice and consultations hold no person data and no statutory clock: leave this "
            "field out, or register a named contact."))

    data = advice.AdviceInput(
        kind=payload.kind, topic=payload.topic, channel=payload.channel,
        asker_group=payload.asker_group, received_at=payload.received_at,
        duration_minutes=payload.duration_minutes, outcome=payload.outcome,
        summary=payload.summary)
    recorded: list[AdviceRecord] = []

    def write(_checked) -> tuple[int, dict]:
        recorded.append(advice.advice_record(actor=user, data=data))
        # Only the id is kept: a replay reads the record again through its access function.
        return 201, {"id": recorded[0].pk}

    def replay(_checked, stored: dict) -> dict:
        # Stored bodies kept the whole record before; its id is all a replay reads. A caller
        # no longer in the record's team is refused: 404, logged.
        return _advice_state(selectors.access_advice_by_id(
            user, stored["id"], detail=f"api: advice {stored['id']} recording replayed").record)

    outcome = idempotency.run(request, access=access, handler=write, replay=replay)
    idempotency.answer_headers(response, outcome, private=False)
    if outcome.replayed:
        return Status(201, outcome.body)
    return Status(201, _advice_state(recorded[0]))



@contacts_router.get(
    "", response=responses({200: ContactPageOut}),
    summary="List contacts (the queue)",
    description=("Contacts whose child you may see, ordered like the work queue: urgent ones "
                 "first until handled, then those whose urgency is not yet assessed, then by the "
                 "nearest open deadline. Open contacts only unless `include_closed`. Paginated "
                 "with `limit` (at most 200) and `offset`; `count` is the total."),
)
def list_contacts(request, filters: Query[ContactFilters]):
    errors = {}
    if filters.status and filters.status not in OpenDeadlineStatus:
        errors["status"] = [_("Unknown deadline status.")]
    if filters.kind and filters.kind not in ContactKind.values:
        errors["kind"] = [_("Unknown kind of contact.")]
    if errors:
        raise ValidationError(errors)
    queryset = selectors.queue(request.auth, selectors.QueueFilters(
        team_id=filters.team, assignee_id=filters.assignee, unassigned=filters.unassigned,
        municipality_code=filters.municipality.strip(), kind=filters.kind,
        status=filters.status, include_closed=filters.include_closed,
    ))
    contacts, count = page_of(queryset.prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk"))), filters)
    if contacts:
        gateway.log_listed_ids(request.auth, [c.child_id for c in contacts],
                               category=Category.INTAKE, detail="contacts list")
    items = []
    for contact in contacts:
        deadlines = list(contact.deadlines.all())
        items.append({
            "id": contact.pk, "version": contact.version, "kind": contact.kind,
            "status": contact.status, "received_at": contact.received_at,
            "opened_on": contact.opened_on, "urgency": contact.urgency or None,
            "child_id": contact.child_id,
            "municipality": {"code": contact.municipality.code,
                             "name": contact.municipality.name},
            "team": _team(contact.team), "assignee_id": contact.assignee_id,
            "pair_worker_id": contact.pair_worker_id, "assessment_id": contact.assessment_id,
            "next_due": contact.next_due, "deadline_status": selectors.worst_status(deadlines),
            "deadlines": [_deadline(d) for d in deadlines],
        })
    return {"items": items, "count": count}


@contacts_router.get(
    "/{contact_id}", response=responses({200: ContactOut}, 404),
    summary="Read a contact with its deadlines",
    description="404 when the contact does not exist or its child is not yours to see.",
)
def get_contact(request, contact_id: Id):
    contact = selectors.contact_detail(
        selectors.access_contact_by_id(request.auth, contact_id).record)
    protected = contact.reporter_protected
    initial = getattr(contact, "initial_assessment", None)
    duplicates = selectors.visible_contacts(request.auth).filter(
        pk__in=selectors.probable_duplicates(contact).values("pk")).order_by("received_at", "pk")
    return {
        "id": contact.pk, "version": contact.version, "kind": contact.kind,
        "clock": contact.clock, "channel": contact.channel, "received_at": contact.received_at,
        "opened_on": contact.opened_on, "status": contact.status, "closed_on": contact.closed_on,
        "reporter_kind": contact.reporter_kind, "reporter_protected": protected,
        "reporter_name": None if protected else contact.reporter_name,
        "reporter_organisation": None if protected else contact.reporter_organisation,
        "reporter_phone": None if protected else contact.reporter_phone,
        "family_informed": contact.family_informed, "description": contact.description,
        "child_id": contact.child_id,
        "persons": [{"id": link.person_id, "role": link.role} for link in contact.persons.all()],
        "municipality": {"code": contact.municipality.code, "name": contact.municipality.name},
        "team": _team(contact.team), "assignee_id": contact.assignee_id,
        "pair_worker_id": contact.pair_worker_id,
        "urgency": {"value": contact.urgency, "note": contact.urgency_note,
                    "assessed_by_id": contact.urgency_by_id,
                    "assessed_at": contact.urgency_at} if contact.urgency else None,
        "initial_assessment": {
            "outcome": initial.outcome, "reason": initial.reason,
            "referral_code": initial.referral.code if initial.referral else None,
            "informed_on": initial.informed_on,
            "not_informed_reason": initial.not_informed_reason, "decided_on": initial.decided_on,
            "decided_by_id": initial.decided_by_id,
        } if initial else None,
        "assessment_id": contact.assessment_id,
        "deadlines": [_deadline(d) for d in contact.deadlines.all()],
        "clock_changes": [{"from_clock": c.from_clock, "to_clock": c.to_clock, "reason": c.reason,
                           "changed_by_id": c.changed_by_id, "changed_at": c.changed_at}
                          for c in contact.clock_changes.all()],
        "probable_duplicates": list(duplicates.values_list("pk", flat=True)),
    }


@contacts_router.post(
    "/{contact_id}/urgency", response=responses({200: ContactStateOut}, *_WRITE, 409),
    summary="Record the urgency assessment",
    description="Meets the `urgency_assessment` deadline." + _CONFLICT_NOTE,
)
def assess_urgency(request, contact_id: Id, payload: UrgencyIn):
    contact = selectors.access_contact_by_id(request.auth, contact_id, for_write=True).record
    with _version_checked(Contact, contact.pk, payload.expected_version):
        contact = services.contact_assess_urgency(
            actor=request.auth, contact=contact, urgency=payload.urgency, note=payload.note,
            expected_version=payload.expected_version)
    return _contact_state(contact)


@contacts_router.post(
    "/{contact_id}/initial-assessment",
    response=responses({201: ContactStateOut}, *_WRITE, 409),
    summary="Record the initial assessment (alkuarviointi)",
    description=("Meets the `investigation_decision` deadline. `service_need_assessment` routes "
                 "the contact to the regional team of the family's municipality and opens (or "
                 "joins) the child's service-need assessment; the other outcomes close the "
                 "contact." + _CONFLICT_NOTE),
)
def record_initial_assessment(request, contact_id: Id, payload: InitialAssessmentIn):
    contact = selectors.access_contact_by_id(request.auth, contact_id, for_write=True).record
    with _version_checked(Contact, contact.pk, payload.expected_version):
        services.initial_assessment_record(
            actor=request.auth, contact=contact, outcome=payload.outcome, reason=payload.reason,
            referral_code=payload.referral_code.strip(), informed_on=payload.informed_on,
            not_informed_reason=payload.not_informed_reason,
            expected_version=payload.expected_version)
    return Status(201, _contact_state(contact))


@contacts_router.post(
    "/{contact_id}/clock", response=responses({200: ContactStateOut}, *_WRITE, 409),
    summary="Change the statutory clock",
    description=("A recorded decision with its reason; the deadlines are recomputed from the "
                 "opening day. The clock the kind of contact requires can be made stricter, "
                 "never dropped or replaced: such a request is refused with **422** naming "
                 "`clock`, and nothing is saved." + _CONFLICT_NOTE),
)
def change_clock(request, contact_id: Id, payload: ClockChangeIn):
    contact = selectors.access_contact_by_id(request.auth, contact_id, for_write=True).record
    with _version_checked(Contact, contact.pk, payload.expected_version):
        services.contact_change_clock(
            actor=request.auth, contact=contact, clock=payload.clock, reason=payload.reason,
            expected_version=payload.expected_version)
    return _contact_state(contact)


@contacts_router.post(
    "/{contact_id}/assign", response=responses({200: ContactStateOut}, *_WRITE),
    summary="Assign the contact to a worker or a work pair",
    description="Both workers must be members of the contact's team. Its open service-need "
    "assessment follows.",
)
def assign_contact(request, contact_id: Id, payload: AssignIn):
    contact = selectors.access_contact_by_id(request.auth, contact_id, for_write=True).record
    assignee = _professional("assignee_id", payload.assignee_id)
    pair_worker = _professional("pair_worker_id", payload.pair_worker_id)
    with _fields_renamed(assignee="assignee_id", pair_worker="pair_worker_id"):
        assigned = services.contacts_assign(actor=request.auth, contact_ids=[contact.pk],
                                            assignee=assignee, pair_worker=pair_worker)
    if not assigned:
        raise ValidationError(_("The contact is closed."))
    return _contact_state(contact)


# --- service-need assessments -----------------------------------------------------------------

@assessments_router.get(
    "/{assessment_id}", response=responses({200: AssessmentOut}, 404),
    summary="Read a service-need assessment",
    description="With its meetings, consultations and the deadlines of its contacts. 404 when "
    "it does not exist or its child is not yours to see.",
)
def get_assessment(request, assessment_id: Id):
    assessment = selectors.access_assessment_by_id(request.auth, assessment_id).record
    assessment = (Assessment.objects.select_related("team").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("received_at", "pk")),
        Prefetch("meetings", queryset=Meeting.objects.order_by("held_on", "pk")),
        Prefetch("consultations", queryset=Consultation.objects.order_by("created_at", "pk")),
        Prefetch("support_measures", queryset=AssessmentSupport.objects.order_by(
            "started_on", "pk")),
        Prefetch("referrals", queryset=AssessmentReferral.objects.select_related("service")
                 .order_by("referred_on", "pk")),
        "responsible_worker_changes",
    ).get(pk=assessment.pk))
    return {
        **_assessment_state(assessment),
        "child_id": assessment.child_id, "team": _team(assessment.team),
        "opened_on": assessment.opened_on, "outcome_reason": assessment.outcome_reason,
        "informed_on": assessment.informed_on,
        "conclusions": assessment.conclusions, "client_view": assessment.client_view,
        "named_worker_need": assessment.named_worker_need or None,
        "children_situation": assessment.children_situation,
        "child_met_on": assessment.child_met_on,
        "child_not_met_reason": assessment.child_not_met_reason,
        "child_view": assessment.child_view, "support_need": assessment.support_need or None,
        "support_measures": [{"id": r.pk, "measure": r.measure, "started_on": r.started_on,
                              "note": r.note} for r in assessment.support_measures.all()],
        "referrals": [{"id": r.pk, "service_code": r.service.code,
                       "service_name": r.service.name, "referred_on": r.referred_on,
                       "note": r.note} for r in assessment.referrals.all()],
        "contact_ids": [c.pk for c in assessment.contacts.all()],
        "responsible_worker_changes": [
            {"from_worker_id": c.from_worker_id, "to_worker_id": c.to_worker_id,
             "reason": c.reason, "changed_by_id": c.changed_by_id, "changed_at": c.changed_at}
            for c in assessment.responsible_worker_changes.all()],
        "meetings": [{"id": m.pk, "kind": m.kind, "held_on": m.held_on,
                      "participants": m.participants, "notes": m.notes,
                      "recorded_by_id": m.recorded_by_id} for m in assessment.meetings.all()],
        "consultations": [{"id": c.pk, "expert": c.expert, "question": c.question,
                           "answer": c.answer, "asked_by_id": c.asked_by_id}
                          for c in assessment.consultations.all()],
    }


@assessments_router.post(
    "/{assessment_id}/start", response=responses({200: AssessmentStateOut}, *_WRITE),
    summary="Record the start of the service-need assessment",
    description="Meets the `assessment_start` deadline of its contacts.",
)
def start_assessment(request, assessment_id: Id, payload: AssessmentStartIn):
    assessment = selectors.access_assessment_by_id(request.auth, assessment_id,
                                                   for_write=True).record
    pair_worker = _professional("pair_worker_id", payload.pair_worker_id)
    assessment = services.assessment_start(actor=request.auth, assessment=assessment,
                                           started_on=payload.started_on,
                                           pair_worker=pair_worker)
    return _assessment_state(assessment)


@assessments_router.post(
    "/{assessment_id}/meetings", response=responses({201: CreatedOut}, *_WRITE, 409),
    summary="Record a meeting (office, network meeting, home visit, remote)",
    description=idempotency.DOCUMENTED.lstrip(),
)
def add_meeting(request, response: HttpResponse, assessment_id: Id,
                payload: AssessmentMeetingIn,
                idempotency_key: str | None = idempotency.header()):
    def write(assessment: Assessment):
        meeting = services.meeting_add(actor=request.auth, assessment=assessment,
                                       kind=payload.kind, held_on=payload.held_on,
                                       notes=payload.notes, participants=payload.participants)
        return 201, {"id": meeting.pk}

    return _created_once(request, response, assessment_id, write)


@assessments_router.post(
    "/{assessment_id}/complete",
    response=responses({200: AssessmentCompletedOut}, *_WRITE, 409),
    summary="Complete the service-need assessment",
    description=("Meets the `assessment_completion` deadline and closes the contacts. A client "
                 "relationship outcome names the responsible worker, who gets access to the "
                 "child; a child-welfare client relationship needs `informed_on`.\n\n"
                 "**Qualification.** The responsible worker of a child-welfare client must be "
                 "recorded as a licensed social worker (LSL 13 b §); of a family-services "
                 "client, a social-welfare professional, and a licensed social worker when a "
                 "contact of the assessment says the child needs special support (SHL 42 §). "
                 "Otherwise **422** naming `responsible_worker_id`, and nothing is saved. "
                 "Naming a social worker over the cap of children is not refused: the answer's "
                 "`warnings` says so."
                 + _CONFLICT_NOTE),
)
def complete_assessment(request, assessment_id: Id, payload: AssessmentCompleteIn):
    assessment = selectors.access_assessment_by_id(request.auth, assessment_id,
                                                   for_write=True).record
    responsible = _professional("responsible_worker_id", payload.responsible_worker_id)
    with (_version_checked(Assessment, assessment.pk, payload.expected_version),
          _fields_renamed(responsible_worker="responsible_worker_id")):
        assessment = services.assessment_complete(
            actor=request.auth, assessment=assessment, outcome=payload.outcome,
            reason=payload.reason, completed_on=payload.completed_on,
            responsible_worker=responsible, informed_on=payload.informed_on,
            result=_result(payload), expected_version=payload.expected_version)
    warning = services.caseload_warning(assessment)
    return {**_assessment_state(assessment), "warnings": [warning] if warning else []}


@assessments_router.put(
    "/{assessment_id}/result", response=responses({200: AssessmentStateOut}, *_WRITE, 409),
    summary="Save the result's content without completing the assessment",
    description=("Replaces the content of the result (the fields of `AssessmentResultIn`) of an "
                 "open assessment. What is written is checked (dates, codes); what is missing is "
                 "required only at completion." + _CONFLICT_NOTE),
)
def save_assessment_result(request, assessment_id: Id, payload: AssessmentResultIn):
    assessment = selectors.access_assessment_by_id(request.auth, assessment_id,
                                                   for_write=True).record
    with _version_checked(Assessment, assessment.pk, payload.expected_version):
        assessment = services.assessment_result_save(
            actor=request.auth, assessment=assessment, reason=payload.reason,
            result=_result(payload), expected_version=payload.expected_version)
    return _assessment_state(assessment)


@assessments_router.post(
    "/{assessment_id}/support-measures", response=responses({201: CreatedOut}, *_WRITE, 409),
    summary="Record a support measure started during the assessment",
    description=idempotency.DOCUMENTED.lstrip(),
)
def add_support_measure(request, response: HttpResponse, assessment_id: Id,
                        payload: AssessmentSupportIn,
                        idempotency_key: str | None = idempotency.header()):
    def write(assessment: Assessment):
        row = services.assessment_support_add(
            actor=request.auth, assessment=assessment, measure=payload.measure,
            started_on=payload.started_on, note=payload.note)
        return 201, {"id": row.pk}

    return _created_once(request, response, assessment_id, write)


@assessments_router.post(
    "/{assessment_id}/referrals", response=responses({201: CreatedOut}, *_WRITE, 409),
    summary="Record a referral made during the assessment",
    description=idempotency.DOCUMENTED.lstrip(),
)
def add_referral(request, response: HttpResponse, assessment_id: Id,
                 payload: AssessmentReferralIn,
                 idempotency_key: str | None = idempotency.header()):
    def write(assessment: Assessment):
        service = ServiceCatalogueItem.objects.filter(code=payload.service_code.strip()).first()
        with _fields_renamed(service="service_code"):
            row = services.assessment_referral_add(
                actor=request.auth, assessment=assessment, service=service,
                referred_on=payload.referred_on, note=payload.note)
        return 201, {"id": row.pk}

    return _created_once(request, response, assessment_id, write)


def _created_once(request, response: HttpResponse, assessment_id: int, write):
    """A row added to an assessment, once per ``Idempotency-Key``: the assessment checked
    through its access function on every request, a retry too; the answer is the new row's id."""
    return idempotency.respond(
        request, response, access=lambda: selectors.access_assessment_by_id(
            request.auth, assessment_id, for_write=True).record, handler=write)


# --- advice and consultations -----------------------------------------------------------------

def _advice_reader(request) -> User:
    user = request.auth
    require_action(user, Action.VIEW_CLIENT)
    if not advice.may_record_advice(user):
        raise HttpError(403, _("Advice and consultations are read by the central family "
                               "intake team."))
    return user


@advice_router.get(
    "", response=responses({200: AdvicePageOut}, 403),
    summary="List advice and consultations",
    description=(
        "The advice and professional consultations recorded by your central family intake "
        "team, newest first: they name no one and run no statutory clock. Filter by `kind`, "
        "`topic`, `outcome` and the days received (`received_from`, `received_to`, Helsinki "
        "dates, both included). Paginated with `limit` (at most 200) and `offset`; `count` is "
        "the total.\n\n**403** for anyone not on the central family intake team; **422** "
        "naming the field for an unknown code or `received_to` before `received_from`."),
)
def list_advice(request, filters: Query[AdviceFilters]):
    user = _advice_reader(request)
    errors = {}
    for name, codes, message in (
            ("kind", AdviceKind.values, _("Unknown kind of advice.")),
            ("topic", AdviceTopic.values, _("Unknown topic.")),
            ("outcome", AdviceOutcome.values, _("Unknown outcome."))):
        if getattr(filters, name) and getattr(filters, name) not in codes:
            errors[name] = [message]
    if (filters.received_from and filters.received_to
            and filters.received_to < filters.received_from):
        errors["received_to"] = [_("The last day cannot be before the first day.")]
    if errors:
        raise ValidationError(errors)
    records, count = page_of(selectors.advice_list(user, selectors.AdviceFilters(
        kind=filters.kind, topic=filters.topic, outcome=filters.outcome,
        received_from=filters.received_from, received_to=filters.received_to)), filters)
    if records:
        advice.log_listed(user, records)
    return {"items": [_advice_state(record) for record in records], "count": count}


@advice_router.get(
    "/{advice_id}", response=responses({200: AdviceRecordOut}, 403, 404),
    summary="Read an advice record or consultation",
    description=("**403** for anyone not on the central family intake team; **404** when the "
                 "record does not exist or is another team's (the refusal is logged)."),
)
def get_advice(request, advice_id: Id):
    user = _advice_reader(request)
    return _advice_state(selectors.access_advice_by_id(user, advice_id).record)


@assessments_router.post(
    "/{assessment_id}/responsible-worker",
    response=responses({200: AssessmentCompletedOut}, *_WRITE, 409),
    summary="Change the client's responsible worker",
    description=(
        "A team lead (`manage_team`, a member of the assessment's team) names a new "
        "responsible worker of the client relationship this assessment opened; the assessment "
        "must be the child's current client relationship (its latest completed assessment), "
        "else **422**. The change is recorded (who, when, from, to, why: "
        "`responsible_worker_changes` of `GET /assessments/{id}`) and logged on the child; the "
        "old worker's case relationship to the child ends, the new worker gets one and an "
        "in-app notification.\n\n"
        "**Qualification.** The responsible worker of a child-welfare client must be recorded "
        "as a licensed social worker (LSL 13 b §); of a family-services client, a "
        "social-welfare professional, and a licensed social worker when a contact of the "
        "assessment says the child needs special support (SHL 42 §). Otherwise **422** naming "
        "`responsible_worker_id`, and nothing is saved. A social worker over the cap of "
        "children (`LUOTSI_CHILDREN_PER_SOCIAL_WORKER`) is not refused: `warnings` says so.\n\n"
        "**403** for a role other than a team lead or a lead of another team; **404** when "
        "the assessment does not exist or its child is not yours to see." + _CONFLICT_NOTE),
)
def change_responsible_worker(request, assessment_id: Id, payload: ResponsibleWorkerIn):
    assessment = selectors.access_assessment_by_id(request.auth, assessment_id,
                                                   for_write=True).record
    worker = _professional("responsible_worker_id", payload.responsible_worker_id)
    with (_version_checked(Assessment, assessment.pk, payload.expected_version),
          _fields_renamed(responsible_worker="responsible_worker_id")):
        changed = responsible.responsible_worker_change(
            actor=request.auth, assessment=assessment, to_user=worker, reason=payload.reason,
            expected_version=payload.expected_version)
    return {**_assessment_state(changed.assessment),
            "warnings": [changed.warning] if changed.warning else []}
