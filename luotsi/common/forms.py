"""Form helpers shared by the apps' views."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

from luotsi.common import validation


def guard_fields(fields) -> None:
    """Give every field the checks of ``luotsi.common.validation``: each text field a bound (its
    own ``max_length``, else the default of one line or of free text in a ``Textarea``) and the
    control-character check; each date and datetime field the accepted range."""
    for field in fields.values():
        if isinstance(field, forms.CharField):
            multiline = isinstance(field.widget, forms.Textarea)
            if field.max_length is None:
                field.max_length = (validation.MAX_TEXT_LENGTH if multiline
                                    else validation.MAX_LINE_LENGTH)
                field.validators.append(MaxLengthValidator(field.max_length))
                if not field.widget.is_hidden:
                    field.widget.attrs.update(field.widget_attrs(field.widget))
            field.validators.append(validation.TextValidator(multiline=multiline))
        elif isinstance(field, (forms.DateField, forms.DateTimeField)):
            field.validators.append(validation.DateRangeValidator())
            if getattr(field.widget, "input_type", "") == "date":  # the browser's picker too
                field.widget.attrs.setdefault("min", validation.EARLIEST_DATE.isoformat())
                field.widget.attrs.setdefault("max", validation.latest_date().isoformat())


class GuardedInputMixin:
    """Every Luotsi form passes its input through the shared checks (``guard_fields``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_fields(self.fields)


class Form(GuardedInputMixin, forms.Form):
    """The base of Luotsi's forms."""


RETRY_KEY = re.compile(r"^[0-9a-f]{32}$")


class OnceMixin:
    """A form whose save creates a record, saved once however often the page posts it: the
    template writes ``retry_key`` into a hidden ``idempotency_key`` input (no id, so several such
    forms fit on one page), and the view saves through ``luotsi.api.idempotency.form_saved_once``,
    which stores the posted key (``posted_key``) with the one idempotency store. A form shown
    again after a refusal keeps its key."""

    data: Any
    is_bound: bool

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = str(self.data.get("idempotency_key", "")) if self.is_bound else ""
        self.posted_key = posted if RETRY_KEY.match(posted) else ""
        self.retry_key = self.posted_key or uuid.uuid4().hex


class OnceForm(OnceMixin, Form):
    """A ``Form`` saved once per its key (``OnceMixin``)."""


ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A native date picker (``<input type="date">``). Its value is always ISO 8601
    (``2026-12-05``), whatever the language: the browser shows a value in any other format as an
    empty field, and the form would then be refused for a field the worker never touched."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    """A native time picker (``<input type="time">``); its value is ``HH:MM``."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def refuse_last_before_first(form, first: str, last: str) -> None:
    """Refuse, on the field ``last``, a last day (``last``) before the first day (``first``) of
    ``form``'s cleaned data; either may be empty."""
    start, end = form.cleaned_data.get(first), form.cleaned_data.get(last)
    if start and end and end < start:
        form.add_error(last, _("The last day cannot be before the first day."))


def apply_service_errors(form, exc: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ``ValidationError`` on the form that was submitted.

    A message keyed by a field of the form goes to that field (``field_map`` renames service keys
    to form fields); any other message — also one without a field at all — goes to the form as a
    whole, so every refusal is shown to the user next to what they typed.
    """
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.message_dict.items():
        target = field_map.get(name, name)
        for message in errors:
            form.add_error(target if target in form.fields else None, message)


@dataclass(frozen=True)
class Saved:
    """What ``save_through_service`` did: ``ok`` says the service accepted the input and
    ``result`` is what it returned (the new or changed row, for the page to redirect to). True
    exactly when ``ok``, so a caller may test it like a ``bool``."""

    ok: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.ok


def save_through_service(request, form, call: Callable[[dict], Any],
                         success: str | Callable[[Any], str] | None, *,
                         field_map: dict | None = None,
                         level: int = messages.SUCCESS) -> Saved:
    """The step every form page repeats: validate ``form``, call the service with its cleaned
    data (``call(cleaned_data)``), put a refusal on the form, or add ``success`` as a message.

    ``success`` is the message text, or a function of the service's result that gives it (e.g.
    "version 3 was accepted"), or ``None`` for no message; ``level`` is the message's level.
    ``field_map`` renames the service's error keys to form fields (``apply_service_errors``).
    Any exception other than ``ValidationError`` (a revision conflict, say) is left to the
    caller.

    Returns a ``Saved``: true when the service accepted the input, with its return value as
    ``result``; when it did not, nothing is saved and the errors are on the form.
    """
    if not form.is_valid():
        return Saved(False)
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc, field_map)
        return Saved(False)
    if success is not None:
        text = success(result) if callable(success) else success
        messages.add_message(request, level, text)
    return Saved(True, result)
