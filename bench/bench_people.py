#!/usr/bin/env python3
"""Benchmark of person search and the person page on the small and the county-sized demo data.

Usage (from the repository root; ``make bench`` runs the first line)::

    .venv/bin/python bench/bench_people.py              # SQLite
    .venv/bin/python bench/bench_people.py --postgres   # SQLite and PostgreSQL
    .venv/bin/python bench/bench_people.py --reseed     # rebuild the benchmark databases

For each database and dataset (``small``: 1,000 persons; ``county``: 100,000) the script runs
itself as a worker process with ``LUOTSI_DEMO=1`` and its own ``DATABASE_URL`` (SQLite files
under ``bench/var/``; PostgreSQL databases ``luotsi_bench_small`` and ``luotsi_bench``), migrates,
seeds the demo county unless the database already holds it, and measures with the Django test
client, signed in as ``sw-east`` and as ``intake``:

- person search by name prefix, by exact identity code, by date of birth, and the person page;
- the time of each request in the Django handler (ms; p50, p95, max over ``--requests``);
- the SQL queries per request (``CaptureQueriesContext``).

The figures are printed as a table and written to ``bench/results/people-<db>.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
VAR = BENCH / "var"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASES = {"small": "luotsi_bench_small", "county": "luotsi_bench"}
SCALES = ("small", "county")
USERS = ("sw-east", "intake")
KINDS = ("name prefix", "exact hetu", "birth date", "person page")
TARGET_P95_MS = 50.0
PERSON_LINK = re.compile(rb'href="/persons/\d+/"')


def database_url(db: str, scale: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{VAR / f'people-{scale}.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASES[scale]}"


# --- Parent: databases, workers, table ---------------------------------------------------------

def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        check=True, capture_output=True, text=True).stdout.strip()


def prepare_postgres(reseed: bool) -> None:
    # The database names are the constants above, never input.
    for name in PG_DATABASES.values():
        if reseed:
            psql(f'DROP DATABASE IF EXISTS "{name}"')
        if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":  # noqa: S608
            psql(f'CREATE DATABASE "{name}"')


def prepare_sqlite(reseed: bool) -> None:
    VAR.mkdir(exist_ok=True)
    if reseed:
        for path in VAR.glob("people-*.sqlite3*"):
            path.unlink()


def run_worker(db: str, scale: str, requests: int) -> dict:
    env = dict(os.environ, LUOTSI_DEMO="1", DATABASE_URL=database_url(db, scale),
               DJANGO_SETTINGS_MODULE="config.settings", LUOTSI_LOG_LEVEL="WARNING")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, __file__, "--worker", "--scale", scale, "--requests",
                        str(requests), "--json-out", str(out)], cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def render(db: str, results: list[dict], requests: int) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"Luotsi person search and person page — {db} — {date.today()}",
        f"{requests} requests per row; target p95 < {TARGET_P95_MS:.0f} ms; "
        f"{os.cpu_count()} CPUs, load average at the end {load}",
        "",
    ]
    for result in results:
        seed = result["seed"]
        seeded = ("cached" if seed is None
                  else f"seeded in {seed['wall']:.1f} s wall, {seed['cpu']:.1f} s CPU")
        lines.append(f"{result['scale']}: {result['persons']:,} persons, "
                     f"{result['relationships']:,} client relationships ({seeded}); "
                     f"{result['server']}")
    lines.append("")
    header = (f"{'dataset':<8} {'user':<8} {'request':<12} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'max ms':>7} {'cpu p50':>7} {'cpu p95':>7} {'sql p50':>7} {'sql p95':>7} "
              f"{'queries':>7} {'rows':>5}  wall  cpu")
    lines += [header, "-" * len(header)]
    queries: dict[tuple[str, str], dict[str, list[int]]] = {}
    for result in results:
        for row in result["rows"]:
            ok = ("ok  " if row["p95"] < TARGET_P95_MS else "MISS") + "  " + (
                "ok" if row["cpu95"] < TARGET_P95_MS else "MISS")
            counts = row["queries"]
            shown = str(counts[0]) if counts[0] == counts[1] else f"{counts[0]}-{counts[1]}"
            lines.append(f"{result['scale']:<8} {row['user']:<8} {row['kind']:<12} "
                         f"{row['p50']:>7.1f} {row['p95']:>7.1f} {row['max']:>7.1f} "
                         f"{row['cpu50']:>7.1f} {row['cpu95']:>7.1f} {row['sql50']:>7.1f} "
                         f"{row['sql95']:>7.1f} {shown:>7} {row['rows']:>5.1f}  {ok}")
            queries.setdefault((row["user"], row["kind"]), {})[result["scale"]] = counts
    lines += ["", "Queries per request, small vs county (independent of the data size?):"]
    for (user, kind), by_scale in queries.items():
        if len(by_scale) == 2:
            same = by_scale["small"] == by_scale["county"]
            lines.append(f"  {user:<8} {kind:<12} small {by_scale['small']}  county "
                         f"{by_scale['county']}  {'same' if same else 'DIFFERENT'}")
    lines.append("")
    lines += [
        "p50/p95/max: wall time of the request in the Django handler (test client, no network).",
        "cpu: CPU time of the Luotsi process for the request (robust against other load on the",
        "  machine; on PostgreSQL it leaves out the database server's own work).",
        "sql: the sum of the request's SQL statement times as Django measures them.",
        "queries: min-max per request, including session and user look-ups, the access-log",
        "  writes and their transaction statements. rows: average persons found.",
        f"wall, cpu: p95 of the wall time and of the CPU time against the {TARGET_P95_MS:.0f} ms "
        "target.",
    ]
    for result in results:
        if result.get("explain"):
            lines += ["", f"Name search, {result['scale']} dataset: the query as Luotsi runs it "
                      "(LIKE) and with a range on search_name", result["explain"]]
    return "\n".join(lines) + "\n"


def main_parent(args) -> None:
    databases = ["sqlite"] + (["postgres"] if args.postgres else [])
    for db in databases:
        if db == "sqlite":
            prepare_sqlite(args.reseed)
        else:
            prepare_postgres(args.reseed)
        results = [run_worker(db, scale, args.requests) for scale in args.scales]
        text = render(db, results, args.requests)
        print()
        print(text)
        RESULTS.mkdir(exist_ok=True)
        suffix = "" if tuple(args.scales) == SCALES else "-" + "-".join(args.scales)
        path = RESULTS / f"people-{db}{suffix}.txt"
        path.write_text(text)
        print(f"Saved {path.relative_to(ROOT)}")


# --- Worker: one database, one dataset ---------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def explain_name_search(user, connection) -> str:
    """The name search's plan and time as ``luotsi.people.selectors`` builds it (``LIKE 'x%'``)
    and with the same prefix as a range (``>= 'x' AND < 'x' || U+10FFFF``), which an ordinary
    B-tree index on SQLite can use."""
    from luotsi.access import gateway

    lines = []
    for prefix in ("kiv", "nie", "vir", "lindq"):
        base = gateway.visible_persons(user).select_related("municipality")
        variants = {
            "LIKE ": base.filter(search_name__startswith=prefix),
            "range": base.filter(search_name__gte=prefix, search_name__lt=prefix + "\U0010ffff"),
        }
        found = {}
        for label, queryset in variants.items():
            queryset = queryset.order_by("search_name", "pk")[:50]
            best = float("inf")
            for _ in range(20):
                start = time.perf_counter()
                found[label] = [p.pk for p in queryset.all()]
                best = min(best, time.perf_counter() - start)
            sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                    plan = [row[-1] for row in cursor.fetchall()][:1]
                else:
                    cursor.execute("EXPLAIN " + sql, params)
                    plan = [row[0].strip() for row in cursor.fetchall()
                            if "people_person" in row[0] and "Scan" in row[0]][:1]
            lines.append(f"  {prefix!r:8} {label} best {best * 1000:6.2f} ms  "
                         f"{len(found[label]):2} found  plan: {'; '.join(plan)}")
        assert found["LIKE "] == found["range"], prefix
    return "\n".join(lines)


def main_worker(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from luotsi.access import gateway
    from luotsi.access.models import ClientRelationship
    from luotsi.demo import data, generator, seeding
    from luotsi.organisation.models import User
    from luotsi.people.models import Person

    call_command("migrate", verbosity=0)
    expected = generator.SCALES[args.scale]
    seed_timing = None
    # The demo flows add unborn children on top of the scale's population: count the persons
    # the seed generated, not all persons.
    if not seeding.seeded_with(expected):
        if (current := seeding.state()).persons:
            raise SystemExit(f"{connection.settings_dict['NAME']} holds {current.persons:,} "
                             f"persons ({seeding.population():,} with an identity code), not "
                             f"the finished {args.scale} demo county of {expected:,}: run with "
                             "--reseed.")
        print(f"Seeding the {args.scale} demo county into {connection.vendor} …", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        call_command("seed_demo", scale=args.scale)
        seed_timing = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"

    rng = random.Random(f"bench:{args.scale}")
    rows = []
    for username in USERS:
        user = User.objects.get(username=username)
        visible = list(gateway.visible_persons(user).order_by("pk"))
        surnames = sorted({p.last_name for p in visible})
        other = list(data.FI_LAST + data.SV_LAST)
        # Half the prefixes come from the user's own clients (hits), half from the name lists.
        prefixes = [(rng.choice(surnames) if i % 2 == 0 else rng.choice(other))[:rng.randint(3, 5)]
                    .casefold() for i in range(args.requests)]
        picks = [rng.choice(visible) for _ in range(args.requests)]
        # An unborn child has no date of birth to search by.
        born = [p for p in visible if p.birth_date]
        dated = [rng.choice(born) for _ in range(args.requests)]
        # A person with a temporary identifier has no identity code to search by.
        with_code = [p for p in visible if p.hetu_lookup]
        coded = [rng.choice(with_code) for _ in range(args.requests)]
        # Searches are posted (the query never enters a URL); the person page is a GET.
        plans = {
            "name prefix": [("/persons/", {"name": p}) for p in prefixes],
            "exact hetu": [("/persons/", {"hetu": p.hetu}) for p in coded],
            "birth date": [("/persons/", {"birth_date": f"{p.birth_date:%Y-%m-%d}"})
                           for p in dated],
            "person page": [(f"/persons/{p.pk}/", None) for p in picks],
        }
        client = Client()
        client.force_login(user)
        for kind in KINDS:
            urls = plans[kind]
            for url, form in urls[:10]:  # warm-up: caches, prepared statements, templates
                _fetch(client, url, form)
            times, cpu, sql, counts, found = [], [], [], [], []
            for url, form in urls:
                with CaptureQueriesContext(connection) as context:
                    start, start_cpu = time.perf_counter(), time.thread_time()
                    response = _fetch(client, url, form)
                    elapsed = time.perf_counter() - start
                    elapsed_cpu = time.thread_time() - start_cpu
                if response.status_code != 200:
                    raise SystemExit(f"{username} {url}: HTTP {response.status_code}")
                times.append(elapsed * 1000)
                cpu.append(elapsed_cpu * 1000)
                sql.append(sum(float(q["time"]) for q in context.captured_queries) * 1000)
                counts.append(len(context.captured_queries))
                found.append(len(PERSON_LINK.findall(response.content))
                             if kind != "person page" else 1)
            rows.append({
                "user": username, "kind": kind, "p50": statistics.median(times),
                "p95": percentile(times, 95), "max": max(times),
                "cpu50": statistics.median(cpu), "cpu95": percentile(cpu, 95),
                "sql50": statistics.median(sql), "sql95": percentile(sql, 95),
                "queries": [min(counts), max(counts)], "rows": statistics.mean(found),
            })
    result = {
        "explain": explain_name_search(User.objects.get(username="sw-east"), connection)
        if args.scale == "county" else "",
        "scale": args.scale, "persons": Person.objects.count(),
        "relationships": ClientRelationship.objects.count(), "seed": seed_timing,
        "server": server, "rows": rows,
    }
    Path(args.json_out).write_text(json.dumps(result))


def _fetch(client, url: str, form: dict | None):
    """A person page is read with GET; a search posts its form."""
    return client.get(url) if form is None else client.post(url, form)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        help=f"Also measure on PostgreSQL ({PG_SERVER}).")
    parser.add_argument("--requests", type=int, default=200, help="Requests per row.")
    parser.add_argument("--scales", nargs="+", choices=SCALES, default=list(SCALES))
    parser.add_argument("--reseed", action="store_true",
                        help="Drop the benchmark databases and seed them again.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=SCALES, help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        main_worker(args)
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
