"""What a signed-in client reads in their own area, each read through the access gateway with
the client as the actor and the basis ``own_data``."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from luotsi.access import gateway, reports
from luotsi.access.models import Category, LogAction
from luotsi.people.models import DOCUMENT_LANGUAGES, Person
from luotsi.plans import page
from luotsi.plans import selectors as plan_selectors
from luotsi.plans.models import Plan

# How far back the client's own access-log report reaches.
OWN_LOG_DAYS = 2 * 365
# Test identities offered on the demo identification page, per language.
DEMO_CLIENTS_PER_LANGUAGE = 4


@gateway.access_function
def access_own_plan_by_id(client: Person, plan_id, *, action: str = LogAction.VIEW,
                          detail: str = "") -> Plan:
    """The plan ``plan_id`` if it is ``client``'s own (the read logged, basis ``own_data``);
    otherwise "not found", the refusal logged."""
    return gateway.own_record_by_id(client, Plan.objects.all(), plan_id, person_field="person",
                                    category=Category.PLAN, entity="plan", action=action,
                                    detail=detail)


def own_plan_id(client: Person) -> int | None:
    return Plan.objects.filter(person_id=client.pk).values_list("pk", flat=True).first()


def own_plan_page(client: Person, plan_id: int, *, action: str, detail: str) -> page.PlanPage:
    """The client's own plan as they see it: all of it, through the gateway."""
    plan = access_own_plan_by_id(client, plan_id, action=action, detail=detail)
    full = plan_selectors.plan_for_page(plan.pk)
    return page.build(full, None, page.lookups(professionals=False), for_client=True)


def log_page_without_plan(client: Person) -> None:
    """A client with no plan opened "my plan": the view is logged all the same."""
    gateway.log_own_read(client, category=Category.PLAN, detail="own plan (none yet)")


def own_access_log(client: Person, today: date, *, action: str = LogAction.VIEW,
                   detail: str = "own access-log report",
                   ) -> tuple[date, list[reports.ReportRow], bool]:
    """The client's own access-log report (the data-protection officer's, for one person) over
    the last ``OWN_LOG_DAYS``, newest first; reading it (``action``: the page's view, the PDF's
    print) is logged first, so it lists itself."""
    gateway.log_own_read(client, category=Category.ACCESS_LOG, action=action, detail=detail)
    start = date.fromordinal(today.toordinal() - OWN_LOG_DAYS)
    rows, truncated = reports.rows_for(client.pk, start, today, person=client)
    return start, rows[::-1], truncated


def demo_clients() -> list[Person]:
    """Demo mode's test identities: a few clients with a plan in each of fi, sv and en."""
    if not settings.DEMO_MODE:
        return []
    found: list[Person] = []
    for language in DOCUMENT_LANGUAGES:
        found += list(Person.objects.filter(plan__isnull=False, language=language)
                      .order_by("last_name", "first_name", "pk")[:DEMO_CLIENTS_PER_LANGUAGE])
    return found
