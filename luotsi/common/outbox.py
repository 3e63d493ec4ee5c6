"""The outbox: e-mail is stored with the change that decides it and sent after the commit.

``enqueue`` writes an ``OutboxMail`` row in the caller's transaction: if the change rolls back, so
does the mail, and nothing leaves the server for a change that never happened. ``send_due`` (run
by ``manage.py send_outbox`` and right after each deadline sweep) hands the waiting mail to the
SMTP relay, one recipient at a time, outside any transaction:

- accepted by the relay: marked ``sent`` with its time (``sent_at``); only these count as sent;
- refused for good (an SMTP 5xx answer, or a mail that cannot be sent at all): marked ``failed``
  at once, with the relay's answer in ``last_error``;
- failed for now (4xx, the relay unreachable, a timeout, a dropped connection): tried again
  after ``OUTBOX_RETRY_SECONDS`` × 2^(attempts − 1) (60 s, 2 min, 4 min, … at most a day) until
  ``OUTBOX_MAX_ATTEMPTS`` attempts, then ``failed``.

Every failure is logged on ``luotsi.outbox`` with the mail's id and the relay's answer, never the
address or the text. Two senders at once are safe: each claims a mail (``claimed_until``) before
sending it, and a claim left by a sender that died runs out so another can take the mail. A mail
whose sender died after the relay accepted it but before it was marked may be sent twice; its
``Message-ID`` is the same both times, so the receiving side can tell.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from luotsi.common.models import OutboxMail

logger = logging.getLogger("luotsi.outbox")

#: The longest pause between two attempts.
MAX_RETRY_DELAY = timedelta(days=1)


def enqueue(*, kind: str, recipient: str, subject: str, body: str,
            from_email: str | None = None) -> OutboxMail:
    """Store a mail to one recipient, to be sent after the caller's transaction commits."""
    return OutboxMail.objects.create(
        kind=kind, recipient=recipient, subject=subject, body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL, next_attempt_at=timezone.now())


@dataclass
class SendReport:
    sent: int = 0
    retry: int = 0  # failed for now, tried again later
    failed: int = 0  # failed for good in this run
    waiting: int = 0  # still waiting after the run (not yet due, or claimed by another sender)

    def __str__(self) -> str:
        return (f"e-mails sent {self.sent}, failed {self.failed}, to retry {self.retry}, "
                f"waiting {self.waiting}")


class _Temporary(Exception):
    pass


class _Permanent(Exception):
    pass


def retry_delay(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed attempt: doubling from OUTBOX_RETRY_SECONDS."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** min(max(attempts - 1, 0), 30)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def _lease() -> timedelta:
    return timedelta(seconds=3 * (settings.EMAIL_TIMEOUT or 30) + 60)


def _message_id(mail: OutboxMail) -> str:
    domain = mail.from_email.rpartition("@")[2] or "luotsi"
    return f"<luotsi.outbox.{mail.pk}.{int(mail.created_at.timestamp())}@{domain}>"


def _answer(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()[:400]


def _classify(exc: Exception) -> Exception:
    """The relay's answer as a final refusal (5xx) or a failure to retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        text = "; ".join(_answer(code, msg) for code, msg in answers)
        if answers and all(code >= 500 for code, _msg in answers):
            return _Permanent(f"recipient refused: {text}")
        return _Temporary(f"recipient refused for now: {text}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # The relay's account, not this mail: keep it until the set-up is fixed.
        return _Temporary(f"relay refused the sign-in: {_answer(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPConnectError):
        return _Temporary(f"relay refused the connection: {_answer(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = _answer(exc.smtp_code, exc.smtp_error)
        if exc.smtp_code >= 500:
            return _Permanent(f"refused: {answer}")
        return _Temporary(f"failed for now: {answer}")
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return _Temporary(f"relay not reached: {exc.__class__.__name__}: {exc}"[:400])
    return _Permanent(f"cannot be sent: {exc.__class__.__name__}: {exc}"[:400])


class _Sender:
    """One connection to the relay for a run, opened again after a failure."""

    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)
        self.is_open = False

    def send(self, mail: OutboxMail) -> None:
        message = EmailMessage(subject=mail.subject, body=mail.body, from_email=mail.from_email,
                               to=[mail.recipient], headers={"Message-ID": _message_id(mail)})
        try:
            if not self.is_open:
                self.connection.open()
                self.is_open = True
            if self.connection.send_messages([message]) != 1:
                raise _Permanent("cannot be sent: the relay took no recipient")
        except _Permanent:
            raise
        except Exception as exc:
            self.close()
            raise _classify(exc) from exc

    def close(self) -> None:
        if self.is_open:
            try:
                self.connection.close()
            except Exception:  # noqa: S110 - a connection already gone needs no closing
                pass
            self.is_open = False


def _due(now: datetime):
    return (OutboxMail.objects.filter(status=OutboxMail.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def _claim(pk: int, now: datetime) -> OutboxMail | None:
    claimed = _due(now).filter(pk=pk).update(claimed_until=now + _lease())
    return OutboxMail.objects.filter(pk=pk).first() if claimed else None


def _record(mail: OutboxMail, report: SendReport, problem: Exception | None) -> None:
    now = timezone.now()
    attempts = mail.attempts + 1
    if problem is None:
        OutboxMail.objects.filter(pk=mail.pk).update(
            status=OutboxMail.Status.SENT, attempts=attempts, sent_at=now, claimed_until=None,
            last_error="")
        report.sent += 1
        logger.info("outbox mail %s (%s) sent at attempt %s", mail.pk, mail.kind, attempts)
        return
    error = str(problem)[:500]
    shown = error.replace(mail.recipient, "<recipient>")  # a relay's answer may quote it
    if isinstance(problem, _Temporary) and attempts < settings.OUTBOX_MAX_ATTEMPTS:
        next_at = now + retry_delay(attempts)
        OutboxMail.objects.filter(pk=mail.pk).update(
            attempts=attempts, next_attempt_at=next_at, claimed_until=None, last_error=error)
        report.retry += 1
        logger.warning("outbox mail %s (%s) not sent at attempt %s of %s, tried again at %s: %s",
                       mail.pk, mail.kind, attempts, settings.OUTBOX_MAX_ATTEMPTS,
                       next_at.isoformat(timespec="seconds"), shown)
        return
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.FAILED, attempts=attempts, claimed_until=None, last_error=error)
    report.failed += 1
    logger.error("outbox mail %s (%s) failed for good at attempt %s: %s",
                 mail.pk, mail.kind, attempts, shown)


def send_due(*, limit: int = 1000) -> SendReport:
    """Send the mail that is due now (at most ``limit``); call it outside a transaction."""
    report = SendReport()
    start = timezone.now()
    due = list(_due(start).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    sender = _Sender()
    try:
        for pk in due:
            mail = _claim(pk, timezone.now())
            if mail is None:  # another sender has it
                continue
            problem: Exception | None = None
            try:
                sender.send(mail)
            except (_Temporary, _Permanent) as exc:
                problem = exc
            _record(mail, report, problem)
    finally:
        sender.close()
    report.waiting = OutboxMail.objects.filter(status=OutboxMail.Status.PENDING).count()
    return report
