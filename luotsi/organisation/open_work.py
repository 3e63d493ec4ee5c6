"""A professional's open work, asked of the apps that keep it.

Before a professional is deactivated or taken off a team (the organisation file,
``loading``), whoever holds open work for them must say so: open contacts and assessments as the
worker, plans and shared clients as the coordinator, consultations to answer. The organisation
app sits below the apps that keep the work, so it only asks (``open_work_requested``); the home
app, which may read every capability, answers (``luotsi.home.open_work``). A change of a
professional's qualification asks the same way which of their work the new qualification no
longer allows (``unqualified_work_requested``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

# sender: the User class; kwargs: user_ids (list of ids). Each receiver returns a list of OpenWork.
open_work_requested = Signal()

# sender: OpenWork; kwargs: qualifications ({user id: the qualification the professional would
# have}). Each receiver returns the OpenWork the professional could no longer hold with it.
unqualified_work_requested = Signal()


@dataclass(frozen=True)
class OpenWork:
    user_id: int
    team_id: int | None  # the team the work is kept in, None when it follows the person only
    description: str  # ids and codes, never a client's personal data


def open_work_of(user_ids: list[int]) -> list[OpenWork]:
    """Every open work item of the professionals ``user_ids``, from every app that answers."""
    if not user_ids:
        return []
    items: list[OpenWork] = []
    for _receiver, answer in open_work_requested.send(sender=OpenWork, user_ids=user_ids):
        items.extend(answer or [])
    return items


def unqualified_work_of(qualifications: dict[int, str]) -> list[OpenWork]:
    """The open work that professionals could no longer hold with the qualifications given
    (``{user id: qualification}``): a change of qualification is refused while it would leave a
    client with a responsible worker the law does not allow (LSL 13 b §, SHL 42 §)."""
    if not qualifications:
        return []
    items: list[OpenWork] = []
    for _receiver, answer in unqualified_work_requested.send(sender=OpenWork,
                                                             qualifications=qualifications):
        items.extend(answer or [])
    return items
