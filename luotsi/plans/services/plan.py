"""The plan itself: opening a client's plan, its texts and review date, its coordinator, its
statutory named worker and participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Category, LogAction
from luotsi.organisation.decorators import require_action
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans.models import Participant, Plan
from luotsi.plans.revisions import plan_change_log, plan_write
from luotsi.plans.services.common import active_professional, care_team_grant, fail

DEFAULT_REVIEW_MONTHS = 6
EDITABLE_FIELDS = ("client_situation", "client_view", "disagreement", "review_on", "language")


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
    require_action(actor, Action.VIEW_CLIENT)
    by_registration = starting_by_registration(actor, person_id)
    if by_registration:
        access = start_access(actor, person_id, "plan")
    else:
        access = gateway.access_person_by_id(actor, person_id, category=Category.PLAN,
                                             detail="plan")
    existing = Plan.objects.filter(person_id=person_id).first()
    if existing is not None:
        if by_registration:  # started by someone else meanwhile: the registration opens it not
            gateway.access_person_by_id(actor, person_id, category=Category.PLAN, detail="plan")
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
                care_team_grant(actor, plan, actor)
            plan_change_log(actor, plan, LogAction.CREATE, "plan created")
    except IntegrityError:
        if by_registration:  # started by someone else meanwhile: the registration opens it not
            gateway.access_person_by_id(actor, person_id, category=Category.PLAN, detail="plan")
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
        fail(errors)
    with plan_write(actor, plan, expected_revision) as locked:
        fields = []
        for name in EDITABLE_FIELDS:
            value = getattr(changes, name)
            if value is not None:
                setattr(locked, name, value.strip() if isinstance(value, str) else value)
                fields.append(name)
        if fields:
            locked.save(update_fields=fields)
        plan_change_log(actor, locked, LogAction.UPDATE, "plan: " + ", ".join(fields))
    return locked


def coordinator_set(*, actor, plan: Plan, coordinator_id, expected_revision: int | None = None,
                    ) -> Plan:
    coordinator = active_professional(coordinator_id, "coordinator")
    if coordinator is None:
        fail({"coordinator": _("Choose the coordinator.")})
    with plan_write(actor, plan, expected_revision) as locked:
        locked.coordinator = coordinator
        locked.save(update_fields=["coordinator"])
        care_team_grant(actor, locked, coordinator)
        if not locked.participants.filter(user=coordinator).exists():
            Participant.objects.create(plan=locked, kind=Participant.Kind.PROFESSIONAL,
                                       user=coordinator, role_text=coordinator.title)
        plan_change_log(actor, locked, LogAction.UPDATE, f"coordinator {coordinator.username}")
    return locked


def named_worker_check(named_worker, needs_special_support: bool) -> None:
    """The statutory named worker (omatyöntekijä, SHL 42 §) is a social-welfare professional
    (817/2015: their ``qualification``), and a licensed social worker when the client needs
    special support. Refused naming the field, with the reason."""
    if named_worker is None:
        return
    if not named_worker.is_social_welfare_professional:
        fail({"named_worker": _(
            "%(name)s cannot be the named worker (omatyöntekijä): the named worker must be a "
            "social-welfare professional (SHL 42 §), and no such qualification is recorded for "
            "them.") % {"name": named_worker.get_full_name() or named_worker.username}})
    if needs_special_support and not named_worker.may_be_responsible_social_worker:
        fail({"named_worker": _(
            "%(name)s cannot be the named worker of a client who needs special support: that "
            "named worker must be a licensed social worker (SHL 42 §).")
            % {"name": named_worker.get_full_name() or named_worker.username}})


def named_worker_set(*, actor, plan: Plan, named_worker_id, needs_special_support: bool,
                     expected_revision: int | None = None) -> Plan:
    """Names the client's statutory named worker (or leaves none) and records whether the
    client needs special support; the coordinator is a role of its own (``coordinator_set``)."""
    named_worker = active_professional(named_worker_id, "named_worker")
    named_worker_check(named_worker, needs_special_support)
    with plan_write(actor, plan, expected_revision) as locked:
        locked.named_worker = named_worker
        locked.needs_special_support = needs_special_support
        locked.save(update_fields=["named_worker", "needs_special_support"])
        if named_worker is not None:
            care_team_grant(actor, locked, named_worker)
            if not locked.participants.filter(user=named_worker).exists():
                Participant.objects.create(plan=locked, kind=Participant.Kind.PROFESSIONAL,
                                           user=named_worker, role_text=named_worker.title)
        plan_change_log(actor, locked, LogAction.UPDATE,
                        "named worker " + (named_worker.username if named_worker else "none")
                        + (", special support" if needs_special_support else ""))
    return locked


def participant_add(*, actor, plan: Plan, kind: str, user_id=None, name: str = "",
                    role_text: str = "", expected_revision: int | None = None) -> Participant:
    if kind not in Participant.Kind.values:
        fail({"kind": _("Choose the kind of participant.")})
    user = active_professional(user_id, "user") if kind == Participant.Kind.PROFESSIONAL else None
    if kind == Participant.Kind.PROFESSIONAL and user is None:
        fail({"user": _("Choose the professional.")})
    if kind != Participant.Kind.PROFESSIONAL and not name.strip():
        fail({"name": _("Write the participant's name.")})
    with plan_write(actor, plan, expected_revision) as locked:
        row = Participant.objects.create(plan=locked, kind=kind, user=user, name=name.strip(),
                                         role_text=role_text.strip())
        care_team_grant(actor, locked, user)
        plan_change_log(actor, locked, LogAction.UPDATE, f"participant {row.pk} added")
    return row
