"""Reads of intervention points: the marks on one shared client's service path (after the
gateway has allowed the page, as the service path is read), the report across clients
(aggregates only), and the early candidates a professional may see.

Every statement here is set-based: the events of all the persons asked about are counted in
one grouped statement by person, day, sector and kind (the service-path index's own columns),
their closed family-intake contacts and plans in one statement each; the marks are then found in
Python (``detection``) over those few rows per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from luotsi.access.gateway import Access, visible_persons
from luotsi.intake.models import Contact, ContactPerson, ContactStatus
from luotsi.people.models import Person
from luotsi.plans.models import Plan
from luotsi.sharedcare.models import SharedClient
from luotsi.signals.detection import History, Mark, marks
from luotsi.signals.models import Backtest, EarlyWarningRule, SignalDefinition, SignalKind
from luotsi.usage.models import Flag, Measure, ServiceEvent

LOOKBACK_YEARS = 5  # how far before the flag the signals are looked for


def definitions() -> list[SignalDefinition]:
    return list(SignalDefinition.objects.filter(active=True).order_by("ordering", "code"))


def _local_date(value) -> date:
    return timezone.localtime(value).date()


def shared_client_start(shared: SharedClient) -> date | None:
    """The day a confirmed (or ended) shared client's coordination began: its start day, else
    the day of the decision."""
    if shared.status == SharedClient.Status.DECLINED:
        return None
    return shared.coordination_started_on or _local_date(shared.decided_at)


def flag_dates(person_ids: list[int]) -> dict[int, date]:
    """Each person's first flag: the earliest first flagging of their current flags or the start
    of their coordination as a shared client, whichever came first (two statements)."""
    out: dict[int, date] = {}
    for person_id, first in (Flag.objects.filter(person_id__in=person_ids)
                             .values("person_id").annotate(first=Min("first_flagged_on"))
                             .values_list("person_id", "first").order_by()):
        out[person_id] = first
    for shared in SharedClient.objects.filter(person_id__in=person_ids):
        start = shared_client_start(shared)
        if start is not None and (shared.person_id not in out or start < out[shared.person_id]):
            out[shared.person_id] = start
    return out


def _start(flag_date: date) -> date:
    return flag_date.replace(year=flag_date.year - LOOKBACK_YEARS, day=1)


def counted_kinds(signals: list[SignalDefinition]) -> list[str]:
    """The event kinds the signals count (the others need only the day and the sector)."""
    return sorted({d.parameters.get("event_kind", "") for d in signals
                   if d.kind == SignalKind.REPEATED_EVENTS and d.parameters})


def histories(flags: dict[int, date], kinds: list[str] = ()) -> dict[int, History]:
    """The history of each person of ``flags`` (person id → flag day) before their flag: three
    statements whatever the number of persons or events.

    The events are counted by person, day and sector (the service-path index's order, read from
    the index alone), with a count of each of ``kinds``: at most one row a day and sector
    however many events a heavy user has. Each gives a row of kind ``""`` (all events) and one
    for each counted kind present."""
    if not flags:
        return {}
    out = {person_id: History(flag_date=day) for person_id, day in flags.items()}
    ids = list(flags)
    names = [f"kind_{i}" for i in range(len(kinds))]
    rows = (ServiceEvent.objects
            .filter(person_id__in=ids, event_date__gte=_start(min(flags.values())),
                    event_date__lt=max(flags.values()))
            .values("person_id", "event_date", "sector")
            .annotate(n=Count("event_date"), **{
                name: Count("kind", filter=Q(kind=kind)) for name, kind in
                zip(names, kinds, strict=True)})
            .order_by("person_id", "event_date", "sector")
            .values_list("person_id", "event_date", "sector", "n", *names))
    # Read with the cursor: SQLite gives the days as ISO text, parsed here in C rather than by
    # the ORM's converter for every row of a heavy user.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for person_id, day, sector, count, *by_kind in fetched:
        if isinstance(day, str):
            day = date.fromisoformat(day[:10])
        history = out[person_id]
        if _start(history.flag_date) <= day < history.flag_date:
            history.days.append((day, sector, "", count))
            for kind, n in zip(kinds, by_kind, strict=True):
                if n:
                    history.days.append((day, sector, kind, n))
    closed = Contact.objects.filter(status=ContactStatus.CLOSED, closed_on__isnull=False)
    contacts = (ContactPerson.objects.filter(person_id__in=ids, contact__in=closed)
                .values_list("person_id", "contact__closed_on", "contact__initial_outcome")
                .distinct())
    for person_id, closed_on, outcome in contacts:
        out[person_id].intake.append((closed_on, outcome))
    for person_id, created_at in Plan.objects.filter(person_id__in=ids).values_list(
            "person_id", "created_at"):
        out[person_id].plan_from = _local_date(created_at)
    return out


@dataclass
class PersonMarks:
    flag_date: date | None
    marks: list[Mark]


def person_marks(access: Access) -> PersonMarks:
    """The intervention marks of a person the gateway has already allowed (``access``): the
    signals before their first flag, the earliest first."""
    person_id = access.person.pk
    flag = flag_dates([person_id]).get(person_id)
    if flag is None:
        return PersonMarks(flag_date=None, marks=[])
    signals = definitions()
    history = histories({person_id: flag}, counted_kinds(signals))[person_id]
    return PersonMarks(flag_date=flag, marks=marks(history, signals))


# --- Early candidates ---------------------------------------------------------------------------

def early_matches(rule: EarlyWarningRule, as_of: date, persons: QuerySet | None = None
                  ) -> QuerySet:
    """person_id of everyone ``rule`` matches on ``as_of`` (among ``persons`` when given): one
    GROUP BY … HAVING statement, as the identification rules are evaluated."""
    events = ServiceEvent.objects.filter(
        event_date__gte=as_of - timedelta(days=rule.window_days - 1), event_date__lte=as_of)
    if persons is not None:
        events = events.filter(person_id__in=persons.values("pk"))
    if rule.measure == Measure.DISTINCT_SECTORS:
        counted = Count("sector", distinct=True)
    else:
        counted = Count("event_date")
        if rule.measure == Measure.EVENTS_OF_KIND:
            events = events.filter(kind=rule.event_kind)
        elif rule.measure == Measure.EVENTS_IN_SECTOR:
            events = events.filter(sector=rule.sector)
    return (events.order_by().values("person_id").annotate(n=counted)
            .filter(n__gte=rule.threshold).values_list("person_id", flat=True))


def early_candidates(user, today: date | None = None) -> list[tuple[Person, list[EarlyWarningRule]]]:
    """Persons ``user`` may see (a client relationship, as for the identification candidates)
    whom an active early rule marks today, who are not flagged by an identification rule and not
    decided on as shared clients; with the early rules that mark them. One statement per early
    rule plus one for the persons."""
    today = today or timezone.localdate()
    visible = visible_persons(user)
    rules = list(EarlyWarningRule.objects.filter(active=True).order_by("code"))
    by_person: dict[int, list[EarlyWarningRule]] = defaultdict(list)
    for rule in rules:
        for person_id in early_matches(rule, today, visible):
            by_person[person_id].append(rule)
    if not by_person:
        return []
    persons = (visible.filter(pk__in=list(by_person))
               .exclude(Exists(Flag.objects.filter(person=OuterRef("pk"), rule__active=True)))
               .exclude(Exists(SharedClient.objects.filter(person=OuterRef("pk"))))
               .order_by("last_name", "first_name", "pk"))
    return [(person, by_person[person.pk]) for person in persons]


def early_rules() -> QuerySet[EarlyWarningRule]:
    return EarlyWarningRule.objects.order_by("-active", "code")


def latest_backtest() -> Backtest | None:
    return Backtest.objects.select_related("computed_by").order_by("-computed_at", "-pk").first()


def latest_backtest_figures(rule: EarlyWarningRule) -> tuple[Backtest, dict] | None:
    """The rule's figures from the latest stored backtest that measured it, or None."""
    for backtest in Backtest.objects.select_related("computed_by").order_by(
            "-computed_at", "-pk")[:20]:
        for figures in backtest.figures.get("rules", []):
            if figures.get("code") == rule.code:
                return backtest, figures
    return None
