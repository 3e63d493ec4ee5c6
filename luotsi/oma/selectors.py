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
from luotsi.plans.models import Consent, Plan, PlanFeedback
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


@gateway.access_function
def access_own_consent_by_id(client: Person, consent_id, *, action: str = LogAction.VIEW,
                             detail: str = "") -> Consent:
    """The consent ``consent_id`` if it is on ``client``'s own plan (the access logged, basis
    ``own_data``); otherwise "not found", the refusal logged."""
    return gateway.own_record_by_id(client, Consent.objects.select_related("plan__coordinator"),
                                    consent_id, person_field="plan__person",
                                    category=Category.PLAN, entity="consent", action=action,
                                    detail=detail)


@dataclass
class OwnConsent:
    """One consent as the client sees it: what it allows, since when, whether it is in force."""

    consent: Consent
    in_force: bool
    waiting: bool  # asked by a worker, waiting for the client's answer
    ended: bool  # withdrawn or past its end


def own_consents(client: Person, plan_id: int | None) -> list[OwnConsent]:
    """The consents of the client's own plan, waiting ones first, then those in force (the
    read logged with the client as the actor, basis ``own_data``)."""
    gateway.log_own_read(client, category=Category.PLAN, detail="own consents")
    if plan_id is None:
        return []
    today = timezone.localdate()
    rows = []
    for consent in Consent.objects.filter(plan_id=plan_id, plan__person_id=client.pk).order_by(
            "-valid_from", "-pk"):
        waiting = consent.status == Consent.Status.REQUESTED and consent.withdrawn_on is None
        in_force = consent.in_force_on(today)
        rows.append(OwnConsent(consent, in_force, waiting, not waiting and not in_force))
    return sorted(rows, key=lambda row: (not row.waiting, not row.in_force))


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


# How long after a review or a meeting the client is asked whether the plan helped.
FEEDBACK_DAYS = 60


def feedback_due(plan: Plan, reviews: list, meetings: OwnMeetings) -> dict | None:
    """The latest review held or network meeting past, within ``FEEDBACK_DAYS``, that the client
    has not yet answered "did the plan help?" about (``occasion``, ``id``, ``on``), or ``None``."""
    today = timezone.localdate()
    occasions = [("review", r.pk, r.held_on) for r in reviews
                 if r.held_on is not None and (today - r.held_on).days <= FEEDBACK_DAYS]
    occasions += [("meeting", m.pk, timezone.localtime(m.held_at).date())
                  for m in meetings.earlier
                  if (today - timezone.localtime(m.held_at).date()).days <= FEEDBACK_DAYS]
    if not occasions:
        return None
    answered = set(PlanFeedback.objects.filter(plan_id=plan.pk).values_list(
        "occasion", "occasion_id"))
    waiting = [o for o in occasions if (o[0], o[1]) not in answered]
    if not waiting:
        return None
    occasion, pk, on = max(waiting, key=lambda o: (o[2], o[1]))
    return {"occasion": occasion, "id": pk, "on": on}
