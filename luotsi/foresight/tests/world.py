"""A small county for the foresight tests: a regional assessment team with one social worker
(its lead a member), another team, and open contacts whose deadlines make the first week too
much for one worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from luotsi.foresight.models import StaffCapacity, StaffRole, TeamCapacity
from luotsi.foresight.workload import monday
from luotsi.intake.models import Contact, ContactStatus, Deadline, DeadlineStatus
from luotsi.organisation.models import Role, Team, TeamKind, User
from luotsi.organisation.tests.factories import (
    MunicipalityFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
)
from luotsi.people.tests.factories import PersonFactory


@dataclass
class World:
    east: Team
    west: Team
    lead: User
    other_lead: User
    worker: User
    origin: date


def add_contacts(team: Team, municipality, registered_by: User, *, count: int, code: str,
                 due_on: date) -> None:
    child = PersonFactory(municipality=municipality)
    for _ in range(count):
        contact = Contact.objects.create(
            kind="child_welfare_notification", clock="child_welfare_notification",
            channel="phone", received_at=timezone.now() - timedelta(days=3),
            opened_on=timezone.localdate() - timedelta(days=3), reporter_kind="education",
            description="Huoli", child=child, municipality=municipality, team=team,
            status=ContactStatus.ROUTED, registered_by=registered_by)
        Deadline.objects.create(contact=contact, code=code, due_on=due_on,
                                basis="LSL 26 § 5 mom.", status=DeadlineStatus.ON_TIME)


def build_world(*, starts: int = 12, language: str = "en") -> World:
    """``starts`` open contacts whose service-need assessment must start this week (3 hours
    each by default) against one social worker's 26.8 hours of client work a week."""
    region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", region=region)
    east = TeamFactory(code="assessment-east", name_fi="Itäinen arviointitiimi",
                       name_sv="Östra bedömningsteamet", name_en="East assessment",
                       kind=TeamKind.ASSESSMENT, region=region)
    west = TeamFactory(code="assessment-west", name_fi="Läntinen arviointitiimi",
                       name_sv="Västra bedömningsteamet", name_en="West assessment",
                       kind=TeamKind.ASSESSMENT, region=RegionFactory(code="west"))
    lead = UserFactory(username="leena", first_name="Leena", last_name="Lahtinen",
                       role=Role.TEAM_LEAD, teams=[east], language=language)
    other_lead = UserFactory(username="ville", first_name="Ville", last_name="Virtanen",
                             role=Role.TEAM_LEAD, teams=[west], language=language)
    worker = UserFactory(username="anna", first_name="Anna", last_name="Nieminen", teams=[east],
                         language=language)
    for team in (east, west):
        TeamCapacity.objects.create(team=team, weekly_hours=Decimal("38.25"),
                                    client_work_share=70)
        StaffCapacity.objects.create(team=team, role=StaffRole.SOCIAL_WORKER, fte=Decimal(1))
    origin = monday(timezone.localdate())
    # Due on the Friday of this week (or its Monday, whichever is today or later).
    due = max(origin + timedelta(days=4), timezone.localdate())
    add_contacts(east, porvoo, lead, count=starts, code="assessment_start", due_on=due)
    return World(east=east, west=west, lead=lead, other_lead=other_lead, worker=worker,
                 origin=origin)
