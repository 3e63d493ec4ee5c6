#!/usr/bin/env python3
"""Requests per second per app process of the production server, and the database's size per year
of a county's data: the figures of docs/operations.md "Sizing a county deployment".

Usage (from the repository root, PostgreSQL on loopback)::

    .venv/bin/python bench/bench_serve.py                       # 1 worker, 4 clients, 15 s a page
    .venv/bin/python bench/bench_serve.py --workers 2 --clients 8 --seconds 20

The script

1. migrates the database ``--database-url`` (default ``luotsi_bench_serve`` on 127.0.0.1:5432,
   created if missing) and seeds the demo county into it unless it holds it (``--persons``,
   default 1,000);
2. starts the production server as docs/operations.md says (gunicorn with
   ``config/gunicorn.conf.py``, ``LUOTSI_WORKERS`` sync workers) on a free loopback port, in demo
   mode only so that the demo logins sign in (the pages do the same work as outside it);
3. for each page (home, the intake queue, a client plan, the key-figure report) runs ``--clients``
   threads, each signed in with its own session and sending requests back to back over
   http.client for ``--seconds``, and prints requests per second (in all and per app process) and
   the latency's p50/p95/max, and the app processes' CPU time per request (from /proc), whose
   inverse is what one app process does per second on a CPU core of its own, however loaded the
   measuring machine is, and the access-log records written per request; every answer must be
   200;
4. measures the seeded database: rows and bytes (table + indexes + TOAST) per table, the months of
   history the seed covers, and from those the bytes per year per 1,000 persons, and the access
   log's bytes per record.

The figures go to stdout and ``bench/results/serve-postgresql.txt``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
HOST = "luotsi.example.fi"
PASSWORD = "demo"  # noqa: S105 - the published demo logins' password (demo mode only)
# Tables whose rows grow with the county's persons and time; the rest (organisation, code lists,
# the migrations) stay about the same whatever the county's size.
STOCK_TABLES = {"people_person", "people_personlink", "access_clientrelationship"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One signed-in client: a session cookie, the CSRF token of the sign-in form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://{HOST}/login/"}
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # gunicorn closed the kept connection (a worker recycled): once more on a new one.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode("utf-8", errors="replace")

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page = self.request("POST", "/login/", urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}))
        if status != 302:
            raise SystemExit(f"signing in {username} failed: {status}")


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432,
                         user=parts.username or "postgres", dbname="postgres",
                         autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def server_env(url: str, port: int, workers: int) -> dict[str, str]:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LUOTSI_DEMO": "1",
        "LUOTSI_SECRET_KEY": secrets.token_urlsafe(64),
        "LUOTSI_ACCESS_LOG_KEY": "",  # demo mode: the demo chain key, as the seed wrote
        "LUOTSI_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": url,
        "PORT": str(port),
        "LUOTSI_WORKERS": str(workers),
        "LUOTSI_LOG_LEVEL": "WARNING",
    })
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 120 s")


def first_plan(port: int) -> str:
    browser = Browser(port)
    browser.sign_in("adult-sw")
    status, page = browser.request("GET", "/plans/")
    found = re.search(r'href="(/plans/\d+/)"', page)
    if status != 200 or not found:
        raise SystemExit("adult-sw sees no plan in the plan list")
    return found.group(1)


def worker_cpu_seconds(master: int) -> float:
    """CPU time (user + system) of the gunicorn master's worker processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        with suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def access_log_records(url: str) -> int:
    parts = urlsplit(url)
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432,
                         user=parts.username or "postgres",
                         dbname=parts.path.lstrip("/")) as connection:
        return connection.execute("SELECT count(*) FROM access_accesslogentry").fetchone()[0]


def load(port: int, username: str, path: str, clients: int, seconds: float,
         master: int) -> dict:
    browsers = []
    for _ in range(clients):
        browser = Browser(port)
        browser.sign_in(username)
        browser.request("GET", path)  # warm up: the session's first write, the worker's imports
        browsers.append(browser)
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    cpu_before = worker_cpu_seconds(master)
    start = time.monotonic()
    stop_at = start + seconds

    def run(browser: Browser) -> None:
        mine, bad = [], []
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            status, _ = browser.request("GET", path)
            mine.append(time.perf_counter() - began)
            if status != 200:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=run, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    cpu = worker_cpu_seconds(master) - cpu_before
    latencies.sort()
    return {
        "cpu_ms": cpu * 1000 / max(1, len(latencies)),
        "requests": len(latencies), "failures": failures, "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
        "max": latencies[-1] * 1000, "mean": statistics.fmean(latencies) * 1000,
    }


def database_size(url: str) -> tuple[list[tuple[str, int, int]], float, int]:
    """(table, rows, bytes) largest first, the months of history, the persons."""
    parts = urlsplit(url)
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432,
                         user=parts.username or "postgres",
                         dbname=parts.path.lstrip("/"), autocommit=True) as connection:
        connection.execute("ANALYZE")
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        sizes = []
        for table in tables:
            rows = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - names from pg_tables
            size = connection.execute("SELECT pg_total_relation_size(%s)", [table]).fetchone()[0]
            sizes.append((table, rows, size))
        first, last = connection.execute(
            "SELECT min(received_at), max(received_at) FROM intake_contact").fetchone()
        persons = connection.execute("SELECT count(*) FROM people_person").fetchone()[0]
    months = max(1.0, (last - first).days / 30.44) if first and last else 12.0
    return sorted(sizes, key=lambda item: -item[2]), months, persons


def size_report(url: str) -> list[str]:
    sizes, months, persons = database_size(url)
    total = sum(size for _, _, size in sizes)
    growing = sum(size for table, _, size in sizes if table not in STOCK_TABLES)
    lines = [f"Database after the seed: {persons:,} persons, {months:.1f} months of history, "
             f"{total / 2**20:.1f} MiB in all", "",
             f"{'table':36} {'rows':>9} {'KiB':>8} {'B/row':>7}"]
    for table, rows, size in sizes[:18]:
        per_row = f"{size / rows:7.0f}" if rows else "      -"
        lines.append(f"{table:36} {rows:9,} {size / 1024:8.0f} {per_row}")
    per_year = growing * 12 / months
    lines += ["", f"Growing tables: {growing / 2**20:.1f} MiB over {months:.1f} months = "
                  f"{per_year / 2**20:.1f} MiB per year for {persons:,} persons = "
                  f"{per_year / 2**20 * 1000 / persons:.1f} MiB per year per 1,000 persons"]
    log = next(((rows, size) for table, rows, size in sizes
                if table == "access_accesslogentry"), (0, 0))
    if log[0]:
        lines.append(f"Access log: {log[1] / log[0]:.0f} bytes per record (with its indexes)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/luotsi_bench_serve")
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()

    ensure_database(args.database_url)
    port = free_port()
    env = server_env(args.database_url, port, args.workers)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--persons", str(args.persons), "--if-empty")
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c",
                               "config/gunicorn.conf.py", "config.wsgi"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(server, port)
        pages = [("home", "lead", "/"), ("intake queue", "lead", "/intake/queue/"),
                 ("client plan", "adult-sw", first_plan(port)),
                 ("key figures (report)", "lead", "/reports/kpis/")]
        lines = [f"gunicorn, {args.workers} sync worker(s); {args.clients} concurrent clients, "
                 f"{args.seconds:.0f} s per page; PostgreSQL on loopback; {os.cpu_count()} CPUs, "
                 f"load average before {os.getloadavg()[0]:.1f}", "",
                 f"{'page':22} {'requests':>8} {'req/s':>7} {'req/s/process':>13} "
                 f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'CPU ms/req':>10} "
                 f"{'req/s/core':>10} {'log rec/req':>11}"]
        print("\n".join(lines), flush=True)
        for name, user, path in pages:
            logged = access_log_records(args.database_url)
            result = load(port, user, path, args.clients, args.seconds, server.pid)
            # Records per request, the warm-up request of each client counted (sign-ins log none).
            logged = (access_log_records(args.database_url) - logged) / (
                result["requests"] + args.clients)
            if result["failures"]:
                raise SystemExit(f"{name}: answers other than 200: {set(result['failures'])}")
            line = (f"{name:22} {result['requests']:8} {result['rps']:7.1f} "
                    f"{result['rps'] / args.workers:13.1f} {result['p50']:7.0f} "
                    f"{result['p95']:7.0f} {result['max']:7.0f} {result['cpu_ms']:10.0f} "
                    f"{1000 / result['cpu_ms']:10.1f} {logged:11.1f}")
            lines.append(line)
            print(line, flush=True)
        lines.append(f"load average after {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=60)
    sizes = ["", *size_report(args.database_url)]
    print("\n".join(sizes))
    lines += sizes
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve-postgresql.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
