"""Two-step verification of password sign-ins outside demo mode, through the HTTP client: the
enrolment at the first sign-in, the code after the password on the login page and the admin's,
wrong codes counted in the sign-in limits and logged, recovery codes used once and made anew,
the reset by another administrator in the access log, and demo mode unchanged."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from luotsi.access.models import AccessLogEntry, Basis, Category
from luotsi.organisation import second_factor
from luotsi.organisation.models import RecoveryCode, RecoveryCodeSet, Role
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
ADDRESS = "10.4.5.6"
START = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _outside_demo_mode(settings):
    settings.DEMO_MODE = False


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_of(device: TOTPDevice) -> str:
    """The code the professional's authenticator app shows now (RFC 6238, from the secret)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(client, username: str, password: str = PASSWORD, path: str = "/login/", **extra):
    return client.post(path, {"username": username, "password": password, **extra},
                       REMOTE_ADDR=ADDRESS)


def send_code(client, code: str, path: str = "/login/code/", **extra):
    return client.post(path, {"code": code, **extra}, REMOTE_ADDR=ADDRESS)


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """An authenticator and recovery codes, as ``manage.py create_admin`` makes them."""
    _enrolment, codes = second_factor.enrol_confirmed(user)
    return second_factor.authenticator(user), codes


def security_events(caplog) -> list[str]:
    return [getattr(record, "event", "") for record in caplog.records
            if record.name == "luotsi.security"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", first_name="Riku", last_name="Root", role=Role.ADMIN,
                       is_staff=True, is_superuser=True)


# --- enrolment at the first sign-in ------------------------------------------------------------


def test_first_sign_in__password_alone_reaches_nothing(client, alice, clock):
    assert sign_in(client, "alice").status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/login/code/"
    assert not home.wsgi_request.user.is_authenticated
    persons = client.get("/persons/?q=x")
    assert persons["Location"] == "/login/code/?next=%2Fpersons%2F%3Fq%3Dx"
    assert client.get("/login/")["Location"] == "/login/code/?next=%2Flogin%2F"
    code_page = client.get("/login/code/?next=/persons/")
    assert code_page["Location"] == "/login/authenticator/?next=%2Fpersons%2F"


def test_enrolment__page_shows_the_qr_code_the_uri_and_the_secret_in_groups(client, alice,
                                                                             clock):
    sign_in(client, "alice")
    response = client.get("/login/authenticator/")
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed  # not in use before a code confirms it
    enrolment = second_factor.enrolment_of(device)
    assert enrolment.uri.startswith("otpauth://totp/Luotsi%3Aalice?secret=")
    assert f"secret={enrolment.secret}" in enrolment.uri
    assert enrolment.uri.replace("&", "&amp;") in html
    assert enrolment.secret_groups in html
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", enrolment.secret_groups)
    assert 'src="data:image/svg+xml' in html
    assert "<script>" not in html and " style=" not in html  # CSP: no inline script or style
    assert response["Cache-Control"].startswith("max-age=0")
    # The same secret on every visit until it is confirmed.
    client.get("/login/authenticator/")
    assert list(TOTPDevice.objects.filter(user=alice)) == [device]


def test_enrolment__wrong_code_refused_counted_and_logged(client, alice, clock, caplog):
    sign_in(client, "alice")
    client.get("/login/authenticator/")
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        response = send_code(client, "000000", "/login/authenticator/")
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.get(user=alice).confirmed
    assert "second_factor_failed" in security_events(caplog)
    assert AccessFailureLog.objects.filter(username="alice").count() == 1
    assert client.get("/")["Location"] == "/login/code/"  # still nobody's session


def test_enrolment__good_code_confirms_and_shows_ten_recovery_codes_once(client, alice, clock,
                                                                         caplog):
    sign_in(client, "alice", next="/persons/")
    client.get("/login/authenticator/?next=/persons/")
    device = TOTPDevice.objects.get(user=alice)
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        response = send_code(client, code_of(device), "/login/authenticator/", next="/persons/")
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    html = response.content.decode()
    assert all(code in html for code in codes)
    assert 'href="/persons/"' in html
    device.refresh_from_db()
    assert device.confirmed
    # Stored as salted digests only.
    digests = list(RecoveryCode.objects.filter(device__user=alice).values_list("digest",
                                                                               flat=True))
    assert len(digests) == 10
    assert not any(code.replace("-", "") in digest for code in codes for digest in digests)
    assert {"second_factor_enrolled", "second_factor_verified"} <= set(security_events(caplog))
    assert client.get("/persons/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


# --- the code after the password -----------------------------------------------------------------


def test_sign_in__asks_the_code_and_a_good_one_opens_the_session(client, alice, clock):
    device, _codes = enrolled(alice)
    sign_in(client, "alice", next="/persons/")
    assert client.get("/persons/")["Location"] == "/login/code/?next=%2Fpersons%2F"
    page = client.get("/login/code/?next=/persons/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    key_before = client.session.session_key
    response = send_code(client, code_of(device), next="/persons/")
    assert response.status_code == 302 and response["Location"] == "/persons/"
    assert client.session.session_key != key_before  # a new session key after the step-up
    assert client.get("/persons/").wsgi_request.user == alice


def test_sign_in__a_code_counts_once(client, alice, clock):
    device, _codes = enrolled(alice)
    sign_in(client, "alice")
    code = code_of(device)
    assert send_code(client, code).status_code == 302
    client.post("/logout/")
    sign_in(client, "alice")
    response = send_code(client, code)  # the same code again, in the same half-minute
    assert response.status_code == 200 and response.context["form"].errors["code"]
    clock.shift(30)
    assert send_code(client, code_of(device)).status_code == 302


def test_sign_in__next_to_another_site_ignored(client, alice, clock):
    device, _codes = enrolled(alice)
    sign_in(client, "alice")
    response = send_code(client, code_of(device), next="https://evil.example/")
    assert response["Location"] == "/"


def test_sign_in__recovery_code_works_once(client, alice, clock, caplog):
    _device, codes = enrolled(alice)
    sign_in(client, "alice")
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        response = send_code(client, codes[0].upper().replace("-", " "))
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert RecoveryCode.objects.filter(device__user=alice).count() == 9
    assert "second_factor_verified" in security_events(caplog)
    client.post("/logout/")
    sign_in(client, "alice")
    again = send_code(client, codes[0])
    assert again.status_code == 200 and again.context["form"].errors["code"]
    assert send_code(client, codes[1]).status_code == 302


def test_sign_in__wrong_codes_pause_sign_in_and_end_the_waiting_session(client, alice, clock,
                                                                         caplog):
    device, _codes = enrolled(alice)
    sign_in(client, "alice")
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        statuses = [send_code(client, "123456").status_code for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth wrong code starts the pause
    assert security_events(caplog).count("second_factor_failed") == 5
    assert "_auth_user_id" not in client.session  # the password must be given again
    assert client.get("/")["Location"].startswith("/login/")
    assert sign_in(client, "alice").status_code == 429  # even the right password now
    clock.shift(16 * 60)
    assert sign_in(client, "alice").status_code == 302
    assert send_code(client, code_of(device)).status_code == 302


def test_sign_in__a_correct_password_does_not_forget_wrong_codes(client, alice, clock):
    enrolled(alice)
    sign_in(client, "alice")
    for _attempt in range(4):
        send_code(client, "123456")
    client.post("/logout/")
    assert sign_in(client, "alice").status_code == 302
    assert send_code(client, "123456").status_code == 429


def test_sign_in__wrong_codes_from_many_addresses_pause_the_account(client, alice, clock,
                                                                     settings):
    device, _codes = enrolled(alice)
    for attempt in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        client.post("/logout/")
        address = f"10.9.0.{attempt}"
        client.post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=address)
        client.post("/login/code/", {"code": "123456"}, REMOTE_ADDR=address)
    client.post("/logout/")
    assert client.post("/login/", {"username": "alice", "password": PASSWORD},
                       REMOTE_ADDR="10.9.9.9").status_code == 429


# --- every path: the admin's own login page ----------------------------------------------------


def test_admin_login__cannot_skip_the_code(client, admin_user, clock):
    device, _codes = enrolled(admin_user)
    response = sign_in(client, "root", path="/admin/login/?next=/admin/", next="/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    for path in ("/admin/", "/admin/organisation/user/", "/admin/login/"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith("/login/code/?next="), path
    assert client.post("/admin/organisation/user/", {"action": "delete_selected"}
                       )["Location"] == "/login/code/"
    assert send_code(client, code_of(device), next="/admin/")["Location"] == "/admin/"
    assert client.get("/admin/organisation/user/").status_code == 200


def test_admin_login__without_an_authenticator_leads_to_enrolment(client, admin_user, clock):
    sign_in(client, "root", path="/admin/login/?next=/admin/", next="/admin/")
    assert client.get("/admin/")["Location"] == "/login/code/?next=%2Fadmin%2F"
    assert client.get("/login/code/?next=/admin/")["Location"] == (
        "/login/authenticator/?next=%2Fadmin%2F")


def test_api__a_waiting_session_is_nobody(client, alice, clock):
    enrolled(alice)
    sign_in(client, "alice")
    response = client.get("/api/v1/contacts")
    assert response.status_code == 401


def test_code_pages__without_a_waiting_sign_in_lead_to_sign_in(client, clock):
    assert client.get("/login/code/")["Location"] == "/login/"
    assert client.get("/login/authenticator/")["Location"] == "/login/"


def test_code_page__bad_input_named_on_the_field(client, alice, clock):
    enrolled(alice)
    sign_in(client, "alice")
    for value in ("", "1" * 21, "12\x0034"):
        response = send_code(client, value)
        assert response.status_code == 200
        assert response.context["form"].errors["code"], value
    assert AccessFailureLog.objects.filter(username="alice").count() == 0


# --- demo mode and the identity provider ---------------------------------------------------------


def test_demo_mode__demo_logins_need_no_second_factor(client, team, settings, clock):
    settings.DEMO_MODE = True
    UserFactory(username="demo-sw", is_demo=True, teams=[team])
    UserFactory(username="admin", is_demo=True, role=Role.ADMIN, is_staff=True,
                is_superuser=True)
    assert sign_in(client, "demo-sw")["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert sign_in(client, "admin", path="/admin/login/?next=/admin/", next="/admin/"
                   )["Location"] == "/admin/"
    assert client.get("/admin/organisation/user/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_identity_provider_session__needs_no_second_factor(client, alice):
    """A session begun by the OpenID Connect backend (the provider authenticated strongly);
    the whole sign-in through a real provider: tests/e2e/test_e2e_oidc.py."""
    client.force_login(alice, backend="luotsi.organisation.oidc.LuotsiOIDCBackend")
    assert client.get("/").status_code == 200


def test_password_backend_session_made_any_other_way__needs_the_second_factor(client, alice):
    client.force_login(alice)  # django.contrib.auth.login() with the password backend
    assert client.get("/")["Location"] == "/login/code/"


# --- recovery codes made anew --------------------------------------------------------------------


def _signed_in_with_code(client, user, clock) -> TOTPDevice:
    device = second_factor.authenticator(user)
    sign_in(client, user.username)
    assert send_code(client, code_of(device)).status_code == 302
    clock.shift(30)
    return device


def test_account_page__regenerates_recovery_codes_for_a_current_code(client, alice, clock,
                                                                      caplog):
    _device, old_codes = enrolled(alice)
    device = _signed_in_with_code(client, alice, clock)
    page = client.get("/account/two-step-verification/")
    assert page.status_code == 200
    assert page.context["codes_left"] == 10
    assert 'href="/account/two-step-verification/"' in page.content.decode()  # in the header
    wrong = client.post("/account/two-step-verification/", {"code": "000000"},
                        REMOTE_ADDR=ADDRESS)
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        response = client.post("/account/two-step-verification/", {"code": code_of(device)},
                               REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "recovery_codes_regenerated" in security_events(caplog)
    client.post("/logout/")
    sign_in(client, "alice")
    assert send_code(client, old_codes[0]).status_code == 200  # the old ones are void
    assert send_code(client, new_codes[0]).status_code == 302


def test_account_page__without_an_authenticator_says_so(client, alice, settings):
    settings.DEMO_MODE = True
    client.force_login(alice)
    response = client.get("/account/two-step-verification/")
    assert response.status_code == 200 and response.context["device"] is None
    assert client.post("/account/two-step-verification/", {"code": "123456"}).status_code == 200


# --- reset by another administrator --------------------------------------------------------------


def test_reset__by_another_administrator_logged_and_shown_to_the_dpo(client, admin_user, alice,
                                                                      charlie, clock, caplog):
    enrolled(admin_user)
    enrolled(alice)
    alice_client = type(client)()
    _signed_in_with_code(alice_client, alice, clock)
    assert alice_client.get("/").status_code == 200
    _signed_in_with_code(client, admin_user, clock)
    listing = client.get("/admin/organisation/user/")
    assert listing.status_code == 200 and "reset_second_factor" in listing.content.decode()
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        response = client.post("/admin/organisation/user/", {
            "action": "reset_second_factor", "_selected_action": [str(alice.pk)]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not RecoveryCodeSet.objects.filter(user=alice).exists()
    assert "second_factor_reset" in security_events(caplog)
    # Alice's session has ended; her next sign-in sets up a new authenticator.
    assert alice_client.get("/")["Location"].startswith("/login/")
    assert not [s for s in Session.objects.all()
                if s.get_decoded().get("_auth_user_id") == str(alice.pk)]
    sign_in(alice_client, "alice")
    assert alice_client.get("/login/code/")["Location"] == "/login/authenticator/"

    [record] = AccessLogEntry.objects.filter(category=Category.PROFESSIONAL_ACCESS,
                                            detail__contains="second factor reset")
    assert record.username == "root" and record.person_id is None
    assert record.basis == Basis.ADMINISTRATION
    assert f"professional alice (id {alice.pk})" in record.detail

    charlie_client = type(client)()
    charlie_client.force_login(charlie, backend="luotsi.organisation.oidc.LuotsiOIDCBackend")
    today = timezone.localdate()
    report = charlie_client.post("/access-log/report/", {
        "report": "unnamed", "unnamed-start": str(today - timedelta(days=1)),
        "unnamed-end": str(today), "unnamed-basis": Basis.ADMINISTRATION})
    assert report.status_code == 200
    assert record.detail in [row.detail for row in report.context["unnamed_rows"]]


def test_reset__of_ones_own_refused(client, admin_user, clock):
    enrolled(admin_user)
    _signed_in_with_code(client, admin_user, clock)
    response = client.post("/admin/organisation/user/", {
        "action": "reset_second_factor", "_selected_action": [str(admin_user.pk)]},
        follow=True)
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    assert not AccessLogEntry.objects.filter(detail__contains="second factor reset").exists()


def test_reset__a_session_verified_by_a_removed_device_ends(client, alice, clock, caplog):
    enrolled(alice)
    _signed_in_with_code(client, alice, clock)
    TOTPDevice.objects.filter(user=alice).delete()  # as a reset does (sessions aside)
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        response = client.get("/persons/")
    assert response["Location"].startswith("/login/")
    assert "second_factor_session_ended" in security_events(caplog)
    assert "_auth_user_id" not in client.session


def _queries_of(client, path: str) -> list[str]:
    from django.db import connection

    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(path).status_code == 200
    return seen


def test_gate__a_verified_session_costs_one_query_more_than_the_providers(client, alice, clock):
    """The gate reads the session's device once per request (so a reset takes effect at once);
    sessions of the identity provider cost nothing more."""
    enrolled(alice)
    _signed_in_with_code(client, alice, clock)
    client.get("/persons/")
    verified = _queries_of(client, "/persons/")
    provider_client = type(client)()
    provider_client.force_login(alice, backend="luotsi.organisation.oidc.LuotsiOIDCBackend")
    provider_client.get("/persons/")
    provider = _queries_of(provider_client, "/persons/")
    assert [sql for sql in verified if "totpdevice" in sql] != []
    assert len(verified) == len(provider) + 1
