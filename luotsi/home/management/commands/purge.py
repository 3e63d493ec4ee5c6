"""Remove what has outlived its retention (luotsi.home.purge); never the access log."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from luotsi.home import purge

logger = logging.getLogger("luotsi.purge")


class Command(BaseCommand):
    help = ("Remove expired idempotency records, expired sessions, sent and failed e-mails older "
            "than LUOTSI_OUTBOX_RETENTION_DAYS and expired cache entries, printing how many of "
            "each. --dry-run counts without removing. Never touches the access log. Run daily.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would be removed; remove nothing.")

    def handle(self, *args, dry_run: bool, **options):
        now = timezone.now()
        verb = "would remove" if dry_run else "removed"
        total = 0
        for kind in purge.kinds():
            if dry_run:
                count = kind.count(now)
            else:
                with transaction.atomic():
                    count = kind.delete(now)
            total += count
            self.stdout.write(f"{kind.name} ({kind.retention}): {verb} {count}")
        if not dry_run:
            logger.info("purge removed %s rows past their retention", total)
        self.stdout.write(f"total: {verb} {total}")
