"""The API's one error shape and the statuses each operation documents.

    {"error": {"code": "...", "message": "...", "fields": [{"field": "...", "message": "..."}]}}

Every app's ``api.py`` documents its operations' answers with ``responses``: the success
statuses it gives, and the error statuses the operation may answer on top of the ones every
operation may answer (401 without a valid token, 422 for invalid parameters, 429 when
throttled), all in this shape.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema

#: Every operation may answer these: no valid bearer token, an invalid parameter or body,
#: too many requests.
ALWAYS = (401, 422, 429)


class ErrorField(Schema):
    field: str
    message: str


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[ErrorField]


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(code: str, message: str, fields: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


def responses(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's documented answers: ``success`` (which may also give a richer schema for
    an error status, e.g. 412 with the current revision), ``ALWAYS`` and ``errors`` in the one
    error shape. Operations with a request body add 400 (a body that is not JSON); with an id
    in the path 404; writes 403 (the role may not, or access is read-only)."""
    answers = dict(success)
    for status in sorted({*ALWAYS, *errors}):
        answers.setdefault(status, ErrorOut)
    return answers
