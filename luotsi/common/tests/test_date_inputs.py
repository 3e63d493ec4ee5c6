"""Every date and time input of every form carries an ISO value (``2026-12-05``, ``14:00``):
a native ``<input type="date">`` shows any other format as an empty field, and the form is then
refused for a field the worker never touched."""

from __future__ import annotations

from datetime import date, time

import pytest
from django import forms
from django.utils import translation

from luotsi.common.tests.form_classes import form_fields


def _fields(kind):
    """Each date or time field of every form of every module (found by importing them all)."""
    return form_fields(kind)


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
