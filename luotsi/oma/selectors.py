"""What a signed-in client reads in their own area, each read through the access gateway with
the client as the actor and the basis ``own_data``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from luotsi.access import gateway, reports
from luotsi.access.models import Category, LogAction
from luotsi.people.models import DOCUMENT_LANGUAGES, Person
from luotsi.plans import page
from luotsi.plans import selectors as plan_selectors
from luotsi.plans.models import Plan
from luotsi.sharedcare.models import Meeting, MeetingDecision, MeetingParticipant, SharedClient

# How far back the client's own access-log report reaches.
OWN_LOG_DAYS = 2 * 365
# How many earlier network meetings' minutes "my plan" shows (the newest).
OWN_MINUTES_SHOWN = 10
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


@dataclass
class OwnMeetings:
    """The client's network meetings as they see them: the coming ones, the minutes of the
    earlier ones (newest first), and how many minutes were left out as not shown to them."""

    upcoming: list[Meeting] = field(default_factory=list)
    earlier: list[Meeting] = field(default_factory=list)
    withheld: int = 0


def own_meetings(client: Person) -> OwnMeetings:
    """The network meetings of the client's own shared-client record (read through the
    gateway's own-data path: logged with the client as the actor, basis ``own_data``). The
    minutes (notes and decisions) of a meeting a professional marked as not shown to the client
    are blanked here, so no page of the area can show them."""
    shared = SharedClient.objects.filter(person_id=client.pk).values_list("pk", flat=True).first()
    if shared is None:
        return OwnMeetings()
    gateway.log_own_read(client, category=Category.SHARED_CARE, detail="own network meetings")
    now = timezone.now()
    rows = list(Meeting.objects.filter(shared_client_id=shared)
            .prefetch_related(
                Prefetch("participants", queryset=MeetingParticipant.objects.select_related(
                    "user").order_by("kind", "pk")),
                Prefetch("decisions", queryset=MeetingDecision.objects.select_related("owner")))
            .order_by("held_at", "pk"))
    upcoming = [m for m in rows if m.held_at >= now]
    earlier = [m for m in reversed(rows) if m.held_at < now][:OWN_MINUTES_SHOWN]
    withheld = 0
    for meeting in earlier + upcoming:
        meeting.client_decisions = list(meeting.decisions.all())
        if meeting.minutes_withheld_ground_id is not None:
            withheld += 1
            meeting.notes = ""
            meeting.client_decisions = []
            meeting.minutes_withheld = True
    return OwnMeetings(upcoming=upcoming, earlier=earlier, withheld=withheld)


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
