"""The sweeper's e-mails through a real SMTP server on loopback: stored with the notifications,
sent after the sweep, and counted as sent only when the relay accepted them."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from luotsi.common.models import OutboxMail
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Notification
from luotsi.intake.tests.factories import build_world, contact_input

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
FRI_13 = dt.datetime(2026, 2, 13, 6, 0, tzinfo=HELSINKI)  # the contact's two deadlines overdue


@pytest.fixture
def overdue(time_machine):
    time_machine.move_to(RECEIVED, tick=False)
    world = build_world()
    contact = services.contact_register(actor=world.iris, data=contact_input(child=world.child))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.contacts_assign(actor=world.ilona, contact_ids=[contact.pk], assignee=world.iris)
    time_machine.move_to(FRI_13, tick=False)
    return world


def _sweep(*args: str) -> tuple[list[str], int]:
    out = StringIO()
    try:
        call_command("sweep_deadlines", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue().strip().splitlines(), exc.returncode
    return out.getvalue().strip().splitlines(), 0


def test_the_summary_counts_the_mail_the_relay_accepted(overdue, smtp_relay):
    # The team lead's address is refused by the relay: the assignee's two mails go out.
    smtp_relay.refuse_always["ilona@example.org"] = "550 5.1.1 No such user"

    lines, status = _sweep()

    assert lines == [
        "overdue 2, due soon 0, on time 0, met late 0; notifications 4, e-mails queued 4",
        "e-mails sent 2, failed 2, to retry 0, waiting 0"]
    assert status == 1
    assert sorted(r[0] for r, _m in smtp_relay.received) == ["iris@example.org"] * 2
    assert Notification.objects.count() == 4  # the in-app notices stand whatever the mail did
    assert dict(OutboxMail.objects.values_list("recipient", "status").distinct()) == {
        "iris@example.org": "sent", "ilona@example.org": "failed"}


def test_mail_failed_for_now_is_sent_by_the_next_run(overdue, smtp_relay, time_machine):
    smtp_relay.plan["iris@example.org"] = ["451 4.3.0 Try again later"] * 2

    lines, status = _sweep()

    assert lines[1] == "e-mails sent 2, failed 0, to retry 2, waiting 2" and status == 75

    time_machine.move_to(FRI_13 + dt.timedelta(minutes=1), tick=False)
    out = StringIO()
    call_command("send_outbox", stdout=out)

    assert out.getvalue().strip() == "e-mails sent 2, failed 0, to retry 0, waiting 0"
    assert OutboxMail.objects.filter(status="sent").count() == 4
    # Sweeping again notifies nobody twice and sends nothing twice.
    assert _sweep() == ([
        "overdue 0, due soon 0, on time 0, met late 0; notifications 0, e-mails queued 0",
        "e-mails sent 0, failed 0, to retry 0, waiting 0"], 0)
    assert len(smtp_relay.received) == 4


def test_no_send_only_queues(overdue, smtp_relay):
    lines, status = _sweep("--no-send")

    assert (lines, status) == ([
        "overdue 2, due soon 0, on time 0, met late 0; notifications 4, e-mails queued 4"], 0)
    assert smtp_relay.received == []
    assert OutboxMail.objects.filter(status="pending").count() == 4
