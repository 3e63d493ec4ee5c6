"""A service's refusal lands on the form the user submitted; the shared save step validates,
calls the service once, confirms or refuses, and hands back what the service returned."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from luotsi.common.forms import apply_service_errors, save_through_service


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


# --- save_through_service ------------------------------------------------------------------------


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _shown(request) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in messages.get_messages(request)]


def test_save__accepted_input_returns_the_service_result_and_confirms():
    request, form, calls = _request(), _Form({"name": "x", "held_at_date": "2026-11-23"}), []

    def call(cleaned):
        calls.append(cleaned["name"])
        return {"pk": 7}

    saved = save_through_service(request, form, call, "Saved.")
    assert saved and saved.ok and saved.result == {"pk": 7}
    assert calls == ["x"]
    assert _shown(request) == [(messages.SUCCESS, "Saved.")]


def test_save__invalid_form_never_calls_the_service():
    request, form = _request(), _Form({"name": "", "held_at_date": "not a date"})
    saved = save_through_service(request, form, lambda cleaned: pytest.fail("called"), "Saved.")
    assert not saved and saved.result is None
    assert set(form.errors) == {"name", "held_at_date"}
    assert _shown(request) == []


def test_save__refusal_goes_on_the_form_through_the_field_map_and_nothing_is_confirmed():
    request, form = _request(), _Form({"name": "x", "held_at_date": "2026-11-23"})

    def refuse(cleaned):
        raise ValidationError({"held_at": "In the future.", "plan": "Plan closed."})

    saved = save_through_service(request, form, refuse, "Saved.",
                                 field_map={"held_at": "held_at_date"})
    assert not saved
    assert form.errors["held_at_date"] == ["In the future."]
    assert form.non_field_errors() == ["Plan closed."]
    assert _shown(request) == []


def test_save__message_from_the_result_at_the_level_asked_or_none():
    request = _request()
    saved = save_through_service(request, _bound(), lambda cleaned: 3,
                                 lambda number: f"Version {number} accepted.",
                                 level=messages.WARNING)
    assert saved.result == 3
    assert _shown(request) == [(messages.WARNING, "Version 3 accepted.")]
    quiet = _request()
    assert save_through_service(quiet, _bound(), lambda cleaned: None, None)
    assert _shown(quiet) == []


def test_save__other_exceptions_are_left_to_the_page():
    class Conflict(Exception):
        pass

    def conflict(cleaned):
        raise Conflict

    request = _request()
    with pytest.raises(Conflict):
        save_through_service(request, _bound(), conflict, "Saved.")
    assert _shown(request) == []
