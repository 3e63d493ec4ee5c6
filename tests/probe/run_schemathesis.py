"""The outside probe of the API: schemathesis against the OpenAPI document of a seeded server.

    .venv/bin/python tests/probe/run_schemathesis.py [--max-examples N] [--timeout SECONDS]

1. seeds a fresh SQLite demo database in a temporary directory (``migrate``,
   ``seed_demo --scale small``) and makes API tokens of ``adult-sw``, a worker who has clients,
   and of the workers who call the operations ``adult-sw`` has no records in (``WORKERS``); the
   ids of the records each may see, read through the access gateway (persons, plan rows,
   shared clients, consultations, contacts, assessments, advice, professionals, teams), become
   schemathesis dictionaries of the path and body parameters that name them (used in most
   generated requests, ``BINDINGS``), so the operations work on real records too; the hooks
   of ``probe_hooks.py`` carry them into the coverage phase and pair a plan row with its person;
2. starts the server on a free loopback port (``runserver --noreload``; the API's rate limits
   raised so the probe measures the API, not the throttle);
3. runs schemathesis against ``/api/v1/openapi.json`` with every phase, positive and negative
   data, a bounded number of examples per operation and a hard time limit, checking that no
   answer is a server error and that each conforms to the document: status code, content type
   and response schema;
4. stops the server and prints one summary line::

       probe: operations=39 requests=3361 failures=0 not_found=698 seconds=367

   (``not_found``: the requests answered 404)

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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
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


# The records the probe's workers may see, printed by ``manage.py shell`` from the seeded database
# as named dictionaries of ids (each read through the gateway's rule for that worker): a
# generated id is one of them with this probability (else any id the document allows), so the
# operations work on real records too, not only answer 404.
REAL_ID_PROBABILITY = 0.6
# The persons whose plan rows (goals, sections, services, methods, factors, reviews) are offered
# to the operations that name a plan row in the body; schemathesis' dictionaries draw each value
# alone, and the probe's hook (probe_hooks.py) makes a real row one of the path person's own.
PAIRED_PERSONS = 10
REAL_IDS = """
import json
from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.foresight.selectors import forecast_teams
from luotsi.intake import selectors as intake
from luotsi.intake.models import AdviceRecord
from luotsi.organisation.models import Team, User
from luotsi.plans.models import Goal, GoalFactor, PlanMethod, PlanSection, PlanService, Review
from luotsi.sharedcare.selectors import consultations_for

def ids(queryset, n=40):
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:n])

def plan_rows(model, user, person, field="plan__person"):
    rows = gateway.filter_visible(model.objects.all(), user, person_field=field,
                                  category=Category.PLAN)
    return ids(rows.filter(**{field: person}), 20)

worker, intake_worker, expert = (User.objects.get(username=name) for name in %(users)r)
persons = ids(gateway.visible_persons(worker).filter(plan__isnull=False))
paired = ids(gateway.visible_persons(worker).filter(plan__goals__isnull=False).distinct(),
             %(paired)d)
rows = {person: {
    "goal_id": plan_rows(Goal, worker, person), "section_id": plan_rows(PlanSection, worker, person),
    "review_id": plan_rows(Review, worker, person),
    "item_id": {"goal": plan_rows(Goal, worker, person),
                "service": plan_rows(PlanService, worker, person),
                "method": plan_rows(PlanMethod, worker, person),
                "factor": plan_rows(GoalFactor, worker, person, "goal__plan__person")},
} for person in paired}

def every(field):
    return sorted({pk for row in rows.values() for pk in (
        sum(row[field].values(), []) if field == "item_id" else row[field])})

print(json.dumps({
    "persons": persons,
    "paired_persons": paired,
    "plan_rows": rows,
    "goals": every("goal_id"),
    "sections": every("section_id"),
    "items": every("item_id"),
    "reviews": every("review_id"),
    "shared_persons": ids(gateway.visible_persons(worker, Category.SHARED_CARE)
                          .filter(shared_client__isnull=False)),
    "consultations": ids(gateway.filter_visible(consultations_for(expert), expert,
                                                category=Category.SHARED_CARE), 20),
    "professionals": ids(User.objects.filter(is_active=True, teams__isnull=False).distinct()),
    "teams": ids(Team.objects.all()),
    "contacts": ids(intake.visible_contacts(intake_worker)),
    "assessments": ids(intake.visible_assessments(intake_worker)),
    "advice": ids(AdviceRecord.objects.filter(team__in=intake_worker.team_ids())),
    "children": ids(gateway.visible_persons(intake_worker, Category.INTAKE)),
    "intake_professionals": ids(User.objects.filter(
        is_active=True, teams__in=intake_worker.team_ids()).distinct()),
    "team_codes": [team.code for team in forecast_teams()],
}))
"""


# Who calls which operations, and where each dictionary goes. The worker (``USERNAME``) calls
# every operation but those of contacts, assessments and advice, which the intake worker calls
# (the worker has no clients there), the experts' consultations, answered by the nurse whom the
# seeded data asks, and the forecasts, which the team lead reads (only a lead may). Keys are
# schemathesis' parameters (``path.name``, ``body.field``, ``body.list[*]``).
WORKERS = {"worker": USERNAME, "intake": "intake", "expert": "nurse", "lead": "lead"}
PROFESSIONALS = ("coordinator_id", "named_worker_id", "owner_id", "expert_id",
                 "professional_ids[*]", "decisions[*].owner_id")
BINDINGS: list[tuple[str, str, dict[str, str]]] = [
    # (operations' path regex, "" for every operation; who calls them; parameter → dictionary)
    ("", "worker", {"path.person_id": "persons", "body.expert_team_id": "teams",
                    **{f"body.{field}": "professionals" for field in PROFESSIONALS}}),
    # A goal, step, rating or evaluation names a row of the person's plan in its body: only the
    # paired persons and their rows (probe_hooks.py pairs a real row with its person).
    (r"/clients/\{person_id\}/plan/(goals|steps|ratings|evaluations)$", "worker",
     {"path.person_id": "paired_persons", "body.goal_id": "goals", "body.section_id": "sections",
      "body.item_id": "items", "body.review_id": "reviews"}),
    (r"/shared-clients/\{person_id\}", "worker", {"path.person_id": "shared_persons"}),
    (r"/(contacts|assessments|advice)(/|$)", "intake",
     {"path.contact_id": "contacts", "path.assessment_id": "assessments",
      "path.advice_id": "advice", "body.advice_id": "advice",
      "body.persons[*].person_id": "children",
      **{f"body.{field}": "intake_professionals"
         for field in ("assignee_id", "pair_worker_id", "responsible_worker_id")}}),
    (r"/shared-clients/consultations", "expert", {"path.consultation_id": "consultations"}),
    (r"/foresight/teams/", "lead", {"path.code": "team_codes"}),
]


def _config(ids: dict, tokens: dict[str, str]) -> str:
    """schemathesis.toml: the real ids as dictionaries bound to the parameters, and the
    operations of another worker called with that worker's token."""
    used = {name for _regex, _who, binding in BINDINGS for name in binding.values() if ids[name]}
    lines = []
    for name in sorted(used):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(ids[name])}", ""]

    def parameters(binding: dict[str, str]) -> list[str]:
        return [f"{json.dumps(key)} = {{ dictionary = {json.dumps(name)}, "
                f"probability = {REAL_ID_PROBABILITY} }}"
                for key, name in binding.items() if name in used]

    (_all, _worker, everywhere), *scoped = BINDINGS
    lines += ["[parameters]", *parameters(everywhere), ""]
    for regex, who, binding in scoped:
        lines += ["[[operations]]", f"include-path-regex = {json.dumps(regex)}"]
        if who != "worker":
            lines.append(f"headers = {{ Authorization = {json.dumps('Bearer ' + tokens[who])} }}")
        lines += [f"parameters.{line}" for line in parameters(binding)]
        lines.append("")
    return "\n".join(lines)


def _operations(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        spec = json.load(response)
    return sum(len(item) for item in spec["paths"].values())


def _summary(ndjson: Path) -> tuple[int, int, int]:
    """(requests, failures, requests answered 404) from schemathesis' event stream."""
    requests = failures = not_found = 0
    if not ndjson.exists():
        return 0, 0, 0
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
        not_found += sum(1 for interaction in interactions.values()
                         if ((interaction or {}).get("response") or {}).get("status_code") == 404)
        for checks in ((body.get("recorder") or {}).get("checks") or {}).values():
            failures += sum(1 for check in checks if check.get("status") == "FAILURE")
    return requests, failures, not_found


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
        tokens = {who: _manage(env, "create_api_token", username, "--name", "probe")
                  .strip().splitlines()[-1] for who, username in WORKERS.items()}
        token = tokens["worker"]
        script = REAL_IDS % {"users": (USERNAME, WORKERS["intake"], WORKERS["expert"]),
                             "paired": PAIRED_PERSONS}
        ids = json.loads(_manage(env, "shell", "-c", script).strip().splitlines()[-1])
        (work / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
        (work / "schemathesis.toml").write_text(_config(ids, tokens), encoding="utf-8")
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
            hooks = {"SCHEMATHESIS_HOOKS": str(HERE / "probe_hooks.py"),
                     "LUOTSI_PROBE_IDS": str(work / "ids.json"), "PYTHONPATH": str(HERE)}
            run = subprocess.run(command, cwd=work, env={**os.environ, **hooks},
                                 timeout=options.timeout, check=False)
            code, timed_out = run.returncode, False
        except subprocess.TimeoutExpired:
            code, timed_out = 1, True
        requests, failures, not_found = _summary(ndjson)
        if code != 0 and failures == 0 and not timed_out:
            failures = 1  # schemathesis failed otherwise (errors, unreachable operations)
        print(f"probe: operations={operations} requests={requests} failures={failures} "
              f"not_found={not_found} seconds={time.monotonic() - started:.0f}"
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
