"""Rate limits of the API: per token and per client address, and refused tokens per address.

Limits are sliding windows kept in Django's default cache (``LUOTSI_CACHE``: a table in Luotsi's
own database by default, so every web process and server counts together; see
docs/permissions.md). A request over a limit answers 429 in the API's error shape with
``Retry-After`` in seconds.

- ``API_TOKEN_RATE`` (600/min): requests of one token, counted after the token is accepted;
- ``API_ADDRESS_RATE`` (1200/min): accepted requests from one client address (several
  integrations may share one);
- ``API_REFUSED_RATE`` (20/min): refused requests (missing, unknown, expired or revoked token)
  from one client address. Over it, the address is answered 429 before any token is looked at,
  so a burst of guessed tokens stops at the limit.

The client address is ``luotsi.common.addresses.client_address`` (REMOTE_ADDR unless trusted
proxies are configured). Rates are read from the settings at each request, so a test can
override them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from ninja.errors import Throttled
from ninja.throttling import SimpleRateThrottle

from luotsi.common.addresses import client_address


class _SettingsRateThrottle(SimpleRateThrottle):
    """ninja's sliding-window throttle whose rate is a Luotsi setting, read at each request."""

    setting = ""

    def __init__(self) -> None:  # the rate is read per request, not once at import
        self.rate = None

    def _load(self) -> None:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.cache = caches["default"]

    def get_ident(self, request) -> str:
        return client_address(request)

    def wait(self) -> float:
        """Seconds until the oldest request in the window leaves it (at least one)."""
        if not self.history:
            return 1.0
        return max(1.0, self.history[-1] + self.duration - self.now)

    def allow_request(self, request) -> bool:
        self._load()
        return super().allow_request(request)


class TokenRateThrottle(_SettingsRateThrottle):
    setting = "API_TOKEN_RATE"
    scope = "api_token"

    def get_cache_key(self, request) -> str | None:
        token_id = getattr(request, "luotsi_token_id", None)
        if token_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_id}


class AddressRateThrottle(_SettingsRateThrottle):
    setting = "API_ADDRESS_RATE"
    scope = "api_address"

    def get_cache_key(self, request) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RefusedTokenThrottle(_SettingsRateThrottle):
    """Refusals per address: checked before the token is looked at, counted after a refusal."""

    setting = "API_REFUSED_RATE"
    scope = "api_refused"

    def get_cache_key(self, request) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _history(self, request) -> list[float]:
        self._load()
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return self.history

    def refuse_if_over(self, request) -> None:
        if len(self._history(request)) >= self.num_requests:
            raise Throttled(wait=self.wait())

    def count_refusal(self, request) -> None:
        self._history(request)
        self.throttle_success()  # records this refusal in the window
