"""A service's refusal lands on the form the user submitted."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from luotsi.common.forms import apply_service_errors


class _Form(forms.Form):
    name = forms.CharField()
    held_at_date = forms.DateField()


def _bound() -> _Form:
    form = _Form({"name": "x", "held_at_date": "2026-11-23"})
    assert form.is_valid()
    return form


def test_field_errors_go_to_their_fields_and_the_rest_to_the_form():
    form = _bound()
    apply_service_errors(form, ValidationError({"name": "Too short.", "plan": "Plan closed."}))
    assert form.errors["name"] == ["Too short."]
    assert form.non_field_errors() == ["Plan closed."]


def test_renamed_service_keys_reach_the_form_field():
    form = _bound()
    apply_service_errors(form, ValidationError({"held_at": "In the future."}),
                         {"held_at": "held_at_date"})
    assert form.errors["held_at_date"] == ["In the future."]


def test_an_error_without_fields_is_shown_on_the_form_not_lost():
    form = _bound()
    apply_service_errors(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]
