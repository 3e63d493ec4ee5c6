"""The outbox against a real SMTP server on loopback: sent, refused (5xx), failed for now and
retried with doubling pauses, out of attempts, the relay unreachable, a rolled-back change."""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from luotsi.common import outbox
from luotsi.common.models import OutboxMail
from luotsi.common.tests.smtp_relay import free_port

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _queue(recipient: str, body: str = "Due soon: a deadline, contact 12.") -> OutboxMail:
    with transaction.atomic():
        return outbox.enqueue(kind="deadline", recipient=recipient, subject="Luotsi", body=body)


def _send() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("send_outbox", stdout=out)
    except CommandError as exc:
        return out.getvalue().strip(), exc.returncode
    return out.getvalue().strip(), 0


def test_a_mail_accepted_by_the_relay_is_marked_sent_with_its_time(smtp_relay, time_machine):
    time_machine.move_to(START, tick=False)
    mail = _queue("iris@example.org")

    output, status = _send()

    assert (output, status) == ("e-mails sent 1, failed 0, to retry 0, waiting 0", 0)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.sent_at, mail.last_error) == ("sent", 1, START, "")
    [(recipients, message)] = smtp_relay.received
    assert recipients == ["iris@example.org"]
    assert b"Subject: Luotsi" in message and b"Due soon: a deadline, contact 12." in message
    assert f"Message-ID: <luotsi.outbox.{mail.pk}.".encode() in message
    # Sent mail is not sent again.
    assert _send() == ("e-mails sent 0, failed 0, to retry 0, waiting 0", 0)
    assert len(smtp_relay.received) == 1


def test_a_refusal_is_final_reported_and_never_counted_as_sent(smtp_relay, caplog):
    smtp_relay.refuse_always["gone@example.org"] = "550 5.1.1 No such user"
    refused = _queue("gone@example.org")
    accepted = _queue("iris@example.org")

    with caplog.at_level(logging.INFO, logger="luotsi.outbox"):
        output, status = _send()

    assert output == "e-mails sent 1, failed 1, to retry 0, waiting 0"
    assert status == 1
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, refused.sent_at) == ("failed", 1, None)
    assert "550" in refused.last_error and "No such user" in refused.last_error
    accepted.refresh_from_db()
    assert accepted.status == "sent"
    assert [r for r, _m in smtp_relay.received] == [["iris@example.org"]]
    ours = [r for r in caplog.records if r.name == "luotsi.outbox"]
    errors = [r for r in ours if r.levelno == logging.ERROR]
    assert len(errors) == 1 and f"outbox mail {refused.pk}" in errors[0].getMessage()
    # The log names the mail, never the address or the text.
    assert all("example.org" not in r.getMessage() and "contact 12" not in r.getMessage()
               for r in ours)
    # A failed mail is not tried again.
    assert _send() == ("e-mails sent 0, failed 0, to retry 0, waiting 0", 0)


def test_a_temporary_failure_is_retried_after_a_doubling_pause(smtp_relay, time_machine):
    time_machine.move_to(START, tick=False)
    smtp_relay.plan["iris@example.org"] = ["451 4.3.0 Try again later",
                                           "452 4.2.2 Mailbox full"]
    mail = _queue("iris@example.org")

    assert _send() == ("e-mails sent 0, failed 0, to retry 1, waiting 1", 75)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert mail.next_attempt_at == START + dt.timedelta(seconds=60)
    assert "451" in mail.last_error

    # Not due yet: nothing is tried.
    time_machine.move_to(START + dt.timedelta(seconds=59), tick=False)
    assert _send() == ("e-mails sent 0, failed 0, to retry 0, waiting 1", 0)

    time_machine.move_to(START + dt.timedelta(seconds=60), tick=False)
    assert _send() == ("e-mails sent 0, failed 0, to retry 1, waiting 1", 75)
    mail.refresh_from_db()
    assert mail.attempts == 2
    assert mail.next_attempt_at == START + dt.timedelta(seconds=60 + 120)

    time_machine.move_to(START + dt.timedelta(seconds=180), tick=False)
    assert _send() == ("e-mails sent 1, failed 0, to retry 0, waiting 0", 0)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.sent_at) == (
        "sent", 3, START + dt.timedelta(seconds=180))
    assert len(smtp_relay.received) == 1


def test_a_mail_out_of_attempts_fails_for_good(smtp_relay, settings, time_machine):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    time_machine.move_to(START, tick=False)
    smtp_relay.plan["iris@example.org"] = ["421 4.7.0 Busy"] * 5
    mail = _queue("iris@example.org")

    statuses = []
    for seconds in (0, 60, 180):
        time_machine.move_to(START + dt.timedelta(seconds=seconds), tick=False)
        statuses.append(_send()[1])

    assert statuses == [75, 75, 1]
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.sent_at) == ("failed", 3, None)
    assert smtp_relay.received == []


def test_an_unreachable_relay_keeps_the_mail_until_it_answers(smtp_relay, settings, time_machine):
    time_machine.move_to(START, tick=False)
    mail = _queue("iris@example.org")
    settings.EMAIL_PORT = free_port()  # nothing listens there

    output, status = _send()

    assert (output, status) == ("e-mails sent 0, failed 0, to retry 1, waiting 1", 75)
    mail.refresh_from_db()
    assert mail.status == "pending" and "relay not reached" in mail.last_error

    settings.EMAIL_PORT = smtp_relay.port
    time_machine.move_to(START + dt.timedelta(minutes=1), tick=False)
    assert _send() == ("e-mails sent 1, failed 0, to retry 0, waiting 0", 0)
    assert len(smtp_relay.received) == 1


def test_a_rolled_back_change_sends_nothing(smtp_relay):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(kind="deadline", recipient="iris@example.org", subject="Luotsi",
                       body="never decided")
        raise RuntimeError("the change failed")

    assert not OutboxMail.objects.exists()
    assert _send() == ("e-mails sent 0, failed 0, to retry 0, waiting 0", 0)
    assert smtp_relay.received == []


def test_a_mail_claimed_by_another_sender_is_left_to_it(smtp_relay, time_machine):
    time_machine.move_to(START, tick=False)
    mail = _queue("iris@example.org")
    OutboxMail.objects.filter(pk=mail.pk).update(claimed_until=START + dt.timedelta(minutes=3))

    assert _send() == ("e-mails sent 0, failed 0, to retry 0, waiting 1", 0)

    # The other sender died: its claim runs out and the mail is sent.
    time_machine.move_to(START + dt.timedelta(minutes=4), tick=False)
    assert _send() == ("e-mails sent 1, failed 0, to retry 0, waiting 0", 0)


def test_the_pause_doubles_up_to_a_day(settings):
    settings.OUTBOX_RETRY_SECONDS = 60
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.retry_delay(40) == dt.timedelta(days=1)


def test_limit_must_be_positive():
    with pytest.raises(CommandError, match="--limit"):
        call_command("send_outbox", "--limit", "0")

