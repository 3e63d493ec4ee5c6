"""The deadline sweeper: brings stored statuses up to date and notifies people.

Statuses are updated with three set-based UPDATEs (no loop over deadlines), so two sweepers
running at once do the same idempotent work. Notifications are deduplicated by a unique
(user, key) pair — key = deadline id + status — so each person hears once per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from luotsi.common import outbox
from luotsi.common.formatting import format_date
from luotsi.deadlines.calendar import nth_working_day_after
from luotsi.deadlines.rules import DUE_SOON_WORKING_DAYS, working_days_late
from luotsi.intake import queue_keys
from luotsi.intake.models import (
    OBLIGATION_LABELS,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    Notification,
)
from luotsi.organisation.models import Role, User


@dataclass
class SweepResult:
    overdue: int = 0
    due_soon: int = 0
    on_time: int = 0
    notifications: int = 0
    #: E-mails stored in the outbox with their notifications; sent after the commit
    #: (``outbox.send_due``), and counted as sent only there.
    emails_queued: int = 0
    met_late: int = 0


#: A deadline met late in this many days before the sweep is reported (once) to the worker and
#: the team leads; older ones were reported by earlier sweeps or predate the report.
MET_LATE_REPORT_DAYS = 7
MET_LATE = "met_late"


def update_statuses(today: date) -> SweepResult:
    soon_limit = nth_working_day_after(today, DUE_SOON_WORKING_DAYS)
    # A closed contact's unmet deadlines no longer apply (e.g. closed at the initial assessment
    # with advice): they are "not needed" and are counted as lapsed in the KPIs.
    open_deadlines = Deadline.objects.filter(met_on__isnull=True).exclude(
        contact__status=ContactStatus.CLOSED)
    with transaction.atomic():
        overdue = open_deadlines.filter(due_on__lt=today).exclude(
            status=DeadlineStatus.OVERDUE).update(status=DeadlineStatus.OVERDUE)
        # Due soon towards the team's internal target where there is one (a three-month
        # deadline moved by Act 150/1930 § 5, or a seven-working-day deadline counting Midsummer
        # Eve and Christmas Eve as working days), and until the legal final day once it passed.
        # (a target may be a day off: it is "soon" before the working day after the limit)
        target_end = nth_working_day_after(soon_limit, 1)
        near = Q(due_on__lte=soon_limit) | Q(target_on__lt=target_end)
        due_soon = open_deadlines.filter(near, due_on__gte=today).exclude(
            status=DeadlineStatus.DUE_SOON).update(status=DeadlineStatus.DUE_SOON)
        on_time = open_deadlines.filter(due_on__gt=soon_limit).exclude(
            target_on__lt=target_end).exclude(
            status=DeadlineStatus.ON_TIME).update(status=DeadlineStatus.ON_TIME)
        # The queue's stored keys follow the statuses in the same transaction.
        if overdue or due_soon or on_time:
            queue_keys.refresh(open_only=True)
    return SweepResult(overdue=overdue, due_soon=due_soon, on_time=on_time)


def _recipients(deadline: Deadline, leads_by_team: dict[int, list[User]]) -> list[User]:
    contact = deadline.contact
    people: list[User] = [u for u in (contact.assignee, contact.pair_worker) if u is not None]
    if not people or deadline.status == DeadlineStatus.OVERDUE:
        people += leads_by_team.get(contact.team_id, [])
    unique = {u.pk: u for u in people if u.is_active}
    return list(unique.values())


def _text(deadline: Deadline, user: User) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        label = str(OBLIGATION_LABELS.get(deadline.code, deadline.code))
        values = {"obligation": label, "due": format_date(deadline.due_on),
                  "contact": deadline.contact_id}
        if deadline.met_on is not None:
            return _("Met late: %(obligation)s (due %(due)s, met %(met)s, %(late)s working "
                     "days late), contact %(contact)s.") % {
                **values, "met": format_date(deadline.met_on),
                "late": working_days_late(deadline.due_on, deadline.met_on)}
        if deadline.status == DeadlineStatus.OVERDUE:
            return _("Overdue: %(obligation)s (due %(due)s), contact %(contact)s.") % values
        if deadline.target_on:
            return _("Due soon: %(obligation)s (team's target %(target)s, due %(due)s), "
                     "contact %(contact)s.") % {**values, "target": format_date(deadline.target_on)}
        return _("Due soon: %(obligation)s (due %(due)s), contact %(contact)s.") % values


def _leads_by_team(team_ids) -> dict[int, list[User]]:
    leads_by_team: dict[int, list[User]] = {}
    for lead in User.objects.filter(role=Role.TEAM_LEAD, is_active=True,
                                    teams__in=team_ids).prefetch_related("teams").distinct():
        for team in lead.teams.all():
            leads_by_team.setdefault(team.pk, []).append(lead)
    return leads_by_team


def _queue_email(result: SweepResult, user: User, text: str) -> None:
    """The notification's e-mail, stored in the outbox in the notification's transaction."""
    outbox.enqueue(kind="deadline", recipient=user.email, subject="Luotsi", body=text)
    result.emails_queued += 1


def _claim(deadline: Deadline, status: str) -> bool:
    """Mark ``deadline`` as notified of ``status``; False when another sweeper got there first
    (then it notifies, not this one)."""
    return bool(Deadline.objects.filter(pk=deadline.pk).exclude(notified_status=status)
                .update(notified_status=status))


def _deliver(result: SweepResult, deadline: Deadline, users: list[User], key: str,
             send_email: bool) -> None:
    for user in users:
        text = _text(deadline, user)
        _note, created = Notification.objects.get_or_create(
            user=user, key=key,
            defaults={"text": text, "link": f"/intake/contacts/{deadline.contact_id}/"})
        if not created:
            continue
        result.notifications += 1
        if send_email and user.email:
            _queue_email(result, user, text)


def report_met_late(result: SweepResult, today: date, *, send_email: bool = True) -> SweepResult:
    """A deadline met after its final day says so: the worker and the team leads hear of it once
    (``notified_status`` = ``met_late``), counted in ``result.met_late``."""
    late = list(
        Deadline.objects.filter(met_on__gt=F("due_on"),
                                met_on__gte=today - timedelta(days=MET_LATE_REPORT_DAYS))
        .exclude(notified_status=MET_LATE)
        .select_related("contact", "contact__assignee", "contact__pair_worker")
        .order_by("pk")[:5000])
    if not late:
        return result
    leads_by_team = _leads_by_team({d.contact.team_id for d in late})
    for deadline in late:
        with transaction.atomic():
            if not _claim(deadline, MET_LATE):
                continue
            result.met_late += 1
            contact = deadline.contact
            people = [u for u in (contact.assignee, contact.pair_worker) if u is not None]
            people += leads_by_team.get(contact.team_id, [])
            users = list({u.pk: u for u in people if u.is_active}.values())
            _deliver(result, deadline, users, f"deadline:{deadline.pk}:{MET_LATE}", send_email)
    return result


def notify(result: SweepResult, *, send_email: bool = True) -> SweepResult:
    pending = list(
        Deadline.objects.filter(met_on__isnull=True,
                                status__in=[DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON])
        .exclude(notified_status=models_status_field())
        .exclude(contact__status=ContactStatus.CLOSED)
        .select_related("contact", "contact__assignee", "contact__pair_worker")
        .order_by("pk")[:5000]
    )
    if not pending:
        return result
    leads_by_team = _leads_by_team({d.contact.team_id for d in pending})
    for deadline in pending:
        with transaction.atomic():
            if not _claim(deadline, deadline.status):
                continue
            _deliver(result, deadline, _recipients(deadline, leads_by_team),
                     f"deadline:{deadline.pk}:{deadline.status}", send_email)
    return result


def models_status_field():
    from django.db.models import F

    return F("status")


def sweep(today: date, *, send_email: bool = True) -> SweepResult:
    return report_met_late(notify(update_statuses(today), send_email=send_email), today,
                           send_email=send_email)



