"""Reads of intervention points: the marks on one shared client's service path (after the
gateway has allowed the page, as the service path is read), the report across clients
(aggregates only), and the early candidates a professional may see.

Every statement here is set-based: the events of all the persons asked about are counted in
one grouped statement by person, day, sector and kind (the service-path index's own columns),
their closed family-intake contacts and plans in one statement each (for one person on their
page, the three in one statement); the marks are then found in Python (``detection``) over those
few rows per person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, models
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


def first_flag_date(first_flagged: Iterable[date], shared: SharedClient | None) -> date | None:
    """A person's first flag: the earliest of the days their current flags were first raised
    (``first_flagged``) and the start of their coordination as a shared client (``shared``)."""
    days = list(first_flagged)
    start = shared_client_start(shared) if shared is not None else None
    if start is not None:
        days.append(start)
    return min(days, default=None)


def flag_dates(person_ids: list[int]) -> dict[int, date]:
    """Each person's first flag (``first_flag_date``) of ``person_ids`` (two statements)."""
    firsts = dict(Flag.objects.filter(person_id__in=person_ids)
                  .values("person_id").annotate(first=Min("first_flagged_on"))
                  .values_list("person_id", "first").order_by())
    shared = {s.person_id: s for s in SharedClient.objects.filter(person_id__in=person_ids)}
    out: dict[int, date] = {}
    for person_id in firsts.keys() | shared.keys():
        first = first_flag_date([firsts[person_id]] if person_id in firsts else [],
                                shared.get(person_id))
        if first is not None:
            out[person_id] = first
    return out


def _start(flag_date: date) -> date:
    return flag_date.replace(year=flag_date.year - LOOKBACK_YEARS, day=1)


def counted_kinds(signals: list[SignalDefinition]) -> list[str]:
    """The event kinds the signals count (the others need only the day and the sector)."""
    return sorted({d.parameters.get("event_kind", "") for d in signals
                   if d.kind == SignalKind.REPEATED_EVENTS and d.parameters})


def _kind_names(kinds: Sequence[str]) -> list[str]:
    return [f"kind_{i}" for i in range(len(kinds))]


def _event_days(person_ids: list[int], start: date, until: date, kinds: Sequence[str]
                ) -> QuerySet:
    """The persons' events from ``start`` to the day before ``until`` counted by person, day and
    sector (the service-path index's own columns, read from the index alone), with a count of
    each of ``kinds`` (columns ``_kind_names(kinds)``): at most one row a day and sector however
    many events a heavy user has."""
    names = _kind_names(kinds)
    return (ServiceEvent.objects
            .filter(person_id__in=person_ids, event_date__gte=start, event_date__lt=until)
            .values("person_id", "event_date", "sector")
            .annotate(n=Count("event_date"), **{
                name: Count("kind", filter=Q(kind=kind)) for name, kind in
                zip(names, kinds, strict=True)})
            .values_list("person_id", "event_date", "sector", "n", *names).order_by())


def _closed_intake(person_ids: list[int]) -> QuerySet:
    """(person id, closed on, initial outcome) of the persons' closed family-intake contacts."""
    closed = Contact.objects.filter(status=ContactStatus.CLOSED, closed_on__isnull=False)
    return (ContactPerson.objects.filter(person_id__in=person_ids, contact__in=closed)
            .values_list("person_id", "contact__closed_on", "contact__initial_outcome")
            .distinct().order_by())


def _plans_made(person_ids: list[int]) -> QuerySet:
    """(person id, created at) of the persons' client plans."""
    return Plan.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "created_at").order_by()


def _as_date(value) -> date:
    # The cursor's rows: SQLite gives the days as ISO text, parsed here in C rather than by the
    # ORM's converter for every row of a heavy user.
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _as_local_date(value) -> date:
    if isinstance(value, str):  # SQLite: UTC as ISO text
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return _local_date(value)


def _add_days(history: History, row: Sequence, kinds: Sequence[str]) -> None:
    day, sector, count, *by_kind = row
    day = _as_date(day)
    if _start(history.flag_date) <= day < history.flag_date:
        history.days.append((day, sector, "", count))
        for kind, n in zip(kinds, by_kind, strict=True):
            if n:
                history.days.append((day, sector, kind, n))


def histories(flags: dict[int, date], kinds: Sequence[str] = ()) -> dict[int, History]:
    """The history of each person of ``flags`` (person id → flag day) before their flag: three
    statements whatever the number of persons or events (``person_history`` reads one person's
    in one).

    The events are counted by person, day and sector (``_event_days``, in the index's order).
    Each gives a row of kind ``""`` (all events) and one for each counted kind present."""
    if not flags:
        return {}
    out = {person_id: History(flag_date=day) for person_id, day in flags.items()}
    ids = list(flags)
    rows = (_event_days(ids, _start(min(flags.values())), max(flags.values()), kinds)
            .order_by("person_id", "event_date", "sector"))
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for person_id, *row in fetched:
        _add_days(out[person_id], row, kinds)
    for person_id, closed_on, outcome in _closed_intake(ids):
        out[person_id].intake.append((closed_on, outcome))
    for person_id, created_at in _plans_made(ids):
        out[person_id].plan_from = _local_date(created_at)
    return out


_DAYS, _INTAKE, _PLAN = 0, 1, 2  # the parts of ``person_history``'s statement


def person_history(person_id: int, flag_date: date, kinds: Sequence[str] = ()) -> History:
    """One person's history before ``flag_date`` (only the events of the ``LOOKBACK_YEARS``
    before it), as ``histories`` reads it, in one statement: the event days, the closed intake
    contacts and the plan, one after the other (UNION ALL), the days in order."""
    history = History(flag_date=flag_date)
    names = _kind_names(kinds)
    parts = []
    params: list = []
    none_day, none_text, none_at = (
        f"CAST(NULL AS {field.db_type(connection)})"
        for field in (models.DateField(), models.TextField(), models.DateTimeField()))
    zeros = "".join(", 0" for _ in names)
    for part, queryset, columns in (
            (_DAYS, _event_days([person_id], _start(flag_date), flag_date, kinds),
             ["q.event_date", "q.sector", "q.n", *(f"q.{name}" for name in names), none_at]),
            (_INTAKE, _closed_intake([person_id]),
             ["q.contact__closed_on", "q.contact__initial_outcome", f"0{zeros}", none_at]),
            (_PLAN, _plans_made([person_id]),
             [none_day, none_text, f"0{zeros}", "q.created_at"])):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT {part}, {', '.join(columns)} FROM ({sql}) q")  # noqa: S608
        params.extend(part_params)
    # The part, then the day and the sector: the days in order, as ``histories`` reads them.
    statement = " UNION ALL ".join(parts) + " ORDER BY 1, 2, 3"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        fetched = cursor.fetchall()
    for part, day, text, *counts, at in fetched:
        if part == _DAYS:
            _add_days(history, (day, text, *counts), kinds)
        elif part == _INTAKE:
            history.intake.append((_as_date(day), text))
        else:
            history.plan_from = _as_local_date(at)
    return history


@dataclass
class PersonMarks:
    flag_date: date | None
    marks: list[Mark]


def person_marks(access: Access, flags: Iterable[Flag], shared: SharedClient | None
                 ) -> PersonMarks:
    """The intervention marks of a person the gateway has already allowed (``access``): the
    signals before their first flag, the earliest first. ``flags`` and ``shared`` are the
    person's current flags (of every rule) and shared-client decision, as the page has read
    them: the first flag is found from them (``first_flag_date``) without reading them again.
    Two statements: the signals, and the person's history (``person_history``)."""
    flag = first_flag_date((f.first_flagged_on for f in flags), shared)
    if flag is None:
        return PersonMarks(flag_date=None, marks=[])
    signals = definitions()
    history = person_history(access.person.pk, flag, counted_kinds(signals))
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
