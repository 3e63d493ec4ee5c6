"""Demo flows: the work history seeded on top of the demo county's population.

Each module here seeds one capability's history (family intake, client plans, service usage,
shared clients) and exposes:

- ``NAME``: the phase name shown by ``seed_demo``;
- ``done() -> bool``: whether the flow is already in the database (an interrupted seed is
  finished by running ``seed_demo`` again, so each flow must be able to tell);
- ``total(persons: int) -> int``: the progress total of the phase;
- ``seed(seed: int, today: date, advance) -> int``: writes the flow in one transaction and
  returns the number of main records written.

They run in the order of ``FLOWS``, after the population and its relationships.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

FLOWS = ("intake", "plans", "usage", "sharedcare", "foresight")


def modules() -> list[ModuleType]:
    return [import_module(f"luotsi.demo.flows.{name}") for name in FLOWS]
