"""What the intake pages share: the permission check, the kept-form message, deadline rows,
error summaries and orphaned form errors."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luotsi.intake import selectors
from luotsi.intake.models import OBLIGATION_LABELS

GET_POST = require_http_methods(["GET", "POST"])


def kept_message(request) -> None:
    messages.info(request, _("Your session had expired. Your entries were kept: check them and "
                             "save again."))


def deadline_rows(deadlines):
    return [{"deadline": d, "label": OBLIGATION_LABELS.get(d.code, d.code)} for d in deadlines]


def orphan_errors(request, bound: dict, context: dict) -> None:
    """Errors of a posted form the page no longer shows (someone else did that step
    meanwhile) are shown as messages, so that a refusal is never silent."""
    for key, form in bound.items():
        if key not in context:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)


def with_lateness(rows: list[dict]) -> list[dict]:
    late = selectors.late_met(rows)
    for row in rows:
        row["late"] = late.get(row["contact"].pk, 0)
    return rows
