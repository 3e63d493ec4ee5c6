"""Form helpers shared by the apps' views."""

from __future__ import annotations

from django.core.exceptions import ValidationError


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


def save_through_service(request, form, call, success: str) -> bool:
    """The step every form page repeats: validate ``form``, call the service with its cleaned
    data (``call(cleaned_data)``), put a refusal on the form, or add ``success`` as a message.

    Returns whether the service accepted the input; nothing is saved when it did not.
    """
    from django.contrib import messages

    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    messages.success(request, success)
    return True
