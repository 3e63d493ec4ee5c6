"""Signing in: the login page, throttling after failed attempts (with no permanent lockout),
demo logins only in demo mode, and argon2 password hashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.html import escape

from luotsi.organisation.forms import LoginForm
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
ADDRESS = "10.1.2.3"


def sign_in(client, username: str, password: str, address: str = ADDRESS, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra},
                       REMOTE_ADDR=address)


def test_login__page_shown(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_login__correct_password_signs_in(client, alice):
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").wsgi_request.user == alice


def test_login__next_followed(client, alice):
    response = sign_in(client, "alice", PASSWORD, next="/persons/new/")
    assert response["Location"] == "/persons/new/"


def test_login__next_to_another_site_ignored(client, alice):
    response = sign_in(client, "alice", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_login__wrong_password_refused(client, alice):
    response = sign_in(client, "alice", "wrong password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not response.wsgi_request.user.is_authenticated


def test_login__anonymous_sent_to_login(client):
    response = client.get("/persons/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/persons/"


def test_login__throttled_after_five_failures_then_released(client, alice):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [sign_in(client, "alice", "wrong password").status_code for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure starts the pause
    locked = sign_in(client, "alice", PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert 'href="/login/"' in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = sign_in(client, "alice", PASSWORD)
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_login__attempt_during_the_pause_starts_it_again(client, alice):
    for _attempt in range(5):
        sign_in(client, "alice", "wrong password")
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=14)):
        assert sign_in(client, "alice", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16)):
        assert sign_in(client, "alice", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16 + 16)):
        assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_login__throttle_is_per_user_name_and_address(client, alice, bob):
    for _attempt in range(5):
        sign_in(client, "alice", "wrong password")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    assert sign_in(client, "bob", PASSWORD).status_code == 302  # another user name
    client.logout()
    assert sign_in(client, "alice", PASSWORD, address="10.9.9.9").status_code == 302


def test_login__success_resets_the_failure_count(client, alice):
    for _attempt in range(4):
        sign_in(client, "alice", "wrong password")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        sign_in(client, "alice", "wrong password")
    assert sign_in(client, "alice", PASSWORD).status_code == 302


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_login__demo_user_refused_outside_demo_mode(client, team, language):
    UserFactory(username="demo-sw", is_demo=True, teams=[team])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with override_settings(DEMO_MODE=False):
        response = sign_in(client, "demo-sw", PASSWORD)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["demo_login"]
    with translation.override(language):
        expected = str(LoginForm.error_messages["demo_login"])
    assert expected
    assert escape(expected) in response.content.decode()


def test_login__demo_user_allowed_in_demo_mode(client, team):
    UserFactory(username="demo-sw", is_demo=True, teams=[team])
    with override_settings(DEMO_MODE=True):
        assert sign_in(client, "demo-sw", PASSWORD).status_code == 302


@pytest.mark.production_hashers
def test_login__passwords_hashed_with_argon2(client, team):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = UserFactory(username="hashed", teams=[team])
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert check_password(PASSWORD, user.password)
    assert make_password("another secret phrase").startswith("argon2$argon2id$")
    assert sign_in(client, "hashed", PASSWORD).status_code == 302


@pytest.mark.production_hashers
def test_login__argon2_parameters_are_the_measured_ones():
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher("argon2")
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19456, 2, 1)
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in make_password("another secret phrase")


@pytest.mark.production_hashers
def test_login__old_hash_is_rehashed_with_the_configured_parameters(client, team, settings):
    """A hash made with Django's default parameters (100 MiB, 8 lanes) still signs in, and the
    sign-in stores a new hash with Luotsi's parameters."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = UserFactory(username="oldhash", teams=[team])
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert "$m=102400,t=2,p=8$" in old
    type(user).objects.filter(pk=user.pk).update(password=old)
    assert sign_in(client, "oldhash", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in user.password
    assert check_password(PASSWORD, user.password)

    settings.ARGON2_MEMORY_COST = 24576  # the county raises the memory: the next sign-in follows
    client.logout()
    assert sign_in(client, "oldhash", PASSWORD, address="10.1.2.4").status_code == 302
    user.refresh_from_db()
    assert "$m=24576,t=2,p=1$" in user.password


def test_login__argon2_below_the_owasp_minimum_refused_at_start():
    import os
    import subprocess
    import sys

    env = {**os.environ, "LUOTSI_DEMO": "1", "LUOTSI_ARGON2_MEMORY_KIB": "8192"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "OWASP" in result.stderr


# --- Bounded sign-in fields: refused before any password is hashed ---------------------------

MEGABYTE = "x" * 1_048_576


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_login__megabyte_password_refused_with_a_clear_message(client, path):
    user = UserFactory(is_staff=True)
    response = client.post(path, {"username": user.username, "password": MEGABYTE},
                           REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["password"]
    # Finnish, the default language: "at most 1024 characters (it has 1048576)".
    assert "enintään 1024 merkkiä" in form.errors["password"][0]
    assert "_auth_user_id" not in client.session
    assert 'maxlength="1024"' in response.content.decode()


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_login__overlong_or_control_character_user_name_refused(client, path):
    for username in ("a" * 151, "alice\x00"):
        response = client.post(path, {"username": username, "password": PASSWORD},
                               REMOTE_ADDR=ADDRESS)
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["username"], username
        assert "_auth_user_id" not in client.session


def test_login__password_at_the_bound_is_still_checked(client):
    user = UserFactory()
    user.set_password("p" * 1024)
    user.save()
    response = sign_in(client, user.username, "p" * 1024)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login__backend_never_hashes_an_overlong_password(rf):
    from django.contrib.auth import authenticate

    user = UserFactory()
    long_password = "p" * 1025
    user.set_password(long_password)
    user.save()
    # Even a caller that skips the form cannot make the backend hash a megabyte.
    assert authenticate(rf.post("/login/", REMOTE_ADDR=ADDRESS), username=user.username,
                        password=long_password) is None
