"""What a signed-in client changes in their own area: withdrawing a consent of their own plan,
accepting a consent a worker asked them for. Each change is the client's own: the record is
fetched through the gateway's own-data path (someone else's answers "not found", nothing saved),
the plan's revision is raised and the change logged with the client as the actor (basis
``own_data``) in one transaction; a withdrawal tells the plan's coordinator and the
client's named worker at once."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luotsi.common.formatting import format_date
from luotsi.common.validation import text_problem
from luotsi.intake.models import Notification
from luotsi.oma import selectors
from luotsi.people.models import Person
from luotsi.plans import services as plan_services
from luotsi.plans.models import Consent, Evaluation, Plan, PlanService, Rating
from luotsi.plans.services.evaluations import NOTE_LENGTH


def _notify_withdrawal(consent: Consent) -> None:
    """Tell the plan's coordinator and the client's named worker (in the app, each in their own
    language) that the client withdrew a consent. The notice names no client: the link leads to
    the plan through the gateway."""
    plan = consent.plan
    recipients = {user.pk: user for user in (plan.coordinator, plan.named_worker)
                  if user is not None and user.is_active}
    for user in recipients.values():
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = _("A client withdrew their consent to share their plan with %(sector)s "
                     "(%(date)s). It no longer applies.") % {
                "sector": str(consent.get_sector_display()).lower(),
                "date": format_date(consent.withdrawn_on)}
        Notification.objects.get_or_create(
            user=user, key=f"oma:consent-withdrawn:{consent.pk}",
            defaults={"text": text[:300], "link": f"/plans/{consent.plan_id}/#consents"})


def own_consent_withdraw(*, client: Person, consent_id) -> Consent:
    """Withdraw the client's own consent ``consent_id``: in force no more from today, so the
    sector's professionals stop seeing the other sectors' sections at once; the coordinator and
    the named worker are notified. Another person's consent, or a missing one, is "not found" and nothing is saved."""
    consent = selectors.access_own_consent_by_id(client, consent_id,
                                                 detail=f"consent {consent_id} to withdraw")
    if consent.withdrawn_on is not None or consent.status != Consent.Status.GIVEN:
        raise ValidationError({"consent": [_("This consent is not in force: there is nothing "
                                             "to withdraw.")]})
    with transaction.atomic():
        consent = plan_services.consent_withdraw_by_client(client=client, consent=consent,
                                                           on=timezone.localdate())
        _notify_withdrawal(consent)
    return consent


def own_consent_accept(*, client: Person, consent_id) -> Consent:
    """Accept the consent a worker asked the client for: in force from today."""
    consent = selectors.access_own_consent_by_id(client, consent_id,
                                                 detail=f"consent {consent_id} to accept")
    if consent.status != Consent.Status.REQUESTED or consent.withdrawn_on is not None:
        raise ValidationError({"consent": [_("This consent is not waiting for your answer.")]})
    return plan_services.consent_accept_by_client(client=client, consent=consent)


# How long the client's own view of a goal or service may be (the evaluation's note).
VIEW_LENGTH = NOTE_LENGTH

# The form's field prefix of each rated part.
_FIELDS = {Evaluation.Subject.GOAL: "", Evaluation.Subject.SERVICE: "service_"}


def rated_services(services: list) -> list:
    """The plan's services the client can say whether they helped: those that have begun
    (ongoing or ended), not those still planned."""
    return [s for s in services if s.status != PlanService.Status.PLANNED]


def _entry(posted, subject: str, pk: int, scale) -> tuple[dict[str, str], tuple | None]:
    """One goal's or service's rating and view from the posted form: the refusals (field →
    message) or the entry to save (``None`` when it was left unrated)."""
    prefix = _FIELDS[subject]
    value_field, view_field = f"{prefix}value_{pk}", f"{prefix}view_{pk}"
    raw = str(posted.get(value_field, "")).strip()
    view = str(posted.get(view_field, ""))
    if not raw and not view.strip():
        return {}, None
    errors: dict[str, str] = {}
    value = int(raw) if raw.isdigit() and len(raw) < 4 else None
    if value is None or not scale.minimum <= value <= scale.maximum:
        message = (
            _("Choose a number from %(low)s to %(high)s: how things are now with this goal.")
            if subject == Evaluation.Subject.GOAL else
            _("Choose a number from %(low)s to %(high)s: how much this service has helped you."))
        errors[value_field] = message % {"low": scale.minimum, "high": scale.maximum}
    problem = text_problem(view, multiline=True, max_length=VIEW_LENGTH)
    if problem:
        errors[view_field] = problem
    return errors, (subject, pk, value, view.strip())


def own_ratings_save(*, client: Person, plan: Plan, goals: list, services: list,
                     posted) -> dict[str, str]:
    """The client's own rating of their goals (how things are now) and of their services that
    have begun (how much each has helped), on the plan's AVAIN scale, with their view of each,
    entered before a review: kept beside the professional's ratings and evaluations as the
    client's own (``record_client_rating``, logged with the client as the actor, basis
    ``own_data``). Every entry is checked first; on any refusal nothing is saved and the
    refusals (field → message, in the client's language) are returned."""
    scale = plan_services.plan_scale()
    if scale is None:
        return {"ratings": _("Rating is not possible right now. Ask your contact person.")}
    errors: dict[str, str] = {}
    entries = []
    rated = [(Evaluation.Subject.GOAL, view.goal.pk) for view in goals]
    rated += [(Evaluation.Subject.SERVICE, service.pk) for service in rated_services(services)]
    for subject, pk in rated:
        refused, entry = _entry(posted, subject, pk, scale)
        errors.update(refused)
        if entry is not None:
            entries.append(entry)
    revision = str(posted.get("revision", ""))
    if not revision.isdigit() or len(revision) > 9:
        errors["revision"] = _("Open the page again and rate once more.")
    if not entries and not errors:
        errors["ratings"] = _("Choose a rating for at least one goal or service.")
    if errors:
        return errors
    review = next((r for r in plan.reviews.all() if r.held_on is None), None)
    occasion = Rating.Occasion.REVIEW if review is not None else Rating.Occasion.START
    try:
        with transaction.atomic():
            for index, (subject, pk, value, view) in enumerate(entries):
                plan_services.record_client_rating(
                    actor=client, plan=plan, expected_revision=int(revision) + index,
                    data=plan_services.EvaluationInput(
                        subject=subject, item_id=pk, value=value, note=view, occasion=occasion,
                        review_id=review.pk if review is not None else None))
    except plan_services.PlanConflict:
        return {"revision": _("Your plan changed while you were rating. Look at it and rate "
                              "again.")}
    return {}


def own_feedback_save(*, client: Person, occasion: str, occasion_id, answer: str) -> None:
    """The client's answer to "did the plan help?" after a review held or a network meeting
    past of their own: one per occasion, logged as their own write. Someone else's occasion, or
    one not yet held, is "not found" (``PersonNotFound``) and nothing is saved."""
    from luotsi.access.gateway import PersonNotFound, log_own_write
    from luotsi.access.models import Category
    from luotsi.plans.models import PlanFeedback, Review
    from luotsi.sharedcare.models import Meeting

    pk = int(occasion_id) if str(occasion_id).isdigit() and len(str(occasion_id)) < 19 else None
    plan = Plan.objects.filter(person_id=client.pk).first()
    on = None
    if pk is not None and plan is not None and occasion == PlanFeedback.Occasion.REVIEW:
        on = Review.objects.filter(pk=pk, plan=plan, held_on__isnull=False).values_list(
            "held_on", flat=True).first()
    elif pk is not None and plan is not None and occasion == PlanFeedback.Occasion.MEETING:
        held = Meeting.objects.filter(pk=pk, shared_client__person_id=client.pk,
                                      held_at__lt=timezone.now()).values_list(
            "held_at", flat=True).first()
        on = timezone.localtime(held).date() if held else None
    if on is None or plan is None:
        raise PersonNotFound()
    if answer not in PlanFeedback.Answer.values:
        raise ValidationError({"answer": [_("Choose yes, partly or no.")]})
    with transaction.atomic():
        _row, made = PlanFeedback.objects.get_or_create(
            plan=plan, occasion=occasion, occasion_id=pk,
            defaults={"occasion_on": on, "answer": answer})
        if not made:
            raise ValidationError({"answer": [_("You have already answered. Thank you.")]})
        log_own_write(client, category=Category.PLAN,
                      detail=f"plan {plan.pk}: feedback after {occasion} {pk}")
