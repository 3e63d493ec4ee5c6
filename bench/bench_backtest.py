#!/usr/bin/env python3
"""Benchmark of the early-warning rules' backtest (``luotsi.signals.backtest``) on a large
generated history.

Usage (from the repository root)::

    .venv/bin/python bench/bench_backtest.py                      # PostgreSQL, 10 M events
    .venv/bin/python bench/bench_backtest.py --events 1000000     # a quick run
    .venv/bin/python bench/bench_backtest.py --reuse              # keep the generated events

The PostgreSQL database ``bench_signals`` (or the one a PostgreSQL ``DATABASE_URL`` names) is
dropped, created and migrated; ``--persons`` (default 100,000) persons and ``--events`` (default
10,000,000) service events over ``--years`` (default 5) years ending yesterday are generated in
the database itself (``generate_series``; persons long-tailed: a few use services very often;
sectors health 45 %, social 30 %, employment 15 %, mental health and substance 10 %; kinds
weighted per sector), then ``VACUUM ANALYZE``. The backtest of the three default early rules
against the three default identification rules on yesterday runs twice (the first warms the
cache); the figures are the second run's: its time, its statements, the process's peak memory.
They are printed and written to ``bench/results/backtest-postgresql.txt``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
_URL = os.environ.get("DATABASE_URL", "")
PG_NAME = (_URL.rsplit("/", 1)[-1] if _URL.startswith("postgres") else "") or "bench_signals"
if not PG_NAME.replace("_", "").isalnum():
    sys.exit(f"bench_backtest.py: unsuitable database name {PG_NAME!r}")
PG_PORT = (urlsplit(_URL).port if _URL.startswith("postgres") else None) or 5432
PG_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{PG_NAME}"
CHUNK = 1_000_000


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d",
                    "postgres", "-qc", sql], check=True)


EVENTS_SQL = """
INSERT INTO usage_serviceevent (person_id, sector, service_code, organisation, event_date, kind,
                                row_key)
SELECT person_id, sector, 'B' || (i %% 50), 'Bench', day, kind,
       (lpad(to_hex(day - date '1900-01-01'), 6, '0') || substr(md5(i::text), 1, 26))::uuid
FROM (
  SELECT i, %(first)s + floor(%(persons)s * power(random(), 2))::int AS person_id,
         %(end)s::date - floor(random() * %(days)s)::int AS day,
         random() AS r_sector, random() AS r_kind
  FROM generate_series(%(low)s, %(high)s) i) g
CROSS JOIN LATERAL (SELECT CASE WHEN r_sector < 0.45 THEN 'health'
                                WHEN r_sector < 0.75 THEN 'social'
                                WHEN r_sector < 0.90 THEN 'employment'
                                ELSE 'mental_health_substance' END AS sector) s
CROSS JOIN LATERAL (SELECT CASE WHEN s.sector = 'health' THEN
                                  CASE WHEN r_kind < 0.40 THEN 'doctor_visit'
                                       WHEN r_kind < 0.50 THEN 'emergency_visit'
                                       ELSE 'visit' END
                                WHEN r_kind < 0.5 THEN 'visit'
                                WHEN r_kind < 0.8 THEN 'contact'
                                ELSE 'decision' END AS kind) k
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database and its events when it already holds them")
    args = parser.parse_args()
    if not args.reuse:
        psql(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')  # the constant name above
        psql(f'CREATE DATABASE "{PG_NAME}"')
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["LUOTSI_DEMO"] = "1"
    os.environ.setdefault("LUOTSI_DEBUG", "0")
    os.environ.setdefault("LUOTSI_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from luotsi.people.models import Person
    from luotsi.signals.backtest import run_backtest
    from luotsi.usage.models import ServiceEvent

    call_command("migrate", verbosity=0)
    end = timezone.localdate() - timedelta(days=1)
    if not ServiceEvent.objects.exists():
        started = time.perf_counter()
        for start in range(0, args.persons, 10_000):
            Person.objects.bulk_create(
                Person(first_name="Bench", last_name=f"P{i}", search_name=f"bench p{i}",
                       temporary_id=f"BENCH-{i}")
                for i in range(start, min(args.persons, start + 10_000)))
        first = Person.objects.order_by("pk").values_list("pk", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.2026)")
            for low in range(1, args.events + 1, CHUNK):
                with transaction.atomic():
                    cursor.execute(EVENTS_SQL, {
                        "first": first, "persons": args.persons, "end": end,
                        "days": args.years * 365, "low": low,
                        "high": min(args.events, low + CHUNK - 1)})
                print(f"  events {min(args.events, low + CHUNK - 1):,}", flush=True)
            cursor.execute("VACUUM ANALYZE usage_serviceevent")
        print(f"Generated {args.events:,} events of {args.persons:,} persons in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    events = ServiceEvent.objects.count()
    run_backtest(as_of=end, store=False)  # warm
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run_backtest(as_of=end, store=False)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"bench_backtest.py on {connection.vendor}, {date.today().isoformat()}",
        f"events {events:,}, persons {args.persons:,}, years {args.years}, as of {end}",
        f"backtest: {seconds:.2f} s, {len(queries.captured_queries)} statements, "
        f"peak memory of the process {peak:.0f} MB",
        f"persons with events in the 2 years read: {result['persons_with_events']:,}; flagged "
        f"on the date {result['flagged']:,}, newly flagged {result['newly_flagged']:,}",
    ]
    for rule in result["rules"]:
        lines.append(f"  {rule['code']}: recall 6 m {rule['recall_6m']}, 12 m "
                     f"{rule['recall_12m']}; precision 6 m {rule['precision_6m']}, 12 m "
                     f"{rule['precision_12m']}; median lead {rule['median_lead_months']} months")
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"backtest-{connection.vendor}.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
