import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from luotsi.common import outbox
from luotsi.common.management.commands.send_outbox import report_outcome
from luotsi.intake.sweeper import sweep


class Command(BaseCommand):
    help = ("Update the status of statutory deadlines and notify assignees and team leads of "
            "deadlines due soon and overdue. The e-mails are stored in the outbox with the "
            "notifications and sent after the sweep has committed (as send_outbox does); "
            "the summary counts only the e-mails the relay accepted, and the command exits "
            "non-zero when a mail failed (1 for good, 75 to be tried again). Safe to run from "
            "cron and twice at once.")

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Run again every SECONDS until interrupted.")
        parser.add_argument("--no-email", action="store_true", help="In-app notices only.")
        parser.add_argument("--no-send", action="store_true",
                            help="Store the e-mails in the outbox only; send_outbox sends them.")

    def handle(self, *args, loop, no_email, no_send, **options):
        while True:
            result = sweep(timezone.localdate(), send_email=not no_email)
            self.stdout.write(
                f"overdue {result.overdue}, due soon {result.due_soon}, on time {result.on_time}, "
                f"met late {result.met_late}; "
                f"notifications {result.notifications}, e-mails queued {result.emails_queued}")
            report = None if no_send else outbox.send_due()
            if not loop:
                if report is not None:
                    report_outcome(self, report)
                return
            if report is not None:
                self.stdout.write(str(report))
            try:
                time.sleep(loop)
            except KeyboardInterrupt:
                return
