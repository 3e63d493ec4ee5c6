"""Evaluate the identification rules: ``manage.py identify_shared_clients --as-of DATE --json``.

The JSON carries personal identity codes for integrators (e.g. a register feeding the case
managers' system); it is never shown on a page.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.common import validation
from luotsi.usage.identification import current_flags, run_identification


class Command(BaseCommand):
    help = ("Evaluate the active identification rules on a date and update the flags of "
            "possible shared clients. --incremental re-evaluates only the persons whose result "
            "can have changed since the previous run.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", dest="as_of", default=None,
                            help="The date of the evaluation, YYYY-MM-DD (default: today).")
        parser.add_argument("--incremental", action="store_true")
        parser.add_argument("--json", action="store_true", dest="json_output")

    def handle(self, *args, as_of: str | None, incremental: bool, json_output: bool,
               **options) -> None:
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("--as-of must be a date in the form YYYY-MM-DD.")) from None
            problem = validation.date_problem(day)
            if problem:
                raise CommandError(f"--as-of {as_of}: {problem}")
        else:
            day = timezone.localdate()
        run = run_identification(as_of=day, incremental=incremental)
        if json_output:
            self.stdout.write(json.dumps({"as_of": day.isoformat(), "flagged": current_flags()},
                                         ensure_ascii=False))
            return
        self.stdout.write(_(
            "%(mode)s run on %(as_of)s: %(evaluated)s persons evaluated, %(flagged)s flagged "
            "(%(added)s new, %(removed)s no longer matching), %(seconds).1f s.") % {
            "mode": run.get_mode_display(), "as_of": day.isoformat(),
            "evaluated": run.persons_evaluated, "flagged": run.flagged, "added": run.flags_added,
            "removed": run.flags_removed,
            "seconds": (run.finished_at - run.started_at).total_seconds()})
