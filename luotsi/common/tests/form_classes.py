"""Every form class of every Luotsi app, found by importing each production module (tests,
migrations and the demo's flows left out), so that a form added in a new module is checked
without anyone listing it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from django import forms

import luotsi

SKIPPED_PARTS = {"tests", "migrations", "management"}
# Read by makemessages only (strings of third-party packages), never imported.
NOT_IMPORTED = {"luotsi.common.third_party_strings"}


def luotsi_modules() -> Iterator[str]:
    for info in pkgutil.walk_packages(luotsi.__path__, prefix="luotsi."):
        if SKIPPED_PARTS & set(info.name.split(".")) or info.name in NOT_IMPORTED:
            continue
        yield info.name


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for name in luotsi_modules():
        module = importlib.import_module(name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name:
                found.append(value)
    return found


def form_fields(kind) -> Iterator[tuple[str, forms.Field]]:
    """Each declared field of type ``kind``, named ``module.Form.field``."""
    for cls in form_classes():
        for field_name, field in cls.base_fields.items():
            if isinstance(field, kind):
                yield f"{cls.__module__}.{cls.__name__}.{field_name}", field
