#!/usr/bin/env python3
"""Benchmark of sign-in: the Argon2id hash alone and a real login round-trip, per parameter set.

Usage (from the repository root)::

    .venv/bin/python bench/bench_login.py               # 15 logins per parameter set
    .venv/bin/python bench/bench_login.py --logins 30

For each parameter set (memory in KiB, passes, lanes; Django's default first, then sets at and
above OWASP's Argon2id minimums) the script runs itself as a worker process with
``LUOTSI_ARGON2_*`` set, on one SQLite database in a temporary directory (migrated once), and
measures:

- **hash**: ``make_password`` of a 24-character pass phrase (ms; median and max);
- **login**: ``POST /login/`` with the right password through the Django test client, a new
  client each time: the form, django-axes, the sign-in limits, the password check and the session
  (ms; median and max in the Django handler, no network);
- **CPU**: the worker's CPU time per login (ms), which is what several sign-ins at once share.

It prints a table and writes it to ``bench/results/login.txt``. The load average at the start is
printed too: on a loaded machine every figure grows.
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
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PASSPHRASE = "a long pass phrase of 24"  # noqa: S105 - the benchmark user's, in a throw-away database
# (memory KiB, passes, lanes, note)
SETS = [
    (102400, 2, 8, "Django's default"),
    (65536, 3, 4, "argon2-cffi's RFC 9106 low-memory profile"),
    (47104, 2, 1, "46 MiB, 2 passes"),
    (19456, 2, 1, "OWASP minimum (Luotsi's default)"),
]


def _env(db: Path, memory: int, passes: int, lanes: int) -> dict:
    return {**os.environ, "LUOTSI_DEMO": "1", "LUOTSI_CACHE": "locmem",
            "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings",
            "LUOTSI_ARGON2_MEMORY_KIB": str(memory), "LUOTSI_ARGON2_TIME_COST": str(passes),
            "LUOTSI_ARGON2_PARALLELISM": str(lanes)}


def worker(logins: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    hashes = []
    for _n in range(logins):
        start = time.perf_counter()
        make_password(PASSPHRASE)
        hashes.append((time.perf_counter() - start) * 1000)
    user, _ = get_user_model().objects.get_or_create(username="bench-login")
    user.set_password(PASSPHRASE)
    user.save()
    walls, cpus = [], []
    for n in range(logins):
        AccessAttempt.objects.all().delete()
        client = Client()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post("/login/", {"username": "bench-login", "password": PASSPHRASE},
                               REMOTE_ADDR=f"10.0.0.{n % 250 + 1}")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 302, response.status_code
    print(json.dumps({"hash": hashes, "login": walls, "cpu": cpus}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=15)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.logins)
        return
    load = os.getloadavg()[0]
    lines = [f"Sign-in benchmark: {args.logins} hashes and logins per set; "
             f"{os.cpu_count()} CPUs, load average {load:.2f} at the start.", "",
             "| memory | passes | lanes | hash median ms | hash max ms | login median ms "
             "| login max ms | CPU per login ms | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "login.sqlite3"
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], cwd=ROOT,
                       env=_env(db, *SETS[-1][:3]), check=True)
        for memory, passes, lanes, note in SETS:
            out = subprocess.run([sys.executable, __file__, "--worker", "--logins",
                                  str(args.logins)], cwd=ROOT, env=_env(db, memory, passes, lanes),
                                 check=True, capture_output=True, text=True).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            lines.append(
                f"| {memory // 1024} MiB | {passes} | {lanes} "
                f"| {statistics.median(figures['hash']):.0f} | {max(figures['hash']):.0f} "
                f"| {statistics.median(figures['login']):.0f} | {max(figures['login']):.0f} "
                f"| {statistics.median(figures['cpu']):.0f} | {note} |")
            print(lines[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "login.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:3]))


if __name__ == "__main__":
    main()
