#!/usr/bin/env python3
"""Benchmark of ``manage.py rotate_personal_data_key``: persons re-encrypted per second.

Usage (from the repository root)::

    .venv/bin/python bench/bench_key_rotation.py                    # SQLite, 20,000 persons
    .venv/bin/python bench/bench_key_rotation.py --postgres         # SQLite and PostgreSQL
    .venv/bin/python bench/bench_key_rotation.py --persons 100000

For each database the script migrates a fresh database outside demo mode (a temporary SQLite
file; the PostgreSQL database ``luotsi_bench_rotation``, dropped and created again), stores
``--persons`` persons with test-range identity codes under one key, then runs the command as
documented (the new key in ``LUOTSI_PERSONAL_DATA_KEY``, the old one in
``LUOTSI_PERSONAL_DATA_KEY_PREVIOUS``) and prints the wall-clock time and persons per second. The
figures are written to ``bench/results/key-rotation-<db>.txt``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "luotsi_bench_rotation"

SEED = """
import itertools
from datetime import date, timedelta
from luotsi.people import crypto, hetu
from luotsi.people.models import Person
count = int({count})
rows = []
for n in range(count):
    born = date(1950, 1, 1) + timedelta(days=n // 100)
    code = hetu.build(born, 900 + n % 100)
    rows.append(Person(hetu_encrypted=crypto.encrypt(code), hetu_lookup=crypto.lookup_hash(code),
                       first_name="Aino", last_name=f"Virtanen{{n}}",
                       search_name=f"virtanen{{n}} aino", birth_date=born))
Person.objects.bulk_create(rows, batch_size=2000)
print(Person.objects.count())
"""


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result


def environment(database_url: str, key: str) -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return env | {
        "LUOTSI_DEMO": "0", "LUOTSI_SECRET_KEY": secrets.token_urlsafe(64),
        "LUOTSI_PERSONAL_DATA_KEY": key, "LUOTSI_ACCESS_LOG_KEY": secrets.token_urlsafe(48),
        "LUOTSI_ALLOWED_HOSTS": "localhost", "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings", "LUOTSI_LOG_LEVEL": "WARNING",
    }


def run(name: str, database_url: str, persons: int, batch_size: int) -> str:
    old, new = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    env = environment(database_url, old)
    manage(env, "migrate", "--noinput", "-v", "0")
    seeded = manage(env, "shell", "-c", SEED.format(count=persons)).stdout.split()[-1]
    rotating = env | {"LUOTSI_PERSONAL_DATA_KEY": new, "LUOTSI_PERSONAL_DATA_KEY_PREVIOUS": old}
    started = time.perf_counter()
    manage(rotating, "rotate_personal_data_key", "--batch-size", str(batch_size))
    seconds = time.perf_counter() - started
    return (f"{name}: {seeded} persons rotated in {seconds:.1f} s "
            f"({int(seeded) / seconds:,.0f} persons/s, batch {batch_size}, process start and "
            "the access-log records included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        line = run("SQLite", f"sqlite:///{folder}/rotation.sqlite3", args.persons,
                   args.batch_size)
    print(line)
    (RESULTS / "key-rotation-sqlite.txt").write_text(line + "\n", encoding="utf-8")
    if args.postgres:
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres",
                        PG_DATABASE], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE],
                       check=True)
        try:
            line = run("PostgreSQL", f"{PG_SERVER}/{PG_DATABASE}", args.persons,
                       args.batch_size)
        finally:
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres",
                            PG_DATABASE], check=True)
        print(line)
        (RESULTS / "key-rotation-postgresql.txt").write_text(line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
