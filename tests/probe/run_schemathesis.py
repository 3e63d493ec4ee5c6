"""The outside probe of the API: schemathesis against the OpenAPI document of a seeded server.

    .venv/bin/python tests/probe/run_schemathesis.py [--max-examples N] [--timeout SECONDS]

1. seeds a fresh SQLite demo database in a temporary directory (``migrate``,
   ``seed_demo --scale small``) and makes an API token of ``adult-sw``, a worker who has clients;
   the ids of the clients and consultations that worker may see become schemathesis
   dictionaries of the path parameters (used in most generated requests), so the operations
   work on real data too;
2. starts the server on a free loopback port (``runserver --noreload``; the API's rate limits
   raised so the probe measures the API, not the throttle);
3. runs schemathesis against ``/api/v1/openapi.json`` with every phase, positive and negative
   data, a bounded number of examples per operation and a hard time limit, checking that no
   answer is a server error and that each conforms to the document: status code, content type
   and response schema;
4. stops the server and prints one summary line::

       probe: operations=29 requests=1834 failures=0 seconds=171

Exits non-zero on any failure, on a run that did not finish in time, or when the server did not
start. ``.ci/run`` runs it after the suites; the JUnit report and the server's log are kept in
``var/probe/`` for a failing run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")
USERNAME = "adult-sw"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"probe: manage.py {' '.join(args)} failed")
    return result.stdout


def _wait_for(url: str, seconds: float, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("probe: the server stopped before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"probe: the server did not answer {url} in {seconds:.0f} s")


# The ids the probe's worker may see, printed by ``manage.py shell`` from the seeded database: a
# generated path id is one of them with this probability (else any id the document allows), so
# the operations work on real clients too, not only answer 404.
REAL_ID_PROBABILITY = 0.6
REAL_IDS = f"""
import json
from luotsi.access import gateway
from luotsi.organisation.models import User
from luotsi.sharedcare.models import Consultation
user = User.objects.get(username={USERNAME!r})
persons = list(gateway.visible_persons(user).filter(plan__isnull=False)
               .order_by("pk").values_list("pk", flat=True)[:40])
consultations = list(Consultation.objects.filter(expert=user).order_by("pk")
                     .values_list("pk", flat=True)[:20])
print(json.dumps({{"person_id": persons, "consultation_id": consultations}}))
"""


def _config(ids: dict[str, list[int]]) -> str:
    """schemathesis.toml: real ids as dictionaries of the path parameters."""
    lines = []
    for name, values in ids.items():
        if values:
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for name, values in ids.items():
        if values:
            lines.append(f'"path.{name}" = {{ dictionary = "{name}", '
                         f"probability = {REAL_ID_PROBABILITY} }}")
    return "\n".join(lines) + "\n"


def _operations(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        spec = json.load(response)
    return sum(len(item) for item in spec["paths"].values())


def _summary(ndjson: Path) -> tuple[int, int]:
    """(requests, failures) from schemathesis' event stream."""
    requests = failures = 0
    if not ndjson.exists():
        return 0, 0
    for line in ndjson.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        (kind, body), = event.items() if len(event) == 1 else (("", {}),)
        if kind != "ScenarioFinished":
            continue
        interactions = (body.get("recorder") or {}).get("interactions") or {}
        requests += len(interactions)
        for checks in ((body.get("recorder") or {}).get("checks") or {}).values():
            failures += sum(1 for check in checks if check.get("status") == "FAILURE")
    return requests, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=10,
                        help="test cases per operation and phase (default 10)")
    parser.add_argument("--timeout", type=int, default=300,
                        help="hard limit of the schemathesis run in seconds (default 300)")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis' random seed")
    parser.add_argument("--phases", default="",
                        help="schemathesis' phases, comma-separated (default: all)")
    options = parser.parse_args()

    keep = ROOT / "var" / "probe"
    keep.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="luotsi-probe-"))
    env = {**os.environ, "LUOTSI_DEMO": "1", "LUOTSI_DEBUG": "0",
           "DATABASE_URL": f"sqlite:///{work / 'probe.sqlite3'}",
           "LUOTSI_API_TOKEN_RATE": "100000/min", "LUOTSI_API_ADDRESS_RATE": "100000/min",
           "LUOTSI_API_REFUSED_RATE": "100000/min", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    server = None
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_demo", "--scale", "small")
        token = _manage(env, "create_api_token", USERNAME, "--name", "probe") \
            .strip().splitlines()[-1]
        ids = json.loads(_manage(env, "shell", "-c", REAL_IDS).strip().splitlines()[-1])
        (work / "schemathesis.toml").write_text(_config(ids), encoding="utf-8")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = (keep / "server.log").open("w", encoding="utf-8")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for(f"{base}/healthz", 60, server)
        operations = _operations(f"{base}/api/v1/openapi.json")

        ndjson = work / "events.ndjson"
        command = [
            str(BIN / "schemathesis"), "run", f"{base}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {token}",
            "--checks", CHECKS, "--max-examples", str(options.max_examples),
            "--workers", "1", "--request-timeout", "30", "--no-color",
            *(["--phases", options.phases] if options.phases else []),
            "--generation-database", "none", "--suppress-health-check", "all",
            "--report", "junit,ndjson", "--report-junit-path", str(keep / "junit.xml"),
            "--report-ndjson-path", str(ndjson)]
        if options.seed is not None:
            command += ["--seed", str(options.seed)]
        try:
            run = subprocess.run(command, cwd=work, timeout=options.timeout, check=False)
            code, timed_out = run.returncode, False
        except subprocess.TimeoutExpired:
            code, timed_out = 1, True
        requests, failures = _summary(ndjson)
        if code != 0 and failures == 0 and not timed_out:
            failures = 1  # schemathesis failed otherwise (errors, unreachable operations)
        print(f"probe: operations={operations} requests={requests} failures={failures} "
              f"seconds={time.monotonic() - started:.0f}"
              + (" (timed out)" if timed_out else ""), flush=True)
        return 0 if code == 0 and not timed_out else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
