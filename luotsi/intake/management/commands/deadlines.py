"""``manage.py deadlines``: show the statutory deadlines for a received case.

Support uses this to check a date shown in the application, e.g.::

    manage.py deadlines --kind child_welfare_notification \
        --received 2025-06-17T10:00+03:00 --json

A ``--received`` value without a UTC offset is read as Europe/Helsinki local
time. Nothing is read from or written to the database. The command lives in ``intake`` (which
stores the deadlines) because it checks ``--received`` like every date Luotsi takes
(``luotsi.common.validation``), and ``luotsi.deadlines`` imports nothing from Luotsi.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luotsi.common.validation import date_problem
from luotsi.deadlines.calendar import HELSINKI, opening_day
from luotsi.deadlines.rules import KINDS, compute_deadlines, working_days_late

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_received(value: str) -> datetime:
    """Parse an ISO 8601 date-time; without an offset it is Helsinki local time."""
    try:
        received = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--received {value!r} is not an ISO 8601 date-time, "
            "e.g. 2025-06-17T10:00+03:00 or 2025-06-17T07:00Z"
        ) from exc
    if received.tzinfo is None:
        received = received.replace(tzinfo=HELSINKI)
    problem = date_problem(received)
    if problem:
        raise CommandError(f"--received {value!r}: {problem}")
    return received


def parse_met(values: list[str], codes: set[str]) -> dict[str, date]:
    """``CODE=YYYY-MM-DD`` pairs: the day each obligation was met."""
    met: dict[str, date] = {}
    for value in values:
        code, _sep, day = value.partition("=")
        if code not in codes:
            raise CommandError(f"--met {value!r}: no clock {code!r} in this kind; "
                               f"its clocks: {', '.join(sorted(codes))}")
        try:
            met[code] = date.fromisoformat(day)
        except ValueError as exc:
            raise CommandError(f"--met {value!r}: the day is not YYYY-MM-DD") from exc
        problem = date_problem(met[code])
        if problem:
            raise CommandError(f"--met {value!r}: {problem}")
    return met


def _met_fields(due_on: date, met_on: date | None) -> dict:
    if met_on is None:
        return {}
    return {"met_on": met_on.isoformat(), "late_working_days": working_days_late(due_on, met_on)}


def _day(d: date) -> str:
    return f"{d.isoformat()} {_WEEKDAYS[d.weekday()]}"


class Command(BaseCommand):
    help = (
        "Print the statutory deadlines of a case of KIND received at RECEIVED "
        "(ISO 8601; without an offset, Europe/Helsinki local time)."
    )
    # Pure date arithmetic: usable even where the project checks would fail.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            required=True,
            help="Kind of case: " + ", ".join(KINDS),
        )
        parser.add_argument(
            "--received",
            required=True,
            help="When the case was received, ISO 8601 (e.g. 2025-06-17T10:00+03:00).",
        )
        parser.add_argument(
            "--met",
            action="append",
            default=[],
            metavar="CODE=YYYY-MM-DD",
            help="The day an obligation was met (repeatable): shows whether it was met late.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print JSON instead of a table.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        if kind not in KINDS:
            raise CommandError(f"Unknown kind {kind!r}. Known kinds: {', '.join(KINDS)}")
        received = parse_received(options["received"])
        opened_on = opening_day(received)
        deadlines = compute_deadlines(kind, received)
        met = parse_met(options["met"], {d.code for d in deadlines})

        if options["json"]:
            payload = {
                "kind": kind,
                "opened_on": opened_on.isoformat(),
                "deadlines": [
                    {"code": d.code, "due_on": d.due_on.isoformat(),
                     **({"target_on": d.target_on.isoformat()} if d.target_on else {}),
                     "basis": d.basis, **_met_fields(d.due_on, met.get(d.code))}
                    for d in deadlines
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return

        self.stdout.write(f"Kind:      {kind}")
        self.stdout.write(f"Received:  {received.astimezone(HELSINKI).isoformat()} (Helsinki)")
        self.stdout.write(f"Opened on: {_day(opened_on)} (not counted)")
        self.stdout.write("")
        code_width = max(len("Clock"), *(len(d.code) for d in deadlines))
        self.stdout.write(f"{'Clock':<{code_width}}  {'Due on':<14}  Basis")
        for d in deadlines:
            line = f"{d.code:<{code_width}}  {_day(d.due_on):<14}  {d.basis}"
            if d.target_on:
                line += f"  (team's target {_day(d.target_on)})"
            met_on = met.get(d.code)
            if met_on is not None:
                late = working_days_late(d.due_on, met_on)
                line += f"  (met {_day(met_on)}" + (
                    f", LATE by {late} working days)" if late else ", in time)")
            self.stdout.write(line)
