"""A real OpenID Connect provider for the staff sign-in tests and the client's strong
identification: ``tests/oidc/provider.mjs`` (the
certified ``oidc-provider`` package) run by node on a free loopback port.

Its packages are installed by ``make install`` (``npm ci --prefix tests/oidc``). Without node the
tests that need it are skipped with the reason; with node but without the packages they fail and
say to run ``make install``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "luotsi-test"
CLIENT_SECRET = "luotsi-test-client-secret-0123456789"


class Provider:
    """``strong``: a second client registered as Finland's identification services do it
    (``client_id``, ``redirect_uri``, ``jwks_uri``, ``hetu_claim``; see provider.mjs)."""

    def __init__(self, redirect_uri: str, post_logout_uri: str, strong: dict | None = None):
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed: the OpenID Connect provider cannot run")
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            pytest.fail("tests/oidc has no node_modules: run `make install` "
                        "(npm ci --prefix tests/oidc)", pytrace=False)
        self.process = subprocess.Popen(
            [node, str(HERE / "provider.mjs"), CLIENT_ID, CLIENT_SECRET, redirect_uri,
             post_logout_uri, *([json.dumps(strong)] if strong else [])],
            cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + 30
        self.issuer = None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("LUOTSI_OP_READY "):
                self.issuer = json.loads(line.split(" ", 1)[1])["issuer"]
                break
        if self.issuer is None:
            self.stop()
            pytest.fail("the OpenID Connect provider did not start", pytrace=False)

    def control(self, path: str, **params) -> None:
        response = requests.post(f"{self.issuer}/__test/{path}", params=params, timeout=10)
        assert response.status_code == 204, response.text

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
