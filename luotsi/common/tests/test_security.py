"""Security headers, CSRF, the deployment check in production settings and the idle timeout."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from luotsi.common.tests.production import collected_static_root, manage, production_env
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


PAGES = ["/login/", "/", "/persons/", "/persons/new/", "/persons/{id}/", "/persons/emergency/",
         "/no-such-page/"]


@pytest.mark.parametrize("page", PAGES)
def test_security__headers_on_pages(client, alice, client_person, case, page):
    if page != "/login/":
        client.force_login(alice)
    response = client.get(page.format(id=client_person.pk))
    assert response.status_code in (200, 404)
    policy = response["Content-Security-Policy"]
    directives = _directives(policy)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_security__no_inline_scripts_or_styles_in_pages(client, alice, client_person, case):
    """The CSP forbids inline code, so the pages must not need any."""
    client.force_login(alice)
    for page in ("/", f"/persons/{client_person.pk}/", "/persons/new/"):
        html = client.get(page).content.decode().lower()
        assert "<script>" not in html
        assert "<style" not in html
        assert " style=" not in html
        assert " onclick=" not in html and " onload=" not in html


def test_security__api_responses_carry_the_headers(client):
    response = client.get("/api/v1/openapi.json")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_security__home_page_for_signed_in_worker(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "Alice Aalto" in response.content.decode()


def test_security__health_check_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- CSRF ----------------------------------------------------------------------------------


def test_security__csrf_enforced_on_forms(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/persons/new/", {"last_name": "Csrf", "temporary": "on",
                                              "language": "fi"})
    assert response.status_code == 403
    assert not Person.objects.filter(last_name="Csrf").exists()


def test_security__csrf_token_lets_the_form_through(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    page = browser.get("/persons/new/")
    token = page.context["csrf_token"]
    response = browser.post("/persons/new/", {"last_name": "Csrf", "temporary": "on",
                                              "language": "fi", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Person.objects.filter(last_name="Csrf").exists()


def test_security__csrf_enforced_on_login_and_logout(alice):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/login/", {"username": "alice", "password": "x"},
                        REMOTE_ADDR="10.0.0.1").status_code == 403
    browser.force_login(alice)
    assert browser.post("/logout/").status_code == 403
    assert browser.get("/").status_code == 200  # still signed in


def test_security__logout_needs_post(client, alice):
    client.force_login(alice)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


# --- deployment check ----------------------------------------------------------------------


def test_security__deploy_check_passes_in_production(tmp_path):
    env = production_env(tmp_path) | {"LUOTSI_STATIC_ROOT": str(collected_static_root())}
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_security__deploy_check_asks_for_collectstatic(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy")
    assert result.returncode != 0
    assert "luotsi.E010" in result.stderr
    assert "collectstatic" in result.stderr


def test_security__deploy_check_refuses_demo_mode(tmp_path):
    env = production_env(tmp_path) | {"LUOTSI_DEMO": "1"}
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "luotsi.E001" in result.stdout + result.stderr


def test_security__production_needs_the_keys(tmp_path):
    env = production_env(tmp_path)
    del env["LUOTSI_PERSONAL_DATA_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "LUOTSI_PERSONAL_DATA_KEY" in result.stderr


DEMO_SECRET = "demo-only-insecure-secret-never-use-with-real-data-0123456789abcdef"
DEMO_ACCESS_LOG_KEY = "demo-only-access-log-key-never-use-with-real-data-0123456789abcdef"


@pytest.mark.parametrize("variable", ["LUOTSI_SECRET_KEY", "LUOTSI_PERSONAL_DATA_KEY",
                                      "LUOTSI_ACCESS_LOG_KEY"])
@pytest.mark.parametrize("value, reason", [
    (DEMO_SECRET, "published value"),
    (DEMO_ACCESS_LOG_KEY, "published value"),
    ("django-insecure-" + "k" * 60, "published value"),
    ("Sh0rt-but-random-19", "shorter than"),
    ("abab" * 20, "different characters"),
])
def test_security__published_or_short_key_refused_at_start(tmp_path, variable, value, reason):
    result = manage(production_env(tmp_path) | {variable: value}, "check", "--deploy")
    assert result.returncode != 0
    assert f"{variable} must be a secret" in result.stderr
    assert reason in result.stderr
    assert "secrets.token_urlsafe(48)" in result.stderr  # how to make one


def test_security__deploy_check_names_a_key_that_is_no_key(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.DEMO_MODE = False
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    settings.PERSONAL_DATA_KEY = "x" * 64
    settings.ACCESS_LOG_KEY = secrets.token_urlsafe(48)
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", deploy=True, fail_level="ERROR", verbosity=0)
    assert "luotsi.E003" in str(failed.value)
    assert "PERSONAL_DATA_KEY is no key" in str(failed.value)
    assert "SECRET_KEY is no key" not in str(failed.value).replace("PERSONAL_DATA_KEY", "")


# --- idle timeout --------------------------------------------------------------------------


def test_security__idle_timeout_is_thirty_minutes():
    assert settings.IDLE_TIMEOUT_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ENGINE == "luotsi.common.sessions"
    from config import settings as project_settings  # the value before the tests' override

    assert project_settings.SESSION_REFRESH_SECONDS == 60


def _session_writes(client, path="/"):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries
            if q["sql"].startswith(("UPDATE \"django_session\"", "INSERT INTO \"django_session\""))]


def test_security__session_expiry_is_written_once_a_minute(client, alice, settings):
    """A page moments after the previous one costs no session write; after a minute the expiry
    is moved forward, and the idle timeout counts from that write."""
    settings.SESSION_REFRESH_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        assert _session_writes(client) == []
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert len(_session_writes(client)) == 1
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        assert _session_writes(client) == []
    with time_machine.travel(start + timedelta(seconds=61, minutes=30) - timedelta(seconds=1)):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(seconds=61 + 59, minutes=60)):
        response = client.get("/persons/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/persons/"


def test_security__session_expires_after_idle_timeout(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get("/persons/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/persons/"
        assert not response.wsgi_request.user.is_authenticated


def test_security__activity_keeps_the_session(client, alice):
    client.force_login(alice)
    start = timezone.now()
    for minutes in (20, 40, 60):  # a request every 20 minutes: never idle for 30
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=60 + 31)):
        assert client.get("/").status_code == 302


def test_security__session_ends_at_its_absolute_lifetime(client, alice):
    """However active, a session ends SESSION_MAX_HOURS (10) after its sign-in."""
    assert settings.SESSION_MAX_HOURS == 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
    for minutes in range(20, 10 * 60, 20):  # a request every 20 minutes: never idle
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=10, minutes=1), tick=False):
        response = client.get("/persons/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/persons/"
        assert "_auth_user_id" not in client.session


def test_security__a_new_sign_in_starts_a_new_lifetime(client, alice, settings):
    settings.SESSION_MAX_HOURS = 1
    settings.SESSION_COOKIE_AGE = 3 * 3600  # no idle timeout in the way
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert client.get("/").status_code == 200
        client.force_login(alice)
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=59 + 61), tick=False):
        assert client.get("/").status_code == 302


# --- Cache-Control: no-store ---------------------------------------------------------------

CLIENT_DATA_PAGES = ["/", "/persons/", "/persons/{id}/", "/intake/queue/", "/intake/my-work/",
                     "/plans/", "/shared-clients/candidates/", "/shared-clients/consultations/"]


@pytest.mark.parametrize("page", CLIENT_DATA_PAGES)
def test_security__signed_in_pages_are_never_stored(client, alice, client_person, case, page):
    client.force_login(alice)
    response = client.get(page.format(id=client_person.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_security__person_search_answer_is_never_stored(client, alice, client_person, case):
    client.force_login(alice)
    response = client.post("/persons/", {"name": "Asiakas"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_security__api_answers_are_never_stored(client, alice, client_person, case):
    from luotsi.api.models import ApiToken

    _record, token = ApiToken.issue(alice)
    ok = client.get(f"/api/v1/persons/{client_person.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    assert ok["Cache-Control"] == "no-store"
    refused = client.get(f"/api/v1/persons/{client_person.pk}")
    assert refused.status_code == 401
    assert refused["Cache-Control"] == "no-store"


def test_security__static_files_may_be_cached(client, alice):
    client.force_login(alice)
    static = client.get("/static/css/luotsi.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


@override_settings(ROOT_URLCONF="luotsi.common.tests.cache_urls")
def test_security__a_view_may_opt_out_of_no_store(client, alice):
    client.force_login(alice)
    assert client.get("/public/")["Cache-Control"] == "private, max-age=60"
    assert client.get("/plain/")["Cache-Control"] == "no-store"


def test_security__report_files_are_never_stored(client, lead):
    """Files with client data (here the pseudonymised research CSV) are answers to a signed-in
    user like any page."""
    client.force_login(lead)
    response = client.get("/plans/effectiveness/research.csv", {"purpose": "Study A"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]


def test_security__session_from_before_the_lifetime_rule_gets_its_clock(client, alice):
    """A session signed in before the absolute lifetime existed starts its clock at its next
    request instead of living on without one."""
    from luotsi.common.sessions import SIGNED_IN_AT_KEY

    client.force_login(alice)
    session = client.session
    del session[SIGNED_IN_AT_KEY]
    session.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get("/").status_code == 200
    assert client.session[SIGNED_IN_AT_KEY] == int(start.timestamp())
