"""``manage.py backtest_rules --as-of YYYY-MM-DD [--json]``: the early-warning rules' backtest
(``luotsi.signals.backtest``), stored for the rules' pages and printed."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from luotsi.signals.backtest import NotEnoughHistory, run_backtest


class Command(BaseCommand):
    help = "Backtest the early-warning rules on an as-of date and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="The as-of date, YYYY-MM-DD.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError as exc:
            raise CommandError(f"--as-of: “{options['as_of']}” is not a date (YYYY-MM-DD).") \
                from exc
        try:
            result = run_backtest(as_of=as_of)
        except NotEnoughHistory as exc:
            raise CommandError(f"--as-of: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"Backtest as of {result['as_of']} (history from "
                          f"{result['history_from']}): {result['flagged']} flagged, "
                          f"{result['newly_flagged']} newly flagged, {result['seconds']} s")
        for rule in result["rules"]:
            self.stdout.write(
                f"  {rule['code']}: recall 6 m {rule['recall_6m']}, 12 m {rule['recall_12m']}; "
                f"precision 6 m {rule['precision_6m']}, 12 m {rule['precision_12m']}; "
                f"median lead {rule['median_lead_months']} months")
