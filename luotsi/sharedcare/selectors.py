"""Reads of shared-client work, shaped for the pages: candidates, area counts, the why and the
service path of one person, the consultation work list. Client data only through the gateway's
``visible_persons``/``filter_visible``, and by id only through the access functions here:
``access_shared_client_by_id`` (a person's shared-client data), ``access_meeting_by_id`` and
``access_consultation_by_id``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from luotsi.access.gateway import (
    Access,
    RecordAccess,
    access_function,
    access_person_by_id,
    access_record_by_id,
    filter_visible,
    visible_persons,
)
from luotsi.access.models import Category, LogAction
from luotsi.common.months import month_of_sql, month_start
from luotsi.common.validation import shifted
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people.models import Person
from luotsi.plans.models import Consent
from luotsi.sharedcare.models import Consultation, Meeting, SharedClient
from luotsi.usage.models import (
    EventKind,
    EventSector,
    Flag,
    IdentificationRule,
    Measure,
    ServiceEvent,
)


def _client_work(user) -> None:
    """Shared-client work is client work: a role without it is refused outright (403)."""
    if not has_permission(user, Action.VIEW_CLIENT):
        raise PermissionDenied


@access_function
def access_shared_client_by_id(user, person_id, *, action: str = LogAction.VIEW,
                               category: str = Category.SHARED_CARE, detail: str = "") -> Access:
    """The person ``person_id`` as a (candidate or confirmed) shared client, checked and logged
    by the gateway with the real basis; "not found", logged, when not ``user``'s to see."""
    _client_work(user)
    return access_person_by_id(user, person_id, category=category, action=action,
                               detail=detail or f"shared client {person_id}")


@access_function
def access_meeting_by_id(user, meeting_id, *, action: str = LogAction.VIEW,
                         category: str = Category.SHARED_CARE, detail: str = ""
                         ) -> RecordAccess[Meeting]:
    """The network meeting ``meeting_id`` (with its shared-client record, plan and coordinator)
    if ``user`` may see its client's shared-client data; the read is logged with the real basis,
    a refusal (a missing meeting too) as "not found"."""
    _client_work(user)
    return access_record_by_id(
        user, Meeting.objects.select_related("shared_client", "shared_client__plan",
                                             "shared_client__coordinator", "created_by"),
        meeting_id, person_field="shared_client__person", category=category,
        entity="network meeting", action=action, detail=detail)


@access_function
def access_consultation_by_id(user, consultation_id, *, action: str = LogAction.VIEW,
                              asked_of_user: bool = False, category: str = Category.SHARED_CARE,
                              detail: str = "") -> RecordAccess[Consultation]:
    """The consultation ``consultation_id`` (with its person and professionals) if ``user`` may
    see its client's shared-client data, and with ``asked_of_user`` only one asked of ``user``
    or their team (the expert's answer); the read is logged with the real basis, a refusal (a
    missing consultation too) as "not found"."""
    _client_work(user)
    queryset = consultations_for(user) if asked_of_user else Consultation.objects.all()
    return access_record_by_id(
        user, queryset.select_related("person", "asked_by", "expert", "expert_team", "basis",
                                      "answered_by", "consent"),
        consultation_id, person_field="person", category=category, entity="consultation",
        action=action, detail=detail)


def consultation_detail(consultation: Consultation) -> Consultation:
    """A consultation already checked (or just written) by the caller, read again with the
    professionals its answer names."""
    return (Consultation.objects.select_related("asked_by", "expert", "expert_team", "basis")
            .get(pk=consultation.pk))


PATH_YEARS = 3
EMERGENCY = "emergency_visit"
SECTOR_ORDER = [EventSector.SOCIAL, EventSector.HEALTH, EventSector.MENTAL_HEALTH_SUBSTANCE,
                EventSector.EMPLOYMENT]


def _hidden(today: date) -> Q:
    """Persons not to be offered as candidates: decided, unless a decline's hiding has passed."""
    decided = SharedClient.objects.filter(person=OuterRef("pk")).filter(
        ~Q(status=SharedClient.Status.DECLINED)
        | Q(hidden_until__isnull=True) | Q(hidden_until__gt=today))
    return Exists(decided)


def _flagged() -> Exists:
    return Exists(Flag.objects.filter(person=OuterRef("pk"), rule__active=True))


def candidates(user, today: date | None = None) -> QuerySet[Person]:
    """Flagged persons ``user`` may see who are not decided on (or whose decline has lapsed),
    newest flag first; each with ``first_flagged`` and its active flags prefetched."""
    today = today or timezone.localdate()
    return (
        visible_persons(user)
        .filter(pk__in=Flag.objects.filter(rule__active=True).values("person_id"))
        .exclude(_hidden(today))
        .annotate(first_flagged=Subquery(
            Flag.objects.filter(person=OuterRef("pk"), rule__active=True)
            .order_by("first_flagged_on").values("first_flagged_on")[:1]))
        .prefetch_related(Prefetch("usage_flags", to_attr="flags",
                                   queryset=Flag.objects.filter(rule__active=True)
                                   .select_related("rule").order_by("rule__code")))
        .order_by("-first_flagged", "last_name", "first_name", "pk")
    )


def age(birth_date: date | None, today: date | None = None) -> int | None:
    if birth_date is None:
        return None
    today = today or timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day)
                                           < (birth_date.month, birth_date.day))


def _name(row: dict, prefix: str) -> str:
    language = (get_language() or "fi")[:2]
    return row.get(f"{prefix}_name_{language}") or row.get(f"{prefix}_name_fi") or ""


def area_counts(today: date | None = None) -> list[dict]:
    """Counts for the whole county by region and municipality, no names: candidates, confirmed
    shared clients, declined. For team leads. One grouped query."""
    today = today or timezone.localdate()
    confirmed = Exists(SharedClient.objects.filter(person=OuterRef("pk"),
                                                   status=SharedClient.Status.CONFIRMED))
    declined = Exists(SharedClient.objects.filter(person=OuterRef("pk"),
                                                  status=SharedClient.Status.DECLINED))
    rows = (
        Person.objects.filter(_flagged())
        .annotate(is_hidden=_hidden(today), is_confirmed=confirmed, is_declined=declined)
        .values("municipality__region__name_fi", "municipality__region__name_sv",
                "municipality__region__name_en", "municipality__name_fi",
                "municipality__name_sv", "municipality__name_en")
        .annotate(flagged=Count("pk"),
                  candidates=Count("pk", filter=Q(is_hidden=False)),
                  confirmed=Count("pk", filter=Q(is_confirmed=True)),
                  declined=Count("pk", filter=Q(is_declined=True)))
    )
    out = []
    for row in rows:
        out.append({"region": {k.split("__")[-1]: v for k, v in row.items()
                               if k.startswith("municipality__region__")},
                    "municipality": {k.split("__")[-1]: v for k, v in row.items()
                                     if k.startswith("municipality__name")},
                    "flagged": row["flagged"], "candidates": row["candidates"],
                    "confirmed": row["confirmed"], "declined": row["declined"]})
    language = (get_language() or "fi")[:2]

    def pick(names: dict) -> str:
        return names.get(f"name_{language}") or names.get("name_fi") or "–"

    for row in out:
        row["region"] = pick(row["region"])
        row["municipality"] = pick(row["municipality"])
    out.sort(key=lambda r: (r["region"], r["municipality"]))
    return out


# --- One person: why and the service path --------------------------------------------------------

@dataclass
class RuleReason:
    """The number behind one flag, counted as the rule counts it: over its window, only the
    kinds of service it names (``kinds``), with the events in each of the sectors it requires
    to be used together (``together``, empty when it requires none)."""

    rule: IdentificationRule
    flag: Flag
    value: int
    window_from: date
    window_to: date
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    together: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Lane:
    sector: str
    label: str
    months: list[dict]
    total: int
    emergency: int


@dataclass
class ServicePath:
    start: date
    end: date
    months: list[date]
    lanes: list[Lane]
    max_count: int

    @property
    def is_empty(self) -> bool:
        return all(lane.total == 0 for lane in self.lanes)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months(start: date, end: date) -> list[date]:
    out, day = [], _month_start(start)
    while day <= end:
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _level(count: int) -> int:
    if count <= 0:
        return 0
    if count == 1:
        return 1
    if count <= 3:
        return 2
    if count <= 6:
        return 3
    return 4


def _window(flag: Flag) -> tuple[date, date]:
    """The days a flag's rule counted: its window ending on the flag's date."""
    # shifted: a date stored before the range check (year 1) holds at the calendar's start
    return shifted(flag.as_of, -timedelta(days=flag.rule.window_days - 1)), flag.as_of


# The kinds of event a count takes: () for every kind.
Kinds = tuple[str, ...]
# (person id, window, kinds) → events per sector
WindowCounts = dict[tuple[int, tuple[date, date], Kinds], dict[str, int]]


def _counted_kinds(rule: IdentificationRule) -> Kinds:
    """The kinds of event the rule counts for its sectors: its ``event_kinds``, or every kind."""
    return tuple(sorted(set(rule.event_kinds or [])))


def _measured_kinds(rule: IdentificationRule) -> Kinds | None:
    """The kinds behind the measure of a rule counting events of one kind: that kind, if the
    rule's ``event_kinds`` (when named) let it count; ``None`` when none can count."""
    counted = _counted_kinds(rule)
    if counted and rule.event_kind not in counted:
        return None
    return (rule.event_kind,)


def _columns(flag: Flag) -> list[tuple[tuple[date, date], Kinds]]:
    window = _window(flag)
    columns = [(window, _counted_kinds(flag.rule))]
    if flag.rule.measure == Measure.EVENTS_OF_KIND:
        measured = _measured_kinds(flag.rule)
        if measured is not None:
            columns.append((window, measured))
    return columns


def _window_counts(flags: list[Flag]) -> WindowCounts:
    """The events behind ``flags``, counted in the database in one statement whatever the number
    of events: per person and sector, one count for each distinct window and set of kinds that
    the flags' rules count (``identification.matches`` filters the same way).

    The events are first counted by person, day and sector (the order of the path index, read
    from the index alone without sorting), then those day counts are summed per window."""
    if not flags:
        return {}
    columns = sorted({column for flag in flags for column in _columns(flag)})
    windows = sorted({window for window, _kinds in columns})
    kind_sets = sorted({kinds for _window_of, kinds in columns if kinds})
    days = (ServiceEvent.objects
            .filter(person_id__in={flag.person_id for flag in flags},
                    event_date__gte=windows[0][0],
                    event_date__lte=max(end for _start, end in windows))
            .values("person_id", "event_date", "sector")
            .annotate(events=Count("event_date"), **{
                f"kinds_{i}": Count("kind", filter=Q(kind__in=kinds))
                for i, kinds in enumerate(kind_sets)})
            .order_by())
    inner, params = days.query.sql_with_params()
    sums, sum_params = [], []
    adapt = connection.ops.adapt_datefield_value
    for window, kinds in columns:
        counted = f"days.kinds_{kind_sets.index(kinds)}" if kinds else "days.events"
        sums.append(f"SUM(CASE WHEN days.event_date BETWEEN %s AND %s THEN {counted} "
                    "ELSE 0 END)")
        sum_params += [adapt(window[0]), adapt(window[1])]
    sql = (f"SELECT days.person_id, days.sector, {', '.join(sums)} "  # noqa: S608 (no input)
           f"FROM ({inner}) days GROUP BY days.person_id, days.sector")
    out: WindowCounts = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sum_params, *params])
        for person_id, sector, *counts in cursor.fetchall():
            for (window, kinds), count in zip(columns, counts, strict=True):
                if count:
                    out[(person_id, window, kinds)][sector] = int(count)
    return out


def _reason(flag: Flag, counts: WindowCounts) -> RuleReason:
    """The number behind ``flag`` over its rule's window, from ``_window_counts``."""
    rule = flag.rule
    window = _window(flag)
    by_sector = counts.get((flag.person_id, window, _counted_kinds(rule)), {})
    labels = dict(EventSector.choices)
    breakdown: list[tuple[str, int]] = []
    if rule.measure == Measure.DISTINCT_SECTORS:
        breakdown = [(str(labels.get(s, s)), n) for s, n in sorted(by_sector.items())]
        value = len(by_sector)
    elif rule.measure == Measure.EVENTS_OF_KIND:
        measured = _measured_kinds(rule)
        value = (sum(counts.get((flag.person_id, window, measured), {}).values())
                 if measured is not None else 0)
    elif rule.measure == Measure.EVENTS_IN_SECTOR:
        value = by_sector.get(rule.sector, 0)
    else:
        value = sum(by_sector.values())
    kind_labels = dict(EventKind.choices)
    return RuleReason(
        rule=rule, flag=flag, value=value, window_from=window[0], window_to=window[1],
        breakdown=breakdown,
        kinds=[str(kind_labels.get(kind, kind)) for kind in _counted_kinds(rule)],
        together=[(str(labels.get(s, s)), by_sector.get(s, 0))
                  for s in sorted(set(rule.sectors_together or []))])


def reasons(flags: list[Flag]) -> list[RuleReason]:
    """For each flag, the number behind it over its rule's window, counted in the database."""
    counts = _window_counts(flags)
    return [_reason(flag, counts) for flag in flags]


def candidate_reasons(persons: list[Person]) -> dict[int, list[RuleReason]]:
    """The why of each listed candidate of ``candidates`` (their prefetched ``flags``), computed
    as on the person page: one statement for all of them."""
    counts = _window_counts([flag for person in persons for flag in person.flags])
    return {person.pk: [_reason(flag, counts) for flag in person.flags] for person in persons}


def path_start(today: date) -> date:
    """The first month of the service path: ``PATH_YEARS`` years of whole months ending with
    the current one (a 29 February counts from its month like any other day)."""
    return (date(today.year - PATH_YEARS, today.month, 1) + timedelta(days=32)).replace(day=1)


def service_path(person_id: int, today: date) -> ServicePath:
    """The person's events by sector and month over the last ``PATH_YEARS`` years, for the
    timeline: counted in the database (one ``GROUP BY`` on sector and month), so the cost does
    not grow with the number of events the page shows."""
    start = path_start(today)
    months = _months(start, today)
    after = (months[-1] + timedelta(days=32)).replace(day=1)
    index = {m: i for i, m in enumerate(months)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    emergencies: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    # Counted by day and sector first (the path index's order: read from the index alone,
    # without sorting), then those few rows by month (``month_of_sql``) and sector.
    days = (ServiceEvent.objects
            .filter(person_id=person_id, event_date__gte=start, event_date__lt=after)
            .values("event_date", "sector")
            # counted on the index's own columns (not the id), so PostgreSQL reads the index alone
            .annotate(events=Count("event_date"),
                      emergencies=Count("kind", filter=Q(kind=EMERGENCY)))
            .order_by())
    inner, params = days.query.sql_with_params()
    month = month_of_sql(connection, "days.event_date")
    sql = (f"SELECT days.sector, {month}, SUM(days.events), SUM(days.emergencies) "  # noqa: S608
           f"FROM ({inner}) days GROUP BY days.sector, {month}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for sector, month_text, events, emergency in cursor.fetchall():
            i = index[month_start(month_text)]
            counts[sector][i] = int(events)
            emergencies[sector][i] = int(emergency)
    labels = dict(EventSector.choices)
    lanes = []
    max_count = 0
    for sector in SECTOR_ORDER:
        row = counts[sector]
        em = emergencies[sector]
        max_count = max([max_count, *row])
        lanes.append(Lane(
            sector=sector, label=str(labels[sector]),
            months=[{"month": m, "count": row[i], "emergency": em[i], "level": _level(row[i])}
                    for i, m in enumerate(months)],
            total=sum(row), emergency=sum(em)))
    return ServicePath(start=start, end=today, months=months, lanes=lanes, max_count=max_count)


def person_flags(person_id: int, *, inactive_rules: bool = False) -> list[Flag]:
    """The person's current flags of active rules (with ``inactive_rules``, of every rule), by
    rule code."""
    flags = Flag.objects.filter(person_id=person_id)
    if not inactive_rules:
        flags = flags.filter(rule__active=True)
    return list(flags.select_related("rule").order_by("rule__code"))


def consultations_of_person(person_id: int) -> QuerySet[Consultation]:
    return (Consultation.objects.filter(person_id=person_id)
            .select_related("asked_by", "expert", "expert_team", "answered_by", "basis")
            .order_by("-created_at"))


def work_list(user) -> QuerySet[Consultation]:
    """Open consultations asked of ``user`` or their teams, overdue (earliest due) first; only
    persons the user may see (the consultation grants that)."""
    mine = Q(expert_id=user.pk) | Q(expert_team_id__in=user.team_ids())
    return filter_visible(
        Consultation.objects.filter(mine, answered_at__isnull=True)
        .select_related("person", "asked_by", "expert", "expert_team", "basis")
        .order_by("due_on", "pk"), user)


def asked_by(user) -> QuerySet[Consultation]:
    return (Consultation.objects.filter(asked_by=user)
            .select_related("person", "expert", "expert_team", "answered_by", "basis")
            .order_by("answered_at", "due_on", "pk"))


def coordinated_by(user) -> QuerySet[SharedClient]:
    return filter_visible(
        SharedClient.objects.filter(coordinator=user, status=SharedClient.Status.CONFIRMED)
        .select_related("person", "plan").order_by("person__last_name", "person__first_name"),
        user)


DEFAULT_DECLINE_HIDE_DAYS = 180


def decline_hide_days() -> int:
    """Days a declined person stays off the candidate list (``SHAREDCARE_DECLINE_HIDE_DAYS``)."""
    return int(getattr(settings, "SHAREDCARE_DECLINE_HIDE_DAYS", DEFAULT_DECLINE_HIDE_DAYS))


def valid_consent(person_id: int, sector: str, on: date) -> Consent | None:
    """The client's consent in force on ``on`` that covers ``sector``, if any."""
    return (Consent.objects.filter(plan__person_id=person_id, sector=sector,
                                   valid_from__lte=on, withdrawn_on__isnull=True,
                                   status=Consent.Status.GIVEN)
            .exclude(valid_until__lt=on).order_by("-valid_from").first())


def consultations_for(user):
    """Consultations asked of ``user`` or of one of their teams."""
    return Consultation.objects.filter(Q(expert_id=user.pk) | Q(expert_team_id__in=user.team_ids()))
