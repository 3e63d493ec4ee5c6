"""``manage.py seed_demo --scale small|county [--if-empty] [--seed N] [--persons N]``

Builds the synthetic demo county: organisation, demo logins, a population in households with
guardian and household links, client relationships for the demo logins and a few emergency
accesses awaiting review. Every personal identity code is in the test range (900–999).

The same seed on the same date gives the same county. Each phase is one transaction: an
interrupted run (Ctrl-C) leaves no half-written phase, and running the command again finishes
the phases that are missing. Runs only in demo mode (``LUOTSI_DEMO=1``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luotsi.demo import data, flows, generator, seeding


class _PlainProgress:
    """Progress as plain lines, for logs and pipes."""

    def __init__(self, write) -> None:
        self.write = write

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def phase(self, name: str, total: int):
        self.write(f"{name} …")
        state = {"done": 0, "next": total // 5 if total >= 10_000 else None}

        def advance(n: int) -> None:
            state["done"] += n
            if state["next"] and state["done"] >= state["next"] and state["done"] < total:
                self.write(f"  {name}: {100 * state['done'] // total} %")
                state["next"] += total // 5

        return advance


class _RichProgress:
    """A rich progress bar, when the output is a terminal."""

    def __init__(self, stream) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(TextColumn("{task.description:<14}"), BarColumn(),
                                 TaskProgressColumn(), TimeElapsedColumn(),
                                 console=Console(file=stream))

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def phase(self, name: str, total: int):
        task = self.progress.add_task(name, total=max(total, 1))

        def advance(n: int) -> None:
            self.progress.advance(task, n)

        return advance


class Command(BaseCommand):
    help = ("Build the synthetic demo county (demo mode only): organisation, demo logins "
            "(password 'demo'), persons with test-range identity codes, client relationships.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(generator.SCALES), default="small",
                            help="small: about 1,000 persons; county: about 100,000 residents.")
        parser.add_argument("--persons", type=int, default=None,
                            help="Number of persons instead of the scale's (e.g. for tests).")
        parser.add_argument("--seed", type=int, default=1,
                            help="Random seed; the same seed on the same date gives the same "
                                 "county (default 1).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already holds persons (an "
                                 "interrupted demo seed is finished, though).")

    def handle(self, *args, scale: str, persons: int | None, seed: int, if_empty: bool,
               **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo runs only in demo mode (set LUOTSI_DEMO=1). The demo county and its "
                "published logins must never be loaded where real client data is processed.")
        count = persons if persons is not None else generator.SCALES[scale]
        if count < 50:
            raise CommandError("--persons must be at least 50.")
        current = seeding.state()
        pending_flows = [flow for flow in flows.modules() if not flow.done()]
        if current.persons:
            if (current.complete and not pending_flows) or not current.logins:
                if if_empty:
                    self.stdout.write(f"The database already holds {current.persons:,} persons; "
                                      "nothing to do (--if-empty).")
                    return
                raise CommandError(
                    f"The database already holds {current.persons:,} persons. seed_demo builds "
                    "the demo county into an empty database: start from a fresh one, or use "
                    "--if-empty to skip seeding.")
            self.stdout.write("The database holds an interrupted demo seed; finishing the "
                              "missing phases.")

        today = timezone.localdate()
        phases = [
            ("organisation", 1, lambda advance: seeding.seed_organisation()),
            ("logins", 1, lambda advance: seeding.seed_logins()),
        ]
        if not current.persons:
            phases.append(("persons", 2 * count,
                           lambda advance: seeding.seed_population(count, seed, today, advance)))
        if not current.relationships:
            phases.append(("relationships", 1,
                           lambda advance: seeding.seed_relationships(seed, today)))
        if not current.emergency:
            phases.append(("emergency", 1,
                           lambda advance: seeding.seed_emergency_accesses(seed)))
        for flow in pending_flows:
            phases.append((flow.NAME, flow.total(count),
                           lambda advance, flow=flow: flow.seed(seed, today, advance)))

        tty = self.stdout.isatty()
        reporter = _RichProgress(self.stdout._out) if tty else _PlainProgress(self.stdout.write)
        timings: list[tuple[str, float, object]] = []
        started, cpu_started = time.perf_counter(), time.process_time()
        name = ""
        try:
            with reporter:
                for name, total, run in phases:
                    advance = reporter.phase(name, total)
                    phase_start = time.perf_counter()
                    result = run(advance)
                    if total == 1:
                        advance(1)  # phases that do not report progress themselves
                    timings.append((name, time.perf_counter() - phase_start, result))
        except KeyboardInterrupt:
            raise CommandError(
                f"Interrupted during the {name} phase: it was rolled back, the phases before it "
                "are kept. Run seed_demo again to finish.", returncode=130) from None

        total_time = time.perf_counter() - started
        cpu_time = time.process_time() - cpu_started
        parts = []
        for phase, seconds, result in timings:
            extra = f" ({result:,})" if isinstance(result, int) else ""
            parts.append(f"{phase}{extra} {seconds:.1f} s")
        self.stdout.write(f"Seeded the demo county (seed {seed}, {today}) in {total_time:.1f} s "
                          f"(this process: {cpu_time:.1f} s CPU): " + "; ".join(parts) + ".")
        self.stdout.write(f"Demo logins: password '{data.DEMO_PASSWORD}'; "
                          "run manage.py demo_logins for the list.")
