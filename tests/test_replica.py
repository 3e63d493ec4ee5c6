"""Reports read from a real streaming replica; everything that writes stays on the primary.

A primary and a hot standby replaying it over streaming replication (``pg_replica``: a
``pg_basebackup`` of the test cluster when it accepts replication, else of a primary of the test's
own), then the production server exactly as documented (gunicorn with ``config/gunicorn.conf.py``,
two workers) with ``DATABASE_URL`` on the primary and ``DATABASE_REPLICA_URL`` on the standby,
and a team lead signing in through HTTP. The standby logs every statement: the report figures are
read there, the session, the sign-in throttling and the access log never are, and the standby
(read-only) never receives a write. A change made on the primary shows in a report once the
standby has replayed it, not before (replay paused); with the standby stopped the reports are
read from the primary.

PostgreSQL only (skipped on SQLite); the PostgreSQL server binaries must be present in CI.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from luotsi.common.tests.pg_replica import (
    TEST_APPLICATION,
    free_port,
    replica_pair,
    server_binaries,
)
from luotsi.common.tests.production import manage, production_env

HOST = "luotsi.example.fi"
MARK = "replica check"

pytestmark = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"]
                                != "django.db.backends.postgresql",
                                reason="a streaming replica needs PostgreSQL")


class Browser:
    """Enough of a browser for the test: cookies and the CSRF token of the sign-in form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://{HOST}/login/"}
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page = self.request("POST", "/login/", urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}))
        assert status == 302, page


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.stdout.read()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer within 60 s")


def app_statements(log: str) -> list[str]:
    """The statements the app (not this test's own connections) ran on the standby."""
    return [line.split("statement: ", 1)[1] for line in log.splitlines()
            if "statement: " in line and f"[{TEST_APPLICATION}]" not in line]


@pytest.fixture(scope="module")
def pair():
    if server_binaries() is None:
        reason = "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; the replica test must run in CI (CI=true)", pytrace=False)
        pytest.skip(reason)
    database_url = os.environ.get("DATABASE_URL", "")
    with replica_pair(database_url, f"luotsi_replica_{os.getpid()}") as started:
        yield started


@pytest.fixture(scope="module")
def server(pair, tmp_path_factory):
    port = free_port()
    env = production_env(tmp_path_factory.mktemp("replica")) | {
        "LUOTSI_DEMO": "1",  # the demo county and its sign-ins: the reports have figures
        "DATABASE_URL": pair.primary.url(),
        "DATABASE_REPLICA_URL": pair.standby.url(),
        "PORT": str(port),
        "LUOTSI_WORKERS": "2",
        "LUOTSI_LOG_FORMAT": "json",
    }
    for command in (("migrate", "--noinput", "-v", "0"), ("seed_demo", "--persons", "150")):
        result = manage(env, *command)
        assert result.returncode == 0, result.stdout + result.stderr
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen([gunicorn, "-c", "config/gunicorn.conf.py", "config.wsgi"],
                               cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(process, port)
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)


REPORTS = [
    "/reports/kpis/",
    "/reports/kpis/teams.csv",
    "/plans/effectiveness/",
    "/plans/effectiveness.csv",
    "/service-usage/indicators/",
    "/service-usage/indicators.csv",
]


def count(pair, sql: str) -> int:
    with pair.primary.connect(autocommit=True) as connection:
        return connection.execute(sql).fetchone()[0]


def test_reports_read_from_the_replica_and_writes_stay_on_the_primary(pair, server):
    _process, port = server
    browser = Browser(port)
    browser.sign_in("lead", "demo")
    before = len(pair.standby_statements())
    exports_before = count(pair, "SELECT count(*) FROM access_accesslogentry "
                                 "WHERE basis = 'research'")

    for path in REPORTS:
        status, body = browser.request("GET", path)
        assert status == 200, (path, body[:2000])
    status, body = browser.request("GET", "/plans/effectiveness/research.csv?purpose=Replica+study")
    assert status == 200, body[:2000]
    assert body.lstrip("\ufeff").startswith("# Luotsi AVAIN research file")

    served = app_statements(pair.standby_statements()[before:])
    tables = set(re.findall(r'(?:FROM|JOIN) "([a-z_]+)"', " ".join(served)))
    # The figures of every report were read on the standby: the key figures (contacts, advice),
    # the effectiveness report and the research file (plans, goals, ratings), the indicators
    # (service-usage flags) ...
    assert {"intake_contact", "intake_advicerecord", "plans_goal", "plans_rating",
            "sharedcare_sharedclient", "organisation_team"} <= tables, sorted(tables)
    # ... and nothing that decides a write was: sessions, sign-in throttling, the access log and
    # relationships, the rate limits' cache.
    assert not tables & {"django_session", "axes_accessattempt", "axes_accessfailurelog",
                         "access_accesslogentry", "access_clientrelationship",
                         "luotsi_cache"}, sorted(tables)
    assert not [s for s in served if re.match(r"\s*(INSERT|UPDATE|DELETE)", s)]
    # The research file's access-log record was written on the primary.
    assert count(pair, "SELECT count(*) FROM access_accesslogentry "
                       "WHERE basis = 'research'") == exports_before + 1
    assert count(pair, "SELECT count(*) FROM django_session") >= 1


def test_a_change_shows_in_the_report_after_the_replica_replays_it(pair, server):
    _process, port = server
    browser = Browser(port)
    browser.sign_in("lead", "demo")
    with pair.standby.connect(autocommit=True) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            with pair.primary.connect(autocommit=True) as primary:
                primary.execute("UPDATE organisation_team SET name_fi = name_fi || %s, "
                                "name_sv = name_sv || %s, name_en = name_en || %s",
                                [f" ({MARK})"] * 3)
            # Replay paused: the report is the replica's, which has not seen the change yet.
            status, body = browser.request("GET", "/reports/kpis/teams.csv")
            assert status == 200 and MARK not in body
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    pair.wait_for_replay()
    status, body = browser.request("GET", "/reports/kpis/teams.csv")
    assert status == 200 and MARK in body


def test_reports_read_the_primary_while_the_replica_is_down(pair, server):
    _process, port = server
    browser = Browser(port)
    browser.sign_in("lead", "demo")
    pair.stop_standby()
    for path in REPORTS:
        status, body = browser.request("GET", path)
        assert status == 200, (path, body[:2000])
