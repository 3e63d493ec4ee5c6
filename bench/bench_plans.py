#!/usr/bin/env python3
"""Benchmark of the client plan page and the AVAIN effectiveness report on the county demo data.

Usage (from the repository root)::

    .venv/bin/python bench/bench_plans.py              # SQLite
    .venv/bin/python bench/bench_plans.py --postgres   # SQLite and PostgreSQL
    .venv/bin/python bench/bench_plans.py --reseed     # rebuild the benchmark databases

For each database the script runs itself as a worker process with ``LUOTSI_DEMO=1`` and its own
``DATABASE_URL`` (SQLite ``bench/var/plans-county.sqlite3``; PostgreSQL database ``bench_h2``),
migrates, seeds the ``county`` demo (100,000 persons, a few thousand plans) unless the database
already holds it, and builds, through the plan services as ``adult-sw``, one *large* plan: three
sector sections, 20 goals, 50 steps, 40 AVAIN ratings, 10 sittings of the rest of the AVAIN meter
(services and methods evaluated, the client's own ratings: 170 evaluations) and 10 accepted
versions. It then measures
with the Django test client:

- the plan page of the large plan and of a small demo plan (2–3 goals, a few steps, 2–3
  versions), as ``adult-sw``: the query count must be the same for both;
- the effectiveness report over the whole county (all teams, 12 months), as ``lead``.

Per row: wall time of the request in the Django handler (p50, p95, max), the CPU time of the
process (p50, p95), the SQL time as Django measures it, and the queries per request. The figures
are printed and written to ``bench/results/plans-<db>.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
# BENCH_PG_DATABASE names another database (a plain identifier), e.g. a copy of this one.
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "bench_h2")
if not re.fullmatch(r"[a-z_][a-z0-9_]*", PG_DATABASE):
    raise SystemExit(f"BENCH_PG_DATABASE: not a plain database name: {PG_DATABASE!r}")
TARGET_P95_MS = 100.0
LARGE = {"goals": 20, "steps": 50, "versions": 10}


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{VAR / 'plans-county.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


# --- Parent ------------------------------------------------------------------------------------

def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        check=True, capture_output=True, text=True).stdout.strip()


def prepare(db: str, reseed: bool) -> None:
    if db == "sqlite":
        VAR.mkdir(exist_ok=True)
        if reseed:
            for path in VAR.glob("plans-county.sqlite3*"):
                path.unlink()
        return
    # The database name is the checked identifier above.
    if reseed:
        psql(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'") != "1":  # noqa: S608
        psql(f'CREATE DATABASE "{PG_DATABASE}"')


def run_worker(db: str, requests: int) -> dict:
    env = dict(os.environ, LUOTSI_DEMO="1", DATABASE_URL=database_url(db),
               DJANGO_SETTINGS_MODULE="config.settings", LUOTSI_LOG_LEVEL="WARNING")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, __file__, "--worker", "--requests", str(requests),
                        "--json-out", str(out)], cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def render(db: str, result: dict, requests: int) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    seed = result["seed"]
    seeded = ("cached" if seed is None
              else f"seeded in {seed['wall']:.1f} s wall, {seed['cpu']:.1f} s CPU")
    lines = [
        f"Luotsi client plan page and AVAIN effectiveness report — {db} — {date.today()}",
        f"{requests} requests per row; target p95 < {TARGET_P95_MS:.0f} ms; "
        f"{os.cpu_count()} CPUs, load average at the end {load}",
        f"county: {result['persons']:,} persons, {result['plans']:,} plans, "
        f"{result['goals']:,} goals, {result['ratings']:,} ratings, "
        f"{result.get('evaluations', 0):,} evaluations ({seeded}); {result['server']}",
        f"large plan: {result['large']}; small plan: {result['small']}",
        "",
    ]
    header = (f"{'request':<26} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu p50':>7} "
              f"{'cpu p95':>7} {'sql p50':>7} {'sql p95':>7} {'queries':>7}  wall  cpu")
    lines += [header, "-" * len(header)]
    for row in result["rows"]:
        ok = ("ok  " if row["p95"] < TARGET_P95_MS else "MISS") + "  " + (
            "ok" if row["cpu95"] < TARGET_P95_MS else "MISS")
        counts = row["queries"]
        shown = str(counts[0]) if counts[0] == counts[1] else f"{counts[0]}-{counts[1]}"
        lines.append(f"{row['name']:<26} {row['p50']:>7.1f} {row['p95']:>7.1f} "
                     f"{row['max']:>7.1f} {row['cpu50']:>7.1f} {row['cpu95']:>7.1f} "
                     f"{row['sql50']:>7.1f} {row['sql95']:>7.1f} {shown:>7}  {ok}")
    by_name = {row["name"]: row["queries"] for row in result["rows"]}
    same = by_name.get("plan page, large") == by_name.get("plan page, small")
    lines += ["", "Queries of the plan page, large vs small plan: "
              f"{by_name.get('plan page, large')} vs {by_name.get('plan page, small')} — "
              f"{'same (independent of plan size)' if same else 'DIFFERENT'}", ""]
    lines += [
        "p50/p95/max: wall time of the request in the Django handler (test client, no network).",
        "cpu: CPU time of the Luotsi process for the request (on PostgreSQL it leaves out the",
        "  database server's own work).",
        "sql: the sum of the request's SQL statement times as Django measures them.",
        "queries: min-max per request, including session and user look-ups, the access-log",
        "  write and its transaction statements.",
    ]
    return "\n".join(lines) + "\n"


def main_parent(args) -> None:
    databases = ["sqlite"] + (["postgres"] if args.postgres else [])
    for db in databases:
        prepare(db, args.reseed)
        result = run_worker(db, args.requests)
        text = render(db, result, args.requests)
        print()
        print(text)
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"plans-{db}.txt"
        path.write_text(text)
        print(f"Saved {path.relative_to(ROOT)}")


# --- Worker ------------------------------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def build_large_plan(worker):
    """A plan with 3 sections, 20 goals, 50 steps, 40 ratings and 10 versions, written through
    the services (as a professional would); reused when the database already holds it."""
    from django.utils import timezone

    from luotsi.access.models import Basis, ClientRelationship
    from luotsi.organisation.models import User
    from luotsi.people.models import Person
    from luotsi.plans import services as s
    from luotsi.plans.models import CodeListItem, Goal, Plan, Sector

    existing = (Plan.objects.filter(coordinator=worker, accepted_version__gte=LARGE["versions"])
                .order_by("pk").first())
    if existing is not None:
        return existing
    today = timezone.localdate()
    person = (Person.objects.filter(plan__isnull=True, birth_date__lt=today - timedelta(days=
                                    30 * 365), birth_date__gt=today - timedelta(days=50 * 365))
              .order_by("pk").first())
    ClientRelationship.objects.create(person=person, user=worker, basis=Basis.CASE,
                                      service_task="working_age", starts_at=timezone.now(),
                                      source="bench")
    plan, _created = s.plan_open(actor=worker, person_id=person.pk)
    others = {Sector.EMPLOYMENT: "employment", Sector.HEALTH: "nurse",
              Sector.MENTAL_HEALTH_SUBSTANCE: "mhs"}
    s.section_add(actor=worker, plan=plan, sector=Sector.WORKING_AGE_SOCIAL,
                  responsible_id=worker.pk)
    for sector, username in list(others.items())[:2]:
        s.section_add(actor=worker, plan=plan, sector=sector,
                      responsible_id=User.objects.get(username=username).pk)
        s.consent_add(actor=worker, plan=plan, sector=sector, scope="Koko suunnitelma",
                      valid_from=today)
    s.coordinator_set(actor=worker, plan=plan, coordinator_id=worker.pk)
    sections = list(plan.sections.order_by("pk"))
    areas = list(CodeListItem.objects.filter(version__current=True, code_list="goal_area", active=True))
    methods = list(CodeListItem.objects.filter(version__current=True, code_list="method", active=True))
    services = list(CodeListItem.objects.filter(version__current=True, code_list="service", active=True))
    goals: list[Goal] = []
    steps_made = 0
    for version in range(LARGE["versions"]):
        for _ in range(LARGE["goals"] // LARGE["versions"]):
            index = len(goals)
            goals.append(s.goal_add(actor=worker, plan=plan, data=s.GoalInput(
                goal_area_id=areas[index % len(areas)].pk,
                client_wording=f"Tavoite {index + 1}: haluan, että arki sujuu paremmin.",
                target_date=today + timedelta(days=90 + index),
                section_id=sections[index % len(sections)].pk)))
            s.rating_add(actor=worker, plan=plan, data=s.RatingInput(
                goal_id=goals[-1].pk, value=2, rated_by_kind="together",
                rated_on=today - timedelta(days=60)))
            s.rating_add(actor=worker, plan=plan, data=s.RatingInput(
                goal_id=goals[-1].pk, value=2 + index % 3, rated_by_kind="together",
                occasion="review", rated_on=today))
            s.method_add(actor=worker, plan=plan, method_id=methods[index % len(methods)].pk,
                         goal_id=goals[-1].pk)
        while steps_made < LARGE["steps"] * (version + 1) // LARGE["versions"]:
            goal = goals[steps_made % len(goals)]
            s.step_add(actor=worker, plan=plan, data=s.StepInput(
                what=f"Askel {steps_made + 1}: soitan ja sovin ajan.",
                owner_kind="client" if steps_made % 2 else "professional",
                owner_id=None if steps_made % 2 else worker.pk,
                due_on=today + timedelta(days=steps_made), goal_id=goal.pk))
            steps_made += 1
        s.service_add(actor=worker, plan=plan, data=s.ServiceInput(
            item_id=services[version % len(services)].pk, sector=sections[0].sector,
            responsible_id=worker.pk, status="ongoing"))
        # One sitting of the AVAIN meter per version: every service so far and this round's
        # methods evaluated, with the client's own rating of them and of this round's goals.
        plan_now = Plan.objects.get(pk=plan.pk)
        rated = [("service", row.pk) for row in plan_now.services.all()] + \
            [("method", row.pk) for row in plan_now.methods.order_by("-pk")[:2]]
        s.meter_record(actor=worker, plan=plan_now, data=s.MeterInput(
            occasion="review",
            professional=[s.EvaluationInput(subject=subject, item_id=pk, value=2 + (pk + version) % 4,
                                            note="Auttoi") for subject, pk in rated],
            client=[s.EvaluationInput(subject=subject, item_id=pk, value=3)
                    for subject, pk in rated]
            + [s.EvaluationInput(subject="goal", item_id=goal.pk, value=3 + version % 3)
               for goal in goals[-2:]]))
        s.plan_accept(actor=worker, plan=Plan.objects.get(pk=plan.pk), client_took_part=True)
    return Plan.objects.get(pk=plan.pk)


def describe(plan) -> str:
    return (f"{plan.goals.count()} goals, {plan.steps.count()} steps, "
            f"{plan.versions.count()} versions, {plan.sections.count()} sections")


def measure(client, connection, url: str, requests: int) -> dict:
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):  # warm-up: caches, compiled templates
        client.get(url)
    times, cpu, sql, counts = [], [], [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as context:
            start, start_cpu = time.perf_counter(), time.thread_time()
            response = client.get(url)
            elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        times.append(elapsed * 1000)
        cpu.append(elapsed_cpu * 1000)
        sql.append(sum(float(q["time"]) for q in context.captured_queries) * 1000)
        counts.append(len(context.captured_queries))
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "max": max(times),
            "cpu50": statistics.median(cpu), "cpu95": percentile(cpu, 95),
            "sql50": statistics.median(sql), "sql95": percentile(sql, 95),
            "queries": [min(counts), max(counts)]}


def main_worker(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from luotsi.demo import generator, seeding
    from luotsi.organisation.models import User
    from luotsi.people.models import Person
    from luotsi.plans.models import Evaluation, Goal, Plan, Rating

    call_command("migrate", verbosity=0)
    expected = generator.SCALES["county"]
    seed_timing = None
    if not seeding.seeded_with(expected):  # the seed's own persons: flows add unborn children
        if (current := seeding.state()).persons:
            raise SystemExit(f"{connection.settings_dict['NAME']} holds {current.persons:,} "
                             f"persons ({seeding.population():,} with an identity code), not "
                             f"the finished county demo of {expected:,}: run with --reseed.")
        print(f"Seeding the county demo into {connection.vendor} …", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        call_command("seed_demo", scale="county")
        seed_timing = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    worker = User.objects.get(username="adult-sw")
    print("Building the large plan …", flush=True)
    large = build_large_plan(worker)
    small = (Plan.objects.filter(coordinator=worker, accepted_version__lt=4).order_by("pk")
             .first())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        server = f"SQLite {sqlite3.sqlite_version}"

    client = Client()
    client.force_login(worker)
    rows = [
        {"name": "plan page, large", **measure(client, connection, f"/plans/{large.pk}/",
                                                args.requests)},
        {"name": "plan page, small", **measure(client, connection, f"/plans/{small.pk}/",
                                                args.requests)},
        {"name": "plan list (adult-sw)", **measure(client, connection, "/plans/",
                                                    args.requests)},
    ]
    lead = Client()
    lead.force_login(User.objects.get(username="lead"))
    rows.append({"name": "effectiveness report", **measure(
        lead, connection, "/plans/effectiveness/", max(10, args.requests // 10))})
    result = {
        "seed": seed_timing, "server": server, "rows": rows,
        "persons": Person.objects.count(), "plans": Plan.objects.count(),
        "goals": Goal.objects.count(), "ratings": Rating.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "large": describe(large), "small": describe(small),
    }
    Path(args.json_out).write_text(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        help=f"Also measure on PostgreSQL ({PG_SERVER}/{PG_DATABASE}).")
    parser.add_argument("--requests", type=int, default=200, help="Requests per row.")
    parser.add_argument("--reseed", action="store_true",
                        help="Drop the benchmark databases and seed them again.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        main_worker(args)
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
