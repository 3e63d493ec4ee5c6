"""The request id of the request being served and the signed-in professional's id, for log
records written deep in services."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("luotsi_request_id", default="")


def current_request_id() -> str:
    """The id of the current request, or a fresh one for work outside a request (commands)."""
    value = _request_id.get()
    if not value:
        value = f"cli-{uuid.uuid4().hex[:16]}"
        _request_id.set(value)
    return value


def request_id_or_empty() -> str:
    """The id of the current request, or "" outside one (log records do not make one up)."""
    return _request_id.get()


def request_id_set(value: str) -> AbstractContextManager[None]:
    """``value`` is the request id while the ``with`` block runs."""
    return _set(_request_id, value)


# The signed-in professional's id (never a name) for log records; empty when no one is signed in.
_user_id: ContextVar[str] = ContextVar("luotsi_user_id", default="")


def current_user_id() -> str:
    return _user_id.get()


def user_id_set(value: str) -> AbstractContextManager[None]:
    """``value`` is the user id while the ``with`` block runs."""
    return _set(_user_id, value)


@contextmanager
def _set(variable: ContextVar[str], value: str) -> Iterator[None]:
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)
