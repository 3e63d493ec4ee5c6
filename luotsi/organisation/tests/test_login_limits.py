"""Sign-in limits beyond django-axes' (user name, address) pair: one account from many addresses,
password spraying over many accounts, and the client address from a trusted proxy only when
configured."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password, address, **extra):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address, **extra)


def test_login_limits__account_paused_after_ten_failures_from_any_addresses(client, alice):
    assert settings.LOGIN_ACCOUNT_FAILURE_LIMIT == 10
    for n in range(10):  # two failures from each of five addresses: no pair reaches five
        assert sign_in(client, "alice", "wrong password", f"10.0.{n // 2}.1").status_code == 200
    # The 11th attempt, from an address never seen, with the right password: refused.
    refused = sign_in(client, "alice", PASSWORD, "10.99.0.1", HTTP_COOKIE="django_language=en")
    assert refused.status_code == 429
    assert "Try again in 15 minutes" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account is not touched.
    UserFactory(username="dora")
    assert sign_in(client, "dora", PASSWORD, "10.99.0.1").status_code == 302


def test_login_limits__account_pause_ends(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(10):
            sign_in(client, "alice", "wrong password", f"10.1.{n}.1")
        assert sign_in(client, "alice", PASSWORD, "10.1.99.1").status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert sign_in(client, "alice", PASSWORD, "10.1.99.1").status_code == 302


def test_login_limits__admin_login_counts_too(client, alice):
    for n in range(10):
        client.post("/admin/login/", {"username": "alice", "password": "wrong"},
                    REMOTE_ADDR=f"10.2.{n}.1")
    assert sign_in(client, "alice", PASSWORD, "10.2.99.1").status_code == 429


def test_login_limits__spraying_many_accounts_hits_the_global_limit(client, settings):
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 30
    UserFactory(username="target")
    for n in range(30):  # one wrong password for each of 30 user names, from three addresses
        response = sign_in(client, f"user{n}", "Summer2026!", f"10.3.0.{n % 3 + 1}")
        assert response.status_code == 200, n
    # The sprayer's addresses are paused, whichever account they try next ...
    assert sign_in(client, "target", PASSWORD, "10.3.0.1").status_code == 429
    assert sign_in(client, "user99", "Summer2026!", "10.3.0.2").status_code == 429
    # ... while a worker at an address that has not failed still signs in.
    assert sign_in(client, "target", PASSWORD, "10.3.9.9").status_code == 302


def test_login_limits__forwarded_address_ignored_without_trusted_proxies(client, alice):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(5):  # a client rotating X-Forwarded-For is still one address
        sign_in(client, "alice", "wrong password", "10.4.0.1",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, "alice", PASSWORD, "10.4.0.1",
                   HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.4.0.1"}


def test_login_limits__forwarded_address_used_behind_a_trusted_proxy(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.5.0.1"
    for _attempt in range(5):  # the client behind the proxy is 198.51.100.7
        sign_in(client, "alice", "wrong password", proxy,
                HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # Another client behind the same proxy is another address; a spoofed left part is ignored.
    assert sign_in(client, "alice", PASSWORD, proxy,
                   HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8").status_code == 302
