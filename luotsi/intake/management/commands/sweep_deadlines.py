import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from luotsi.intake.sweeper import sweep


class Command(BaseCommand):
    help = ("Update the status of statutory deadlines and notify assignees and team leads of "
            "deadlines due soon and overdue. Safe to run from cron and twice at once.")

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Run again every SECONDS until interrupted.")
        parser.add_argument("--no-email", action="store_true", help="In-app notices only.")

    def handle(self, *args, loop, no_email, **options):
        while True:
            result = sweep(timezone.localdate(), send_email=not no_email)
            self.stdout.write(
                f"overdue {result.overdue}, due soon {result.due_soon}, on time {result.on_time}, "
                f"met late {result.met_late}; "
                f"notifications {result.notifications}, e-mails {result.emails}")
            if not loop:
                return
            try:
                time.sleep(loop)
            except KeyboardInterrupt:
                return
