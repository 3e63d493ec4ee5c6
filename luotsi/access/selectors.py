"""Reads for access pages: emergency accesses to review and a person's access-log report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from luotsi.access.gateway import WRITE_ACTIONS
from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship, Outcome
from luotsi.organisation.models import Role


def emergency_accesses(user) -> QuerySet[ClientRelationship]:
    """Emergency accesses ``user`` reviews, reviewed or not: a team lead those by members of
    their teams; the data-protection officer all."""
    queryset = ClientRelationship.objects.filter(
        basis=Basis.EMERGENCY).select_related("user", "person").order_by("starts_at")
    if user.role == Role.DPO:
        return queryset
    return queryset.filter(user__teams__in=user.team_ids()).distinct()


def emergency_accesses_for_review(user) -> QuerySet[ClientRelationship]:
    """Emergency accesses waiting for ``user``'s review."""
    return emergency_accesses(user).filter(reviewed_at__isnull=True)


# Records of one emergency access shown on its review card; the rest are counted.
WINDOW_RECORDS_SHOWN = 50


def _in_window(relationship: ClientRelationship) -> Q:
    window = Q(user_id=relationship.user_id, person_id=relationship.person_id,
               at__gte=relationship.starts_at)
    if relationship.ends_at is not None:
        window &= Q(at__lte=relationship.ends_at)
    return window


def emergency_window_records(relationship: ClientRelationship) -> QuerySet[AccessLogEntry]:
    """What the holder of an emergency access did with the person's data in its window: every
    access-log record of theirs about that person between its start and end."""
    return AccessLogEntry.objects.filter(_in_window(relationship)).order_by("seq")


@dataclass
class WindowRecords:
    """The records of one emergency access's window, for its review card."""

    shown: list[AccessLogEntry] = field(default_factory=list)
    read: int = 0
    changed: int = 0
    refused: int = 0

    @property
    def total(self) -> int:
        return self.read + self.changed

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def window_records_by_access(relationships: list[ClientRelationship]) -> dict[int, WindowRecords]:
    """The window records of many emergency accesses in one query (review cards)."""
    out = {rel.pk: WindowRecords() for rel in relationships}
    if not relationships:
        return out
    condition = Q()
    for rel in relationships:
        condition |= _in_window(rel)
    windows: dict[tuple[int | None, int | None], list[ClientRelationship]] = {}
    for rel in relationships:
        windows.setdefault((rel.user_id, rel.person_id), []).append(rel)
    for row in AccessLogEntry.objects.filter(condition).order_by("seq"):
        for rel in windows.get((row.user_id, row.person_id), []):
            if row.at < rel.starts_at or (rel.ends_at is not None and row.at > rel.ends_at):
                continue
            found = out[rel.pk]
            if row.action in WRITE_ACTIONS:
                found.changed += 1
            else:
                found.read += 1
            if row.outcome == Outcome.REFUSED:
                found.refused += 1
            if len(found.shown) < WINDOW_RECORDS_SHOWN:
                row.is_write = row.action in WRITE_ACTIONS
                found.shown.append(row)
    return out


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
