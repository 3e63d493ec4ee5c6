"""Every date and time input of every form carries an ISO value (``2026-12-05``, ``14:00``):
a native ``<input type="date">`` shows any other format as an empty field, and the form is then
refused for a field the worker never touched."""

from __future__ import annotations

import importlib
import inspect
from datetime import date, time

import pytest
from django import forms
from django.utils import translation

FORM_MODULES = ["luotsi.plans.forms", "luotsi.sharedcare.forms", "luotsi.intake.forms",
                "luotsi.people.forms", "luotsi.access.forms", "luotsi.reports.indicator_forms",
                "luotsi.reports.forms",
                "luotsi.reports.effectiveness_forms", "luotsi.organisation.forms"]


def _fields(kind):
    for name in FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                for field_name, field in cls.base_fields.items():
                    if isinstance(field, kind):
                        yield f"{name}.{cls.__name__}.{field_name}", field


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_date_input_is_given_an_iso_value(language):
    found = list(_fields(forms.DateField))
    assert len(found) > 10
    with translation.override(language):
        wrong = [name for name, field in found
                 if 'value="2026-12-05"' not in field.widget.render("d", date(2026, 12, 5))
                 or 'type="date"' not in field.widget.render("d", date(2026, 12, 5))]
    assert wrong == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_time_input_is_given_an_iso_value(language):
    found = [(name, field) for name, field in _fields(forms.TimeField)
             if getattr(field.widget, "input_type", "") == "time"]
    assert found
    with translation.override(language):
        wrong = [name for name, field in found
                 if 'value="14:00"' not in field.widget.render("t", time(14, 0))]
    assert wrong == []
