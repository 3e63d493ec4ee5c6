"""Print the access log's anchor: the newest record's sequence number and hash."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from luotsi.access import log
from luotsi.access.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Print the access log's anchor, the newest record's sequence number and hash, as "
        "SEQ:HASH on the last line. Ship it outside the database daily (the county's log server, "
        "a signed e-mail) and check it later with verify_access_log --expect SEQ:HASH."
    )

    def handle(self, *args, **options):
        anchor = log.latest_anchor()
        at = AccessLogEntry.objects.filter(seq=anchor.seq).values_list("at", flat=True).first()
        if at is None:
            self.stdout.write("The access log is empty.")
        else:
            self.stdout.write(f"Newest access-log record: seq {anchor.seq}, written "
                              f"{at.isoformat(timespec='seconds')}.")
        self.stdout.write(str(anchor))
