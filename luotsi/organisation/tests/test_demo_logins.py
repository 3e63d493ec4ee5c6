"""Demo logins are refused outside demo mode on every sign-in path (the authentication backend),
and the deployment check fails while demo logins or demo data exist outside demo mode."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from luotsi.api.models import ApiToken
from luotsi.demo import seeding
from luotsi.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_logins(db):
    seeding.seed_organisation()
    seeding.seed_logins()


def _admin_login(client):
    return client.post("/admin/login/?next=/admin/", {"username": "admin", "password": DEMO_PASSWORD},
                       REMOTE_ADDR="10.7.7.7")


def test_demo_login__admin_site_refuses_demo_admin_outside_demo_mode(client, demo_logins):
    with override_settings(DEMO_MODE=False):
        response = _admin_login(client)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        listing = client.get("/admin/organisation/user/")
        assert listing.status_code == 302
        assert listing["Location"].startswith("/admin/login/")


def test_demo_login__admin_site_lets_demo_admin_in_in_demo_mode(client, demo_logins):
    with override_settings(DEMO_MODE=True):
        assert _admin_login(client).status_code == 302
        assert client.get("/admin/organisation/user/").status_code == 200


def test_demo_login__session_of_a_demo_login_ends_when_demo_mode_is_off(client, demo_logins):
    with override_settings(DEMO_MODE=True):
        assert _admin_login(client).status_code == 302
    with override_settings(DEMO_MODE=False):
        response = client.get("/admin/organisation/user/")
        assert response.status_code == 302
        assert not response.wsgi_request.user.is_authenticated


def test_demo_login__app_login_refused_with_its_reason(client, demo_logins):
    with override_settings(DEMO_MODE=False):
        response = client.post("/login/", {"username": "intake", "password": DEMO_PASSWORD},
                               REMOTE_ADDR="10.7.7.8")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "demo_login"]
    assert "_auth_user_id" not in client.session


def test_demo_login__token_of_a_demo_login_refused_outside_demo_mode(client, demo_logins):
    from django.contrib.auth import get_user_model

    _record, token = ApiToken.issue(get_user_model().objects.get(username="intake"))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with override_settings(DEMO_MODE=True):
        assert client.get("/api/v1/contacts", **headers).status_code == 200
    with override_settings(DEMO_MODE=False):
        response = client.get("/api/v1/contacts", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_demo_password__refused_outside_demo_mode_for_an_account_no_longer_marked_demo(
        client, demo_logins):
    """A demo account kept after the demo (its flag cleared by hand) still has the published
    password: outside demo mode that password signs in nobody, on the app's and the admin's
    sign-in pages alike."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__in=["admin", "intake"]).update(is_demo=False)
    with override_settings(DEMO_MODE=False):
        assert _admin_login(client).status_code == 200
        assert "_auth_user_id" not in client.session
        response = client.post("/login/", {"username": "intake", "password": DEMO_PASSWORD},
                               REMOTE_ADDR="10.7.7.9")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    with override_settings(DEMO_MODE=True):
        assert _admin_login(client).status_code == 302


def _deploy_check_ids() -> str:
    try:
        call_command("check", deploy=True, fail_level="ERROR", verbosity=0)
    except SystemCheckError as exc:
        return str(exc)
    return ""


def test_demo_login__deploy_check_fails_while_demo_logins_exist(demo_logins):
    with override_settings(DEMO_MODE=False):
        assert "luotsi.E002" in _deploy_check_ids()


def test_demo_login__deploy_check_fails_on_demo_relationships_alone(client_person, alice):
    from luotsi.access.tests.factories import RelationshipFactory

    with override_settings(DEMO_MODE=False):
        assert "luotsi.E002" not in _deploy_check_ids()
        RelationshipFactory(person=client_person, user=alice, source=seeding.SOURCE)
        assert "luotsi.E002" in _deploy_check_ids()


def test_createsuperuser_makes_an_administrator(db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from luotsi.organisation.models import Role

    call_command("createsuperuser", interactive=False, username="root-admin",
                 email="admin@example.fi", verbosity=0)
    admin = get_user_model().objects.get(username="root-admin")
    assert admin.role == Role.ADMIN and admin.is_superuser and admin.is_staff
