"""The AVAIN meter beside the goals' ratings: the professional's evaluation of each service and
working method of the plan (did it help, on the plan's rating scale, with a note), the situation
factors assessed again (better, the same, worse), and the client's own rating of every rated
item, goals included, kept beside the professional's (``Evaluation``).

``evaluation_add`` records the professional's; ``record_client_rating`` the client's own, either
recorded by a professional with the client (the actor a staff user) or entered by the client in
their own area (the actor the client's ``Person``; the write is logged with the client as the
actor on the basis ``own_data``). Both validate everything first and save nothing on a refusal,
which names the field."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Category, LogAction
from luotsi.people.models import Person
from luotsi.plans.models import Evaluation, GoalFactor, Plan, Rating, RatingScale
from luotsi.plans.revisions import PlanConflict, plan_change_log, plan_write
from luotsi.plans.services.common import fail

Subject = Evaluation.Subject
NOTE_LENGTH = 300  # Evaluation.note


@dataclass
class EvaluationInput:
    """One rated item: ``subject`` (goal, service, method, factor) and the id of its row in the
    plan; ``value`` on the scale (goals, services, methods) or ``direction`` (factors)."""

    subject: str
    item_id: int | None
    value: int | None = None
    direction: str = ""
    note: str = ""
    occasion: str = Rating.Occasion.START
    rated_on: date | None = None
    review_id: int | None = None


def plan_scale() -> RatingScale | None:
    """The rating scale the plans use: the one configured as the default."""
    return RatingScale.objects.filter(is_default=True).order_by("pk").first()


_ROWS: dict[str, str] = {Subject.GOAL: "goals", Subject.SERVICE: "services", Subject.METHOD: "methods"}


def _item(plan: Plan, subject: str, item_id):
    """The plan's row the evaluation is of, or ``None`` when it is not this plan's."""
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        return None
    if subject == Subject.FACTOR:
        return GoalFactor.objects.filter(pk=item_id, goal__plan=plan).first()
    return getattr(plan, _ROWS[subject]).filter(pk=item_id).first()


def _checked(plan: Plan, data: EvaluationInput, *, allowed: tuple[str, ...],
             names: dict[str, str] | None = None):
    """Everything about ``data`` checked at once: the field → message refusals (the fields
    renamed by ``names``, as a form with a field per item names them), or the row, scale,
    review and date to save."""
    errors: dict[str, str] = _Named(names or {})
    item = scale = review = None
    if data.subject not in allowed:
        errors["subject"] = _("Choose what is evaluated.")
    else:
        item = _item(plan, data.subject, data.item_id)
        if item is None:
            messages: dict[str, str] = {
                Subject.GOAL: _("Choose a goal of this plan."),
                Subject.SERVICE: _("Choose a service of this plan."),
                Subject.METHOD: _("Choose a method of this plan."),
                Subject.FACTOR: _("Choose a situation factor of this plan."),
            }
            errors[data.subject] = messages[data.subject]
        if data.subject == Subject.FACTOR:
            if data.direction not in Evaluation.Direction.values:
                errors["direction"] = _("Choose better, the same or worse.")
        else:
            scale = plan_scale()
            if scale is None:
                errors["value"] = _("No rating scale is configured; ask the administrator.")
            elif (not isinstance(data.value, int) or isinstance(data.value, bool)
                  or not scale.minimum <= data.value <= scale.maximum):
                errors["value"] = _("The rating must be between %(low)s and %(high)s.") % {
                    "low": scale.minimum, "high": scale.maximum}
    if data.occasion not in Rating.Occasion.values:
        errors["occasion"] = _("Choose the occasion.")
    rated_on = data.rated_on or timezone.localdate()
    if rated_on > timezone.localdate():
        errors["rated_on"] = _("A rating cannot be dated in the future.")
    if data.review_id is not None:
        review = plan.reviews.filter(pk=data.review_id).first() \
            if isinstance(data.review_id, int) else None
        if review is None:
            errors["review"] = _("Choose a review of this plan.")
    note = (data.note or "").strip()
    if len(note) > NOTE_LENGTH:
        errors["note"] = _("The note is too long (at most %(n)s characters).") % {
            "n": NOTE_LENGTH}
    if errors:
        fail(errors)
    return item, scale, review, rated_on, note


class _Named(dict):
    """Refusals keyed by the field names the caller uses."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(self.names.get(key, key), value)


def _new(plan: Plan, data: EvaluationInput, checked, *, rater: str, entered_by: str,
         recorded_by) -> Evaluation:
    item, scale, review, rated_on, note = checked
    factor = data.subject == Subject.FACTOR
    return Evaluation.objects.create(
        plan=plan, subject=data.subject, **{data.subject: item}, review=review,
        occasion=data.occasion, rated_on=rated_on, rater=rater,
        scale=None if factor else scale, value=None if factor else data.value,
        direction=data.direction if factor else "", note=note, entered_by=entered_by,
        recorded_by=recorded_by)


def _detail(evaluation: Evaluation, who: str) -> str:
    shown = evaluation.direction or evaluation.value
    row = getattr(evaluation, f"{evaluation.subject}_id")
    return f"{evaluation.subject} {row} evaluated {shown} by the {who}"


def evaluation_add(*, actor, plan: Plan, data: EvaluationInput,
                   expected_revision: int | None = None) -> Evaluation:
    """The professional's evaluation of a service or method of the plan, or a situation
    factor assessed again (the goals' own ratings are ``rating_add``)."""
    checked = _checked(plan, data, allowed=(Subject.SERVICE, Subject.METHOD, Subject.FACTOR))
    with plan_write(actor, plan, expected_revision) as locked:
        evaluation = _new(locked, data, checked, rater=Evaluation.Rater.PROFESSIONAL,
                          entered_by=Evaluation.EnteredBy.PROFESSIONAL, recorded_by=actor)
        plan_change_log(actor, locked, LogAction.UPDATE, _detail(evaluation, "professional"))
    return evaluation


def record_client_rating(*, actor, plan: Plan, data: EvaluationInput,
                         expected_revision: int | None = None) -> Evaluation:
    """The client's own rating of a goal, service or method, or their own view of a situation
    factor, kept beside the professional's.

    ``actor`` is the professional who records it with the client (a staff user: the write is
    theirs, logged on their basis) or the client themself in their own area (the plan's
    ``Person``: logged with the client as the actor on the basis ``own_data``; another person's
    plan is refused as not found)."""
    if isinstance(actor, Person):
        if actor.pk != plan.person_id:
            raise gateway.PersonNotFound()
        checked = _checked(plan, data, allowed=tuple(Subject.values))
        with transaction.atomic():
            locked = Plan.objects.select_for_update().get(pk=plan.pk)
            if expected_revision is not None and locked.revision != expected_revision:
                raise PlanConflict(locked, expected_revision)
            locked.revision += 1
            locked.save(update_fields=["revision", "updated_at"])
            evaluation = _new(locked, data, checked, rater=Evaluation.Rater.CLIENT,
                              entered_by=Evaluation.EnteredBy.CLIENT, recorded_by=None)
            gateway.log_own_write(actor, category=Category.PLAN,
                                  detail=f"plan {locked.pk}: {_detail(evaluation, 'client')}")
        return evaluation
    checked = _checked(plan, data, allowed=tuple(Subject.values))
    with plan_write(actor, plan, expected_revision) as locked:
        evaluation = _new(locked, data, checked, rater=Evaluation.Rater.CLIENT,
                          entered_by=Evaluation.EnteredBy.PROFESSIONAL, recorded_by=actor)
        plan_change_log(actor, locked, LogAction.UPDATE, _detail(evaluation, "client"))
    return evaluation


@dataclass
class MeterInput:
    """One sitting of the AVAIN meter, at the start or at a review: the professional's rating of
    goals (``goals``: goal id → value), their evaluations of services and methods and their
    reassessment of situation factors (``professional``), and the client's own rating of any
    of these (``client``). Items left unrated are simply not in the lists."""

    occasion: str
    rated_on: date | None = None
    review_id: int | None = None
    client_took_part: bool = False
    goals: dict[int, int | None] | None = None
    professional: list[EvaluationInput] | None = None
    client: list[EvaluationInput] | None = None


def meter_field(subject: str, item_id, rater: str) -> str:
    """The name of an item's field in the meter's form: ``service-12-client``."""
    return f"{subject}-{item_id}-{rater}"


def _meter_names(subject: str, item_id, rater: str) -> dict[str, str]:
    field = meter_field(subject, item_id, rater)
    return {subject: field, "value": field, "direction": field, "subject": field,
            "note": f"{subject}-{item_id}-note"}


def meter_record(*, actor, plan: Plan, data: MeterInput,
                 expected_revision: int | None = None) -> list:
    """Record one sitting of the meter as one change of the plan: every rating and evaluation
    is checked first, and on any refusal (named by the item's field) nothing is saved."""
    def on_this_occasion(item: EvaluationInput) -> EvaluationInput:
        return replace(item, occasion=data.occasion, rated_on=data.rated_on,
                       review_id=data.review_id)

    goal_rows = data.goals or {}
    professional = [on_this_occasion(item) for item in data.professional or []]
    client = [on_this_occasion(item) for item in data.client or []]
    errors: dict[str, list[str]] = {}
    checked_pro, checked_client = [], []

    def collect(call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except ValidationError as refused:
            for key, messages in refused.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    for goal_id, value in goal_rows.items():
        collect(_checked, plan, on_this_occasion(EvaluationInput(
                    subject=Subject.GOAL, item_id=goal_id, value=value)),
                allowed=(Subject.GOAL,), names=_meter_names(Subject.GOAL, goal_id,
                                                            Evaluation.Rater.PROFESSIONAL))
    for item in professional:
        checked_pro.append(collect(
            _checked, plan, item, allowed=(Subject.SERVICE, Subject.METHOD, Subject.FACTOR),
            names=_meter_names(item.subject, item.item_id, Evaluation.Rater.PROFESSIONAL)))
    for item in client:
        checked_client.append(collect(
            _checked, plan, item, allowed=tuple(Subject.values),
            names=_meter_names(item.subject, item.item_id, Evaluation.Rater.CLIENT)))
    if not errors and not (goal_rows or professional or client):
        errors["__all__"] = [_("Rate at least one goal, service, method or factor.")]
    scale = plan_scale()
    if errors or scale is None:
        raise ValidationError(errors)
    rated_on = data.rated_on or timezone.localdate()
    review = plan.reviews.filter(pk=data.review_id).first() if data.review_id else None
    saved: list = []
    with plan_write(actor, plan, expected_revision) as locked:
        for goal_id, value in goal_rows.items():
            saved.append(Rating.objects.create(
                goal_id=goal_id, review=review, occasion=data.occasion, rated_on=rated_on,
                scale=scale, value=cast(int, value),  # checked above: on the scale
                rated_by_kind=Rating.RatedBy.PROFESSIONAL,
                client_took_part=data.client_took_part, recorded_by=actor))
        for item, checked in zip(professional, checked_pro, strict=True):
            saved.append(_new(locked, item, checked, rater=Evaluation.Rater.PROFESSIONAL,
                              entered_by=Evaluation.EnteredBy.PROFESSIONAL, recorded_by=actor))
        for item, checked in zip(client, checked_client, strict=True):
            saved.append(_new(locked, item, checked, rater=Evaluation.Rater.CLIENT,
                              entered_by=Evaluation.EnteredBy.PROFESSIONAL, recorded_by=actor))
        plan_change_log(actor, locked, LogAction.UPDATE,
                        f"AVAIN meter ({data.occasion}): {len(goal_rows)} goals rated, "
                        f"{len(professional)} evaluated by the professional, "
                        f"{len(client)} by the client")
    return saved
