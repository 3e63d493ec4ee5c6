"""Demo flow: usage (not seeded yet)."""

from __future__ import annotations

NAME = "usage"


def done() -> bool:
    return True


def total(persons: int) -> int:
    return 1


def seed(seed: int, today, advance) -> int:
    return 0
