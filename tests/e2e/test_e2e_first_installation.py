"""docs/operations.md, "First installation, step by step", followed on PostgreSQL outside demo
mode: the database and its two roles, the environment, migrations as the owner, the access log
taken back from the runtime role, static files, the deployment check, the example organisation
file loaded, the production server started as documented, and a social worker of the file
signed in through a real OpenID Connect provider (``oidc_provider.py``) to the home page.

The county's TLS proxy is played by the test's HTTP client: requests to Luotsi carry
``X-Forwarded-Proto: https``, Luotsi's ``https://`` addresses are fetched on loopback and its
secure cookies are sent back."""

from __future__ import annotations

import re
import secrets
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import psycopg
import pytest
import requests
from django.conf import settings
from django.db import connection
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

from luotsi.common.tests.production import collected_static_root, manage, production_env
from luotsi.home.tests.test_production_server import (
    free_port,
    gunicorn_command,
    wait_until_serving,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the first installation is on PostgreSQL: run with "
                              "DATABASE_URL=postgres://…"),
]

OPERATIONS = Path(settings.BASE_DIR) / "docs" / "operations.md"
EXAMPLE = Path(settings.BASE_DIR) / "docs" / "organisation-example.yaml"


def _superuser(dbname: str) -> psycopg.Connection:
    """A connection as the test run's own PostgreSQL role (a superuser, as step 2 needs)."""
    params = connection.settings_dict
    return psycopg.connect(host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432,
                           user=params["USER"], password=params["PASSWORD"] or None,
                           dbname=dbname, autocommit=True)


def _step_two_sql() -> tuple[list[str], list[str]]:
    """Step 2's SQL as the document gives it: the statements before and after ``\\c luotsi``."""
    text = OPERATIONS.read_text(encoding="utf-8")
    block = text.split("2. **Create the database", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    before, after = block.split("\\c luotsi", 1)
    statements = [" ".join(s.split()) for s in " ".join(before.split()).split(";")]
    later = [" ".join(s.split()) for s in after.split(";")]
    return [s for s in statements if s], [s for s in later if s]


def _documented(command: str) -> None:
    """The command run is the one the document gives (names of database and roles aside)."""
    assert command in OPERATIONS.read_text(encoding="utf-8"), command


@pytest.fixture
def county_database():
    """Step 2 with names of this run: a database and its owner and runtime roles, dropped after."""
    suffix = secrets.token_hex(4)
    names = {"luotsi_owner": f"luotsi_owner_{suffix}", "luotsi_app": f"luotsi_app_{suffix}",
             "luotsi": f"luotsi_first_{suffix}"}
    passwords = {"owner-password": secrets.token_urlsafe(16),
                 "app-password": secrets.token_urlsafe(16)}

    def named(statement: str) -> str:
        for old, new in (*passwords.items(), *names.items()):
            statement = re.sub(rf"\b{re.escape(old)}\b", new, statement)
        return statement

    before, after = _step_two_sql()
    with _superuser(connection.settings_dict["NAME"]) as admin:
        for statement in before:
            admin.execute(named(statement))
    with _superuser(names["luotsi"]) as admin:
        for statement in after:
            admin.execute(named(statement))
    params = connection.settings_dict
    server = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    yield {
        "owner_url": f"postgres://{names['luotsi_owner']}:{passwords['owner-password']}@"
                     f"{server}/{names['luotsi']}",
        "app_url": f"postgres://{names['luotsi_app']}:{passwords['app-password']}@"
                   f"{server}/{names['luotsi']}",
        "owner": names["luotsi_owner"], "app": names["luotsi_app"], "database": names["luotsi"],
    }
    with _superuser(connection.settings_dict["NAME"]) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{names["luotsi"]}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{names["luotsi_app"]}"')
        admin.execute(f'DROP ROLE IF EXISTS "{names["luotsi_owner"]}"')


def _browse(session: requests.Session, site: str, url: str, method: str = "GET",
            data: dict | None = None) -> tuple[requests.Response, str]:
    """Fetch ``url`` and follow its redirects as a browser behind the TLS proxy would."""
    loopback = site.replace("https://", "http://", 1)
    for _hop in range(20):
        target = url.replace(site, loopback, 1) if url.startswith(site) else url
        headers = {"X-Forwarded-Proto": "https"} if target.startswith(loopback) else {}
        answer = session.request(method, target, data=data, headers=headers,
                                 allow_redirects=False, timeout=30)
        for cookie in session.cookies:  # the TLS proxy's side: secure cookies go back on loopback
            cookie.secure = False
        if answer.status_code not in (301, 302, 303, 307, 308):
            return answer, url
        url = urljoin(url, answer.headers["Location"])
        if answer.status_code in (301, 302, 303):
            method, data = "GET", None
    raise AssertionError("too many redirects")


def test_first_installation__organisation_file_to_a_signed_in_social_worker(county_database,
                                                                            tmp_path):
    port = free_port()
    site = f"https://127.0.0.1:{port}"
    provider = Provider(f"{site}/auth/oidc/callback/", f"{site}/login/")
    server = None
    try:
        # Steps 3 and 4: the provider knows Luotsi; the environment of .env.
        env = production_env(tmp_path) | {
            "DATABASE_URL": county_database["app_url"],
            "LUOTSI_ALLOWED_HOSTS": "127.0.0.1",
            "LUOTSI_BEHIND_TLS_PROXY": "1",
            "LUOTSI_OIDC_ISSUER": provider.issuer,
            "LUOTSI_OIDC_CLIENT_ID": CLIENT_ID,
            "LUOTSI_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "LUOTSI_STATIC_ROOT": str(collected_static_root()),  # step 6's collectstatic
            "PORT": str(port),
            "LUOTSI_WORKERS": "2",
        }
        # Step 5: migrations as the owner; the access log taken back from the runtime role.
        _documented("manage.py migrate --noinput")
        migrated = manage(env | {"DATABASE_URL": county_database["owner_url"]},
                          "migrate", "--noinput", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        revoke = ("REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON access_accesslogentry "
                  "FROM luotsi_app")
        _documented(revoke)
        with psycopg.connect(county_database["owner_url"].replace("postgres://", "postgresql://"),
                             autocommit=True) as owner:
            owner.execute(revoke.replace("luotsi_app", county_database["app"]))
        # Step 6: the deployment check, as the runtime role.
        _documented(".venv/bin/python manage.py check --deploy")
        checked = manage(env, "check", "--deploy", "--fail-level", "ERROR")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        # Step 7: the organisation file, checked and loaded.
        _documented("manage.py load_organisation /etc/luotsi/organisation.yaml --dry-run")
        dry = manage(env, "load_organisation", str(EXAMPLE), "--dry-run")
        assert dry.returncode == 0 and "Dry run: nothing was saved." in dry.stdout, dry.stderr
        loaded = manage(env, "load_organisation", str(EXAMPLE))
        assert loaded.returncode == 0, loaded.stderr
        assert "created professional sanna.virtanen" in loaded.stdout
        # Step 8: the production server.
        _documented("make serve")
        server = subprocess.Popen(gunicorn_command(), cwd=settings.BASE_DIR, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_until_serving(server, port)
        browser = requests.Session()
        ready, _url = _browse(browser, site, f"{site}/readyz")
        assert ready.json() == {"status": "ready"}
        # Step 9: the social worker signs in through the provider.
        login, _url = _browse(browser, site, f"{site}/login/")
        assert login.status_code == 200 and 'href="/auth/oidc/login/' in login.text
        form_page, at = _browse(browser, site, f"{site}/auth/oidc/login/")
        assert at.startswith(provider.issuer), at
        action = re.search(r'<form[^>]*action="([^"]+)"', form_page.text).group(1)
        home, at = _browse(browser, site, urljoin(at, action), "POST",
                           {"prompt": "login", "login": "sanna.virtanen", "password": "x"})
        if at != f"{site}/":
            server.terminate()
            raise AssertionError(f"{at}: {server.communicate(timeout=30)[0][-3000:]}")
        assert home.status_code == 200
        assert "Sanna Virtanen" in home.text
        assert 'action="/logout/"' in home.text
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        provider.stop()
