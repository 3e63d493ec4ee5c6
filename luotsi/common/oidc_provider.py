"""An OpenID Connect provider's discovery document and published signing keys, kept in memory per
process and issuer: the staff sign-in (``luotsi.organisation.oidc``) and the client's strong
identification (``luotsi.oma.auth``) both read their provider through it.

The discovery document comes from ``<issuer>/.well-known/openid-configuration``; its own
``issuer`` must be the configured one and the endpoints a sign-in needs must be there. The keys
are the provider's published JSON Web Keys for signing; a caller fetches them again
(``fetch_keys``) when a token names a key not among them, so a key rotation at the provider needs
no restart. Each problem is raised through the caller's ``refused(reason, detail)``, so that each
sign-in logs and answers it in its own way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests
from django.conf import settings


def get_json(url: str) -> dict:
    """The JSON object at ``url`` (``ValueError`` when the answer is not one)."""
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    return document


class ProviderCache:
    """The discovery document and published signing keys of the issuer named by the setting
    ``issuer_setting``."""

    def __init__(self, issuer_setting: str, refused: Callable[[str, str], Exception],
                 required_endpoints: tuple[str, ...] = ()):
        self._issuer_setting = issuer_setting
        self._refused = refused
        self._required_endpoints = required_endpoints
        self._lock = threading.Lock()
        self._discovery: dict[str, dict] = {}
        self._keys: dict[str, list[dict]] = {}

    def clear(self) -> None:
        with self._lock:
            self._discovery.clear()
            self._keys.clear()

    def discovery(self) -> dict:
        issuer = getattr(settings, self._issuer_setting)
        with self._lock:
            document = self._discovery.get(issuer)
        if document is None:
            try:
                document = get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
            except (requests.RequestException, ValueError) as exc:
                raise self._refused("provider_unreachable", str(exc)) from exc
            if document.get("issuer") != issuer:
                raise self._refused("discovery_issuer_mismatch",
                                    str(document.get("issuer"))[:100])
            for endpoint in self._required_endpoints:
                if not isinstance(document.get(endpoint), str):
                    raise self._refused("discovery_incomplete", endpoint)
            with self._lock:
                self._discovery[issuer] = document
        return document

    def cached_keys(self, jwks_uri: str) -> list[dict] | None:
        """The signing keys last fetched from ``jwks_uri`` (None before the first fetch)."""
        with self._lock:
            return self._keys.get(jwks_uri)

    def fetch_keys(self, jwks_uri: str) -> list[dict]:
        """The signing keys published at ``jwks_uri`` now (each a JSON Web Key whose ``use``, if
        given, is ``sig``), kept for ``cached_keys``."""
        try:
            published = get_json(jwks_uri).get("keys", [])
        except (requests.RequestException, ValueError) as exc:
            raise self._refused("provider_unreachable", str(exc)) from exc
        keys = [jwk for jwk in published if isinstance(jwk, dict) and jwk.get("use", "sig") == "sig"]
        with self._lock:
            self._keys[jwks_uri] = keys
        return keys
