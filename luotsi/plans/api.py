"""Client plans in the API, under ``/api/v1/clients``.

Every read goes through the access gateway (``selectors.access_client_plan_by_id`` / lists by
``visible_persons``), and is logged; a client the caller may not see, or without a plan, is 404. Sections of sectors hidden from the caller (``selectors.visible_sectors``) are left
out, with their goals, services and steps.

**ETag.** A plan carries ``ETag: W/"<plan id>-<revision>"``. It is a *weak* tag: it names the
plan's revision (raised by every change, see ``services``), while the JSON varies with what the
caller may see — the same convention as FHIR's versioned updates. ``If-Match`` is compared on
the opaque tag, with or without ``W/``, and may list several tags.

- ``PATCH …/plan`` needs ``If-Match``: none (or ``*``, which names no revision) → 428
  ``precondition_required``; a tag of an older revision → 412 ``precondition_failed`` with the
  current ``ETag`` header and ``error.current_revision`` in the body; the current one → 200 with
  the new plan and the new ``ETag``.
- ``POST`` of goals, steps, ratings, evaluations and support needs honours ``If-Match`` when one
  is sent (412 when stale).
- ``DELETE …/plan/support-needs/{need_id}`` needs ``If-Match``, as ``PATCH`` does.

**Idempotency-Key.** ``POST …/plan``, ``…/plan/goals``, ``…/plan/steps``, ``…/plan/ratings``,
``…/plan/evaluations``, ``…/plan/support-needs`` and ``…/plan/fhir`` accept ``Idempotency-Key`` (``luotsi.api.idempotency``): a retry replays the
stored answer (``Idempotent-Replayed: true``), the same key for a different request is 409.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from luotsi.access import gateway
from luotsi.access.models import Category, LogAction
from luotsi.api import idempotency
from luotsi.api.errors import ErrorDetail, error_body, responses
from luotsi.api.paging import DEFAULT_LIMIT, Limit, page_of
from luotsi.api.schemas import Id, Offset, StrictInput, choice, data_code
from luotsi.plans import fhir, selectors, services
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Evaluation,
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

router = Router(tags=["client plans"])

MAX_TEXT = 20_000
FHIR_JSON = "application/fhir+json"

# The codes of the API: enumerations in the OpenAPI document.
SECTOR_DESCRIPTION = ("A plan sector's code. The sectors are data (the administrator adds "
                      "them); the shipped ones are listed as examples.")
SectorCode = data_code(description=SECTOR_DESCRIPTION, examples=Sector, max_length=30)
LanguageCode = choice(["fi", "sv", "en"])
SectionStatusCode = choice(PlanSection.Status)
EffectCode = choice(GoalFactor.Effect)
ServiceStatusCode = choice(PlanService.Status)
OwnerCode = choice(Step.Owner)
OwnerOrBlank = choice(Step.Owner, blank=True)
ParticipantCode = choice(Participant.Kind)
OccasionCode = choice(Rating.Occasion)
RatedByCode = choice(Rating.RatedBy)
RatedByOrBlank = choice(Rating.RatedBy, blank=True)
PriorityCode = choice(Goal.Priority)
SubjectCode = choice(Evaluation.Subject)
RaterCode = choice(Evaluation.Rater)
DirectionOrBlank = choice(Evaluation.Direction, blank=True)
ETAG_DOC = (
    'The ETag is weak, W/"<plan id>-<revision>": it names the plan\'s revision, raised by every '
    "change, while the body shows only the sections the caller may see. PATCH needs If-Match "
    "with it (428 without, 412 with the current ETag and error.current_revision when stale).")


# --- schemas ----------------------------------------------------------------------------------


class ClientFilters(Schema):
    has_plan: bool | None = Field(None, description="Only clients with (true) or without "
                                                    "(false) a plan.")
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class ClientOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: date | None
    has_plan: bool
    plan_id: int | None


class ClientListOut(Schema):
    items: list[ClientOut]
    count: int


class ProfessionalOut(Schema):
    id: int
    name: str


class CoordinatorOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    email: str


class CodeOut(Schema):
    code: str
    name: str
    provisional: bool
    version: str = Field(description="The version of the code list the row was recorded with.")
    retired: bool = Field(description="The code is no longer offered (an older version of the "
                                      "list, inactive or outside its validity).")


class SectionOut(Schema):
    id: int
    sector: SectorCode
    status: SectionStatusCode
    responsible: ProfessionalOut | None
    summary: str
    source: str
    imported: dict | None


class FactorOut(Schema):
    factor: CodeOut
    effect: EffectCode
    note: str


class MethodOut(Schema):
    id: int
    method: CodeOut
    note: str


class SupportNeedOut(Schema):
    id: int
    need: CodeOut = Field(description="The support need (SHL 11 §), a code of the "
                                      "support_need code list.")
    note: str
    recorded_by: ProfessionalOut | None
    recorded_at: datetime


class RatingOut(Schema):
    id: int
    value: int
    rated_on: date
    occasion: OccasionCode
    rated_by_kind: RatedByCode
    client_took_part: bool


class GoalOut(Schema):
    id: int
    section_id: int | None
    goal_area: CodeOut
    client_wording: str
    target_date: date | None
    priority: PriorityCode
    achieved_on: date | None
    factors: list[FactorOut]
    methods: list[MethodOut]
    ratings: list[RatingOut]


class ServiceOut(Schema):
    id: int
    section_id: int | None
    item: CodeOut
    provider: str
    sector: SectorCode
    responsible: ProfessionalOut | None
    starts_on: date | None
    ends_on: date | None
    status: ServiceStatusCode


class StepOut(Schema):
    id: int
    goal_id: int | None
    what: str
    owner_kind: OwnerCode
    owner: ProfessionalOut | None
    due_on: date
    done_on: date | None


class PlanParticipantOut(Schema):
    kind: ParticipantCode
    name: str
    role: str


class PlanConsentOut(Schema):
    id: int
    sector: SectorCode
    scope: str
    valid_from: date
    valid_until: date | None
    withdrawn_on: date | None


class PlanOut(Schema):
    id: int
    person_id: int
    revision: int
    language: LanguageCode
    client_situation: str
    client_view: str
    disagreement: str
    review_on: date
    accepted_version: int
    coordinator: CoordinatorOut | None = Field(
        description="The plan's coordinator or case manager (any sector).")
    named_worker: CoordinatorOut | None = Field(
        description="The statutory named worker (omatyöntekijä, SHL 42 §).")
    needs_special_support: bool
    support_needs: list[SupportNeedOut] = Field(
        description="The client's support needs (SHL 11 §), the whole plan's.")
    sections: list[SectionOut]
    goals: list[GoalOut]
    services: list[ServiceOut]
    steps: list[StepOut]
    participants: list[PlanParticipantOut]
    consents: list[PlanConsentOut]


class PlanPatchIn(StrictInput):
    client_situation: str | None = Field(None, max_length=MAX_TEXT)
    client_view: str | None = Field(None, max_length=MAX_TEXT)
    disagreement: str | None = Field(None, max_length=MAX_TEXT)
    review_on: date | None = None
    language: LanguageCode | None = Field(None, description="The plan's language.")
    coordinator_id: Id | None = Field(
        None, description="The coordinator or case manager: an active professional of any "
                          "sector.")
    named_worker_id: Id | None = Field(
        None, description="The statutory named worker (omatyöntekijä, SHL 42 §): a "
                          "social-welfare professional, a licensed social worker when the "
                          "client needs special support; refused naming the field otherwise.")
    needs_special_support: bool | None = Field(
        None, description="Whether the client needs special support (SHL 3 §).")


class GoalIn(StrictInput):
    goal_area: str = Field("", description="Code of the AVAIN goal area.")
    client_wording: str = Field("", max_length=MAX_TEXT)
    target_date: date | None = None
    priority: PriorityCode = Field(2, description="1 high, 2 medium, 3 low")
    section_id: Id | None = None


class GoalCreatedOut(Schema):
    id: int
    plan_id: int
    plan_revision: int
    section_id: int | None
    goal_area: CodeOut
    client_wording: str
    target_date: date | None
    priority: PriorityCode


class StepIn(StrictInput):
    what: str = Field("", max_length=300)
    owner_kind: OwnerOrBlank = Field("", description="Who does it.")
    owner_id: Id | None = Field(None, description="The professional, when owner_kind is "
                                                   "professional.")
    due_on: date | None = None
    goal_id: Id | None = None


class StepCreatedOut(Schema):
    id: int
    plan_id: int
    plan_revision: int
    goal_id: int | None
    what: str
    owner_kind: OwnerCode
    owner_id: int | None
    due_on: date
    done_on: date | None


class SupportNeedIn(StrictInput):
    need: str = Field("", max_length=40,
                      description="Code of the support need (code list support_need).")
    note: str = Field("", max_length=300)


class SupportNeedCreatedOut(Schema):
    id: int
    plan_id: int
    plan_revision: int
    need: CodeOut
    note: str
    recorded_at: datetime


class RatingIn(StrictInput):
    goal_id: Id
    value: int | None = Field(None, ge=-32768, le=32767, description="On the goal area's AVAIN scale.")
    rated_by_kind: RatedByOrBlank = Field("", description="Who rated.")
    client_took_part: bool = False
    occasion: OccasionCode = "start"
    rated_on: date | None = None


class EvaluationIn(StrictInput):
    subject: SubjectCode = Field(description="What is rated: a goal (the client's own rating "
                                             "only), a service, a method or a situation factor.")
    item_id: Id = Field(description="The goal, service, method or goal's situation factor of "
                                    "this plan.")
    rater: RaterCode = Field(description="Who rated: the professional or the client.")
    value: int | None = Field(None, ge=-32768, le=32767,
                              description="Did it help, on the plan's AVAIN scale (not for a "
                                          "situation factor).")
    direction: DirectionOrBlank = Field("", description="A situation factor: better, the same "
                                                        "or worse.")
    note: str = Field("", max_length=300)
    occasion: OccasionCode = "start"
    rated_on: date | None = None
    review_id: Id | None = None


class EvaluationCreatedOut(Schema):
    id: int
    plan_id: int
    plan_revision: int
    subject: SubjectCode
    item_id: int
    rater: RaterCode
    value: int | None
    direction: str
    note: str
    occasion: OccasionCode
    rated_on: date
    review_id: int | None


class ScaleOut(Schema):
    code: str
    minimum: int
    maximum: int


class RatingCreatedOut(Schema):
    id: int
    plan_id: int
    plan_revision: int
    goal_id: int
    value: int
    scale: ScaleOut
    rated_on: date
    occasion: OccasionCode
    rated_by_kind: RatedByCode
    client_took_part: bool


class SectionImportedOut(Schema):
    id: int
    plan_id: int
    plan_revision: int
    sector: SectorCode
    status: SectionStatusCode
    source: str
    imported: dict


class StaleDetail(ErrorDetail):
    """The one error shape with the plan's current revision."""

    current_revision: int


class StaleOut(Schema):
    error: StaleDetail


# --- helpers ----------------------------------------------------------------------------------

def etag(plan_id: int, revision: int) -> str:
    return f'W/"{plan_id}-{revision}"'


class _Stale(Exception):
    def __init__(self, plan_id: int) -> None:
        self.plan_id = plan_id


def _named_revisions(header: str, plan_id: int) -> set[int]:
    """The revisions of this plan that an ``If-Match`` header names."""
    revisions = set()
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        pk, sep, revision = tag.partition("-")
        if sep and pk == str(plan_id) and revision.isdigit():
            revisions.add(int(revision))
    return revisions


def _if_match(request, plan_id: int, *, required: bool) -> int | None:
    """The revision the caller's change is based on, from ``If-Match``.

    Missing (or ``*``) → 428 when required, else ``None``; a tag that is not the plan's current
    revision → ``_Stale`` (412). The service checks the revision again under the row lock.
    """
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        if required:
            raise HttpError(428, _("Send the plan's ETag in the If-Match header, so that no "
                                   "one's changes are overwritten. Read the plan to get it."))
        return None
    current = Plan.objects.values_list("revision", flat=True).get(pk=plan_id)
    if current not in _named_revisions(header, plan_id):
        raise _Stale(plan_id)
    return current


def _stale_response(plan_id: int) -> JsonResponse:
    current = Plan.objects.values_list("revision", flat=True).get(pk=plan_id)
    body = error_body("precondition_failed", _(
        "The plan has changed since you read it: it is now at revision %(revision)s. Read it "
        "again, re-apply your changes and send the new ETag in If-Match.")
        % {"revision": current})
    body["error"]["current_revision"] = current
    response = JsonResponse(body, status=412)
    response["ETag"] = etag(plan_id, current)
    return response


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's field errors under the API's field names (``goal`` → ``goal_id``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def _professional(user) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def _code(item: CodeListItem) -> dict:
    return {"code": item.code, "name": item.name, "provisional": item.provisional,
            "version": item.version.version, "retired": not item.choosable()}


def plan_body(user, plan_id: int) -> dict:
    """The plan as ``user`` may see it, as JSON data (the ``PlanOut`` shape)."""
    plan = selectors.plan_for_page(plan_id)
    parts = selectors.visible_parts(user, plan)
    def contact(user) -> dict | None:
        return {"id": user.pk, "name": str(user), "title": user.title, "phone": user.phone,
                "email": user.email} if user else None

    return {
        "id": plan.pk,
        "person_id": plan.person_id,
        "revision": plan.revision,
        "language": plan.language,
        "client_situation": plan.client_situation,
        "client_view": plan.client_view,
        "disagreement": plan.disagreement,
        "review_on": plan.review_on,
        "accepted_version": plan.accepted_version,
        "coordinator": contact(plan.coordinator),
        "named_worker": contact(plan.named_worker),
        "needs_special_support": plan.needs_special_support,
        "support_needs": [{"id": n.pk, "need": _code(n.need), "note": n.note,
                           "recorded_by": _professional(n.recorded_by),
                           "recorded_at": n.created_at} for n in plan.support_needs.all()],
        "sections": [{"id": s.pk, "sector": s.sector, "status": s.status,
                      "responsible": _professional(s.responsible), "summary": s.summary,
                      "source": s.source, "imported": s.imported} for s in parts.sections],
        "goals": [{
            "id": g.pk, "section_id": g.section_id, "goal_area": _code(g.goal_area),
            "client_wording": g.client_wording, "target_date": g.target_date,
            "priority": g.priority, "achieved_on": g.achieved_on,
            "factors": [{"factor": _code(f.factor), "effect": f.effect, "note": f.note}
                        for f in g.factors.all()],
            "methods": [{"id": m.pk, "method": _code(m.method), "note": m.note}
                        for m in g.methods.all()],
            "ratings": [{"id": r.pk, "value": r.value, "rated_on": r.rated_on,
                         "occasion": r.occasion, "rated_by_kind": r.rated_by_kind,
                         "client_took_part": r.client_took_part} for r in g.ratings.all()],
        } for g in parts.goals],
        "services": [{"id": s.pk, "section_id": s.section_id, "item": _code(s.item),
                      "provider": s.provider, "sector": s.sector,
                      "responsible": _professional(s.responsible), "starts_on": s.starts_on,
                      "ends_on": s.ends_on, "status": s.status} for s in parts.services],
        "steps": [{"id": s.pk, "goal_id": s.goal_id, "what": s.what,
                   "owner_kind": s.owner_kind, "owner": _professional(s.owner),
                   "due_on": s.due_on, "done_on": s.done_on} for s in parts.steps],
        "participants": [{"kind": p.kind, "name": str(p.user) if p.user else p.name,
                          "role": p.role_text} for p in plan.participants.all()],
        "consents": [{"id": c.pk, "sector": c.sector, "scope": c.scope,
                      "valid_from": c.valid_from, "valid_until": c.valid_until,
                      "withdrawn_on": c.withdrawn_on} for c in parts.consents],
    }


def _revision(plan_id: int) -> int:
    return Plan.objects.values_list("revision", flat=True).get(pk=plan_id)


def _private(response: HttpResponse, outcome: idempotency.Outcome | None = None,
             *, plan_id: int | None = None, revision: int | None = None) -> None:
    """Headers of a response that carries client data (and its plan's ETag)."""
    idempotency.answer_headers(response, outcome)
    if plan_id is not None and revision is not None:
        response["ETag"] = etag(plan_id, revision)


# --- operations -------------------------------------------------------------------------------

@router.get("", response=responses({200: ClientListOut}),
            summary="List the clients the caller may see, with or without a plan")
def list_clients(request: HttpRequest, filters: Query[ClientFilters]):
    user = request.auth
    persons = (gateway.visible_persons(user)
               .annotate(plan_pk=F("plan__pk"))
               .order_by("last_name", "first_name", "pk"))
    if filters.has_plan is not None:
        persons = persons.filter(plan__isnull=not filters.has_plan)
    page, count = page_of(persons, filters)
    gateway.log_listed(user, page, category=Category.PLAN, detail="api: clients")
    items = [{"id": p.pk, "first_name": p.first_name, "last_name": p.last_name,
              "birth_date": p.birth_date, "has_plan": p.plan_pk is not None,
              "plan_id": p.plan_pk} for p in page]
    return {"items": items, "count": count}


@router.get("/{person_id}/plan",
            response=responses({200: PlanOut}, 404),
            summary="Read the client's plan (ETag header)",
            description=ETAG_DOC)
def get_plan(request: HttpRequest, person_id: Id, response: HttpResponse):
    user = request.auth
    plan = selectors.access_client_plan_by_id(user, person_id, detail="api: plan").record
    plan_id = plan.pk
    body = plan_body(user, plan_id)
    _private(response, plan_id=plan_id, revision=body["revision"])
    return body


@router.patch("/{person_id}/plan",
              response=responses({200: PlanOut, 412: StaleOut}, 400, 403, 404, 428),
              summary="Change the plan's own fields (If-Match required)",
              description=ETAG_DOC)
def update_plan(request: HttpRequest, person_id: Id, payload: PlanPatchIn,
                response: HttpResponse):
    user = request.auth
    plan = selectors.access_client_plan_by_id(user, person_id, detail="api: plan update").record
    plan_id = plan.pk
    given = payload.model_fields_set
    try:
        expected = _if_match(request, plan_id, required=True)
        if not given:
            raise ValidationError({"body": [_("Give at least one field to change.")]})
        nulls = {name: [_("This field cannot be empty (null).")]
                 for name in sorted(given) if getattr(payload, name) is None}
        if nulls:
            raise ValidationError(nulls)
        plan = _plan_patch(user, plan, payload, given, expected)
    except (_Stale, services.PlanConflict):
        return _stale_response(plan_id)
    body = plan_body(user, plan.pk)
    _private(response, plan_id=plan.pk, revision=body["revision"])
    return body


_ROLE_FIELDS = {"coordinator_id", "named_worker_id", "needs_special_support"}


def _plan_patch(user, plan: Plan, payload: PlanPatchIn, given: set[str],
                expected: int | None) -> Plan:
    """The plan's texts, its coordinator and its named worker changed together or not at all
    (one transaction; the editor's revision checked by the first write)."""
    texts = given - _ROLE_FIELDS
    with transaction.atomic():
        if texts:
            plan = services.plan_update(
                actor=user, plan=plan, expected_revision=expected,
                changes=services.PlanChanges(**{name: getattr(payload, name) for name in texts}))
            expected = None
        try:
            if "coordinator_id" in given:
                plan = services.coordinator_set(actor=user, plan=plan,
                                                coordinator_id=payload.coordinator_id,
                                                expected_revision=expected)
                expected = None
            if "named_worker_id" in given or "needs_special_support" in given:
                plan = services.named_worker_set(
                    actor=user, plan=plan,
                    named_worker_id=payload.named_worker_id if "named_worker_id" in given
                    else plan.named_worker_id,
                    needs_special_support=payload.needs_special_support
                    if "needs_special_support" in given else plan.needs_special_support,
                    expected_revision=expected)
        except ValidationError as exc:
            raise _renamed(exc, {"coordinator": "coordinator_id",
                                 "named_worker": "named_worker_id"}) from None
    return plan


@router.post("/{person_id}/plan",
             response=responses({200: PlanOut, 201: PlanOut}, 403, 404, 409),
             summary="Open the client's plan, creating it on first use (Idempotency-Key)")
def open_plan(request: HttpRequest, person_id: Id, response: HttpResponse,
              idempotency_key: str | None = idempotency.header()):
    user = request.auth

    def write(access):
        plan, created = services.plan_open(actor=user, person_id=access.person.pk)
        return (201 if created else 200), plan_body(user, plan.pk)

    outcome = idempotency.run(
        request, access=lambda: services.start_access(user, person_id, "api: plan open"),
        handler=write)
    _private(response, outcome, plan_id=outcome.body["id"], revision=outcome.body["revision"])
    return Status(outcome.status, outcome.body)


def _post_to_plan(request, person_id: int, response: HttpResponse, detail: str, write):
    """Access → idempotent write with optional If-Match → 201 with the plan's new ETag."""
    user = request.auth
    plan_id = None

    def access() -> Plan:
        nonlocal plan_id
        plan = selectors.access_client_plan_by_id(user, person_id, detail=detail).record
        plan_id = plan.pk
        return plan

    def handler(plan: Plan):
        expected = _if_match(request, plan.pk, required=False)
        row = write(user, plan, expected)
        return 201, row

    try:
        outcome = idempotency.run(request, access=access, handler=handler)
    except (_Stale, services.PlanConflict):
        return _stale_response(plan_id)
    _private(response, outcome, plan_id=plan_id, revision=outcome.body["plan_revision"])
    return Status(outcome.status, outcome.body)


def _visible_goal(user, plan: Plan, goal_id: int | None, field_name: str = "goal_id") -> None:
    """A goal of a hidden sector's section is refused as if it did not exist."""
    if goal_id is None:
        return
    goal = plan.goals.select_related("section").filter(pk=goal_id).first()
    if goal is None or (goal.section is not None and not selectors.section_visible(
            goal.section.sector, selectors.visible_sectors(user, plan))):
        raise ValidationError({field_name: [_("Choose a goal of this plan.")]})


def _visible_section(user, plan: Plan, section_id: int | None) -> None:
    if section_id is None:
        return
    section = plan.sections.filter(pk=section_id).first()
    if section is None or not selectors.section_visible(
            section.sector, selectors.visible_sectors(user, plan)):
        raise ValidationError({"section_id": [_("Choose a section of this plan.")]})


@router.post("/{person_id}/plan/goals",
             response=responses({201: GoalCreatedOut, 412: StaleOut}, 400, 403, 404, 409),
             summary="Add a goal (Idempotency-Key, optional If-Match)")
def add_goal(request: HttpRequest, person_id: Id, payload: GoalIn, response: HttpResponse,
             idempotency_key: str | None = idempotency.header()):
    def write(user, plan, expected):
        _visible_section(user, plan, payload.section_id)
        area_id = _code_id(CodeList.GOAL_AREA, payload.goal_area)
        try:
            goal = services.goal_add(actor=user, plan=plan, expected_revision=expected,
                                     data=services.GoalInput(
                                         goal_area_id=area_id,
                                         client_wording=payload.client_wording,
                                         target_date=payload.target_date,
                                         priority=payload.priority,
                                         section_id=payload.section_id))
        except ValidationError as exc:
            raise _renamed(exc, {"section": "section_id"}) from None
        return {"id": goal.pk, "plan_id": plan.pk, "plan_revision": _revision(plan.pk),
                "section_id": goal.section_id, "goal_area": _code(goal.goal_area),
                "client_wording": goal.client_wording, "target_date": goal.target_date,
                "priority": goal.priority}

    return _post_to_plan(request, person_id, response, "api: goal add", write)


@router.post("/{person_id}/plan/steps",
             response=responses({201: StepCreatedOut, 412: StaleOut}, 400, 403, 404, 409),
             summary="Add a step (Idempotency-Key, optional If-Match)")
def add_step(request: HttpRequest, person_id: Id, payload: StepIn, response: HttpResponse,
             idempotency_key: str | None = idempotency.header()):
    def write(user, plan, expected):
        _visible_goal(user, plan, payload.goal_id)
        try:
            step = services.step_add(actor=user, plan=plan, expected_revision=expected,
                                     data=services.StepInput(
                                         what=payload.what, owner_kind=payload.owner_kind,
                                         due_on=payload.due_on, owner_id=payload.owner_id,
                                         goal_id=payload.goal_id))
        except ValidationError as exc:
            raise _renamed(exc, {"owner": "owner_id", "goal": "goal_id"}) from None
        return {"id": step.pk, "plan_id": plan.pk, "plan_revision": _revision(plan.pk),
                "goal_id": step.goal_id, "what": step.what, "owner_kind": step.owner_kind,
                "owner_id": step.owner_id, "due_on": step.due_on, "done_on": step.done_on}

    return _post_to_plan(request, person_id, response, "api: step add", write)


@router.post("/{person_id}/plan/ratings",
             response=responses({201: RatingCreatedOut, 412: StaleOut}, 400, 403, 404, 409),
             summary="Rate a goal on the AVAIN meter (Idempotency-Key, optional If-Match)")
def add_rating(request: HttpRequest, person_id: Id, payload: RatingIn, response: HttpResponse,
               idempotency_key: str | None = idempotency.header()):
    def write(user, plan, expected):
        _visible_goal(user, plan, payload.goal_id)
        try:
            rating = services.rating_add(actor=user, plan=plan, expected_revision=expected,
                                         data=services.RatingInput(
                                             goal_id=payload.goal_id, value=payload.value,
                                             rated_by_kind=payload.rated_by_kind,
                                             client_took_part=payload.client_took_part,
                                             occasion=payload.occasion,
                                             rated_on=payload.rated_on))
        except ValidationError as exc:
            raise _renamed(exc, {"goal": "goal_id"}) from None
        scale = rating.scale
        return {"id": rating.pk, "plan_id": plan.pk, "plan_revision": _revision(plan.pk),
                "goal_id": rating.goal_id, "value": rating.value,
                "scale": {"code": scale.code, "minimum": scale.minimum,
                          "maximum": scale.maximum},
                "rated_on": rating.rated_on, "occasion": rating.occasion,
                "rated_by_kind": rating.rated_by_kind,
                "client_took_part": rating.client_took_part}

    return _post_to_plan(request, person_id, response, "api: rating add", write)


def _code_id(code_list: str, code: str) -> int | None:
    """The code of the list's current version; a code only older versions have is found too,
    so that the refusal says it is retired."""
    return (CodeListItem.objects.filter(code_list=code_list, code=code)
            .order_by("-version__current", "-version__pk")
            .values_list("pk", flat=True).first()) if code else None


@router.post("/{person_id}/plan/support-needs",
             response=responses({201: SupportNeedCreatedOut, 412: StaleOut}, 400, 403, 404, 409),
             summary="Record a support need of the client (Idempotency-Key, optional If-Match)",
             description="One need at most once per plan: a need already recorded is refused "
                         "(422) naming the field need.")
def add_support_need(request: HttpRequest, person_id: Id, payload: SupportNeedIn,
                     response: HttpResponse,
                     idempotency_key: str | None = idempotency.header()):
    def write(user, plan, expected):
        row = services.support_need_add(
            actor=user, plan=plan, expected_revision=expected,
            need_id=_code_id(CodeList.SUPPORT_NEED, payload.need), note=payload.note)
        return {"id": row.pk, "plan_id": plan.pk, "plan_revision": _revision(plan.pk),
                "need": _code(row.need), "note": row.note, "recorded_at": row.created_at}

    return _post_to_plan(request, person_id, response, "api: support need add", write)


@router.delete("/{person_id}/plan/support-needs/{need_id}",
               response=responses({200: PlanOut, 412: StaleOut}, 403, 404, 428),
               summary="Remove a support need from the plan (If-Match required)",
               description=ETAG_DOC)
def remove_support_need(request: HttpRequest, person_id: Id, need_id: Id,
                        response: HttpResponse):
    user = request.auth
    plan = selectors.access_client_plan_by_id(user, person_id,
                                              detail="api: support need remove").record
    plan_id = plan.pk
    try:
        expected = _if_match(request, plan_id, required=True)
        need = plan.support_needs.select_related("plan").filter(pk=need_id).first()
        if need is None:
            raise Http404
        services.support_need_remove(actor=user, support_need=need, expected_revision=expected)
    except (_Stale, services.PlanConflict):
        return _stale_response(plan_id)
    body = plan_body(user, plan_id)
    _private(response, plan_id=plan_id, revision=body["revision"])
    return body


def _visible_item(user, plan: Plan, subject: str, item_id: int) -> None:
    """An item of a hidden sector (a service of that sector, a goal of its section and the
    goal's factors and methods) is refused as if it were not the plan's."""
    if subject == Evaluation.Subject.SERVICE:
        service = plan.services.filter(pk=item_id).first()
        if service is not None and not selectors.section_visible(
                service.sector, selectors.visible_sectors(user, plan)):
            raise ValidationError({"item_id": [_("Choose a service of this plan.")]})
        return
    goal_id = {Evaluation.Subject.GOAL: lambda: item_id,
               Evaluation.Subject.METHOD: lambda: plan.methods.filter(pk=item_id).values_list(
                   "goal_id", flat=True).first(),
               Evaluation.Subject.FACTOR: lambda: GoalFactor.objects.filter(
                   pk=item_id, goal__plan=plan).values_list("goal_id", flat=True).first(),
               }[subject]()
    _visible_goal(user, plan, goal_id, field_name="item_id")


@router.post("/{person_id}/plan/evaluations",
             response=responses({201: EvaluationCreatedOut, 412: StaleOut}, 400, 403, 404, 409),
             summary="Evaluate a service, method or situation factor, or record the client's "
                     "own rating of any of them or of a goal, on the AVAIN meter "
                     "(Idempotency-Key, optional If-Match)")
def add_evaluation(request: HttpRequest, person_id: Id, payload: EvaluationIn,
                   response: HttpResponse, idempotency_key: str | None = idempotency.header()):
    def write(user, plan, expected):
        errors = {}
        if payload.subject not in Evaluation.Subject.values:
            errors["subject"] = [_("Choose what is evaluated.")]
        if payload.rater not in Evaluation.Rater.values:
            errors["rater"] = [_("Choose who rated.")]
        if errors:
            raise ValidationError(errors)
        _visible_item(user, plan, payload.subject, payload.item_id)
        record = services.record_client_rating if payload.rater == Evaluation.Rater.CLIENT \
            else services.evaluation_add
        try:
            evaluation = record(actor=user, plan=plan, expected_revision=expected,
                                data=services.EvaluationInput(
                                    subject=payload.subject, item_id=payload.item_id,
                                    value=payload.value, direction=payload.direction,
                                    note=payload.note, occasion=payload.occasion,
                                    rated_on=payload.rated_on, review_id=payload.review_id))
        except ValidationError as exc:
            raise _renamed(exc, {"goal": "item_id", "service": "item_id", "method": "item_id",
                                 "factor": "item_id", "review": "review_id"}) from None
        return {"id": evaluation.pk, "plan_id": plan.pk, "plan_revision": _revision(plan.pk),
                "subject": evaluation.subject, "item_id": payload.item_id,
                "rater": evaluation.rater, "value": evaluation.value,
                "direction": evaluation.direction, "note": evaluation.note,
                "occasion": evaluation.occasion, "rated_on": evaluation.rated_on,
                "review_id": evaluation.review_id}

    return _post_to_plan(request, person_id, response, "api: evaluation add", write)


@router.get("/{person_id}/plan/fhir", response=responses({200: dict}, 404),
            openapi_extra={"responses": {"200": {"content": {FHIR_JSON: {"schema": {
                "type": "object", "description": "A FHIR R4 Bundle."}}}}}},
            summary="The plan as a FHIR R4 Bundle (application/fhir+json)")
def export_fhir(request: HttpRequest, person_id: Id):
    user = request.auth
    plan = selectors.access_client_plan_by_id(user, person_id, action=LogAction.EXPORT,
                                              detail="api: plan FHIR export").record
    plan_id = plan.pk
    response = HttpResponse(fhir.plan_bundle_json(user, plan_id), content_type=FHIR_JSON)
    _private(response, plan_id=plan_id, revision=_revision(plan_id))
    return response


@router.post("/{person_id}/plan/fhir",
             response=responses({201: SectionImportedOut}, 400, 403, 404, 409),
             openapi_extra={"requestBody": {"required": True, "content": {
                 media: {"schema": {"type": "object", "description": "A FHIR R4 Bundle."}}
                 for media in (FHIR_JSON, "application/json")}}},
             summary="Import a plan Bundle from another system as a draft section "
                     "(Idempotency-Key)")
def import_fhir(request: HttpRequest, person_id: Id, response: HttpResponse,
                sector: SectorCode | None = None,
                idempotency_key: str | None = idempotency.header()):
    user = request.auth

    def write(plan: Plan):
        section = services.section_import(actor=user, plan=plan,
                                          body=request.body, sector=sector)
        return 201, {"id": section.pk, "plan_id": plan.pk, "plan_revision": _revision(plan.pk),
                     "sector": section.sector, "status": section.status,
                     "source": section.source, "imported": section.imported}

    outcome = idempotency.run(request, access=lambda: selectors.access_client_plan_by_id(
        user, person_id, action=LogAction.CREATE, detail="api: plan FHIR import").record,
        handler=write)
    _private(response, outcome, plan_id=outcome.body["plan_id"],
             revision=outcome.body["plan_revision"])
    return Status(outcome.status, outcome.body)
