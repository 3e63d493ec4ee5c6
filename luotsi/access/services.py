"""Writes of client relationships: the only way capabilities grant access to a person."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import log
from luotsi.access.gateway import PersonNotFound
from luotsi.access.models import Basis, Category, ClientRelationship, LogAction, Outcome
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import Team
from luotsi.organisation.permissions import Action
from luotsi.people.models import Person

MIN_EMERGENCY_REASON = 20


@transaction.atomic
def relationship_open(*, actor, person: Person, basis: str, user=None, team: Team | None = None,
                      service_task: str = "", source: str = "", reason: str = "",
                      starts_at: datetime | None = None,
                      ends_at: datetime | None = None) -> ClientRelationship:
    """Record that ``user`` or ``team`` may process ``person``'s data on ``basis``.

    Called by the capabilities (intake opens one for its team, a case for its worker, a care
    team for its members) inside their own service transactions.
    """
    if user is None and team is None:
        raise ValueError("A client relationship needs a professional or a team.")
    relationship = ClientRelationship.objects.create(
        person=person, user=user, team=team, basis=basis, service_task=service_task,
        source=source, reason=reason, starts_at=starts_at or timezone.now(), ends_at=ends_at,
        created_by=actor,
    )
    log.record(actor, person_id=person.pk, category=Category.RELATIONSHIPS,
               action=LogAction.CREATE, basis=basis, outcome=Outcome.ALLOWED,
               detail=f"relationship {relationship.pk} {basis} {source}".strip())
    return relationship


@transaction.atomic
def relationship_close(*, actor, relationship: ClientRelationship,
                       at: datetime | None = None) -> ClientRelationship:
    relationship.ends_at = at or timezone.now()
    relationship.save(update_fields=["ends_at"])
    log.record(actor, person_id=relationship.person_id, category=Category.RELATIONSHIPS,
               action=LogAction.UPDATE, basis=relationship.basis, outcome=Outcome.ALLOWED,
               detail=f"relationship {relationship.pk} closed")
    return relationship


def relationships_end(*, actor, source: str, basis: str, user,
                      at: datetime | None = None) -> int:
    """End ``user``'s relationships of ``basis`` from ``source`` that are still open (e.g. the
    case relationship of a responsible worker who is replaced), each closed and logged as
    ``relationship_close`` does. Returns how many."""
    at = at or timezone.now()
    open_ones = ClientRelationship.objects.filter(source=source, basis=basis, user=user).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)).order_by("pk")
    ended = 0
    with transaction.atomic():
        for relationship in open_ones.select_for_update():
            relationship_close(actor=actor, relationship=relationship, at=at)
            ended += 1
    return ended


def emergency_access_open(*, actor, person_id: int | None, reason: str,
                          asked_by: str = "") -> ClientRelationship:
    """Break the glass: a time-boxed, flagged access with a written reason, listed for review.

    An unknown person gives PersonNotFound; the attempt is logged either way, a refusal with
    ``asked_by`` (how the person was looked for: a keyed hash, never a clear identity code).
    """
    require_action(actor, Action.BREAK_GLASS)
    reason = (reason or "").strip()
    if len(reason) < MIN_EMERGENCY_REASON:
        raise ValidationError(
            {"reason": _("Write the reason for emergency access in at least %(count)s characters.")
             % {"count": MIN_EMERGENCY_REASON}}
        )
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        log.record(actor, person_id=person_id, category=Category.BASIC_DATA,
                   action=LogAction.EMERGENCY, basis=Basis.EMERGENCY, outcome=Outcome.REFUSED,
                   detail=f"{reason}; asked by {asked_by}" if asked_by else reason)
        raise PersonNotFound()
    now = timezone.now()
    with transaction.atomic():
        relationship = ClientRelationship.objects.create(
            person=person, user=actor, basis=Basis.EMERGENCY, starts_at=now,
            ends_at=now + timedelta(hours=settings.EMERGENCY_ACCESS_HOURS), reason=reason,
            source="break-the-glass", created_by=actor,
        )
        log.record(actor, person_id=person.pk, category=Category.BASIC_DATA,
                   action=LogAction.EMERGENCY, basis=Basis.EMERGENCY, outcome=Outcome.ALLOWED,
                   detail=reason)
    return relationship


@transaction.atomic
def emergency_access_review(*, actor, relationship_id: int, finding: str,
                            note: str) -> ClientRelationship:
    require_action(actor, Action.REVIEW_BREAK_GLASS)
    relationship = (
        ClientRelationship.objects.select_for_update()
        .filter(pk=relationship_id, basis=Basis.EMERGENCY, reviewed_at__isnull=True)
        .first()
    )
    if relationship is None:
        raise ValidationError(_("This emergency access does not exist or is already reviewed."))
    if relationship.user_id == actor.pk:
        raise ValidationError(_("You cannot review your own emergency access."))
    if finding not in {"justified", "unjustified"}:
        raise ValidationError({"finding": _("Choose whether the access was justified.")})
    if finding == "unjustified" and not note.strip():
        raise ValidationError({"note": _("Explain why the access was not justified.")})
    relationship.reviewed_by = actor
    relationship.reviewed_at = timezone.now()
    relationship.review_finding = finding
    relationship.review_note = note.strip()
    relationship.save(update_fields=["reviewed_by", "reviewed_at", "review_finding", "review_note"])
    log.record(actor, person_id=relationship.person_id, category=Category.RELATIONSHIPS,
               action=LogAction.UPDATE, basis=Basis.DPO_TASK if actor.role == "dpo" else Basis.NONE,
               outcome=Outcome.ALLOWED, detail=f"emergency access {relationship.pk} reviewed: {finding}")
    return relationship
