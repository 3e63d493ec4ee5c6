"""deploy/: the systemd units name commands that exist with options they accept, run the server as
`make serve` does, pass `systemd-analyze verify`, and the two scripts they start work end to end."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
SERVICES = sorted(DEPLOY.glob("*.service"))
TIMERS = sorted(DEPLOY.glob("*.timer"))
SCRIPTS = sorted(DEPLOY.glob("*.sh"))
MANAGE = re.compile(r"manage\.py\s+([a-z_]+)([^|;&]*)")
SUBSTITUTION = re.compile(r'"\$\((?:[^()]|\([^()]*\))*\)"')  # "$(...)": one value


def _exec_lines(unit: Path) -> list[str]:
    return [line.partition("=")[2] for line in unit.read_text().splitlines()
            if line.startswith("ExecStart=")]


def _manage_calls(text: str) -> list[tuple[str, list[str]]]:
    """Each `manage.py COMMAND ARGS` on a line of a unit or script (comments aside), a shell
    expression standing for one value."""
    calls = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for match in MANAGE.finditer(line):
            rest = SUBSTITUTION.sub("VALUE", match.group(2)).partition(")")[0]
            args = ["VALUE" if "$" in a else a for a in shlex.split(rest)]
            calls.append((match.group(1), args))
    return calls


def _all_calls() -> list[tuple[str, str, list[str]]]:
    calls = []
    for path in [*SERVICES, *SCRIPTS]:
        text = "\n".join(_exec_lines(path)) if path.suffix == ".service" else path.read_text()
        calls += [(path.name, name, args) for name, args in _manage_calls(text)]
    return calls


def test_the_units_cover_the_server_and_every_job():
    names = {p.name for p in SERVICES}
    assert names == {"luotsi.service", "luotsi-sweep.service", "luotsi-outbox.service",
                     "luotsi-import.service", "luotsi-purge.service",
                     "luotsi-access-log-anchor.service", "luotsi-forecast.service"}
    # Every job has its timer, and every timer starts its own service.
    assert {p.stem for p in TIMERS} == {p.stem for p in SERVICES} - {"luotsi"}
    commands = {name for _unit, name, _args in _all_calls()}
    assert commands >= {"sweep_deadlines", "send_outbox", "import_service_events",
                        "identify_shared_clients", "purge", "verify_access_log",
                        "access_log_anchor", "forecast"}


def test_every_command_the_units_name_exists_and_accepts_its_options():
    calls = _all_calls()
    assert calls
    for unit, name, args in calls:
        app = get_commands().get(name)
        assert app is not None, f"{unit}: manage.py {name} does not exist"
        parser = load_command_class(app, name).create_parser("manage.py", name)
        parser.parse_args(args)
    for name in sorted({name for _unit, name, _args in calls}):
        done = subprocess.run([PYTHON, "manage.py", "help", name], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "LUOTSI_DEMO": "1"})
        assert done.returncode == 0, f"manage.py help {name}: {done.stderr}"
        assert f"usage: manage.py {name}" in done.stdout


def test_the_server_unit_runs_what_make_serve_runs():
    [exec_start] = _exec_lines(DEPLOY / "luotsi.service")
    make_serve = re.search(r"^serve:.*\n\t\$\(BIN\)/(.+)$", (ROOT / "Makefile").read_text(),
                           re.M).group(1)
    assert exec_start == f"/srv/luotsi/.venv/bin/{make_serve}"
    assert exec_start.endswith("gunicorn -c config/gunicorn.conf.py config.wsgi")
    assert all((DEPLOY / p.name).stat().st_mode & 0o111 for p in SCRIPTS)


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_serve_only_serves():
    """docs/operations.md: `make serve` neither installs nor migrates; a production checkout has
    requirements.lock alone, and the development tools and the test provider stay off it however
    new the lock files are."""
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-W", "requirements.lock", "-W",
                          "requirements-dev.lock", "-W", "tests/oidc/package-lock.json", "serve"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert dry.stdout.splitlines() == [".venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # The units as installed in this checkout: the same files with its paths.
    env_file = tmp_path / "luotsi.env"
    env_file.write_text("LUOTSI_DEMO=1\n")
    for unit in [*SERVICES, *TIMERS]:
        text = unit.read_text().replace("/srv/luotsi", str(ROOT)).replace(
            "-/etc/luotsi/luotsi.env", f"-{env_file}")
        (tmp_path / unit.name).write_text(text)
    if not (ROOT / ".venv" / "bin" / "gunicorn").exists():
        pytest.skip("no .venv in this checkout")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no",
                           *sorted(str(p) for p in [*tmp_path.glob("*.service"),
                                                    *tmp_path.glob("*.timer")])],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@pytest.fixture(scope="module")
def job_database(tmp_path_factory):
    """A migrated SQLite database of its own, for the scripts run as the timers run them."""
    path = tmp_path_factory.mktemp("jobs") / "luotsi.sqlite3"
    env = {**os.environ, "LUOTSI_DEMO": "1", "DATABASE_URL": f"sqlite:///{path}",
           "LUOTSI_PYTHON": PYTHON, "LUOTSI_LOG_FORMAT": "plain"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    return env


def _run(script: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEPLOY / script)], cwd="/", env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_anchor_script_verifies_against_the_last_anchor_and_moves_it(job_database, tmp_path):
    env = {**job_database, "LUOTSI_ANCHOR_FILE": str(tmp_path / "anchor")}

    first = _run("access-log-anchor.sh", env)
    assert first.returncode == 0, first.stderr
    assert "No earlier anchor" in first.stdout
    empty_anchor = (tmp_path / "anchor").read_text().strip()
    assert empty_anchor.startswith("0:")

    # A professional's record is written; the next run verifies against yesterday's anchor.
    subprocess.run([PYTHON, "manage.py", "shell", "-c",
                    "from luotsi.access import log; from luotsi.organisation.models import User;"
                    "u = User.objects.create_user('iris', role='social_worker');"
                    "log.record(u, person_id=None, category='plan', action='export',"
                    " basis='none', outcome='allowed', detail='x')"],
                   cwd=ROOT, env=job_database, check=True, timeout=120)
    second = _run("access-log-anchor.sh", env)
    assert second.returncode == 0, second.stderr
    assert f"holds the anchor {empty_anchor}" in second.stdout
    anchor = (tmp_path / "anchor").read_text().strip()
    assert anchor.startswith("1:") and second.stdout.strip().endswith(anchor)

    # An anchor the log does not hold (a rewritten record, a restored older database) fails the
    # run, and the file keeps the anchor to investigate against.
    forged = "1:" + "0" * 64
    (tmp_path / "anchor").write_text(forged + "\n")
    third = _run("access-log-anchor.sh", env)
    assert third.returncode != 0
    assert "does not match the anchor" in third.stderr
    assert (tmp_path / "anchor").read_text().strip() == forged


def test_the_import_script_imports_moves_keeps_failures_and_identifies(job_database, tmp_path):
    incoming = tmp_path / "import"
    incoming.mkdir()
    (incoming / "2026-06-01-broken.csv").write_text("not;a;service;event\n1;2;3;4\n")
    env = {**job_database, "LUOTSI_IMPORT_DIR": str(incoming)}

    done = _run("import-daily.sh", env)

    assert done.returncode == 1
    assert "import of 2026-06-01-broken.csv failed" in done.stderr
    assert (incoming / "2026-06-01-broken.csv").exists()
    # The identification ran all the same, and runs alone once the folder is empty.
    (incoming / "2026-06-01-broken.csv").unlink()
    done = _run("import-daily.sh", env)
    assert done.returncode == 0, done.stderr
    assert (incoming / "done").is_dir()
