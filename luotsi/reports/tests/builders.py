"""Hand-made intake data for the key-figure tests: contacts with the fields the figures read."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from luotsi.intake import queue_keys
from luotsi.intake.models import (
    Contact,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
SNA = InitialAssessment.Outcome.SERVICE_NEED_ASSESSMENT
ADVICE = InitialAssessment.Outcome.ADVICE


def contact(*, world, opened_on: dt.date, outcome: str | None = None,
            closed_on: dt.date | None = None, team=None, municipality=None, assignee=None,
            deadlines=()) -> Contact:
    """One contact; ``deadlines`` are (code, due_on, met_on) triples."""
    created = Contact.objects.create(
        kind="child_welfare_notification", clock="child_welfare_notification", channel="phone",
        received_at=dt.datetime.combine(opened_on, dt.time(10), tzinfo=HELSINKI),
        opened_on=opened_on, reporter_kind="education", description="Huoli lapsesta",
        child=world.child, municipality=municipality or world.porvoo,
        team=team or world.east, assignee=assignee,
        status=ContactStatus.CLOSED if closed_on else ContactStatus.IN_ASSESSMENT,
        closed_on=closed_on, registered_by=world.lead,
    )
    if outcome:
        InitialAssessment.objects.create(contact=created, outcome=outcome, reason="Arvio",
                                         decided_by=world.lead, decided_on=opened_on)
    for code, due_on, met_on in deadlines:
        Deadline.objects.create(contact=created, code=code, due_on=due_on, basis="LSL 26 §",
                                met_on=met_on,
                                status=DeadlineStatus.MET if met_on else DeadlineStatus.ON_TIME)
    queue_keys.sync([created.pk])  # what the services store alongside, as they would
    return created


def routed_month(world, month: dt.date, *, assessed: int, routed: int, **kwargs) -> None:
    """``assessed`` contacts opened in ``month`` with an initial assessment, ``routed`` of them
    to a service-need assessment (the rest given advice)."""
    contacts = Contact.objects.bulk_create([
        Contact(kind="shl_contact", clock="shl_contact", channel="phone",
                received_at=dt.datetime.combine(month, dt.time(9), tzinfo=HELSINKI),
                opened_on=month.replace(day=1 + i % 28), reporter_kind="guardian",
                description="Yhteydenotto", child=world.child,
                municipality=kwargs.get("municipality", world.porvoo),
                team=kwargs.get("team", world.east), status=ContactStatus.ROUTED,
                registered_by=world.lead)
        for i in range(assessed)])
    InitialAssessment.objects.bulk_create([
        InitialAssessment(contact=c, outcome=SNA if i < routed else ADVICE, reason="Arvio",
                          decided_by=world.lead, decided_on=c.opened_on)
        for i, c in enumerate(contacts)])
    queue_keys.sync([c.pk for c in contacts])
