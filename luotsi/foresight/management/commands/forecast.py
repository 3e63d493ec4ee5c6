"""``manage.py forecast``: the workload forecast of one team (or of every forecast team), with
its arrivals forecast and the backtest's accuracy, as text or ``--json``::

    manage.py forecast --team family-intake --weeks 12 --json

``--refresh`` makes this week's arrivals forecasts again (a weekly timer may run it, so that the
first page view of the week does not wait for the model fits). Nothing else is written.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luotsi.foresight import arrivals, defaults, page, selectors


class Command(BaseCommand):
    help = "Print the workload forecast of a team (hours per week, risk weeks, accuracy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", help="The team's code; every forecast team without it.")
        parser.add_argument("--weeks", type=int, default=defaults.DEFAULT_HORIZON_WEEKS,
                            help="Weeks ahead, 1 to 52 (default 12).")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument("--refresh", action="store_true",
                            help="Make this week's arrivals forecasts again first.")

    def handle(self, *args, **options) -> None:
        weeks = options["weeks"]
        if not 1 <= weeks <= defaults.MAX_HORIZON_WEEKS:
            raise CommandError(f"--weeks {weeks}: the forecast reaches from 1 to "
                               f"{defaults.MAX_HORIZON_WEEKS} weeks ahead.")
        teams = list(selectors.forecast_teams())
        if options["team"]:
            teams = [team for team in teams if team.code == options["team"]]
            if not teams:
                codes = ", ".join(team.code for team in selectors.forecast_teams())
                raise CommandError(f"--team {options['team']!r}: no such forecast team; "
                                   f"the teams: {codes or 'none'}.")
        today = timezone.localdate()
        if options["refresh"]:
            arrivals.refresh(today=today, teams=teams)
        county = page.build(today=today, horizon=weeks, teams=teams)
        results = [page.as_json(forecast, county.forecasts.get(forecast.inputs.team_id),
                                cap=county.cap) for forecast in county.teams]
        if options["json"]:
            body = results[0] if options["team"] else {"teams": results}
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        for result in results:
            self.stdout.write(f"{result['team']}: weeks at risk "
                              f"{result['risk_weeks'] or 'none'}")
            accuracy = result["accuracy"] or {}
            if accuracy.get("mape"):
                mape = accuracy["mape"]
                self.stdout.write(f"  arrivals: {accuracy['method']} used; MAPE 4/12 weeks "
                                  f"model {mape['model']['4']}/{mape['model']['12']} %, "
                                  f"baseline {mape['baseline']['4']}/{mape['baseline']['12']} %"
                                  f" over {mape['origins']} origins")
            for week in result["weeks"]:
                self.stdout.write(
                    f"  {week['week']:>2} {week['starts_on']}  work {week['work_hours']:7.1f} h"
                    f"  available {week['available_hours']:7.1f} h"
                    f"  backlog {week['backlog_hours']:6.1f} h"
                    f"{'  AT RISK' if week['at_risk'] else ''}")
