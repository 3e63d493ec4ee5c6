"""A professional's open work, asked of the apps that keep it.

Before a professional is deactivated or taken off a team (the organisation file,
``loading``), whoever holds open work for them must say so: open contacts and assessments as the
worker, plans and shared clients as the coordinator, consultations to answer. The organisation
app sits below the apps that keep the work, so it only asks (``open_work_requested``); the home
app, which may read every capability, answers (``luotsi.home.open_work``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

# sender: the User class; kwargs: user_ids (list of ids). Each receiver returns a list of OpenWork.
open_work_requested = Signal()


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
