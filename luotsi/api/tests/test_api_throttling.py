"""API rate limits: per token, per client address, and refused tokens per address; over a limit
the answer is 429 in the one error shape with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from luotsi.api.models import ApiToken

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_throttled(response) -> int:
    assert response.status_code == 429
    body = response.json()
    assert body["error"]["code"] == "too_many_requests"
    assert body["error"]["message"]
    assert body["error"]["fields"] == []
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    return wait


def test_api_throttling__bad_token_burst_gets_429_with_retry_after(client, settings, alice,
                                                                   client_person, case):
    settings.API_REFUSED_RATE = "20/min"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        statuses = [client.get(f"{PERSONS}/{client_person.pk}", **bearer(f"lts_guess{n}"),
                               REMOTE_ADDR="10.8.0.1").status_code for n in range(25)]
        assert statuses == [401] * 20 + [429] * 5
        _record, good = ApiToken.issue(alice)
        # Over the limit the address is refused before any token is looked at, a good one too.
        assert_throttled(client.get(f"{PERSONS}/{client_person.pk}", **bearer(good),
                                    REMOTE_ADDR="10.8.0.1"))
        # Missing tokens count as well; another address is not touched.
        assert client.get(f"{PERSONS}/{client_person.pk}", REMOTE_ADDR="10.8.0.2").status_code == 401
        assert client.get(f"{PERSONS}/{client_person.pk}", **bearer(good),
                          REMOTE_ADDR="10.8.0.2").status_code == 200
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.get(f"{PERSONS}/{client_person.pk}", **bearer(good),
                          REMOTE_ADDR="10.8.0.1").status_code == 200


def test_api_throttling__per_token_limit(settings, alice, client_person, case):
    settings.API_TOKEN_RATE = "5/min"
    _record, token = ApiToken.issue(alice)
    _other, other = ApiToken.issue(alice)
    api = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            assert api.get(f"{PERSONS}/{client_person.pk}", **bearer(token),
                           REMOTE_ADDR=f"10.9.0.{n}").status_code == 200
        wait = assert_throttled(api.get(f"{PERSONS}/{client_person.pk}", **bearer(token),
                                        REMOTE_ADDR="10.9.0.99"))
        assert wait == 60
        assert api.get(f"{PERSONS}/{client_person.pk}", **bearer(other),
                       REMOTE_ADDR="10.9.0.99").status_code == 200
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert int(api.get(f"{PERSONS}/{client_person.pk}", **bearer(token))["Retry-After"]) == 30


def test_api_throttling__per_address_limit(settings, alice, bob, client_person, case):
    settings.API_ADDRESS_RATE = "4/min"
    tokens = [ApiToken.issue(alice)[1], ApiToken.issue(alice)[1]]
    api = Client()
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(4):
            assert api.get(f"{PERSONS}/{client_person.pk}", **bearer(tokens[n % 2]),
                           REMOTE_ADDR="10.10.0.1").status_code == 200
        assert_throttled(api.get(f"{PERSONS}/{client_person.pk}", **bearer(tokens[0]),
                                 REMOTE_ADDR="10.10.0.1"))
        assert api.get(f"{PERSONS}/{client_person.pk}", **bearer(tokens[0]),
                       REMOTE_ADDR="10.10.0.2").status_code == 200


def test_api_throttling__rate_setting_is_checked_at_start():
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {**os.environ, "LUOTSI_DEMO": "1", "LUOTSI_API_TOKEN_RATE": "lots"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=django_settings.BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "LUOTSI_API_TOKEN_RATE must be a rate" in result.stderr
