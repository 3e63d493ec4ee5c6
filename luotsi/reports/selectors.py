"""Key figures of family intake for team leads: set-based SQL aggregates, nothing per contact.

Every function here returns counts, shares and medians grouped by month, clock, worker, team,
region or municipality. They carry no personal data about clients, so they are read without the
access gateway and **reading them writes no access-log records**: the access log records the
processing of a person's data (Act 703/2023), and no person's data is processed or shown here.
Nothing in this module may return a client's name, identity code, contact id or the text of a
contact; a figure that would need one belongs to a gateway-checked page instead.

Filters (``KpiFilters``): the period is whole months; region and municipality are those of the
family (the contact's municipality and the region it is routed to); team is the team that holds
the contact now (a contact routed to a service-need assessment moves to the regional team).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
)
from django.utils import timezone

from luotsi.common.periods import AreaPeriod, month_end, month_start_after
from luotsi.intake import selectors as intake_selectors
from luotsi.intake.models import (
    AdviceRecord,
    Contact,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
)
from luotsi.organisation.models import Team, TeamKind

# The order in which the obligations of a contact fall due; unknown codes come after these.
CLOCK_ORDER = ["urgency_assessment", "investigation_decision", "assessment_start",
               "assessment_completion"]
PERIOD_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class KpiFilters(AreaPeriod):
    """What the key figures cover: the period and area (``end`` is any day of the last month of
    the period), a team and the pilot measure's dates."""

    team_id: int | None = None
    # The pilot measure's date range (any days); None: the period's first and last day.
    measure_from: date | None = None
    measure_to: date | None = None

    def contacts_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.region_id:
            q &= Q(**{f"{prefix}municipality__region_id": self.region_id})
        if self.team_id:
            q &= Q(**{f"{prefix}team_id": self.team_id})
        if self.municipality_id:
            q &= Q(**{f"{prefix}municipality_id": self.municipality_id})
        return q


def default_filters(today: date | None = None) -> KpiFilters:
    """The last twelve months, this month included, over the whole county."""
    return KpiFilters(end=today or timezone.localdate())


def _percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


class MonthOf(Func):
    """The month of a date as text ``YYYY-MM``, computed natively by the database.

    Django's ``TruncMonth`` on SQLite calls back into Python for every row, which costs seconds
    over a few hundred thousand contacts; ``strftime`` and ``to_char`` do not."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="strftime('%%%%Y-%%%%m', %(expressions)s)",
                           **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # A date has no to_char of its own: cast to a timestamp without a time zone, as the
        # implicit cast to timestamptz converts each row through the session's time zone (2×).
        return self.as_sql(compiler, connection,
                           template="to_char((%(expressions)s)::timestamp, 'YYYY-MM')", **extra)


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (``end - start``), natively (no Python per row)."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, start, end, **extra):
        super().__init__(end, start, **extra)  # rendered as end - start

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(",
            **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ",
                           **extra)


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


# --- the pilot's measure: routed to a service-need assessment after the initial assessment ----

@dataclass
class RoutingRow:
    month: date | None  # None: the whole period
    assessed: int
    routed: int
    previous_assessed: int
    previous_routed: int
    # The last day counted of a month not yet over (the month so far, compared with the same
    # days a year earlier); None for a whole month.
    through: date | None = None

    @property
    def partial(self) -> bool:
        return self.through is not None

    @property
    def share(self) -> float | None:
        """Percentage of contacts with an initial assessment that were routed."""
        return _percent(self.routed, self.assessed)

    @property
    def previous_share(self) -> float | None:
        return _percent(self.previous_routed, self.previous_assessed)

    @property
    def change_points(self) -> float | None:
        """Change in percentage points from a year earlier."""
        if self.share is None or self.previous_share is None:
            return None
        return self.share - self.previous_share

    @property
    def change_percent(self) -> float | None:
        """Relative change from a year earlier, in percent (the pilot reported −10.8 %)."""
        if self.share is None or not self.previous_share:
            return None
        return 100.0 * (self.share - self.previous_share) / self.previous_share


@dataclass
class RoutingTable:
    rows: list[RoutingRow]
    total: RoutingRow


def same_day_a_year_earlier(day: date) -> date:
    """The same date a year earlier (29 February: the 28th)."""
    return day.replace(year=day.year - 1, day=min(day.day, calendar.monthrange(
        day.year - 1, day.month)[1]))


def partial_through(month: date, today: date) -> date | None:
    """``today`` when it falls in ``month`` before the month's last day (the month is not yet
    over), else None."""
    return today if month <= today < month_end(month) else None


def routing_by_month(filters: KpiFilters, *, today: date | None = None) -> RoutingTable:
    """Share of contacts whose initial assessment routed them to a service-need assessment,
    among the contacts with an initial assessment, by the month of the contact's opening day,
    with the same months a year earlier. One grouped query over both years.

    A month not yet over (this month) counts its days so far and is compared with the same days
    a year earlier (one more query), never with the whole month: the row says so
    (``through``)."""
    today = today or timezone.localdate()
    earliest = month_start_after(filters.start, -12)
    counts = {
        _month(row["month"]): (row["assessed"], row["routed"])
        for row in (
            # The outcome is stored on the contact (``Contact.initial_outcome``): one index
            # range over (opened_on, initial_outcome), no join.
            Contact.objects.filter(filters.contacts_q(), opened_on__gte=earliest,
                                   opened_on__lte=filters.until)
            .exclude(initial_outcome="")
            .annotate(month=MonthOf("opened_on"))
            .values("month")
            .annotate(assessed=Count("pk"), routed=Count("pk", filter=Q(
                initial_outcome=InitialAssessment.Outcome.SERVICE_NEED_ASSESSMENT)))
            .order_by("month")
        )
    }
    rows = []
    for month in filters.month_starts():
        assessed, routed = counts.get(month, (0, 0))
        through = partial_through(month, today)
        if through is None:
            previous_assessed, previous_routed = counts.get(month_start_after(month, -12), (0, 0))
        else:
            previous_assessed, previous_routed = _routed_between(
                filters, month_start_after(month, -12), same_day_a_year_earlier(through))
        rows.append(RoutingRow(month, assessed, routed, previous_assessed, previous_routed,
                               through))
    total = RoutingRow(
        None,
        sum(r.assessed for r in rows), sum(r.routed for r in rows),
        sum(r.previous_assessed for r in rows), sum(r.previous_routed for r in rows))
    return RoutingTable(rows, total)


def _routed_between(filters: KpiFilters, first: date, last: date) -> tuple[int, int]:
    counts = (Contact.objects.filter(filters.contacts_q(), opened_on__gte=first,
                                     opened_on__lte=last)
              .exclude(initial_outcome="")
              .aggregate(assessed=Count("pk"), routed=Count("pk", filter=Q(
                  initial_outcome=InitialAssessment.Outcome.SERVICE_NEED_ASSESSMENT))))
    return counts["assessed"], counts["routed"]


# --- deadline compliance per clock -----------------------------------------------------------

@dataclass
class ComplianceRow:
    code: str
    due: int  # deadlines falling due in the period
    met_on_time: int  # met on or before the due day
    met_late: int
    open_overdue: int  # not met, due day passed, contact still open
    open_not_due: int  # not met, due today or later: not counted either way yet
    lapsed: int = 0  # not met and the contact closed without it (e.g. no assessment needed)
    median_late: float | None = None  # median working days late of those met late

    @property
    def decided(self) -> int:
        return self.met_on_time + self.met_late + self.open_overdue

    @property
    def compliance(self) -> float | None:
        """Met on or before the due day, of the deadlines of the period that are met or overdue."""
        return _percent(self.met_on_time, self.decided)


def _clock_rank(code: str) -> tuple[int, str]:
    return (CLOCK_ORDER.index(code) if code in CLOCK_ORDER else len(CLOCK_ORDER), code)


def deadline_compliance(filters: KpiFilters, *, today: date | None = None) -> list[ComplianceRow]:
    """Per clock code, the deadlines due in the period: met on time, met late, open and overdue,
    open and not yet due, and lapsed (never met because the contact was closed before the
    obligation arose, e.g. the initial assessment found no service-need assessment was needed).
    Overdue is computed from the dates, not from the stored status, so it does not wait for the
    sweeper. Compliance = met on time / (met on time + met late + open and overdue)."""
    today = today or timezone.localdate()
    unmet = Q(met_on__isnull=True)
    # A closed contact's unmet deadlines are stored as "not needed" (intake services): no join
    # with the contacts unless the figures are filtered by region, team or municipality.
    still_open = ~Q(status=DeadlineStatus.NOT_NEEDED)
    rows = (
        Deadline.objects.filter(filters.contacts_q("contact__"), due_on__gte=filters.start,
                                due_on__lte=filters.until)
        .values("code")
        .annotate(
            due=Count("pk"),
            met_on_time=Count("pk", filter=Q(met_on__isnull=False, met_on__lte=F("due_on"))),
            met_late=Count("pk", filter=Q(met_on__isnull=False, met_on__gt=F("due_on"))),
            open_overdue=Count("pk", filter=unmet & still_open & Q(due_on__lt=today)),
            open_not_due=Count("pk", filter=unmet & still_open & Q(due_on__gte=today)),
            lapsed=Count("pk", filter=unmet & Q(status=DeadlineStatus.NOT_NEEDED)),
        )
        .order_by("code")
    )
    late = _working_days_late_by_code(filters)
    return sorted((ComplianceRow(**row, median_late=late.get(row["code"])) for row in rows),
                  key=lambda r: _clock_rank(r.code))


def _working_days_late_by_code(filters: KpiFilters) -> dict[str, float]:
    """Per clock code, the median working days late (``luotsi.deadlines``) of the deadlines due
    in the period and met after their final day; read as distinct (due, met) pairs with their
    counts, so the rows read do not grow with the number of deadlines of a day."""
    from statistics import median

    from luotsi.deadlines.rules import working_days_late

    days: dict[str, list[int]] = {}
    pairs = (Deadline.objects.filter(filters.contacts_q("contact__"), due_on__gte=filters.start,
                                     due_on__lte=filters.until, met_on__gt=F("due_on"))
             .values_list("code", "due_on", "met_on").annotate(n=Count("pk")).order_by())
    for code, due_on, met_on, count in pairs:
        days.setdefault(code, []).extend([working_days_late(due_on, met_on)] * count)
    return {code: float(median(values)) for code, values in days.items()}


# --- median days from contact to outcome -----------------------------------------------------

@dataclass
class MedianRow:
    month: date | None  # month of the outcome (closed_on); None: the whole period
    closed: int
    median_days: float | None


def median_of_histogram(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}: the middle value, or the mean of the
    two middle values when the count is even."""
    total = sum(histogram.values())
    if not total:
        return None
    lower_rank, upper_rank = (total + 1) // 2, (total + 2) // 2  # 1-based ranks of the middle
    seen, lower = 0, None
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen >= lower_rank:
            lower = value
        if seen >= upper_rank:
            return (lower + value) / 2
    return None  # pragma: no cover - the ranks are within the total


def median_days_to_outcome(filters: KpiFilters) -> tuple[list[MedianRow], MedianRow]:
    """Median days from the contact's opening day to its outcome (closed_on), by the month of
    the outcome and over the whole period.

    One query: the database counts the contacts per (month, days) pair, and the medians are
    taken from that histogram in Python; the rows fetched are bounded by months × distinct day
    counts, never by the number of contacts. Works the same on SQLite and PostgreSQL."""
    pairs = (
        Contact.objects.filter(filters.contacts_q(), closed_on__isnull=False,
                               closed_on__gte=filters.start, closed_on__lte=filters.until)
        .annotate(month=MonthOf("closed_on"), days=DaysBetween("opened_on", "closed_on"))
        .values("month", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month: dict[date, dict[int, int]] = {}
    overall: dict[int, int] = {}
    for row in pairs:
        by_month.setdefault(_month(row["month"]), {})[row["days"]] = row["n"]
        overall[row["days"]] = overall.get(row["days"], 0) + row["n"]
    rows = [MedianRow(month, sum(by_month.get(month, {}).values()),
                      median_of_histogram(by_month.get(month, {})))
            for month in filters.month_starts()]
    return rows, MedianRow(None, sum(overall.values()), median_of_histogram(overall))


# --- open items ------------------------------------------------------------------------------

@dataclass
class OpenRow:
    key: int | None
    code: str
    name: str
    open_count: int
    overdue: int
    unassigned: int = 0


@dataclass
class OpenItems:
    by_worker: list[dict] = field(default_factory=list)
    by_region: list[OpenRow] = field(default_factory=list)
    by_team: list[OpenRow] = field(default_factory=list)
    by_municipality: list[OpenRow] = field(default_factory=list)


def _localised(row: dict, prefix: str, language: str) -> str:
    return row.get(f"{prefix}name_{language}") or row.get(f"{prefix}name_fi") or ""


def _open_grouped(queryset: QuerySet, prefix: str, overdue, language: str) -> list[OpenRow]:
    rows = (
        queryset.values(f"{prefix}id", f"{prefix}code", f"{prefix}name_fi", f"{prefix}name_sv",
                        f"{prefix}name_en")
        .annotate(open_count=Count("pk"), overdue=Count("pk", filter=Q(overdue)),
                  unassigned=Count("pk", filter=Q(assignee__isnull=True)))
        .order_by(f"{prefix}code")
    )
    return [OpenRow(row[f"{prefix}id"], row[f"{prefix}code"] or "",
                    _localised(row, prefix, language), row["open_count"], row["overdue"],
                    row["unassigned"]) for row in rows]


def worker_team_ids(filters: KpiFilters):
    """The teams whose workers the per-worker table lists: the chosen team, else the teams of
    the chosen region, else every intake and assessment team of the county. A lazy queryset of
    ids, so that it runs as a subquery of the per-worker count (no query of its own)."""
    if filters.team_id:
        return [filters.team_id]
    teams = Team.objects.filter(kind__in=[TeamKind.INTAKE, TeamKind.ASSESSMENT])
    if filters.region_id:
        teams = teams.filter(region_id=filters.region_id)
    return teams.values_list("pk", flat=True)


def open_items(filters: KpiFilters, *, language: str = "fi",
               today: date | None = None) -> OpenItems:
    """Open contacts now (the period does not apply) per worker and by region, team and
    municipality, with how many have an overdue deadline and how many are unassigned."""
    today = today or timezone.localdate()
    overdue = Q(next_due_on__lt=today)  # the nearest unmet deadline, stored on the contact
    open_contacts = Contact.objects.filter(filters.contacts_q()).exclude(
        status=ContactStatus.CLOSED)
    by_worker = intake_selectors.open_counts_by_worker(worker_team_ids(filters))
    return OpenItems(
        by_worker=by_worker,
        by_region=_open_grouped(open_contacts, "municipality__region__", overdue, language),
        by_team=_open_grouped(open_contacts, "team__", overdue, language),
        by_municipality=_open_grouped(open_contacts, "municipality__", overdue, language),
    )


# --- the pilot's own measure (seed 004) over any date range -----------------------------------

@dataclass
class MeasureRow:
    first: date
    last: date
    contacts: int
    assessed: int

    @property
    def share(self) -> float | None:
        return _percent(self.assessed, self.contacts)


def _measure_q(filters: KpiFilters) -> Q:
    q = Q()
    if filters.region_id:
        q &= Q(municipality__region_id=filters.region_id)
    if filters.team_id:
        q &= Q(routing_team_id=filters.team_id)
    if filters.municipality_id:
        q &= Q(municipality_id=filters.municipality_id)
    return q


def pilot_measure(filters: KpiFilters, first: date, last: date) -> tuple[MeasureRow, MeasureRow]:
    """The measure for ``first``–``last`` and the same dates a year earlier: one query."""
    earlier = (same_day_a_year_earlier(first), same_day_a_year_earlier(last))
    now_q = Q(opened_on__gte=first, opened_on__lte=last)
    then_q = Q(opened_on__gte=earlier[0], opened_on__lte=earlier[1])
    led = Q(assessment__isnull=False)
    counts = Contact.objects.filter(_measure_q(filters)).filter(now_q | then_q).aggregate(
        contacts=Count("pk", filter=now_q), assessed=Count("pk", filter=now_q & led),
        contacts_before=Count("pk", filter=then_q),
        assessed_before=Count("pk", filter=then_q & led))
    return (MeasureRow(first, last, counts["contacts"], counts["assessed"]),
            MeasureRow(earlier[0], earlier[1], counts["contacts_before"],
                       counts["assessed_before"]))


def advice_volumes(filters: KpiFilters, first: date, last: date) -> list[tuple[str, str, int, int]]:
    """Advice and consultations by kind, topic and asker group: (grouping, code, count in the
    range, count on the same dates a year earlier). One query; the team filter is the
    recording team, region and municipality do not apply (no family is named)."""
    earlier = (same_day_a_year_earlier(first), same_day_a_year_earlier(last))
    now_q = Q(received_at__date__gte=first, received_at__date__lte=last)
    then_q = Q(received_at__date__gte=earlier[0], received_at__date__lte=earlier[1])
    records = AdviceRecord.objects.filter(now_q | then_q)
    if filters.team_id:
        records = records.filter(team_id=filters.team_id)
    rows = (records.values("kind", "topic", "asker_group")
            .annotate(now=Count("pk", filter=now_q), before=Count("pk", filter=then_q))
            .order_by())
    totals: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        for grouping in ("kind", "topic", "asker_group"):
            cell = totals.setdefault((grouping, row[grouping]), [0, 0])
            cell[0] += row["now"]
            cell[1] += row["before"]
    order = {"kind": 0, "topic": 1, "asker_group": 2}
    return [(g, code, n, b) for (g, code), (n, b) in
            sorted(totals.items(), key=lambda item: (order[item[0][0]], item[0][1]))]
