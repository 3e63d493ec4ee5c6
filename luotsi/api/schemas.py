"""Pieces the apps' API schemas share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from annotated_types import MaxLen
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationInfo, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from luotsi.common import validation

# A text field whose own bound is at least this long is free text: line breaks are allowed.
MULTILINE_FROM = 1000

#: The largest value a database integer (64-bit, signed) holds: ids, offsets and counts above it
#: would reach the database driver and fail there.
MAX_INT = 2**63 - 1

#: A record's id (path, query or body): 1 … 2^63−1; anything else is refused with 422.
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
#: A page's offset: 0 … 2^63−1.
Offset = Annotated[int, Field(ge=0, le=MAX_INT)]
#: A record's version or revision as the caller saw it: 1 … 2^63−1.
Version = Annotated[int, Field(ge=1, le=MAX_INT)]


def choice(values, *, blank: bool = False):
    """The type of a code field: one of ``values`` (a model's ``choices`` class or a list of
    codes), an enumeration in the OpenAPI document; with ``blank`` the empty string too (an
    optional code).

    The schema documents the enumeration but takes any text (or whole number): the service that
    receives it checks the code, so that a wrong code is refused (422) in the user's language
    together with the request's other faults, exactly as the forms refuse it."""
    codes = [*([""] if blank else []), *getattr(values, "values", values)]
    numeric = all(isinstance(code, int) for code in codes)
    return Annotated[int if numeric else str, WithJsonSchema(
        {"type": "integer" if numeric else "string", "enum": codes})]


def data_code(*, description: str, examples=(), blank: bool = False, max_length: int = 40):
    """The type of a code field whose codes are data (a county adds one without a release, as
    the plan's sectors): a string with the known codes as examples, not an enumeration. The
    service that receives it checks the code against the data, as for ``choice``."""
    schema: dict = {"type": "string", "maxLength": max_length, "description": description}
    codes = [*([""] if blank else []), *getattr(examples, "values", examples)]
    if codes:
        schema["examples"] = codes
    return Annotated[str, WithJsonSchema(schema)]


def _max_length(field) -> int | None:
    for item in field.metadata:
        if isinstance(item, MaxLen):
            return item.max_length
    return None


def _check(value, *, multiline: bool, max_length: int | None):
    """The problem of ``value`` (or of an item of a list or a value of a dict) as text or as a
    date, or ``None``."""
    if isinstance(value, str):
        return validation.text_problem(value, multiline=multiline, max_length=max_length)
    if isinstance(value, (date, datetime)):
        return validation.date_problem(value)
    if isinstance(value, (list, tuple, set)):
        for item in value:
            problem = _check(item, multiline=multiline, max_length=None)
            if problem:
                return problem
    if isinstance(value, dict):
        for key, item in value.items():
            problem = (_check(key, multiline=False, max_length=None)
                       or _check(item, multiline=multiline, max_length=None))
            if problem:
                return problem
    return None


class CheckedInput(Schema):
    """Every value of an input schema (body or query) passes ``luotsi.common.validation``:
    each text has no control characters and a bound (its field's ``max_length``, else the
    default of one line; line breaks only in fields bounded at ``MULTILINE_FROM`` characters or
    more) and each date and time lies between 1900 and the horizon. A refusal names the field
    (422)."""

    @field_validator("*", mode="after")
    @classmethod
    def _checked(cls, value, info: ValidationInfo):
        field = cls.model_fields.get(info.field_name) if info.field_name else None
        max_length = _max_length(field) if field is not None else None
        problem = _check(value, multiline=bool(max_length and max_length >= MULTILINE_FROM),
                         max_length=max_length)
        if problem:
            raise PydanticCustomError("luotsi_invalid", "{message}", {"message": problem})
        return value


class StrictInput(CheckedInput):
    """Input schemas name every field they accept; anything else is refused (422): no mass
    assignment, no silent typos."""

    model_config = ConfigDict(extra="forbid")


def one_of(values) -> str:
    """A field description listing the accepted codes."""
    return "One of: " + ", ".join(f"`{v}`" for v in values) + "."
