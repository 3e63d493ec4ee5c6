"""Health and welfare indicators of shared clients, by municipality and region, for team leads.

Definitions (all over the chosen period ``start … until``, geography = the person's municipality
of residence now):

- *Shared client in the period*: a ``SharedClient`` confirmed or ended whose coordination (or,
  without a start date, the decision) began on or before ``until``; an ended one only when the
  ending was decided on or after ``start``.
- *Shared clients per 1,000 residents*: shared clients ÷ persons living in the municipality × 1,000.
- *Mean sectors*: distinct sectors of each shared client's service events in the period, averaged.
- *Emergency visits before / after*: events of kind ``emergency_visit`` in the 12 months before
  the day coordination started and in the 12 months from that day; only clients whose 12 months
  of follow-up have passed by ``until`` are counted (a shorter "after" would flatter the result).
- *With a coordinator* / *with a plan*: a named coordinator; a client plan of the person.
- *AVAIN change*: for each goal of the shared clients' plans rated at least twice up to
  ``until``, last rating − first rating; the mean over goals.

Set-based: four grouped statements whatever the amount of data (residents, shared clients, AVAIN
goals, the municipality names); regions and the total are summed from the municipality rows. Only
aggregates leave this module, and every figure resting on fewer than five persons is suppressed
(shown as "<5" or "–"), so no client is identifiable and viewing the page writes no access-log
records, like the other key-figure reports.

Complementary suppression (``suppress``): a region is the sum of its municipalities and the county
the sum of its regions, so one suppressed figure among a sum's shown parts could be worked out by
subtraction. In every sum (region = its municipalities, county = its regions) the number of
suppressed cells among the sum and its parts is therefore either zero or at least two: when it is
one, the next-smallest shown part (by the count the figure rests on, zeros last) is suppressed too,
or, with no part left to suppress, the sum itself; this is repeated until every sum holds. Each
kind of figure (shared clients with the figures derived from them, coordinator share, plan share,
followed clients with the emergency-visit means, AVAIN change) is treated on its own. The pattern
is computed once for the whole county, whatever the filters, and a filtered view shows a part of
the same cells, so two views cannot be subtracted from each other either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from luotsi.common.charts import COLOURS, Series, bar_chart
from luotsi.common.periods import AreaPeriod
from luotsi.common.spreadsheet import figure, write_csv
from luotsi.organisation.models import Municipality
from luotsi.people.models import Person
from luotsi.usage.models import ServiceEvent

SMALL = 5  # figures resting on fewer persons are suppressed
PERIOD_CHOICES = (3, 6, 12, 24, 36)
DEFAULT_MONTHS = 12
FOLLOW_UP_DAYS = 365

# Kinds of figure, each suppressed on its own, and the count of persons each rests on.
CLIENTS = "clients"          # shared clients, per 1,000 residents, mean sectors
COORDINATED = "coordinated"  # share with a coordinator
WITH_PLAN = "with_plan"      # share with a plan
FOLLOWED = "followed"        # followed clients, emergency visits before and after
GOALS = "goals"              # AVAIN change (clients with goals rated twice)
GROUPS = (CLIENTS, COORDINATED, WITH_PLAN, FOLLOWED, GOALS)
_GROUP_COUNTS = {CLIENTS: "clients", COORDINATED: "coordinated", WITH_PLAN: "with_plan",
                 FOLLOWED: "followed", GOALS: "goal_clients"}
# Shares are of the shared clients: when the count of clients is suppressed, so are they.
_ON_CLIENTS = {COORDINATED, WITH_PLAN}


# The period and area the indicators cover (``end``: the first day of the period's last month).
Filters = AreaPeriod


@dataclass
class Row:
    """Sums for one municipality, region or the total; the figures are properties."""

    label: str
    key: str = ""
    municipality_id: int | None = None
    residents: int = 0
    clients: int = 0
    sectors: int = 0
    coordinated: int = 0
    with_plan: int = 0
    followed: int = 0
    emergency_before: int = 0
    emergency_after: int = 0
    goals: int = 0
    goal_clients: int = 0
    change_sum: int = 0
    children: list[Row] = field(default_factory=list)
    # Kinds of figure suppressed to protect another cell (``suppress``), beyond the small ones.
    hidden: set[str] = field(default_factory=set)

    def add(self, other: Row) -> None:
        for name in ("residents", "clients", "sectors", "coordinated", "with_plan", "followed",
                     "emergency_before", "emergency_after", "goals", "goal_clients",
                     "change_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count(self, group: str) -> int:
        """The number of persons the figures of ``group`` rest on."""
        return getattr(self, _GROUP_COUNTS[group])

    def is_hidden(self, group: str) -> bool:
        """Whether the figures of ``group`` are suppressed: fewer than five persons (but some),
        suppressed to protect another cell, or resting on a suppressed count of shared clients."""
        if group in self.hidden or 0 < self.count(group) < SMALL:
            return True
        return group in _ON_CLIENTS and self.is_hidden(CLIENTS)

    @property
    def shown(self) -> bool:
        return self.clients >= SMALL and not self.is_hidden(CLIENTS)

    @staticmethod
    def _count_display(count: int, hidden: bool) -> str:
        if count == 0:
            return "0"
        if count < SMALL:
            return "<5"
        return "–" if hidden else str(count)

    @property
    def clients_display(self) -> str:
        return self._count_display(self.clients, self.is_hidden(CLIENTS))

    @property
    def per_thousand(self) -> float | None:
        if not self.shown or not self.residents:
            return None
        return 1000 * self.clients / self.residents

    @property
    def mean_sectors(self) -> float | None:
        return self.sectors / self.clients if self.shown else None

    def _share(self, group: str) -> float | None:
        if not self.shown or self.is_hidden(group):
            return None
        return 100 * self.count(group) / self.clients

    @property
    def coordinator_share(self) -> float | None:
        return self._share(COORDINATED)

    @property
    def plan_share(self) -> float | None:
        return self._share(WITH_PLAN)

    def _followed_mean(self, total: int) -> float | None:
        if self.followed < SMALL or self.is_hidden(FOLLOWED):
            return None
        return total / self.followed

    @property
    def emergency_before_mean(self) -> float | None:
        return self._followed_mean(self.emergency_before)

    @property
    def emergency_after_mean(self) -> float | None:
        return self._followed_mean(self.emergency_after)

    @property
    def followed_display(self) -> str:
        return self._count_display(self.followed, self.is_hidden(FOLLOWED))

    @property
    def avain_change(self) -> float | None:
        if self.goal_clients < SMALL or self.is_hidden(GOALS):
            return None
        return self.change_sum / self.goals


@dataclass
class Report:
    filters: Filters
    regions: list[Row]
    total: Row


# --- the statements ------------------------------------------------------------------------

def shared_clients(filters: Filters) -> QuerySet:
    from luotsi.sharedcare.models import SharedClient

    Status = SharedClient.Status
    began = Coalesce("coordination_started_on", TruncDate("decided_at"))
    queryset = (SharedClient.objects.annotate(began_on=began)
                .filter(began_on__lte=filters.until)
                .filter(Q(status=Status.CONFIRMED)
                        | Q(status=Status.ENDED, decided_at__date__gte=filters.start))
                .filter(person__municipality__isnull=False))
    if filters.municipality_id:
        queryset = queryset.filter(person__municipality_id=filters.municipality_id)
    elif filters.region_id:
        queryset = queryset.filter(person__municipality__region_id=filters.region_id)
    return queryset


def _count(events: QuerySet, counted) -> Subquery:
    return Subquery(events.order_by().values("person_id").annotate(n=counted).values("n"),
                    output_field=IntegerField())


def _client_rows(filters: Filters) -> list[dict]:
    from luotsi.plans.models import Plan

    events = ServiceEvent.objects.filter(person_id=OuterRef("person_id"))
    started = OuterRef("coordination_started_on")
    emergencies = events.filter(kind="emergency_visit")
    follow_up_by = filters.until - timedelta(days=FOLLOW_UP_DAYS - 1)
    followed = Q(coordination_started_on__isnull=False,
                 coordination_started_on__lte=follow_up_by)
    queryset = shared_clients(filters).annotate(
        n_sectors=Coalesce(_count(events.filter(event_date__gte=filters.start,
                                                event_date__lte=filters.until),
                                  Count("sector", distinct=True)), 0),
        n_before=Coalesce(_count(emergencies.filter(
            event_date__gte=started - timedelta(days=FOLLOW_UP_DAYS),
            event_date__lt=started), Count("id")), 0),
        n_after=Coalesce(_count(emergencies.filter(
            event_date__gte=started,
            event_date__lt=started + timedelta(days=FOLLOW_UP_DAYS)), Count("id")), 0),
        has_plan=Exists(Plan.objects.filter(person_id=OuterRef("person_id"))),
    )
    one = Value(1)
    zero = Value(0)
    return list(queryset.order_by().values(municipality=F("person__municipality_id")).annotate(
        clients=Count("pk"),
        sectors=Sum("n_sectors"),
        coordinated=Count("coordinator_id"),
        with_plan=Sum(Case(When(Q(has_plan=True) | Q(plan__isnull=False), then=one),
                           default=zero, output_field=IntegerField())),
        followed=Sum(Case(When(followed, then=one), default=zero, output_field=IntegerField())),
        emergency_before=Sum(Case(When(followed, then=F("n_before")), default=zero,
                                  output_field=IntegerField())),
        emergency_after=Sum(Case(When(followed, then=F("n_after")), default=zero,
                                 output_field=IntegerField())),
    ))


def _goal_rows(filters: Filters) -> list[dict]:
    from luotsi.plans.models import Goal, Rating

    ratings = Rating.objects.filter(goal_id=OuterRef("pk"), rated_on__lte=filters.until)
    first = ratings.order_by("rated_on", "pk").values("value")[:1]
    last = ratings.order_by("-rated_on", "-pk").values("value")[:1]
    count = ratings.order_by().values("goal_id").annotate(n=Count("pk")).values("n")
    clients = shared_clients(filters).values("person_id")
    return list(
        Goal.objects.filter(plan__person_id__in=clients)
        .annotate(r_first=Subquery(first, output_field=IntegerField()),
                  r_last=Subquery(last, output_field=IntegerField()),
                  r_count=Subquery(count, output_field=IntegerField()))
        .filter(r_count__gte=2)
        .order_by().values(municipality=F("plan__person__municipality_id"))
        .annotate(goals=Count("pk"), goal_clients=Count("plan__person_id", distinct=True),
                  change_sum=Sum(F("r_last") - F("r_first"))))


def _residents(filters: Filters) -> dict[int, int]:
    queryset = Person.objects.filter(municipality__isnull=False)
    if filters.municipality_id:
        queryset = queryset.filter(municipality_id=filters.municipality_id)
    elif filters.region_id:
        queryset = queryset.filter(municipality__region_id=filters.region_id)
    return dict(queryset.order_by().values("municipality_id").annotate(n=Count("pk"))
                .values_list("municipality_id", "n"))


def build(filters: Filters) -> Report:
    """The figures of the whole county, suppressed (``suppress``), then the part the filters
    choose: the region, or the municipality, with the row(s) above it summing just that part."""
    county = Filters(end=filters.end, months=filters.months)
    residents = _residents(county)
    clients = {row.pop("municipality"): row for row in _client_rows(county)}
    goals = {row.pop("municipality"): row for row in _goal_rows(county)}
    municipalities = Municipality.objects.select_related("region").order_by(
        "region__code", "name_fi")
    regions: dict[int, Row] = {}
    total = Row(label=_("All"), key="total")
    for municipality in municipalities:
        row = Row(label=municipality.name, key=municipality.code,
                  municipality_id=municipality.pk, residents=residents.get(municipality.pk, 0))
        for source in (clients.get(municipality.pk), goals.get(municipality.pk)):
            for name, value in (source or {}).items():
                setattr(row, name, value or 0)
        region = municipality.region
        if region.pk not in regions:
            regions[region.pk] = Row(label=region.name, key=region.code)
        regions[region.pk].children.append(row)
        regions[region.pk].add(row)
        total.add(row)
    suppress(list(regions.values()), total)
    if filters.municipality_id:
        return _municipality_part(filters, regions)
    if filters.region_id:
        region = regions.get(filters.region_id)
        if region is None:
            return Report(filters=filters, regions=[], total=Row(label=_("All"), key="total"))
        return Report(filters=filters, regions=[region],
                      total=_same_cells(region, label=_("All"), key="total"))
    return Report(filters=filters, regions=list(regions.values()), total=total)


def _same_cells(row: Row, *, label: str, key: str, children: list[Row] | None = None) -> Row:
    """A row above a filtered part: the part's own sums and suppression under another label."""
    copy = Row(label=label, key=key, children=children or [], hidden=set(row.hidden))
    copy.add(row)
    return copy


def _municipality_part(filters: Filters, regions: dict[int, Row]) -> Report:
    for region in regions.values():
        for row in region.children:
            if row.municipality_id == filters.municipality_id:
                above = _same_cells(row, label=region.label, key=region.key, children=[row])
                return Report(filters=filters, regions=[above],
                              total=_same_cells(row, label=_("All"), key="total"))
    return Report(filters=filters, regions=[], total=Row(label=_("All"), key="total"))


def _complete(sums: list[tuple[Row, list[Row]]], group: str) -> None:
    """Suppress more cells of ``group`` until no sum has exactly one suppressed cell among
    itself and its parts (one could be worked out from the others by subtraction)."""
    changed = True
    while changed:
        changed = False
        for whole, parts in sums:
            cells = [whole, *parts]
            if sum(1 for row in cells if row.is_hidden(group)) != 1:
                continue
            shown = [row for row in parts if not row.is_hidden(group)]
            if shown:
                # The next-smallest part; a part with no one in it protects nothing, so last.
                pick = min(shown, key=lambda row: (row.count(group) == 0, row.count(group),
                                                   row.label, row.key))
            elif not whole.is_hidden(group):
                pick = whole
            else:
                continue
            pick.hidden.add(group)
            changed = True


def suppress(regions: list[Row], total: Row) -> None:
    """Complementary suppression over the county's sums (see the module's docstring)."""
    sums = [(total, regions)] + [(region, region.children) for region in regions]
    for group in GROUPS:  # shared clients first: the shares follow their suppression
        _complete(sums, group)


# --- presentation --------------------------------------------------------------------------

def headers() -> list[str]:
    return [_("Area"), _("Residents"), _("Shared clients"), _("Per 1,000 residents"),
            _("Mean sectors"), _("With a coordinator (%)"), _("With a plan (%)"),
            _("Followed 12 months"), _("Emergency visits before, mean"),
            _("Emergency visits after, mean"), _("AVAIN change of goals, mean")]


def cells(row: Row) -> list:
    return [row.residents, row.clients_display, row.per_thousand, row.mean_sectors,
            row.coordinator_share, row.plan_share, row.followed_display,
            row.emergency_before_mean, row.emergency_after_mean, row.avain_change]


def display_cells(row: Row) -> list[str]:
    """The cells of a table row as the page shows them ("–" for a suppressed figure)."""
    shown = []
    for value in cells(row):
        if value is None:
            shown.append("–")
        elif isinstance(value, float):
            shown.append(number_format(round(value, 1), 1, use_l10n=True))
        else:
            shown.append(str(value))
    return shown


def table(report: Report) -> list[dict]:
    """Rows for the page: each region, then its municipalities, then the county."""
    rows = []
    for region in report.regions:
        rows.append({"label": region.label, "level": "region", "cells": display_cells(region)})
        rows.extend({"label": row.label, "level": "municipality", "cells": display_cells(row)}
                    for row in region.children)
    rows.append({"label": report.total.label, "level": "total",
                 "cells": display_cells(report.total)})
    return rows


def _csv_cell(value):
    if value is None or value == "–":  # a suppressed figure or count: an empty cell
        return None
    if isinstance(value, float):
        return figure(value, 2)
    return value


def as_csv(report: Report) -> str:
    """Each region, its municipalities, then the county (``common.spreadsheet``)."""
    rows = []
    for region in report.regions:
        rows.append([_("Region"), region.label, *map(_csv_cell, cells(region))])
        rows.extend([_("Municipality"), row.label, *map(_csv_cell, cells(row))]
                    for row in region.children)
    rows.append([_("County"), report.total.label, *map(_csv_cell, cells(report.total))])
    return write_csv([_("Level"), *headers()], rows)


def charts(report: Report) -> list:
    rows = [row for region in report.regions for row in region.children] \
        if len(report.regions) == 1 else report.regions
    labels = [row.label for row in rows]
    return [
        bar_chart(
            chart_id="chart-per-thousand", title=_("Shared clients per 1,000 residents"),
            description=_("Shared clients per 1,000 residents by area; suppressed areas have no "
                          "bar. The same figures are in the table."),
            categories=labels, decimals=1,
            series=[Series(_("Per 1,000 residents"), [r.per_thousand for r in rows],
                           COLOURS[0])]),
        bar_chart(
            chart_id="chart-emergency", title=_("Emergency visits before and after coordination"),
            description=_("Mean emergency visits per shared client in the 12 months before and "
                          "after coordination started, by area. The same figures are in the "
                          "table."),
            categories=labels, decimals=1,
            series=[Series(_("Before"), [r.emergency_before_mean for r in rows], COLOURS[1]),
                    Series(_("After"), [r.emergency_after_mean for r in rows], COLOURS[0])]),
    ]
