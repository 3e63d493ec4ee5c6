"""Parts of the shared client's page offered by capabilities above sharedcare.

``sharedcare`` never imports the apps built on it (e.g. ``luotsi.signals``, the intervention
points on the service path). Such an app offers its part of the page in a module named
``shared_client_page`` with a function ``sections(user, access, today) -> list[Section]``,
found once at start-up (as the person page's history is, ``luotsi.people.history``). The page
has already been allowed and logged by the gateway (``access``); a section reads only that
person's data, in a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass
class Section:
    """One part of the page: ``template`` renders with ``context`` after the service path."""

    key: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


Provider = Callable[..., list[Section]]


@lru_cache(maxsize=1)
def providers() -> tuple[Provider, ...]:
    """The ``shared_client_page.sections`` functions of the installed apps, in app order."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "shared_client_page"):
            found.append(import_module(f"{config.name}.shared_client_page").sections)
    return tuple(found)


def sections(user, access, today) -> list[Section]:
    result = [section for provider in providers() for section in provider(user, access, today)]
    return sorted(result, key=lambda section: section.order)
