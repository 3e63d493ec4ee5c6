"""Pieces the apps' API schemas share."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictInput(Schema):
    """Input schemas name every field they accept; anything else is refused (422): no mass
    assignment, no silent typos."""

    model_config = ConfigDict(extra="forbid")


def one_of(values) -> str:
    """A field description listing the accepted codes."""
    return "One of: " + ", ".join(f"`{v}`" for v in values) + "."
