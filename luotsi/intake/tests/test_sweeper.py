"""The deadline sweeper: statuses follow the calendar, people hear once per change."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from luotsi.common import outbox
from luotsi.common.models import OutboxMail
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Deadline, DeadlineStatus, Notification
from luotsi.intake.sweeper import sweep
from luotsi.intake.tests.factories import build_world, contact_input, professional
from luotsi.organisation.models import Role

pytestmark = pytest.mark.django_db

# A child-welfare notification on Tuesday 3.2.2026: the investigation decision and the start are
# due on Thursday 12.2., the completion on Monday 4.5.
RECEIVED = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
MON_9 = dt.datetime(2026, 2, 9, 6, 0, tzinfo=HELSINKI)    # 3 working days left: on time
TUE_10 = dt.datetime(2026, 2, 10, 6, 0, tzinfo=HELSINKI)  # 2 working days left: due soon
THU_12 = dt.datetime(2026, 2, 12, 6, 0, tzinfo=HELSINKI)  # the final day: still due soon
FRI_13 = dt.datetime(2026, 2, 13, 6, 0, tzinfo=HELSINKI)  # overdue


@pytest.fixture
def world(time_machine):
    time_machine.move_to(RECEIVED, tick=False)
    return build_world()


def _contact(world, *, assignee=None):
    contact = services.contact_register(actor=world.iris,
                                        data=contact_input(child=world.child))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    if assignee is not None:
        services.contacts_assign(actor=world.ilona, contact_ids=[contact.pk], assignee=assignee)
    return contact


def _statuses(contact) -> dict[str, str]:
    return dict(Deadline.objects.filter(contact=contact).values_list("code", "status"))


def _sweep(time_machine, when, **options):
    """A sweep, then the outbox's sender (as ``sweep_deadlines`` runs them)."""
    time_machine.move_to(when, tick=False)
    result = sweep(timezone.localdate(), **options)
    outbox.send_due()
    return result


def _notes(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("key", flat=True))


def test_statuses_move_from_on_time_to_due_soon_to_overdue_and_met_stays_met(
        world, time_machine):
    contact = _contact(world, assignee=world.iris)
    on_time = {"urgency_assessment": "met", "investigation_decision": "on_time",
               "assessment_start": "on_time", "assessment_completion": "on_time"}
    assert _statuses(contact) == on_time

    _sweep(time_machine, MON_9)
    assert _statuses(contact) == on_time

    result = _sweep(time_machine, TUE_10)
    assert (result.due_soon, result.overdue) == (2, 0)
    assert _statuses(contact) == {**on_time, "investigation_decision": "due_soon",
                                  "assessment_start": "due_soon"}

    _sweep(time_machine, THU_12)
    assert _statuses(contact)["assessment_start"] == "due_soon"

    result = _sweep(time_machine, FRI_13)
    assert (result.due_soon, result.overdue) == (0, 2)
    assert _statuses(contact) == {**on_time, "investigation_decision": "overdue",
                                  "assessment_start": "overdue"}

    # Late is still done: the decision is met (on the day it was made) and stays met.
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment",
                                       informed_on=contact.opened_on)
    _sweep(time_machine, FRI_13 + dt.timedelta(days=30))
    decision = Deadline.objects.get(contact=contact, code="investigation_decision")
    assert (decision.status, decision.met_on) == (DeadlineStatus.MET, FRI_13.date())
    assert _statuses(contact)["urgency_assessment"] == "met"
    assert _statuses(contact)["assessment_completion"] == "on_time"


def test_the_assignee_hears_of_due_soon_and_the_lead_too_of_overdue(
        world, time_machine, mailoutbox):
    contact = _contact(world, assignee=world.iris)
    decision = Deadline.objects.get(contact=contact, code="investigation_decision")
    start = Deadline.objects.get(contact=contact, code="assessment_start")

    result = _sweep(time_machine, TUE_10)

    assert (result.notifications, result.emails_queued) == (2, 2)
    assert _notes(world.iris) == [f"deadline:{decision.pk}:due_soon",
                                  f"deadline:{start.pk}:due_soon"]
    assert _notes(world.ilona) == []
    assert [m.to for m in mailoutbox] == [["iris@example.org"]] * 2
    note = Notification.objects.filter(user=world.iris).first()
    assert "12.2.2026" in note.text and note.link == f"/intake/contacts/{contact.pk}/"

    result = _sweep(time_machine, FRI_13)

    assert (result.notifications, result.emails_queued) == (4, 4)
    assert _notes(world.iris)[2:] == [f"deadline:{decision.pk}:overdue",
                                      f"deadline:{start.pk}:overdue"]
    assert _notes(world.ilona) == [f"deadline:{decision.pk}:overdue",
                                   f"deadline:{start.pk}:overdue"]
    assert sorted(m.to[0] for m in mailoutbox[2:]) == [
        "ilona@example.org", "ilona@example.org", "iris@example.org", "iris@example.org"]
    # Other teams' leads hear nothing.
    assert _notes(world.lead) == [] and _notes(world.wendy) == []


def test_the_lead_hears_of_unassigned_deadlines_due_soon(world, time_machine):
    contact = _contact(world)

    result = _sweep(time_machine, TUE_10)

    assert result.notifications == 2
    assert _notes(world.ilona) == [
        f"deadline:{d.pk}:due_soon" for d in Deadline.objects.filter(
            contact=contact, code__in=["investigation_decision", "assessment_start"])
        .order_by("pk")]
    assert _notes(world.iris) == []


def test_no_email_without_an_address_and_none_with_send_email_off(
        world, time_machine, mailoutbox):
    ines = professional(username="ines", first_name="Ines", role=Role.INTAKE_WORKER, email="",
                        teams=[world.intake])
    _contact(world, assignee=ines)

    result = _sweep(time_machine, TUE_10)

    assert (result.notifications, result.emails_queued) == (2, 0)
    assert len(_notes(ines)) == 2 and mailoutbox == []

    result = _sweep(time_machine, FRI_13, send_email=False)

    assert (result.notifications, result.emails_queued) == (4, 0)
    assert mailoutbox == []


def test_sweeping_twice_notifies_once(world, time_machine, mailoutbox):
    _contact(world, assignee=world.iris)

    first = _sweep(time_machine, FRI_13)
    second = _sweep(time_machine, FRI_13)

    assert (first.overdue, first.notifications) == (2, 4)
    assert (second.overdue, second.due_soon, second.on_time, second.notifications,
            second.emails_queued) == (0, 0, 0, 0, 0)
    assert Notification.objects.count() == 4 and len(mailoutbox) == 4


def test_closed_contacts_are_not_notified(world, time_machine):
    contact = _contact(world, assignee=world.iris)
    services.initial_assessment_record(actor=world.iris, contact=contact, outcome="advice",
                                       reason="Neuvottu puhelimessa.",
                                       informed_on=contact.opened_on)

    result = _sweep(time_machine, FRI_13)

    assert result.notifications == 0
    assert not Notification.objects.exists()


def test_the_command_prints_counts_and_running_it_twice_creates_no_duplicates(
        world, time_machine, mailoutbox):
    _contact(world, assignee=world.iris)
    time_machine.move_to(FRI_13, tick=False)
    first, second = StringIO(), StringIO()

    call_command("sweep_deadlines", "--no-email", stdout=first)
    call_command("sweep_deadlines", "--no-email", stdout=second)

    assert first.getvalue().strip().splitlines() == [
        "overdue 2, due soon 0, on time 0, met late 0; notifications 4, e-mails queued 0",
        "e-mails sent 0, failed 0, to retry 0, waiting 0"]
    assert second.getvalue().strip().splitlines()[0] == (
        "overdue 0, due soon 0, on time 0, met late 0; notifications 0, e-mails queued 0")
    assert Notification.objects.count() == 4
    assert mailoutbox == []


def test_the_command_sends_email_by_default(world, time_machine, mailoutbox):
    _contact(world, assignee=world.iris)
    time_machine.move_to(TUE_10, tick=False)
    out = StringIO()

    call_command("sweep_deadlines", stdout=out)

    assert "notifications 2, e-mails queued 2" in out.getvalue()
    assert "e-mails sent 2, failed 0, to retry 0, waiting 0" in out.getvalue()
    assert len(mailoutbox) == 2 and mailoutbox[0].subject == "Luotsi"
    assert OutboxMail.objects.filter(status="sent", sent_at__isnull=False).count() == 2


def test_sweep__closed_contact_deadlines_do_not_turn_overdue(world, time_machine):
    contact = _contact(world, assignee=world.iris)
    services.initial_assessment_record(actor=world.iris, contact=contact, outcome="advice",
                                       reason="Neuvottu puhelimessa.",
                                       informed_on=contact.opened_on)
    before = _statuses(contact)
    _sweep(time_machine, FRI_13)
    assert _statuses(contact) == before
    assert DeadlineStatus.OVERDUE not in _statuses(contact).values()
    assert not Notification.objects.filter(key__contains=":overdue").exists()
