"""Writes of the client plan. Each checks access and permission, changes data and logs, in one
transaction. Every change raises ``Plan.revision``; a save based on an older revision is refused
(``PlanConflict``) so that no one's work is silently overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access import services as access_services
from luotsi.access.models import Basis, Category, ClientRelationship, LogAction
from luotsi.common import validation
from luotsi.organisation.models import User
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans.fhir.import_ import parse_bundle, read_plan
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Consent,
    Goal,
    GoalFactor,
    Participant,
    Plan,
    PlanMethod,
    PlanSection,
    PlanService,
    PlanVersion,
    Rating,
    RatingScale,
    Review,
    Sector,
    Step,
)
from luotsi.plans.selectors import plan_snapshot

DEFAULT_REVIEW_MONTHS = 6
EDITABLE_FIELDS = ("client_situation", "client_view", "disagreement", "review_on", "language")


class PlanConflict(Exception):
    """The plan changed after the editor loaded it. Carries the current plan for the message."""

    def __init__(self, plan: Plan, expected: int) -> None:
        super().__init__(f"plan {plan.pk} is at revision {plan.revision}, not {expected}")
        self.plan = plan
        self.expected = expected


def _fail(errors: dict[str, str]) -> None:
    raise ValidationError({name: [message] for name, message in errors.items()})


def _access(actor, person_id: int, action: str = LogAction.VIEW, detail: str = ""):
    if not has_permission(actor, Action.VIEW_CLIENT):
        raise PermissionDenied
    return gateway.access_person_by_id(actor, person_id, category=Category.PLAN, action=action,
                                       detail=detail)


def _may_write(actor, plan: Plan) -> None:
    """Before changing the plan: emergency access alone does not allow it (the refusal is
    logged); ``_log`` refuses the same inside the transaction."""
    gateway.check_write(actor, [plan.person_id], category=Category.PLAN, detail=f"plan {plan.pk}")


def _log(actor, plan: Plan, action: str, detail: str) -> None:
    gateway.record_write(actor, person_id=plan.person_id, category=Category.PLAN, action=action,
                         basis=Basis.CARE_TEAM, detail=detail)


def _bump(plan: Plan, actor, expected_revision: int | None) -> Plan:
    """Lock the plan row, check the editor's revision, and raise it."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise PlanConflict(locked, expected_revision)
    locked.revision += 1
    locked.updated_by = actor
    locked.save(update_fields=["revision", "updated_by", "updated_at"])
    return locked


def starting_by_registration(actor, person_id) -> bool:
    """Whether ``actor`` may start the person's plan only because they registered the person:
    a registration opens no client records, but the worker who registered a new client may
    begin the first one (``gateway.first_records_by_registration``) while the person has no
    plan. Starting it makes them a member of the plan's care team."""
    return (has_permission(actor, Action.VIEW_CLIENT)
            and gateway.first_records_by_registration(actor, person_id)
            and not Plan.objects.filter(person_id=person_id).exists())


def start_access(actor, person_id, detail: str = "open plan") -> gateway.Access:
    """The access for the page that offers to start a plan: the client's plan category, or for
    the worker who has just registered a new client, their basic data
    (``starting_by_registration``). Otherwise "not found", with the refusal logged."""
    category = (Category.BASIC_DATA if starting_by_registration(actor, person_id)
                else Category.PLAN)
    return gateway.access_person_by_id(actor, person_id, category=category, detail=detail)


def plan_open(*, actor, person_id: int) -> tuple[Plan, bool]:
    """The person's plan, created on first use: "new plan" for a person who has one opens it.

    Two professionals creating at once still get one plan (the unique person constraint). The
    worker who registered a new client may start their plan on that basis alone; they then
    join its care team (``starting_by_registration``)."""
    by_registration = starting_by_registration(actor, person_id)
    if by_registration:
        access = start_access(actor, person_id, "plan")
    else:
        access = _access(actor, person_id, LogAction.VIEW, "plan")
    existing = Plan.objects.filter(person_id=person_id).first()
    if existing is not None:
        if by_registration:  # started by someone else meanwhile: the registration opens it not
            _access(actor, person_id, LogAction.VIEW, "plan")
        return existing, False
    gateway.check_write(actor, [person_id], category=Category.PLAN, action=LogAction.CREATE,
                        detail="plan")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                person=access.person, language=access.person.document_language,
                review_on=_add_months(today, DEFAULT_REVIEW_MONTHS), coordinator=None,
                created_by=actor, updated_by=actor)
            Participant.objects.create(plan=plan, kind=Participant.Kind.CLIENT,
                                       name=access.person.full_name)
            if by_registration:
                _grant_care_team(actor, plan, actor)
            _log(actor, plan, LogAction.CREATE, "plan created")
    except IntegrityError:
        if by_registration:  # started by someone else meanwhile: the registration opens it not
            _access(actor, person_id, LogAction.VIEW, "plan")
        return Plan.objects.get(person_id=person_id), False
    return plan, True


def _add_months(day: date, months: int) -> date:
    from luotsi.deadlines.calendar import add_months

    return add_months(day, months)


@dataclass
class PlanChanges:
    client_situation: str | None = None
    client_view: str | None = None
    disagreement: str | None = None
    review_on: date | None = None
    language: str | None = None


def plan_update(*, actor, plan: Plan, changes: PlanChanges, expected_revision: int) -> Plan:
    errors = {}
    if changes.review_on is not None and changes.review_on < timezone.localdate():
        errors["review_on"] = _("The next review date cannot be in the past.")
    if changes.language is not None and changes.language not in ("fi", "sv", "en"):
        errors["language"] = _("The plan's language must be Finnish, Swedish or English.")
    if errors:
        _fail(errors)
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        fields = []
        for name in EDITABLE_FIELDS:
            value = getattr(changes, name)
            if value is not None:
                setattr(locked, name, value.strip() if isinstance(value, str) else value)
                fields.append(name)
        if fields:
            locked.save(update_fields=fields)
        _log(actor, locked, LogAction.UPDATE, "plan: " + ", ".join(fields))
    return locked


def _code(code_list: str, item_id, field_name: str) -> CodeListItem:
    item = CodeListItem.objects.filter(pk=item_id, code_list=code_list, active=True).first() \
        if item_id else None
    if item is None:
        _fail({field_name: _("Choose a value from the list.")})
    return item


def _professional(user_id, field_name: str) -> User | None:
    if not user_id:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not has_permission(user, Action.VIEW_CLIENT):
        _fail({field_name: _("Choose an active professional.")})
    return user


def _grant_care_team(actor, plan: Plan, user: User | None) -> None:
    """A professional named in the plan joins the care team and may see the client."""
    if user is None:
        return
    source = f"plans.Plan:{plan.pk}"
    if ClientRelationship.objects.filter(person_id=plan.person_id, user=user,
                                         basis=Basis.CARE_TEAM, source=source,
                                         ends_at__isnull=True).exists():
        return
    access_services.relationship_open(actor=actor, person=plan.person, basis=Basis.CARE_TEAM,
                                      user=user, source=source)


def section_add(*, actor, plan: Plan, sector: str, responsible_id=None, summary: str = "",
                expected_revision: int | None = None) -> PlanSection:
    if sector not in Sector.values:
        _fail({"sector": _("Choose the sector.")})
    responsible = _professional(responsible_id, "responsible")
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        if locked.sections.filter(sector=sector, status=PlanSection.Status.ACTIVE).exists():
            _fail({"sector": _("The plan already has a section for this sector.")})
        section = PlanSection.objects.create(plan=locked, sector=sector, responsible=responsible,
                                             summary=summary.strip())
        _grant_care_team(actor, locked, responsible)
        _log(actor, locked, LogAction.UPDATE, f"section {sector} added")
    return section


def coordinator_set(*, actor, plan: Plan, coordinator_id, expected_revision: int | None = None,
                    ) -> Plan:
    coordinator = _professional(coordinator_id, "coordinator")
    if coordinator is None:
        _fail({"coordinator": _("Choose the coordinator.")})
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        locked.coordinator = coordinator
        locked.save(update_fields=["coordinator"])
        _grant_care_team(actor, locked, coordinator)
        if not locked.participants.filter(user=coordinator).exists():
            Participant.objects.create(plan=locked, kind=Participant.Kind.PROFESSIONAL,
                                       user=coordinator, role_text=coordinator.title)
        _log(actor, locked, LogAction.UPDATE, f"coordinator {coordinator.username}")
    return locked


@dataclass
class GoalInput:
    goal_area_id: int | None
    client_wording: str
    target_date: date | None = None
    priority: int = 2
    section_id: int | None = None


def goal_add(*, actor, plan: Plan, data: GoalInput, expected_revision: int | None = None) -> Goal:
    errors = {}
    if not data.client_wording.strip():
        errors["client_wording"] = _("Write the goal in the client's own words.")
    if data.priority not in Goal.Priority.values:
        errors["priority"] = _("Choose the priority.")
    if data.target_date and data.target_date < timezone.localdate():
        errors["target_date"] = _("The target date cannot be in the past.")
    if errors:
        _fail(errors)
    area = _code(CodeList.GOAL_AREA, data.goal_area_id, "goal_area")
    section = None
    if data.section_id:
        section = plan.sections.filter(pk=data.section_id).first()
        if section is None:
            _fail({"section": _("Choose a section of this plan.")})
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        goal = Goal.objects.create(plan=locked, section=section, goal_area=area,
                                   client_wording=data.client_wording.strip(),
                                   target_date=data.target_date, priority=data.priority)
        _log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} added")
    return goal


def goal_factor_add(*, actor, goal: Goal, factor_id, effect: str, note: str = "") -> GoalFactor:
    if effect not in GoalFactor.Effect.values:
        _fail({"effect": _("Choose whether the factor supports or hinders the goal.")})
    factor = _code(CodeList.SITUATION_FACTOR, factor_id, "factor")
    _may_write(actor, goal.plan)
    with transaction.atomic():
        locked = _bump(goal.plan, actor, None)
        row = GoalFactor.objects.create(goal=goal, factor=factor, effect=effect, note=note.strip())
        _log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} factor")
    return row


@dataclass
class ServiceInput:
    item_id: int | None
    sector: str
    provider: str = ""
    responsible_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = PlanService.Status.PLANNED


def service_add(*, actor, plan: Plan, data: ServiceInput,
                expected_revision: int | None = None) -> PlanService:
    errors = {}
    if data.sector not in Sector.values:
        errors["sector"] = _("Choose the sector.")
    if data.status not in PlanService.Status.values:
        errors["status"] = _("Choose the status of the service.")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = _("The service cannot end before it starts.")
    if errors:
        _fail(errors)
    item = _code(CodeList.SERVICE, data.item_id, "item")
    responsible = _professional(data.responsible_id, "responsible")
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        section = locked.sections.filter(sector=data.sector,
                                         status=PlanSection.Status.ACTIVE).first()
        service = PlanService.objects.create(
            plan=locked, section=section, item=item, sector=data.sector,
            provider=data.provider.strip(), responsible=responsible, starts_on=data.starts_on,
            ends_on=data.ends_on, status=data.status)
        _grant_care_team(actor, locked, responsible)
        _log(actor, locked, LogAction.UPDATE, f"service {service.pk} added")
    return service


def method_add(*, actor, plan: Plan, method_id, goal_id=None, note: str = "") -> PlanMethod:
    method = _code(CodeList.METHOD, method_id, "method")
    goal = plan.goals.filter(pk=goal_id).first() if goal_id else None
    if goal_id and goal is None:
        _fail({"goal": _("Choose a goal of this plan.")})
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, None)
        row = PlanMethod.objects.create(plan=locked, goal=goal, method=method, note=note.strip())
        _log(actor, locked, LogAction.UPDATE, f"method {row.pk} added")
    return row


@dataclass
class StepInput:
    what: str
    owner_kind: str
    due_on: date | None
    owner_id: int | None = None
    goal_id: int | None = None


def step_add(*, actor, plan: Plan, data: StepInput, expected_revision: int | None = None) -> Step:
    errors = {}
    if not data.what.strip():
        errors["what"] = _("Write what will be done.")
    if data.owner_kind not in Step.Owner.values:
        errors["owner_kind"] = _("Choose who does it: the client or a professional.")
    if data.owner_kind == Step.Owner.PROFESSIONAL and not data.owner_id:
        errors["owner"] = _("Name the professional who does it.")
    if data.due_on is None:
        errors["due_on"] = _("Give the date by when it is done.")
    if errors:
        _fail(errors)
    owner = _professional(data.owner_id, "owner") if data.owner_kind == Step.Owner.PROFESSIONAL \
        else None
    goal = plan.goals.filter(pk=data.goal_id).first() if data.goal_id else None
    if data.goal_id and goal is None:
        _fail({"goal": _("Choose a goal of this plan.")})
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        step = Step.objects.create(plan=locked, goal=goal, what=data.what.strip(),
                                   owner_kind=data.owner_kind, owner=owner, due_on=data.due_on)
        _grant_care_team(actor, locked, owner)
        _log(actor, locked, LogAction.UPDATE, f"step {step.pk} added")
    return step


def step_mark_done(*, actor, step: Step, done_on: date | None = None) -> Step:
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        _fail({"done_on": _("A step cannot be done in the future.")})
    _may_write(actor, step.plan)
    with transaction.atomic():
        locked = _bump(step.plan, actor, None)
        step.done_on = done_on
        step.save(update_fields=["done_on", "updated_at"])
        _log(actor, locked, LogAction.UPDATE, f"step {step.pk} done")
    return step


def participant_add(*, actor, plan: Plan, kind: str, user_id=None, name: str = "",
                    role_text: str = "") -> Participant:
    if kind not in Participant.Kind.values:
        _fail({"kind": _("Choose the kind of participant.")})
    user = _professional(user_id, "user") if kind == Participant.Kind.PROFESSIONAL else None
    if kind == Participant.Kind.PROFESSIONAL and user is None:
        _fail({"user": _("Choose the professional.")})
    if kind != Participant.Kind.PROFESSIONAL and not name.strip():
        _fail({"name": _("Write the participant's name.")})
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, None)
        row = Participant.objects.create(plan=locked, kind=kind, user=user, name=name.strip(),
                                         role_text=role_text.strip())
        _grant_care_team(actor, locked, user)
        _log(actor, locked, LogAction.UPDATE, f"participant {row.pk} added")
    return row


def consent_add(*, actor, plan: Plan, sector: str, scope: str, valid_from: date | None,
                valid_until: date | None = None) -> Consent:
    errors = {}
    if sector not in Sector.values:
        errors["sector"] = _("Choose the sector the plan is shared with.")
    if not scope.strip():
        errors["scope"] = _("Write what the consent covers.")
    if valid_from is None:
        errors["valid_from"] = _("Give the date the consent starts.")
    elif valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The consent cannot end before it starts.")
    if errors:
        _fail(errors)
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, None)
        consent = Consent.objects.create(plan=locked, sector=sector, scope=scope.strip(),
                                         valid_from=valid_from, valid_until=valid_until,
                                         recorded_by=actor)
        _log(actor, locked, LogAction.UPDATE, f"consent {consent.pk} to {sector}")
    return consent


def consent_withdraw(*, actor, consent: Consent, on: date | None = None) -> Consent:
    _may_write(actor, consent.plan)
    with transaction.atomic():
        locked = _bump(consent.plan, actor, None)
        consent.withdrawn_on = on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on", "updated_at"])
        _log(actor, locked, LogAction.UPDATE, f"consent {consent.pk} withdrawn")
    return consent


# The parts of a snapshot compared row by row (each row has an ``id``), in the order listed.
CHANGE_PARTS = ("sections", "goals", "factors", "services", "methods", "steps", "ratings",
                "reviews", "consents", "participants")
# Keys left out of a row's comparison: older snapshots kept a goal's factors inside the goal;
# they are compared as their own part now.
_NOT_COMPARED = frozenset({"factors"})


def _rows(snapshot: dict, part: str) -> dict | None:
    """The part's rows by id, or ``None`` when the snapshot cannot say (an older snapshot
    without the part, or with rows without ids)."""
    if part not in snapshot:
        return None
    rows = snapshot[part]
    if any("id" not in row for row in rows):
        return None
    return {row["id"]: row for row in rows}


def _same(before: dict, after: dict) -> bool:
    keys = (before.keys() | after.keys()) - _NOT_COMPARED
    return all(before.get(key) == after.get(key) for key in keys)


def _changes(previous: dict | None, current: dict) -> list[dict]:
    """What changed between two snapshots, as a list of {part, change, text}: every kind of
    row the plan records (goals, factors, ratings, held reviews, participants, …)."""
    if previous is None:
        return [{"part": "plan", "change": "created", "text": ""}]
    out = []
    for key in ("client_situation", "client_view", "disagreement", "review_on", "coordinator"):
        if previous.get(key) != current.get(key):
            out.append({"part": key, "change": "changed", "text": str(current.get(key) or "")})
    for part in CHANGE_PARTS:
        before, after = _rows(previous, part), _rows(current, part)
        if before is None or after is None:  # a version from before the part was recorded
            continue
        for row_id in sorted(after.keys() - before.keys()):
            out.append({"part": part, "change": "added", "text": after[row_id].get("label", "")})
        for row_id in sorted(before.keys() - after.keys()):
            out.append({"part": part, "change": "removed",
                        "text": before[row_id].get("label", "")})
        for row_id in sorted(after.keys() & before.keys()):
            old, new = before[row_id], after[row_id]
            if _same(old, new):
                continue
            change = "changed"
            if part == "reviews" and new.get("held_on") and not old.get("held_on"):
                change = "held"
            elif part == "steps" and new.get("done_on") and not old.get("done_on"):
                change = "done"
            out.append({"part": part, "change": change, "text": new.get("label", "")})
    return out


def plan_accept(*, actor, plan: Plan, client_took_part: bool,
                expected_revision: int | None = None) -> PlanVersion:
    """Accept the plan with the client: an immutable version with what changed since the last."""
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, expected_revision)
        if not locked.goals.exists():
            _fail({"goals": _("Add at least one goal before accepting the plan.")})
        snapshot = plan_snapshot(locked)
        previous = locked.versions.order_by("-number").first()
        number = (previous.number if previous else 0) + 1
        version = PlanVersion.objects.create(
            plan=locked, number=number, accepted_at=timezone.now(), accepted_by=actor,
            client_took_part=client_took_part, snapshot=snapshot,
            changes=_changes(previous.snapshot if previous else None, snapshot))
        locked.accepted_version = number
        locked.save(update_fields=["accepted_version"])
        _log(actor, locked, LogAction.UPDATE, f"version {number} accepted")
    return version


def review_schedule(*, actor, plan: Plan, scheduled_on: date | None) -> Review:
    if scheduled_on is None or scheduled_on < timezone.localdate():
        _fail({"scheduled_on": _("The review date cannot be in the past.")})
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, None)
        review = Review.objects.create(plan=locked, scheduled_on=scheduled_on)
        if locked.review_on != scheduled_on:
            locked.review_on = scheduled_on
            locked.save(update_fields=["review_on"])
        _log(actor, locked, LogAction.UPDATE, f"review {review.pk} scheduled")
    return review


def review_record(*, actor, review: Review, held_on: date, notes: str,
                  next_review_on: date | None) -> Review:
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("Record a review after it has been held.")
    if next_review_on is None or next_review_on <= held_on:
        errors["next_review_on"] = _("Give the date of the next review, after this one.")
    if errors:
        _fail(errors)
    _may_write(actor, review.plan)
    with transaction.atomic():
        locked = _bump(review.plan, actor, None)
        review.held_on, review.notes = held_on, notes.strip()
        review.save(update_fields=["held_on", "notes", "updated_at"])
        locked.review_on = next_review_on
        locked.save(update_fields=["review_on"])
        _log(actor, locked, LogAction.UPDATE, f"review {review.pk} held")
    return review


@dataclass
class RatingInput:
    goal_id: int
    value: int | None
    rated_by_kind: str
    client_took_part: bool = False
    occasion: str = Rating.Occasion.START
    rated_on: date | None = None
    review_id: int | None = None


def rating_add(*, actor, plan: Plan, data: RatingInput) -> Rating:
    scale = RatingScale.objects.filter(is_default=True).order_by("pk").first()
    goal = plan.goals.filter(pk=data.goal_id).first()
    errors = {}
    if goal is None:
        errors["goal"] = _("Choose a goal of this plan.")
    if scale is None:
        errors["value"] = _("No rating scale is configured; ask the administrator.")
    elif data.value is None or not scale.minimum <= data.value <= scale.maximum:
        errors["value"] = _("The rating must be between %(low)s and %(high)s.") % {
            "low": scale.minimum, "high": scale.maximum}
    if data.rated_by_kind not in Rating.RatedBy.values:
        errors["rated_by_kind"] = _("Choose who rated.")
    if data.occasion not in Rating.Occasion.values:
        errors["occasion"] = _("Choose the occasion.")
    rated_on = data.rated_on or timezone.localdate()
    if rated_on > timezone.localdate():
        errors["rated_on"] = _("A rating cannot be dated in the future.")
    if errors:
        _fail(errors)
    review = plan.reviews.filter(pk=data.review_id).first() if data.review_id else None
    _may_write(actor, plan)
    with transaction.atomic():
        locked = _bump(plan, actor, None)
        rating = Rating.objects.create(
            goal=goal, review=review, occasion=data.occasion, rated_on=rated_on, scale=scale,
            value=data.value, rated_by_kind=data.rated_by_kind,
            client_took_part=data.client_took_part, recorded_by=actor)
        _log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} rated {data.value}")
    return rating


def _imported_date(value, field_name: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        _fail({field_name: _("The imported plan has an invalid date: %(value)s.") % {
            "value": value}})
    return validation.check_date(day, field_name)


@dataclass
class MergeResult:
    section: PlanSection
    goals: int
    services: int
    left_goals: int
    left_services: int


def section_merge(*, actor, section: PlanSection) -> MergeResult:
    """Merge an imported draft section into the plan.

    The draft's ``imported`` content (``{"goals": [{"goal_area_code", "client_wording",
    "target_date"}], "services": [{"item_code", "provider", "sector"}]}``, as written by the
    FHIR import) becomes goals and services of the plan, in the sector's active section (created
    from the draft when the plan has none). A service the plan already has (same service, same
    sector) is not added twice. A goal or service whose code is not in the AVAIN code lists
    cannot become part of the plan: it stays in the draft for the team to add by hand; when
    nothing is left, the draft is removed. Everything or nothing is saved."""
    if section.status != PlanSection.Status.IMPORTED:
        _fail({"section": _("Only an imported draft can be merged into the plan.")})
    content = section.imported if isinstance(section.imported, dict) else {}
    goals_in = [g for g in content.get("goals") or [] if isinstance(g, dict)]
    services_in = [s for s in content.get("services") or [] if isinstance(s, dict)]
    areas = {item.code: item for item in CodeListItem.objects.filter(
        code_list=CodeList.GOAL_AREA, active=True,
        code__in=[str(g.get("goal_area_code") or "") for g in goals_in])}
    items = {item.code: item for item in CodeListItem.objects.filter(
        code_list=CodeList.SERVICE, active=True,
        code__in=[str(s.get("item_code") or "") for s in services_in])}
    goal_rows, service_rows, left_goals, left_services = [], [], [], []
    for row in goals_in:
        area = areas.get(str(row.get("goal_area_code") or ""))
        wording = str(row.get("client_wording") or "").strip()
        if area is None or not wording:
            left_goals.append(row)
            continue
        goal_rows.append((area, wording, _imported_date(row.get("target_date"), "section")))
    for row in services_in:
        item = items.get(str(row.get("item_code") or ""))
        sector = str(row.get("sector") or section.sector)
        if item is None or sector not in Sector.values:
            left_services.append(row)
            continue
        service_rows.append((item, sector, str(row.get("provider") or "").strip()))
    if not goal_rows and not service_rows:
        _fail({"section": _("Nothing in the imported plan can be merged: its goals and services "
                            "have no codes of the AVAIN code lists. Add them to the plan by "
                            "hand.")})
    _may_write(actor, section.plan)
    with transaction.atomic():
        locked = _bump(section.plan, actor, None)
        draft = PlanSection.objects.select_for_update().filter(
            pk=section.pk, plan=locked, status=PlanSection.Status.IMPORTED).first()
        if draft is None:
            _fail({"section": _("This draft has already been merged or removed.")})
        active = {s.sector: s for s in locked.sections.filter(status=PlanSection.Status.ACTIVE)}
        target = active.get(draft.sector)
        if target is None:
            target = active[draft.sector] = PlanSection.objects.create(
                plan=locked, sector=draft.sector, responsible=draft.responsible,
                summary=draft.summary, source=draft.source)
        elif draft.summary.strip():
            target.summary = "\n\n".join(p for p in (target.summary.strip(),
                                                     draft.summary.strip()) if p)
            target.save(update_fields=["summary", "updated_at"])
        for area, wording, target_date in goal_rows:
            Goal.objects.create(plan=locked, section=target, goal_area=area,
                                client_wording=wording, target_date=target_date)
        existing = set(locked.services.values_list("item_id", "sector"))
        added = 0
        for item, sector, provider in service_rows:
            if (item.pk, sector) in existing:
                continue
            existing.add((item.pk, sector))
            PlanService.objects.create(plan=locked, section=active.get(sector), item=item,
                                       sector=sector, provider=provider)
            added += 1
        if left_goals or left_services:
            draft.imported = {**content, "goals": left_goals, "services": left_services}
            draft.save(update_fields=["imported", "updated_at"])
        else:
            draft.delete()
        _log(actor, locked, LogAction.UPDATE,
             f"imported section {section.pk} merged: {len(goal_rows)} goals, {added} services")
    return MergeResult(section=target, goals=len(goal_rows), services=added,
                       left_goals=len(left_goals), left_services=len(left_services))


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
        locked = _bump(plan, actor, None)
        section = PlanSection.objects.create(
            plan=locked, sector=sector, status=PlanSection.Status.IMPORTED,
            source=imported.source, imported=imported.as_json())
        _log(actor, locked, LogAction.CREATE,
             f"section {section.pk} ({sector}) imported from FHIR")
    return section
