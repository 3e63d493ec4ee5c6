#!/usr/bin/env python3
"""Benchmark of the client's memo as PDF (``/plans/<id>/memo.pdf``).

Usage (from the repository root)::

    .venv/bin/python bench/bench_memo_pdf.py                 # 20 requests per row
    .venv/bin/python bench/bench_memo_pdf.py --requests 50

The script runs itself as a worker process with ``LUOTSI_DEMO=1`` on a fresh SQLite database in
a temporary directory, migrates it and builds, through the plan services, a full one-page memo:
six goals with situation factors and methods, eight open steps, four services and a coordinator
with phone and e-mail. Signed in with the Django test client as the coordinator it then measures:

- **first PDF in the process**: WeasyPrint's first document (fonts loaded, layout caches cold);
- **new PDF**: the cache emptied before each request (a new version of the plan, or another
  language, is always this case);
- **same memo again**: the PDF of the same memo asked again (printing twice, a second download).

Each row gives the wall time of the whole request in the Django handler (gateway, access-log
record, page build, HTML and PDF), p50, p95 and max. The figures are printed and written to
``bench/results/memo-pdf.txt``. Target: under 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
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
TARGET_MS = 500.0


def main_parent(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        env = dict(os.environ, LUOTSI_DEMO="1", DATABASE_URL=f"sqlite:///{tmp}/memo.sqlite3",
                   DJANGO_SETTINGS_MODULE="config.settings", LUOTSI_LOG_LEVEL="WARNING")
        subprocess.run([sys.executable, __file__, "--worker", "--requests", str(args.requests),
                        "--json-out", str(out)], cwd=ROOT, env=env, check=True)
        result = json.loads(out.read_text())
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [f"Luotsi client memo as PDF — SQLite — {date.today()}",
             f"{args.requests} requests per row; target < {TARGET_MS:.0f} ms; "
             f"{os.cpu_count()} CPUs, load average at the end {load}",
             f"memo: {result['memo']}", "",
             f"{'request':<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target",
             "-" * 66]
    for row in result["rows"]:
        ok = "ok" if row["p95"] < TARGET_MS else "MISS"
        lines.append(f"{row['name']:<30} {row['p50']:>8.1f} {row['p95']:>8.1f} "
                     f"{row['max']:>8.1f}  {ok}")
    lines += ["", "Wall time of the whole request in the Django handler (test client, no "
                  "network): gateway, access-log record, page build, HTML and the PDF."]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memo-pdf.txt").write_text(text)


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def _build_plan():
    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.organisation.tests.factories import TeamFactory, UserFactory
    from luotsi.people.tests.factories import PersonFactory
    from luotsi.plans import services as s
    from luotsi.plans.models import CodeListItem

    def items(code_list):
        return list(CodeListItem.objects.filter(version__current=True, code_list=code_list).order_by("sort_order"))

    team = TeamFactory(code="bench-working-age", service_task="working_age")
    worker = UserFactory(username="bench-sw", first_name="Sanna", last_name="Sosiaali",
                         teams=[team], title="sosiaalityöntekijä", phone="040 123 4567",
                         email="sanna@example.fi")
    person = PersonFactory(first_name="Aino", last_name="Asiakas")
    RelationshipFactory(person=person, user=worker)
    plan, _created = s.plan_open(actor=worker, person_id=person.pk)
    s.coordinator_set(actor=worker, plan=plan, coordinator_id=worker.pk)
    areas, factors, methods, services = (items("goal_area"), items("situation_factor"),
                                         items("method"), items("service"))
    today = date.today()
    goals = []
    for i in range(6):
        goal = s.goal_add(actor=worker, plan=plan, data=s.GoalInput(
            goal_area_id=areas[i % len(areas)].pk, target_date=today + timedelta(days=90),
            client_wording=f"Tavoite {i + 1}: haluan, että arki sujuu ja asiat hoituvat"))
        goals.append(goal)
        s.goal_factor_add(actor=worker, goal=goal, factor_id=factors[i % len(factors)].pk,
                          effect="supports" if i % 2 else "hinders")
        s.method_add(actor=worker, plan=plan, method_id=methods[i % len(methods)].pk,
                     goal_id=goal.pk)
    for j in range(8):
        s.step_add(actor=worker, plan=plan, data=s.StepInput(
            what=f"Askel {j + 1}: varaan ajan ja täytän hakemuksen", owner_kind="client",
            due_on=today + timedelta(days=7 + j), goal_id=goals[j % len(goals)].pk))
    for k in range(4):
        s.service_add(actor=worker, plan=plan, data=s.ServiceInput(
            item_id=services[k % len(services)].pk, sector="working_age_social",
            provider="Hyvinvointialue", starts_on=today))
    return worker, plan


def main_worker(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from luotsi.plans.views.memo import MEMO_PDFS as cache

    worker, plan = _build_plan()
    client = Client()
    client.force_login(worker)
    url = f"/plans/{plan.pk}/memo.pdf"

    def timed() -> float:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        return elapsed

    cache.clear()
    first = timed()
    new = []
    for _ in range(args.requests):
        cache.clear()
        new.append(timed())
    again = [timed() for _ in range(args.requests)]
    rows = [{"name": "first PDF in the process", "p50": first, "p95": first, "max": first},
            {"name": "new PDF (cache empty)", **_percentiles(new)},
            {"name": "same memo again (cached)", **_percentiles(again)}]
    Path(args.json_out).write_text(json.dumps({
        "memo": "6 goals with factors and methods, 8 steps, 4 services, contact details",
        "rows": rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        main_worker(args)
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
