"""Parts that the installed apps offer to a page of an app below them in the layers, found by
module name as Django finds each app's ``admin`` module: the app below never imports the apps
built on it. The person page's history (``luotsi.people.history``, modules ``person_history``)
and the shared client's page (``luotsi.sharedcare.page_sections``, modules
``shared_client_page``) gather theirs here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@cache
def offered(module: str, function: str) -> tuple[Callable, ...]:
    """``function`` of each installed app that has a module ``module``, in app order (found
    once)."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, module):
            found.append(getattr(import_module(f"{config.name}.{module}"), function))
    return tuple(found)


def sections(module: str, function: str, *args) -> list:
    """Every section that the apps' ``function(*args)`` give, sorted by their ``order``."""
    result = [section for provider in offered(module, function) for section in provider(*args)]
    return sorted(result, key=lambda section: section.order)
