"""API tokens expire (LUOTSI_API_TOKEN_DAYS, 90) and can be revoked by their owner on the token
page; expired and revoked tokens answer 401 and each refusal is written to the security log."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from luotsi.api.models import ApiToken

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def refusals(caplog) -> list[str]:
    return [r.reason for r in caplog.records
            if r.name == "luotsi.security" and getattr(r, "event", "") == "api_token_refused"]


def test_api_token__expires_after_ninety_days(client, alice, client_person, case, caplog):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        record, token = ApiToken.issue(alice)
    assert record.expires_at == start + timedelta(days=90)
    with time_machine.travel(start + timedelta(days=89, hours=23), tick=False):
        assert client.get(f"{PERSONS}/{client_person.pk}", **bearer(token)).status_code == 200
    with caplog.at_level(logging.INFO, logger="luotsi.security"), \
            time_machine.travel(start + timedelta(days=90, seconds=1), tick=False):
        response = client.get(f"{PERSONS}/{client_person.pk}", **bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert refusals(caplog) == ["expired"]
    assert token not in caplog.text


def test_api_token__days_are_configurable(alice, settings):
    settings.API_TOKEN_DAYS = 7
    record, _token = ApiToken.issue(alice)
    assert record.expires_at - record.created_at < timedelta(days=7, seconds=5)


def test_api_token__revoked_token_refused_and_logged(client, alice, client_person, case, caplog):
    record, token = ApiToken.issue(alice)
    client.force_login(alice)
    page = client.get("/account/api-tokens/")
    assert record.prefix in page.content.decode()
    response = client.post(f"/account/api-tokens/{record.pk}/revoke/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    api = Client()
    with caplog.at_level(logging.INFO, logger="luotsi.security"):
        refused = api.get(f"{PERSONS}/{client_person.pk}", **bearer(token))
        unknown = api.get(f"{PERSONS}/{client_person.pk}", **bearer("lts_no-such-token"))
    assert refused.status_code == 401 and unknown.status_code == 401
    assert refusals(caplog) == ["revoked", "unknown"]


def test_api_token__page_lists_only_ones_own_tokens(client, alice, bob, django_assert_num_queries):
    mine, _ = ApiToken.issue(alice, "reporting")
    ApiToken.objects.filter(pk=ApiToken.issue(alice, "old")[0].pk).update(
        last_used_at=timezone.now())
    theirs, _ = ApiToken.issue(bob, "bob's integration")
    client.force_login(alice)
    client.get("/")  # the session's first write is not the list's
    with django_assert_num_queries(3):  # session, user, tokens
        response = client.get("/account/api-tokens/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "reporting" in html and mine.prefix in html
    assert "bob&#x27;s integration" not in html and theirs.prefix not in html
    for _more in range(5):
        ApiToken.issue(alice)
    with django_assert_num_queries(3):  # the count does not grow with the tokens
        client.get("/account/api-tokens/")


def test_api_token__another_ones_token_cannot_be_revoked(client, alice, bob):
    theirs, _ = ApiToken.issue(bob)
    client.force_login(alice)
    assert client.post(f"/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_api_token__revoking_needs_post_and_csrf(alice):
    record, _ = ApiToken.issue(alice)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get(f"/account/api-tokens/{record.pk}/revoke/").status_code == 405
    assert browser.post(f"/account/api-tokens/{record.pk}/revoke/").status_code == 403
    record.refresh_from_db()
    assert record.revoked_at is None


def test_api_token__page_needs_sign_in(client):
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_api_token__linked_from_the_header_for_api_users(client, alice, charlie):
    client.force_login(alice)
    assert 'href="/account/api-tokens/"' in client.get("/").content.decode()


def test_create_api_token__prints_the_expiry(alice):
    out = io.StringIO()
    call_command("create_api_token", "alice", stdout=out)
    lines = out.getvalue().strip().splitlines()
    record = ApiToken.objects.get(user=alice)
    assert "expires" in lines[1]
    assert timezone.localtime(record.expires_at).isoformat() in lines[1]
    assert lines[-1].startswith("lts_")
