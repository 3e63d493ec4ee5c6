"""The request id of the request being served, for log records written deep in services."""

from __future__ import annotations

import uuid
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


def set_request_id(value: str):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


# The signed-in professional's id (never a name) for log records; empty when no one is signed in.
_user_id: ContextVar[str] = ContextVar("luotsi_user_id", default="")


def current_user_id() -> str:
    return _user_id.get()


def set_user_id(value: str):
    return _user_id.set(value)


def reset_user_id(token) -> None:
    _user_id.reset(token)
