#!/usr/bin/env python3
"""Benchmark of the workload forecast page for the whole county, with its query count, and the
arrivals forecasts' backtest against the seasonal-naive baseline.

Usage (from the repository root)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_forecast \\
        .venv/bin/python bench/bench_forecast.py [--requests 50] [--seed-scale county]

The database is a demo county (``manage.py seed_demo --scale county``: about 100,000
residents, two years of family intake, seed 004's staffing); with ``--seed-scale`` the script
seeds it when it holds no demo. Never the development database. Measured with the Django test
client as the demo team lead (``lead``), in this process:

- making this week's arrivals forecasts of the four teams (``arrivals.refresh``: the model fits
  and the backtests), once;
- ``/foresight/`` (every team, 12 weeks), ``/foresight/?weeks=52``, the page with the what-if
  panel (a social worker added to the east team) and the CSV: ``--requests`` each after three
  warm-up requests, p50/p95/max wall time and the query count.

Target: page p95 < 300 ms with a query count independent of the data. The figures are printed
and written to ``bench/results/forecast-<sqlite|postgresql>.txt``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
TARGET_MS = 300.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(client, label: str, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    walls, cpus, queries = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, url
        queries.append(len(captured.captured_queries))
    row = {"label": label, "runs": runs, "p50": percentile(walls, 50),
           "p95": percentile(walls, 95), "max": max(walls), "cpu50": percentile(cpus, 50),
           "cpu95": percentile(cpus, 95), "queries": (min(queries), max(queries))}
    print(f"  {label}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, cpu p95 "
          f"{row['cpu95']:.1f} ms, "
          f"queries {row['queries'][0]}–{row['queries'][1]}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed-scale", choices=("small", "county"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LUOTSI_DEMO"] = "1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from luotsi.foresight import arrivals, selectors
    from luotsi.intake.models import Contact, Deadline
    from luotsi.organisation.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="lead").exists():
        if not args.seed_scale:
            sys.exit("No demo county in this database: run seed_demo or pass --seed-scale.")
        call_command("seed_demo", scale=args.seed_scale)
    today = timezone.localdate()
    teams = list(selectors.forecast_teams())
    started = time.perf_counter()
    made = arrivals.refresh(today=today, teams=teams)
    refresh_s = time.perf_counter() - started
    print(f"arrivals forecasts of {len(made)} teams made in {refresh_s:.1f} s", flush=True)

    client = Client()
    client.force_login(User.objects.get(username="lead"))
    rows = [
        measure(client, "forecast page, 12 weeks", "/foresight/", args.requests),
        measure(client, "forecast page, 52 weeks", "/foresight/?weeks=52", args.requests),
        measure(client, "forecast page, what-if", "/foresight/?team=assessment-east"
                "&add_fte=1&add_role=social_worker&add_from=1", args.requests),
        measure(client, "workload CSV, 12 weeks", "/foresight/workload.csv", args.requests),
    ]
    vendor = connection.vendor
    load = os.getloadavg()[0]
    lines = [f"Workload forecast, demo county on {vendor} ({today.isoformat()}): "
             f"{Contact.objects.count():,} contacts, {Deadline.objects.count():,} deadlines, "
             f"{len(teams)} teams; load average {load:.1f} on {os.cpu_count()} cores "
             "(wall times include waiting for a core; the CPU columns are this process's)",
             f"arrivals forecasts (fits and backtests of {len(made)} teams): {refresh_s:.1f} s",
             "",
             f"{'measure':<28} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
             f"{'cpu p50':>8} {'cpu p95':>8} {'queries':>8}  target"]
    for row in rows:
        low, high = row["queries"]
        target = "ok" if row["p95"] < TARGET_MS else f"MISSED (<{TARGET_MS:.0f})"
        lines.append(f"{row['label']:<28} {row['runs']:>5} {row['p50']:>8.1f} {row['p95']:>8.1f}"
                     f" {row['max']:>8.1f} {row['cpu50']:>8.1f} {row['cpu95']:>8.1f}"
                     f" {f'{low}-{high}':>8}  {target}")
    lines += ["", "Arrivals backtest (MAPE %, 4 / 12 weeks ahead; the method used):"]
    for forecast in made:
        figures = forecast.figures
        mape = figures.get("mape")
        if not mape:
            lines.append(f"  {forecast.team.code:<20} no backtest ({figures['history_weeks']} "
                         f"weeks of history); {figures['method']}")
            continue
        lines.append(
            f"  {forecast.team.code:<20} model (ETS at each origin; now "
            f"{figures['model_label']}): "
            f"{mape['model']['4']} / {mape['model']['12']}   baseline: "
            f"{mape['baseline']['4']} / {mape['baseline']['12']}   over {mape['origins']} "
            f"origins; used: {figures['method']}")
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"forecast-{vendor}.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
