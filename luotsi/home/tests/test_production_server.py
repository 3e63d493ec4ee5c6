"""The production server started exactly as docs/operations.md says: `manage.py migrate`,
`manage.py collectstatic --noinput`, then gunicorn with config/gunicorn.conf.py, outside demo mode,
on a free loopback port. Pages, static files, readiness and the JSON logs are read through it."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from luotsi.common.tests.production import collected_static_root, manage, production_env

HOST = "luotsi.example.fi"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command() -> list[str]:
    """The documented command: `gunicorn -c config/gunicorn.conf.py config.wsgi` (make serve)."""
    return [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.conf.py",
            "config.wsgi"]


def get(port: int, path: str, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https",
                                                  **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start listening within 60 s")


@pytest.fixture
def production_server(tmp_path):
    """Migrated temporary SQLite database, collected static files, gunicorn on a free port."""
    port = free_port()
    env = production_env(tmp_path) | {
        "LUOTSI_STATIC_ROOT": str(collected_static_root()),
        "PORT": str(port),
        "LUOTSI_WORKERS": "2",
        "LUOTSI_BEHIND_TLS_PROXY": "1",  # the county's TLS proxy sets X-Forwarded-Proto
        "LUOTSI_LOG_FORMAT": "json",
    }
    migrated = manage(env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    server = subprocess.Popen(gunicorn_command(), cwd=settings.BASE_DIR, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(server, port)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_server__serves_login_page_static_files_and_readiness(production_server):
    server, port = production_server

    status, _headers, body = get(port, "/login/")
    assert status == 200
    page = body.decode()
    assert 'name="username"' in page
    # whitenoise's manifest: the stylesheet has a content hash in its name and is served by the
    # app process itself, compressed when asked, cached for good.
    stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert stylesheet.startswith("/static/css/luotsi.") and stylesheet.endswith(".css")
    assert stylesheet != "/static/css/luotsi.css"
    status, headers, css = get(port, stylesheet, {"Accept-Encoding": "gzip"})
    assert status == 200 and css
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")

    status, _headers, body = get(port, "/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ready"})
    status, _headers, body = get(port, "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    # A page that is not there is logged as one JSON line carrying the request id, without the
    # query string (search terms can be names or identity codes).
    status, headers, _body = get(port, "/no-such-page/?q=Virtanen+010101-123N",
                                 {"X-Request-ID": "req-serve-test-0001"})
    assert status == 404 and headers["X-Request-ID"] == "req-serve-test-0001"
    server.terminate()
    output, _ = server.communicate(timeout=30)
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    not_found = [record for record in records if record.get("request_id") == "req-serve-test-0001"]
    assert not_found and not_found[0]["level"] == "WARNING", output
    assert "/no-such-page/" in not_found[0]["message"]
    assert "Virtanen" not in output and "010101" not in output


def test_production_server__not_ready_while_a_migration_is_unapplied(tmp_path):
    """The database answers but the code is newer than its schema: 503, naming the migration."""
    env = production_env(tmp_path) | {"LUOTSI_SSL_REDIRECT": "0"}
    assert manage(env, "migrate", "--noinput", "-v", "0").returncode == 0
    assert manage(env, "migrate", "organisation", "0002", "--noinput", "-v", "0").returncode == 0
    result = manage(env, "shell", "-c", READYZ_PROBE)
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503", result.stdout + result.stderr
    reply = json.loads(body)
    assert reply["reason"] == "migrations not applied"
    assert "organisation.0003_user_manager_admin_role" in reply["pending"]


def test_production_server__not_ready_when_the_database_is_unreachable(tmp_path):
    env = production_env(tmp_path) | {
        "LUOTSI_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://luotsi@127.0.0.1:{free_port()}/luotsi",  # nothing listens
    }
    result = manage(env, "shell", "-c", READYZ_PROBE)
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503", result.stdout + result.stderr
    assert json.loads(body)["reason"] == "database unreachable"


# Asks /readyz through Django's request handling in the child process (its own settings).
READYZ_PROBE = (
    "from django.test import Client; "
    "r = Client(HTTP_HOST='luotsi.example.fi').get('/readyz'); "
    "print(r.status_code, r.content.decode())"
)


# whitenoise says at start that the static root does not exist yet: that is the case tested
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_login_page_served_before_collectstatic(client, settings, tmp_path, db):
    """No manifest yet (collectstatic not run): the login page answers, with unhashed static
    URLs, instead of a 500; the deploy check names what to run (the deploy checks read the
    database too: on PostgreSQL, the access log's runtime role)."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "luotsi.common.staticfiles.LuotsiStaticFilesStorage"}}
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'href="/static/css/luotsi.css"' in response.content.decode()
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", deploy=True, fail_level="ERROR", verbosity=0)
    assert "luotsi.E010" in str(failed.value) and "collectstatic" in str(failed.value)


def test_collected_static_files_are_strict(client, settings):
    """Once collectstatic has run, the manifest is used and a file missing from it is an error."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    settings.STATIC_ROOT = collected_static_root()
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "luotsi.common.staticfiles.LuotsiStaticFilesStorage"}}
    assert staticfiles_storage.url("css/luotsi.css") != "/static/css/luotsi.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("css/no-such-file.css")
