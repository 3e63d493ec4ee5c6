"""Reading the environment: every setting comes from here and fails loudly when it is wrong."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load_dotenv(path: Path) -> None:
    """Read ``KEY=VALUE`` lines from ``path`` into os.environ without overriding what is set.

    The lines are those of the systemd units' ``EnvironmentFile`` (``deploy/``), so one file
    serves both: blank lines and lines starting with ``#`` or ``;`` are skipped, and a value may
    be wrapped in one pair of matching single or double quotes. An ``export`` before the name
    (as in a shell script) is allowed here too. Any other line is refused with its number, so a typing error does not silently
    leave a setting at its default."""
    if not path.is_file():
        return
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, equals, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not _KEY.match(key):
            raise ImproperlyConfigured(
                f"{path.name}, line {number}: expected NAME=value (see .env.example), "
                f"not {raw.strip()[:40]!r}.")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in {'"', "'"}:
            value = value[1:-1]
        os.environ.setdefault(key, value)


def env_str(name: str, default: object = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
        return str(default)
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Keys must be secrets: long enough, not one character repeated or a short pattern, and never a
# value that is published (the demo keys of config/settings.py, Django's "django-insecure-" keys).
SECRET_MIN_DISTINCT = 10
_PUBLISHED_PREFIXES = ("django-insecure-", "demo-only-")


def secret_problem(value: str, *, min_length: int, published: tuple[str, ...] = ()) -> str | None:
    """Why ``value`` is no key (``None`` when it will do)."""
    if value in published or value.startswith(_PUBLISHED_PREFIXES):
        return "it is a published value"
    if len(value) < min_length:
        return f"it is shorter than {min_length} characters"
    if len(set(value)) < SECRET_MIN_DISTINCT:
        return f"it has fewer than {SECRET_MIN_DISTINCT} different characters"
    return None


def env_secret(name: str, *, demo_mode: bool, demo_value: str, min_length: int) -> str:
    """A key from the environment. In demo mode the published demo value stands in when none is
    set; outside demo mode the key is required and must be a secret (``secret_problem``)."""
    if demo_mode:
        return env_str(name, default=demo_value)
    value = env_str(name)
    problem = secret_problem(value, min_length=min_length, published=(demo_value,))
    if problem:
        raise ImproperlyConfigured(
            f"{name} must be a secret of at least {min_length} random characters "
            f"({SECRET_MIN_DISTINCT}+ different ones), not a published value: {problem}. "
            "Make one with: python3 -c \"import secrets; print(secrets.token_urlsafe(48))\" "
            "(see .env.example).")
    return value


_RATE = re.compile(r"^[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)$")


def env_rate(name: str, default: str) -> str:
    """A rate limit such as ``600/min`` (requests per s, min, hour or day)."""
    value = env_str(name, default=default).strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 600/min (a count, '/', and s, min, hour or day), "
            f"not {value!r}.")
    return value
