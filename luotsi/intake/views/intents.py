"""A page with several forms, each naming itself by the ``intent`` its submit button posts: the
contact page (urgency, initial assessment, assignment, clock) and the assessment page (start,
meetings, consultations, support, referrals, completion, answers).

A page declares its forms as ``Intents`` (intent name → ``Intent``) and answers every request
with ``Intents.answer``:

- a posted form: the record checked for writing through its access function, the form saved
  through its service (``Intent.save``), the page opened again after a save (at the saved
  section, ``Intent.anchor``), or shown with the refused form bound;
- a form kept over an expired session (``pending_form_data``): the page read as usual (logged),
  the form filled in and checked, never saved (``Intent.bind``);
- anything else: the page, read and logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from luotsi.common.middleware import pending_form_data
from luotsi.intake.views._common import kept_message

# (request, record, posted data) → None when saved, else {context name: the bound form}.
Save = Callable[[Any, Any, Any], dict | None]
# (record, posted data, user) → the form bound to the data.
Bind = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Intent:
    """One form of the page: how it is saved, and how it is bound without saving (``key`` is its
    name in the page's context). After a save the page opens at the section ``anchor`` (its id;
    the section takes the focus, so a keyboard user goes on from the part they saved, not from
    the top of the page); without one, at the top."""

    save: Save
    bind: Bind
    key: str
    anchor: str = ""


class Intents:
    """The forms of one page, by intent name."""

    def __init__(self, **intents: Intent) -> None:
        self.by_name = intents

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def of(self, data) -> Intent | None:
        return self.by_name.get(data.get("intent", "")) if data is not None else None

    def answer(self, request, *, access: Callable[..., Any],
               render: Callable[..., HttpResponse],
               saved: Callable[[Any], HttpResponse]) -> HttpResponse:
        """``access(for_write=…)`` is the page's ``access_*_by_id`` call for its id; ``render(
        request, record, bound, access)`` draws the page; ``saved(record)`` is the answer
        after a save (the page again, by redirect)."""
        kept = pending_form_data(request)
        data = kept if kept is not None else (request.POST if request.method == "POST" else None)
        intent = self.of(data)
        if intent is not None and kept is None:  # a posted form: checked; its service logs
            record = access(for_write=True).record
            bound = intent.save(request, record, data)
            if bound is None:
                response = saved(record)
                if intent.anchor:
                    response["Location"] += f"#{intent.anchor}"
                return response
            return render(request, record, bound)
        found = access(for_write=False)
        bound = {}
        if intent is not None:
            kept_message(request)
            form = intent.bind(found.record, data, request.user)
            form.is_valid()
            bound = {intent.key: form}
        return render(request, found.record, bound, found.access)
