"""AVAIN meter ratings of the plan's goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
from luotsi.plans.models import Plan, Rating, RatingScale
from luotsi.plans.revisions import plan_change_log, plan_write
from luotsi.plans.services.common import fail


@dataclass
class RatingInput:
    goal_id: int
    value: int | None
    rated_by_kind: str
    client_took_part: bool = False
    occasion: str = Rating.Occasion.START
    rated_on: date | None = None
    review_id: int | None = None


def rating_add(*, actor, plan: Plan, data: RatingInput,
               expected_revision: int | None = None) -> Rating:
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
    if errors or goal is None or scale is None or data.value is None:
        fail(errors)
    review = plan.reviews.filter(pk=data.review_id).first() if data.review_id else None
    with plan_write(actor, plan, expected_revision) as locked:
        rating = Rating.objects.create(
            goal=goal, review=review, occasion=data.occasion, rated_on=rated_on, scale=scale,
            value=data.value, rated_by_kind=data.rated_by_kind,
            client_took_part=data.client_took_part, recorded_by=actor)
        plan_change_log(actor, locked, LogAction.UPDATE, f"goal {goal.pk} rated {data.value}")
    return rating
