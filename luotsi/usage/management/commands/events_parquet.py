"""The service events' analytical copy: ``manage.py events_parquet [--rebuild] [--check]``.

Brings the Parquet files by month (``LUOTSI_EVENTS_PARQUET_DIR``) up to date with the events
table: every month whose events changed since its file was written is rewritten from the
database. ``--rebuild`` rewrites every month (after a restore from a backup, or to start a copy
afresh); ``--check`` writes nothing and exits with status 1 when a month is behind.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luotsi.usage import analytics


class Command(BaseCommand):
    help = ("Bring the service events' Parquet copy (LUOTSI_EVENTS_PARQUET_DIR) up to date with "
            "the database: the months whose events changed are rewritten. --rebuild rewrites "
            "every month; --check only says whether a month is behind.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rebuild", action="store_true")
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--json", action="store_true", dest="json_output")

    def handle(self, *args, rebuild: bool, check: bool, json_output: bool, **options) -> None:
        if not analytics.enabled():
            raise CommandError(_("No copy is configured: set LUOTSI_EVENTS_PARQUET_DIR "
                                 "(docs/operations.md)."))
        if rebuild and check:
            raise CommandError(_("--rebuild and --check cannot be used together."))
        written: dict[str, int] = {}
        started = time.perf_counter()
        if not check:
            try:
                written = analytics.refresh(rebuild=rebuild)
            except analytics.CopyUnavailable as error:
                raise CommandError(str(error)) from error
        state = analytics.status()
        seconds = time.perf_counter() - started
        if json_output:
            self.stdout.write(json.dumps({
                "directory": state["directory"], "months": state["months"],
                "behind": state["behind"], "written": written,
                "events_written": sum(written.values()), "seconds": round(seconds, 2)}))
        elif check:
            self.stdout.write(_("%(months)s months of events, %(behind)s of them behind the "
                                "database.") % {"months": state["months"],
                                                "behind": len(state["behind"])})
        else:
            self.stdout.write(_("%(written)s months written (%(events)s events) in "
                                "%(seconds).1f s; %(behind)s months behind the database.") % {
                "written": len(written), "events": sum(written.values()), "seconds": seconds,
                "behind": len(state["behind"])})
        if check and state["behind"]:
            raise SystemExit(1)
