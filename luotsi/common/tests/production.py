"""Running ``manage.py`` in a child process with production settings, for the tests of the
deployment checks (common/tests/test_security) and of the access-log key (access/tests)."""

from __future__ import annotations

import functools
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings


def production_env(tmp_path: Path) -> dict[str, str]:
    """A clean production environment: nothing inherited from the test run but the basics
    (the test run's own variables, e.g. those of the browser tests, are not production's)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT")
           if key in os.environ}
    env.update({
        "LUOTSI_DEMO": "0",
        "LUOTSI_DEBUG": "0",
        "LUOTSI_SECRET_KEY": secrets.token_urlsafe(64),
        "LUOTSI_PERSONAL_DATA_KEY": secrets.token_urlsafe(48),
        "LUOTSI_ACCESS_LOG_KEY": secrets.token_urlsafe(48),
        "LUOTSI_ALLOWED_HOSTS": "luotsi.example.fi",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'luotsi.sqlite3'}",
        "LUOTSI_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    })
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``manage.py ARGS`` in a child process with ``env`` as its whole environment."""
    base_dir = Path(settings.BASE_DIR)
    return subprocess.run(
        [sys.executable, str(base_dir / "manage.py"), *args],
        cwd=base_dir, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


@functools.cache
def collected_static_root() -> Path:
    """``manage.py collectstatic`` into a temporary folder, once per test process (it compresses
    every file, which takes a while); pass it as LUOTSI_STATIC_ROOT."""
    root = Path(tempfile.mkdtemp(prefix="luotsi-static-"))
    env = production_env(root) | {"LUOTSI_STATIC_ROOT": str(root / "static")}
    result = manage(env, "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "static"
