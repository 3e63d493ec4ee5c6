"""Send the e-mail waiting in the outbox (luotsi.common.outbox)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from luotsi.common import outbox

#: Exit status when mail only failed for now (sysexits' EX_TEMPFAIL); 1 when a mail failed for good.
EXIT_RETRY_LATER = 75


def report_outcome(command: BaseCommand, report: outbox.SendReport) -> None:
    """Print the report; a failed mail makes the command fail (1 for good, 75 for now)."""
    command.stdout.write(str(report))
    if report.failed:
        raise CommandError(f"{report.failed} e-mail(s) failed for good and were not sent; "
                           "see the log (luotsi.outbox) for the relay's answers.", returncode=1)
    if report.retry:
        raise CommandError(f"{report.retry} e-mail(s) could not be sent now and will be tried "
                           "again; see the log (luotsi.outbox).", returncode=EXIT_RETRY_LATER)


class Command(BaseCommand):
    help = ("Send the e-mail waiting in the outbox through the SMTP relay. A mail refused (5xx) "
            "or out of attempts is marked failed; a mail that failed for now is tried again later "
            "with doubling pauses. Exits 1 when a mail failed for good, 75 when some will be "
            "tried again. Safe to run from a timer and twice at once.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000,
                            help="Send at most this many mails in one run (default 1000).")
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Run again every SECONDS until interrupted.")

    def handle(self, *args, limit: int, loop: int, **options):
        if limit < 1:
            raise CommandError("--limit must be 1 or more.")
        while True:
            report = outbox.send_due(limit=limit)
            if not loop:
                report_outcome(self, report)
                return
            self.stdout.write(str(report))
            try:
                time.sleep(loop)
            except KeyboardInterrupt:
                return
