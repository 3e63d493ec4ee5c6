#!/usr/bin/env python3
"""Benchmark of service usage: importing service events and identifying shared clients.

Usage (from the repository root)::

    .venv/bin/python bench/bench_usage.py                       # PostgreSQL bench_h3, 10 M events
    .venv/bin/python bench/bench_usage.py --events 200000       # a quick run
    .venv/bin/python bench/bench_usage.py --sqlite --events 1000000
    .venv/bin/python bench/bench_usage.py --order date          # rows in date order

The data files are generated once into ``var/bench-usage/`` (ignored by git) and reused:
``--events`` (default 10,000,000) events of ``--persons`` (default 100,000, the ``county`` scale)
over ``--years`` (default 5) years ending yesterday, in the four sectors, as CSV and Parquet.
Most residents use one sector, some two, a few three or four; a few use services very often (a
long-tailed number of events per person), so the default rules flag a minority. The rows are in
random order (the worst case for the database's indexes), or with ``--order date`` day by day
like a register's extract.

Each run starts from an empty database (PostgreSQL ``bench_h3``, or the database of a PostgreSQL
``DATABASE_URL``, is dropped and created, the
SQLite file ``/tmp/luotsi-bench-usage.sqlite3`` removed) and migrates, then measures:

1. the import of the CSV file with ``import_service_events``'s importer (rows/s; target over
   50,000 rows/s on PostgreSQL), persons registered on the way;
2. the re-import of the same events from the Parquet file (all duplicates: idempotence and the
   Parquet reader's rate);
3. the full identification run on today (target under 10 s);
4. a day's new events (today's, ``events / (years × 365)``) imported, and the daily incremental
   identification run that follows;
5. the preview of a draft rule for seed 003's target group (working age, mental-health/substance
   and employment services used together), then a full run with it activated;
6. the early-warning rules' backtest on yesterday (``luotsi.signals.backtest``; target under
   30 s).

The events' analytical copy (Parquet by month, ``luotsi.usage.analytics``) is in
``var/bench-usage/copy-<database>/`` (emptied first; ``--no-copy``: none, the runs read the events
table). With it the import writes the copy, and beside the identification runs the script
prints the **DuckDB reference**: the same active rules as bare DuckDB ``GROUP BY`` statements over
the same files, nothing written (best of three). Targets at 10 M events: the full identification
within 3 × that reference, the daily run under 1 s, the backtest under 30 s. The full run on the
events table (the copy switched off) is measured too, and the load average is printed beside each
figure (the machine may be shared).

The figures are printed and written to ``bench/results/usage-<postgresql|sqlite>.txt``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DATA = ROOT / "var" / "bench-usage"
# DATABASE_URL names the PostgreSQL database when it is one (it is dropped and created).
PG_NAME = (os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]
           if os.environ.get("DATABASE_URL", "").startswith("postgres") else "") or "bench_h3"
if not PG_NAME.replace("_", "").isalnum():
    sys.exit(f"bench_usage.py: unsuitable database name {PG_NAME!r}")
# … and its port (a throw-away server on another port, for trying the server's settings).
PG_PORT = (urlsplit(os.environ["DATABASE_URL"]).port
           if os.environ.get("DATABASE_URL", "").startswith("postgres") else None) or 5432
PG_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{PG_NAME}"
SQLITE_PATH = Path("/tmp/luotsi-bench-usage.sqlite3")  # noqa: S108 - a throw-away database
COLUMNS = ("hetu", "sector", "service_code", "organisation", "event_date", "kind")

SECTORS = ("social", "health", "mental_health_substance", "employment")
SECTOR_WEIGHTS = (20, 55, 10, 15)
KINDS = {
    "social": (("contact", 50), ("decision", 30), ("visit", 20)),
    "health": (("visit", 52), ("doctor_visit", 40), ("emergency_visit", 8)),
    "mental_health_substance": (("visit", 60), ("doctor_visit", 20), ("contact", 20)),
    "employment": (("contact", 55), ("visit", 30), ("decision", 15)),
}
ORGANISATIONS = {
    "social": ("Aikuissosiaalityö", "Vammaispalvelut", "Lastensuojelu", "Toimeentulotuki"),
    "health": ("Porvoon terveysasema", "Loviisan terveysasema", "Päivystys", "Sairaala"),
    "mental_health_substance": ("Mielenterveyspalvelut", "Päihdepalvelut", "Psykiatria"),
    "employment": ("Työllisyyspalvelut", "Työkykykoordinaattori", "Kuntouttava työtoiminta"),
}
SERVICES = {sector: tuple(f"{sector[:2].upper()}{n:03d}" for n in range(1, 13))
            for sector in SECTORS}


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-tAc",
         sql],
        check=True, capture_output=True, text=True).stdout.strip()


def prepare_environment(args) -> str:
    if args.sqlite:
        SQLITE_PATH.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    elif not args.reuse or not psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'"):  # noqa: S608 - the checked constant above
        # The name is the constant above, never input.
        psql(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{PG_NAME}"')
        os.environ["DATABASE_URL"] = PG_URL
    os.environ["LUOTSI_DEMO"] = "1"
    os.environ.setdefault("LUOTSI_DEBUG", "0")
    os.environ.setdefault("LUOTSI_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    return os.environ["DATABASE_URL"]


# --- data files ----------------------------------------------------------------------------------

def _weighted(pairs):
    values = [value for value, _ in pairs]
    cumulative, total = [], 0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


def person_codes(persons: int, seed: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from luotsi.people import hetu

    rng = random.Random(seed)
    codes: set[str] = set()
    while len(codes) < persons:
        born = date(1935, 1, 1) + timedelta(days=rng.randrange(85 * 365))
        codes.add(hetu.build(born, rng.randrange(2, 900)))
    return sorted(codes)


def generate(path: Path, events: int, persons: int, years: int, end: date, seed: int,
             by_date: bool = False) -> None:
    """CSV of ``events`` rows; each person has one to four sectors and a long-tailed rate.
    The rows are in random order, or with ``by_date`` in date order."""
    rng = random.Random(seed)
    codes = person_codes(persons, seed)
    profiles = []
    weights = []
    sector_values, sector_cum = _weighted(list(zip(SECTORS, SECTOR_WEIGHTS, strict=True)))
    for _ in codes:
        draw = rng.random()
        count = 1 if draw < 0.80 else 2 if draw < 0.95 else rng.choice((3, 4))
        chosen: list[str] = []
        while len(chosen) < count:
            sector = rng.choices(sector_values, cum_weights=sector_cum)[0]
            if sector not in chosen:
                chosen.append(sector)
        profiles.append(tuple(chosen))
        weights.append(rng.paretovariate(1.6))
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    kinds = {sector: _weighted(KINDS[sector]) for sector in SECTORS}
    days = years * 365
    first = end - timedelta(days=days - 1)
    dates = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    indexes = range(persons)
    chunk = 100_000
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        written = 0
        while written < events:
            size = min(chunk, events - written)
            picked = rng.choices(indexes, cum_weights=cumulative, k=size)
            if by_date:  # as a register's extract: day by day
                day_numbers = [(written + n) * days // events for n in range(size)]
            else:
                day_numbers = [rng.randrange(days) for _ in range(size)]
            rows = []
            for person, day in zip(picked, day_numbers, strict=True):
                profile = profiles[person]
                sector = profile[0] if len(profile) == 1 else rng.choice(profile)
                kind_values, kind_cum = kinds[sector]
                rows.append((codes[person], sector, rng.choice(SERVICES[sector]),
                             rng.choice(ORGANISATIONS[sector]), dates[day],
                             rng.choices(kind_values, cum_weights=kind_cum)[0]))
            writer.writerows(rows)
            written += size
            if written % 1_000_000 == 0:
                print(f"  generated {written:,} events", flush=True)
    tmp.rename(path)


def day_file(path: Path, events: int, persons: int, day: date, seed: int) -> None:
    """A day's new events, dated ``day``, for random persons of the same population."""
    rng = random.Random(seed + 1)
    codes = person_codes(persons, seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for _ in range(events):
            sector = rng.choice(SECTORS)
            kind_values, kind_cum = _weighted(KINDS[sector])
            writer.writerow((rng.choice(codes), sector, rng.choice(SERVICES[sector]),
                             rng.choice(ORGANISATIONS[sector]), day.isoformat(),
                             rng.choices(kind_values, cum_weights=kind_cum)[0]))


def to_parquet(csv_path: Path, parquet_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    schema = pa.schema([(name, pa.string()) for name in COLUMNS])
    reader = pacsv.open_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types=schema))
    tmp = parquet_path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
    tmp.rename(parquet_path)


# --- measuring -----------------------------------------------------------------------------------

def timed(label: str, function):
    print(f"{label} …", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=200_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--no-parquet", action="store_true",
                        help="skip the Parquet file and its re-import")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL: keep the database's events and measure again (no "
                             "import)")
    parser.add_argument("--no-copy", action="store_true",
                        help="no analytical copy: the identification reads the events table")
    parser.add_argument("--order", choices=("random", "date"), default="random",
                        help="rows of the file in random order (the worst case for the "
                             "database's indexes) or in date order, like a register's extract")
    args = parser.parse_args()

    url = prepare_environment(args)
    copy_path = DATA / f"copy-{'sqlite' if args.sqlite else PG_NAME}"
    if not args.no_copy:
        import shutil

        shutil.rmtree(copy_path, ignore_errors=True)
        os.environ["LUOTSI_EVENTS_PARQUET_DIR"] = str(copy_path)
    else:
        os.environ["LUOTSI_EVENTS_PARQUET_DIR"] = ""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from luotsi.signals.backtest import run_backtest
    from luotsi.usage import analytics, services
    from luotsi.usage.identification import (
        copy_rule_sql,
        preview,
        run_identification,
        window_start,
    )
    from luotsi.usage.importing import import_events
    from luotsi.usage.models import (
        Flag,
        IdentificationRule,
        RuleVersion,
        ServiceEvent,
        day_key,
    )

    today = timezone.localdate()
    end = today - timedelta(days=1)
    DATA.mkdir(parents=True, exist_ok=True)
    stem = f"events-{args.events}-{args.persons}-{args.years}-{end:%Y%m%d}-{args.seed}"
    if args.order == "date":
        stem += "-by-date"
    csv_path = DATA / f"{stem}.csv"
    parquet_path = DATA / f"{stem}.parquet"
    if not csv_path.exists():
        _, seconds, _ = timed(f"Generating {args.events:,} events in {csv_path.name}", lambda: (
            generate(csv_path, args.events, args.persons, args.years, end, args.seed,
                     by_date=args.order == "date")))
        print(f"  {seconds:.1f} s")
    if not args.no_parquet and not parquet_path.exists():
        timed("Writing the Parquet file", lambda: to_parquet(csv_path, parquet_path))
    daily = max(1, args.events // (args.years * 365))
    day_path = DATA / f"{stem}-day-{today:%Y%m%d}.csv"
    if not day_path.exists():
        day_file(day_path, daily, args.persons, today, args.seed)

    print(f"Database: {connection.vendor} ({url})", flush=True)
    call_command("migrate", verbosity=0)
    lines = [f"bench_usage.py on {connection.vendor}, {date.today().isoformat()}",
             f"events {args.events:,}, persons {args.persons:,}, years {args.years}, "
             f"batch size {args.batch_size:,}, rows in {args.order} order", ""]

    def wal_position() -> tuple | None:
        """The write-ahead log's position and the checkpoints so far (PostgreSQL)."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn(), checkpoints_timed + checkpoints_req "
                           "FROM pg_stat_bgwriter")
            return cursor.fetchone()

    def wal_since(before: tuple) -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s), "
                           "checkpoints_timed + checkpoints_req - %s FROM pg_stat_bgwriter",
                           list(before))
            written, checkpoints = cursor.fetchone()
        return int(written), checkpoints

    def report(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    def load() -> str:
        return f"load {os.getloadavg()[0]:.1f}"

    def duckdb_reference(as_of: date) -> float | None:
        """The active rules as bare DuckDB statements over the copy's files (best of three)."""
        if args.no_copy:
            return None
        rules = list(IdentificationRule.objects.filter(active=True, version__gt=0))
        longest = max(rule.window_days for rule in rules)
        files = analytics.window_files(window_start(as_of, longest), as_of)
        best, matched = float("inf"), 0
        for _ in range(3):
            duck = analytics.duckdb_connection()
            started = time.perf_counter()
            matched = sum(len(duck.execute(*copy_rule_sql(
                rule, as_of, analytics.events_sql(files))).fetchall()) for rule in rules)
            best = min(best, time.perf_counter() - started)
            duck.close()
        report(f"DuckDB reference: {best:.3f} s for the {len(rules)} rules over "
               f"{len(files):,} monthly files ({matched:,} matches before the age conditions; "
               f"{load()})")
        return best

    def against(seconds: float, reference: float | None) -> str:
        return f", {seconds / reference:.1f} × the DuckDB reference" if reference else ""

    reused = args.reuse and ServiceEvent.objects.exists()
    if reused:
        lines.append("(the events of an earlier run reused: no import measured)")
        # What the earlier run added: the target-group rule and the day's events.
        IdentificationRule.objects.filter(code="working_age_mhs_employment").delete()
        ServiceEvent.objects.filter(row_key__gte=day_key(today)).delete()
    else:
        wal_before = wal_position()
        result, seconds, cpu = timed("Importing the CSV file", lambda: import_events(
            str(csv_path), batch_size=args.batch_size))
        report(f"import CSV:      {result.rows:,} rows in {seconds:.1f} s = "
               f"{result.rows / seconds:,.0f} rows/s (CPU of this process {cpu:.1f} s); "
               f"imported {result.imported:,}, duplicates {result.duplicates:,}, "
               f"rejected {len(result.rejected):,}, persons registered "
               f"{result.persons_created:,}")
        if wal_before:
            written, checkpoints = wal_since(wal_before)
            report(f"                 write-ahead log written {written / 1e9:.1f} GB "
                   f"({written / result.rows:,.0f} bytes a row), {checkpoints} checkpoints")
        if not args.no_copy:
            report(f"                 the copy's {result.copy_months} monthly files written by "
                   f"the import (included above)")
        if not args.no_parquet:
            result, seconds, cpu = timed("Re-importing from the Parquet file", lambda: (
                import_events(str(parquet_path), batch_size=args.batch_size)))
            report(f"re-import Parquet: {result.rows:,} rows in {seconds:.1f} s = "
                   f"{result.rows / seconds:,.0f} rows/s (CPU {cpu:.1f} s); imported "
                   f"{result.imported:,}, duplicates {result.duplicates:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if not args.no_copy:
        written, seconds, cpu = timed("Rebuilding the copy from the database", lambda: (
            analytics.refresh(rebuild=True)))
        report(f"rebuild copy:    {seconds:.1f} s (CPU {cpu:.1f} s, {load()}): "
               f"{len(written)} months, {sum(written.values()):,} events")
    reference = duckdb_reference(end)
    run, seconds, cpu = timed("Full identification", lambda: run_identification(as_of=end))
    report(f"identify full:   {seconds:.2f} s (CPU {cpu:.2f} s, {load()}) on {end}: "
           f"{run.persons_evaluated:,} persons with events in the window, "
           f"{run.flagged:,} flagged, {Flag.objects.count():,} flags{against(seconds, reference)}")
    flags_by_copy = set(Flag.objects.values_list("person_id", "rule_id", "rule_version"))
    run, seconds, cpu = timed("Full identification again", lambda: run_identification(as_of=end))
    report(f"identify full:   {seconds:.2f} s again ({load()}){against(seconds, reference)}")
    if not args.no_copy:
        settings.EVENTS_PARQUET_DIR = ""
        run, seconds, cpu = timed("Full identification on the events table", lambda: (
            run_identification(as_of=end)))
        same = flags_by_copy == set(Flag.objects.values_list("person_id", "rule_id",
                                                             "rule_version"))
        report(f"identify full on the events table (no copy): {seconds:.2f} s ({load()}); "
               f"the same flags: {'yes' if same else 'NO'}")
        settings.EVENTS_PARQUET_DIR = str(copy_path)
    result, seconds, cpu = timed("Importing a day's new events", lambda: import_events(
        str(day_path), batch_size=args.batch_size))
    report(f"import a day:    {result.rows:,} rows in {seconds:.2f} s; imported "
           f"{result.imported:,}; {result.copy_months} monthly files of the copy written")
    run, seconds, cpu = timed("Daily identification", lambda: run_identification(
        as_of=today, incremental=True))
    report(f"identify daily:  {seconds:.2f} s (CPU {cpu:.2f} s, {load()}), mode {run.mode}: "
           f"{run.persons_evaluated:,} persons re-evaluated, {run.flags_added:,} flags added, "
           f"{run.flags_removed:,} removed, {run.flagged:,} flagged")
    run, seconds, cpu = timed("Full identification (for comparison)", lambda: run_identification(
        as_of=today))
    reference = duckdb_reference(today)
    report(f"identify full:   {seconds:.2f} s on {today} ({run.flagged:,} flagged: the same as "
           f"the daily run; {load()}){against(seconds, reference)}")
    # Seed 003's second target group as a rule: the draft's preview (its matches and the active
    # version's, joined), then a full run with it as a fourth rule.
    together = ["mental_health_substance", "employment"]
    rule = IdentificationRule.objects.create(
        code="working_age_mhs_employment", name_fi="Työikäiset: mielenterveys- ja "
        "päihdepalvelut sekä työllisyyspalvelut", version=0, measure="distinct_sectors",
        threshold=2, window_days=365)
    draft = RuleVersion.objects.create(rule=rule, measure="distinct_sectors", threshold=2,
                                       window_days=365, min_age=18, max_age=64,
                                       sectors_together=together)
    seen, seconds, cpu = timed("Preview of a target-group rule", lambda: preview(
        draft, rule, today))
    report(f"preview rule:    {seconds:.2f} s (CPU {cpu:.2f} s): working age 18-64 with "
           f"events in both {' and '.join(together)} would flag {seen.would_flag:,}")
    services.rule_version_activate(actor=None, version=draft)
    run, seconds, cpu = timed("Full identification with the target-group rule", lambda: (
        run_identification(as_of=today)))
    report(f"identify full:   {seconds:.2f} s on {today} with that rule as a fourth "
           f"({run.flagged:,} flagged, {Flag.objects.filter(rule=rule).count():,} by it)")
    report(f"events stored:   {ServiceEvent.objects.count():,}")
    backtest, seconds, cpu = timed("Backtest of the early-warning rules", lambda: run_backtest(
        as_of=end, store=False))
    report(f"backtest:        {seconds:.1f} s (CPU {cpu:.1f} s, {load()}) on {end}"
           f"{'' if args.no_copy else ' over the copy'}: "
           f"{backtest['persons_with_events']:,} persons with events in the years read, "
           f"{backtest['flagged']:,} flagged on the date")
    if not args.no_copy:
        settings.EVENTS_PARQUET_DIR = ""
        again, seconds, cpu = timed("Backtest on the events table", lambda: run_backtest(
            as_of=end, store=False))
        same = {**again, "seconds": 0} == {**backtest, "seconds": 0}
        report(f"backtest on the events table (no copy): {seconds:.1f} s (CPU {cpu:.1f} s, "
               f"{load()}); the same figures: {'yes' if same else 'NO'}")
        settings.EVENTS_PARQUET_DIR = str(copy_path)
    RESULTS.mkdir(exist_ok=True)
    name = "usage-postgresql.txt" if connection.vendor == "postgresql" else "usage-sqlite.txt"
    if args.events != 10_000_000:
        name = name.replace(".txt", f"-{args.events}.txt")
    if args.order == "date":
        name = name.replace(".txt", "-by-date.txt")
    (RESULTS / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"Written to bench/results/{name}")


if __name__ == "__main__":
    main()
