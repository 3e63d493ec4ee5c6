"""A client with a plan (goals, steps, a service, a coordinator with a phone) and a signed-in
client session, for the tests of the client's own area."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from luotsi.oma.session import CLIENT_KEY, SEEN_KEY
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import CodeList, CodeListItem, Goal, Plan, PlanSection, PlanService, Step


def _item(code_list: str) -> CodeListItem:
    return CodeListItem.objects.filter(version__current=True, code_list=code_list).order_by("sort_order", "pk").first()


def client_with_plan(coordinator, *, language: str = "fi", first_name: str = "Aino",
                     goal: str = "Oma koti ja työ") -> Plan:
    person = PersonFactory(first_name=first_name, language=language)
    today = timezone.localdate()
    plan = Plan.objects.create(person=person, coordinator=coordinator, created_by=coordinator,
                               updated_by=coordinator, language=language,
                               review_on=today + dt.timedelta(days=60))
    section = PlanSection.objects.create(plan=plan, sector="working_age_social",
                                         responsible=coordinator)
    first = Goal.objects.create(plan=plan, section=section, goal_area=_item(CodeList.GOAL_AREA),
                                client_wording=goal)
    Step.objects.create(plan=plan, goal=first, what="Soitan asuntotoimistoon",
                        owner_kind=Step.Owner.CLIENT, due_on=today + dt.timedelta(days=7))
    Step.objects.create(plan=plan, goal=first, what="Varaan ajan työvalmentajalle",
                        owner_kind=Step.Owner.PROFESSIONAL, owner=coordinator,
                        due_on=today + dt.timedelta(days=14))
    PlanService.objects.create(plan=plan, item=_item(CodeList.SERVICE),
                               sector="working_age_social", provider="Sosiaalitoimi")
    return plan


def shared_client_of(plan: Plan):
    """``plan``'s client confirmed as a shared client, coordinated by the plan's coordinator."""
    from luotsi.sharedcare.models import SharedClient

    return SharedClient.objects.create(
        person=plan.person, status=SharedClient.Status.CONFIRMED, plan=plan,
        coordinator=plan.coordinator, coordination_started_on=timezone.localdate(),
        decided_by=plan.coordinator, decided_at=timezone.now())


def sign_in_client(client, person, *, seen: float | None = None) -> None:
    """Give the test client's session ``person``'s own sign-in (as the identification does)."""
    session = client.session
    session[CLIENT_KEY] = person.pk
    session[SEEN_KEY] = int(time.time() if seen is None else seen)
    session.save()
    client.cookies["sessionid"] = session.session_key
