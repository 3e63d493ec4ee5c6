"""Reads for access pages: emergency accesses to review and a person's access-log report."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship
from luotsi.organisation.models import Role


def emergency_accesses_for_review(user) -> QuerySet[ClientRelationship]:
    """Emergency accesses waiting for review: a team lead sees those by members of their teams;
    the data-protection officer sees all."""
    queryset = ClientRelationship.objects.filter(
        basis=Basis.EMERGENCY, reviewed_at__isnull=True
    ).select_related("user", "person").order_by("starts_at")
    if user.role == Role.DPO:
        return queryset
    return queryset.filter(user__teams__in=user.team_ids()).distinct()


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.max), tz),
    )


def access_log_for_person(person_id: int, start: date, end: date) -> QuerySet[AccessLogEntry]:
    since, until = period_bounds(start, end)
    return AccessLogEntry.objects.filter(person_id=person_id, at__gte=since,
                                         at__lte=until).order_by("at", "seq")
