"""``manage.py create_admin``: the county's first administrator, with its two-step verification
printed once; then signing in with the printed secret (outside demo mode) through HTTP."""

from __future__ import annotations

import io
import logging
import re
from base64 import b32decode

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction
from luotsi.organisation.models import RecoveryCode, Role, User
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough pass phrase for the county 42"


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return path


def create_admin(*args) -> str:
    out = io.StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


def test_create_admin__administrator_with_enrolment_and_recovery_codes(password_file, caplog):
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        output = create_admin("kreivi", "--password-file", str(password_file),
                              "--email", "it@county.example")
    user = User.objects.get(username="kreivi")
    assert (user.role, user.is_superuser, user.is_staff, user.is_active) == (
        Role.ADMIN, True, True, True)
    assert user.check_password(PASSWORD) and user.email == "it@county.example"
    uri = re.search(r"otpauth://totp/\S+", output).group(0)
    assert uri.startswith("otpauth://totp/Luotsi%3Akreivi?secret=")
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in output
    codes = re.findall(r"^  ([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})$", output, re.M)
    assert len(set(codes)) == 10
    assert RecoveryCode.objects.filter(device__user=user).count() == 10
    assert PASSWORD not in output
    [record] = AccessLogEntry.objects.filter(category=Category.PROFESSIONAL_ACCESS)
    assert record.action == LogAction.CREATE and record.basis == Basis.ADMINISTRATION
    assert record.username == "create_admin"  # the command, not "anonymous"
    assert f"professional kreivi (id {user.pk}) created" in record.detail
    assert "role - -> admin" in record.detail and "is_superuser no -> yes" in record.detail
    assert "two-step verification enrolled by manage.py create_admin" in record.detail
    assert [getattr(r, "event", "") for r in caplog.records] == ["administrator_created"]


def test_create_admin__signs_in_with_the_printed_secret_and_codes(client, password_file,
                                                                   settings):
    settings.DEMO_MODE = False
    output = create_admin("kreivi", "--password-file", str(password_file))
    secret = re.search(r"secret=([A-Z2-7]+)", output).group(1)
    codes = re.findall(r"^  ([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})$", output, re.M)
    login = {"username": "kreivi", "password": PASSWORD, "next": "/admin/"}
    assert client.post("/admin/login/?next=/admin/", login)["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == "/login/code/?next=%2Fadmin%2F"
    code = f"{TOTP(b32decode(secret)).token():06d}"
    assert client.post("/login/code/", {"code": code, "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/organisation/user/").status_code == 200
    client.post("/logout/")
    client.post("/admin/login/?next=/admin/", login)
    assert client.post("/login/code/", {"code": codes[0]}).status_code == 302


def test_create_admin__existing_user_name_refused_nothing_changed(password_file):
    existing = UserFactory(username="kreivi", role=Role.SOCIAL_WORKER)
    with pytest.raises(CommandError, match="'kreivi' already exists; nothing was changed"):
        create_admin("kreivi", "--password-file", str(password_file))
    existing.refresh_from_db()
    assert existing.role == Role.SOCIAL_WORKER and not existing.is_superuser
    assert not AccessLogEntry.objects.exists()


def test_create_admin__weak_password_refused(tmp_path):
    weak = tmp_path / "weak"
    weak.write_text("password\n")
    with pytest.raises(CommandError, match="The password was refused"):
        create_admin("kreivi", "--password-file", str(weak))
    assert not User.objects.filter(username="kreivi").exists()


@pytest.mark.parametrize(("content", "message"), [
    ("", "has no password on its first line"),
    ("\n" + PASSWORD, "has no password on its first line"),
])
def test_create_admin__empty_password_file_refused(tmp_path, content, message):
    path = tmp_path / "password"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        create_admin("kreivi", "--password-file", str(path))
    assert not User.objects.exists()


def test_create_admin__missing_password_file_named(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the password file"):
        create_admin("kreivi", "--password-file", str(tmp_path / "nowhere"))


@pytest.mark.parametrize("username", ["", "two words", "x" * 151, "nul\x00name"])
def test_create_admin__bad_user_name_refused(password_file, username):
    with pytest.raises(CommandError, match="The user name must be"):
        create_admin(username, "--password-file", str(password_file))
    assert not User.objects.exists()


def test_create_admin__asks_the_password_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    create_admin("kreivi")
    assert User.objects.get(username="kreivi").check_password(PASSWORD)


def test_create_admin__differing_passwords_refused(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="The passwords differ"):
        create_admin("kreivi")
    assert not User.objects.exists()


def test_create_admin__without_a_terminal_asks_for_the_file(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password-file"):
        create_admin("kreivi")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True
