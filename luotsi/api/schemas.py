"""Pieces the apps' API schemas share."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

#: The largest value a database integer (64-bit, signed) holds: ids, offsets and counts above it
#: would reach the database driver and fail there.
MAX_INT = 2**63 - 1

#: A record's id (path, query or body): 1 … 2^63−1; anything else is refused with 422.
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
#: A page's offset: 0 … 2^63−1.
Offset = Annotated[int, Field(ge=0, le=MAX_INT)]
#: A record's version or revision as the caller saw it: 1 … 2^63−1.
Version = Annotated[int, Field(ge=1, le=MAX_INT)]


class StrictInput(Schema):
    """Input schemas name every field they accept; anything else is refused (422): no mass
    assignment, no silent typos."""

    model_config = ConfigDict(extra="forbid")


def one_of(values) -> str:
    """A field description listing the accepted codes."""
    return "One of: " + ", ".join(f"`{v}`" for v in values) + "."
