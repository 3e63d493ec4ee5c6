#!/usr/bin/env python3
"""Benchmark of a shared client's page: the service path and the why of a person with 46,200
service events.

Usage (from the repository root)::

    .venv/bin/python bench/bench_service_path.py              # SQLite
    .venv/bin/python bench/bench_service_path.py --postgres   # SQLite and PostgreSQL
    .venv/bin/python bench/bench_service_path.py --reseed     # rebuild the benchmark databases

For each database the script runs itself as a worker process with ``LUOTSI_DEMO=1`` and its own
``DATABASE_URL`` (SQLite ``bench/var/service-path.sqlite3``; PostgreSQL database
``bench_service_path``), migrates and, unless the database already holds them, stores
``--background`` events (default 400,000) of 4,000 other persons and the 46,200 events of one
person over the last three years in four sectors, all in random order (so the person's rows lie
scattered over the table as after real imports), and three identification rules that flag the
person. It then requests the person's shared-client page ``/shared-clients/persons/<id>/`` with
the Django test client as a social worker with a client relationship, and prints per request the
wall time in the Django handler, the CPU time of the process, the summed time of the statements
that read the service events, and the number of queries. The figures go to stdout and to
``bench/results/service-path-<db>.txt``.

**Target**: the service path (the statements reading the events and the page around them) under
20 ms p95; the query count the same whatever the number of events.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
VAR = BENCH / "var"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "bench_service_path"
TARGET_P95_MS = 20.0
PERSON_EVENTS = 46_200
SECTORS = ["social", "health", "mental_health_substance", "employment"]
KINDS = ["visit", "doctor_visit", "emergency_visit", "decision", "contact"]


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{VAR / 'service-path.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        check=True, capture_output=True, text=True).stdout.strip()


def prepare(db: str, reseed: bool) -> None:
    if db == "sqlite":
        VAR.mkdir(exist_ok=True)
        if reseed:
            for path in VAR.glob("service-path.sqlite3*"):
                path.unlink()
        return
    if reseed:
        psql(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'") != "1":  # noqa: S608
        psql(f'CREATE DATABASE "{PG_DATABASE}"')


def run_worker(db: str, args) -> dict:
    env = dict(os.environ, LUOTSI_DEMO="1", DATABASE_URL=database_url(db),
               DJANGO_SETTINGS_MODULE="config.settings", LUOTSI_LOG_LEVEL="WARNING")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, __file__, "--worker", "--requests", str(args.requests),
                        "--background", str(args.background), "--json-out", str(out)],
                       cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def render(db: str, result: dict, requests: int) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"Luotsi shared client's page (service path and why) — {db} — {date.today()}",
        f"{requests} requests; target p95 < {TARGET_P95_MS:.0f} ms; {os.cpu_count()} CPUs, "
        f"load average at the end {load}; {result['server']}",
        f"events stored: {result['events']:,}; the person's: {result['person_events']:,}; "
        f"a person with few events: {result['small_events']:,}",
        "",
    ]
    header = (f"{'request':<28} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'cpu p95':>7} "
              f"{'events p50':>10} {'events p95':>10} {'queries':>7}")
    lines += [header, "-" * len(header)]
    for row in result["rows"]:
        counts = row["queries"]
        shown = str(counts[0]) if counts[0] == counts[1] else f"{counts[0]}-{counts[1]}"
        lines.append(f"{row['name']:<28} {row['p50']:>7.1f} {row['p95']:>7.1f} "
                     f"{row['cpu50']:>7.1f} {row['cpu95']:>7.1f} {row['ev50']:>10.1f} "
                     f"{row['ev95']:>10.1f} {shown:>7}")
    lines += [
        "",
        "p50/p95: wall time of the request in the Django handler (test client, no network).",
        "cpu: CPU time of the Luotsi process for the request.",
        "events: summed time of the statements that read the service events (as Django",
        "  measures them: the database's work and the fetching of the rows).",
        "queries: min-max per request, including session and user look-ups and the",
        "  access-log write.",
    ]
    return "\n".join(lines) + "\n"


def main_parent(args) -> None:
    for db in ["sqlite"] + (["postgres"] if args.postgres else []):
        prepare(db, args.reseed)
        text = render(db, run_worker(db, args), args.requests)
        print()
        print(text)
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"service-path-{db}.txt"
        path.write_text(text)
        print(f"Saved {path.relative_to(ROOT)}")


# --- Worker ------------------------------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def build(background: int):
    """The professional, the person with 46,200 events, a person with a few, and the others."""
    from django.utils import timezone

    from luotsi.access.models import Basis, ClientRelationship
    from luotsi.organisation.models import County, Team, User
    from luotsi.people.models import Person
    from luotsi.usage.models import Flag, IdentificationRule, Measure, ServiceEvent

    worker = User.objects.filter(username="bench-path").first()
    if worker is not None:
        heavy = Person.objects.get(first_name="Bench", last_name="Heavy")
        light = Person.objects.get(first_name="Bench", last_name="Light")
        return worker, heavy, light
    print("Storing the events …", flush=True)
    county = County.objects.create(code="bench", name_fi="Penkki")
    team = Team.objects.create(code="bench-path", county=county, name_fi="Penkki",
                               service_task="working_age")
    worker = User.objects.create(username="bench-path", first_name="Bench", last_name="Worker")
    worker.teams.add(team)
    today = timezone.localdate()
    heavy = Person.objects.create(first_name="Bench", last_name="Heavy", temporary_id="BENCH-H",
                                  birth_date=date(1980, 1, 1))
    light = Person.objects.create(first_name="Bench", last_name="Light", temporary_id="BENCH-L",
                                  birth_date=date(1981, 1, 1))
    others = Person.objects.bulk_create(
        Person(first_name="Bench", last_name=f"Other {i}", temporary_id=f"BENCH-{i}",
               search_name=f"other {i} bench", birth_date=date(1970, 1, 1))
        for i in range(4000))
    for person in (heavy, light):
        ClientRelationship.objects.create(person=person, user=worker, basis=Basis.CASE,
                                          service_task="working_age", starts_at=timezone.now(),
                                          source="bench")
    rng = random.Random(46200)
    rows = [(heavy.pk, n) for n in range(PERSON_EVENTS)]
    rows += [(light.pk, n) for n in range(40)]
    rows += [(others[n % len(others)].pk, n) for n in range(background)]
    rng.shuffle(rows)
    span = 3 * 365
    batch = []
    for person_id, n in rows:
        batch.append(ServiceEvent(
            person_id=person_id, sector=SECTORS[n % 4], kind=KINDS[(n // 4) % 5],
            service_code=f"S{n}", organisation=f"Unit {n % 13}",
            event_date=today - timedelta(days=rng.randrange(span))))
        if len(batch) == 20_000:
            ServiceEvent.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ServiceEvent.objects.bulk_create(batch, ignore_conflicts=True)
    rules = [
        IdentificationRule.objects.create(
            code="bench-sectors", name_fi="Sektorit", measure=Measure.DISTINCT_SECTORS,
            threshold=3, window_days=365),
        IdentificationRule.objects.create(
            code="bench-emergency", name_fi="Päivystys", measure=Measure.EVENTS_OF_KIND,
            event_kind="emergency_visit", threshold=8, window_days=365),
        IdentificationRule.objects.create(
            code="bench-health", name_fi="Terveys", measure=Measure.EVENTS_IN_SECTOR,
            sector="health", threshold=8, window_days=730),
    ]
    for person in (heavy, light):
        for rule in rules:
            Flag.objects.create(person=person, rule=rule, as_of=today,
                                first_flagged_on=today - timedelta(days=30))
    return worker, heavy, light


def measure(client, connection, url: str, requests: int) -> dict:
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        client.get(url)
    times, cpu, events, counts = [], [], [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as context:
            start, start_cpu = time.perf_counter(), time.thread_time()
            response = client.get(url)
            elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        times.append(elapsed * 1000)
        cpu.append(elapsed_cpu * 1000)
        events.append(sum(float(q["time"]) for q in context.captured_queries
                          if "usage_serviceevent" in q["sql"]) * 1000)
        counts.append(len(context.captured_queries))
    return {"p50": statistics.median(times), "p95": percentile(times, 95),
            "cpu50": statistics.median(cpu), "cpu95": percentile(cpu, 95),
            "ev50": statistics.median(events), "ev95": percentile(events, 95),
            "queries": [min(counts), max(counts)]}


def path_and_why(person_id: int) -> None:
    """What the page counts of the events: the service path and the why of the person's
    flags (``luotsi.sharedcare.selectors``)."""
    from django.utils import timezone

    from luotsi.sharedcare import selectors

    selectors.service_path(person_id, timezone.localdate())
    selectors.reasons(selectors.person_flags(person_id))


def measure_call(connection, call, requests: int) -> dict:
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        call()
    times, cpu, events, counts = [], [], [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as context:
            start, start_cpu = time.perf_counter(), time.thread_time()
            call()
            elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        times.append(elapsed * 1000)
        cpu.append(elapsed_cpu * 1000)
        events.append(sum(float(q["time"]) for q in context.captured_queries
                          if "usage_serviceevent" in q["sql"]) * 1000)
        counts.append(len(context.captured_queries))
    return {"p50": statistics.median(times), "p95": percentile(times, 95),
            "cpu50": statistics.median(cpu), "cpu95": percentile(cpu, 95),
            "ev50": statistics.median(events), "ev95": percentile(events, 95),
            "queries": [min(counts), max(counts)]}


def main_worker(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from luotsi.usage.models import ServiceEvent

    call_command("migrate", verbosity=0)
    worker, heavy, light = build(args.background)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # as autovacuum leaves a table after an import: statistics and the visibility map
            # (which lets an index-only scan skip the table)
            cursor.execute("VACUUM ANALYZE usage_serviceevent")
        else:
            cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            server = f"SQLite {sqlite3.sqlite_version}"
    client = Client()
    client.force_login(worker)
    rows = [
        {"name": "person page, 46,200 events",
         **measure(client, connection, f"/shared-clients/persons/{heavy.pk}/", args.requests)},
        {"name": "person page, 40 events",
         **measure(client, connection, f"/shared-clients/persons/{light.pk}/", args.requests)},
    ]
    rows.append({"name": "path and why alone, 46,200",
                 **measure_call(connection, lambda: path_and_why(heavy.pk), args.requests)})
    result = {"server": server, "rows": rows, "events": ServiceEvent.objects.count(),
              "person_events": ServiceEvent.objects.filter(person=heavy).count(),
              "small_events": ServiceEvent.objects.filter(person=light).count()}
    Path(args.json_out).write_text(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        help=f"Also measure on PostgreSQL ({PG_SERVER}/{PG_DATABASE}).")
    parser.add_argument("--requests", type=int, default=100, help="Requests per row.")
    parser.add_argument("--background", type=int, default=400_000,
                        help="Events of the other persons.")
    parser.add_argument("--reseed", action="store_true",
                        help="Drop the benchmark databases and build them again.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        main_worker(args)
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
