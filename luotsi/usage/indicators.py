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
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

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

from luotsi.organisation.models import Municipality
from luotsi.people.models import Person
from luotsi.reports.charts import COLOURS, Series, bar_chart
from luotsi.usage.models import ServiceEvent

SMALL = 5  # figures resting on fewer persons are suppressed
PERIOD_CHOICES = (3, 6, 12, 24, 36)
DEFAULT_MONTHS = 12
FOLLOW_UP_DAYS = 365


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Filters:
    end: date  # the first day of the last month of the period
    months: int = DEFAULT_MONTHS
    region_id: int | None = None
    municipality_id: int | None = None

    @property
    def start(self) -> date:
        return add_months(self.end, -(self.months - 1))

    @property
    def until(self) -> date:
        return add_months(self.end, 1) - timedelta(days=1)


@dataclass
class Row:
    """Sums for one municipality, region or the total; the figures are properties."""

    label: str
    key: str = ""
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

    def add(self, other: Row) -> None:
        for name in ("residents", "clients", "sectors", "coordinated", "with_plan", "followed",
                     "emergency_before", "emergency_after", "goals", "goal_clients",
                     "change_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def shown(self) -> bool:
        return self.clients >= SMALL

    @property
    def clients_display(self) -> str:
        return str(self.clients) if self.clients == 0 or self.shown else "<5"

    @property
    def per_thousand(self) -> float | None:
        if not self.shown or not self.residents:
            return None
        return 1000 * self.clients / self.residents

    @property
    def mean_sectors(self) -> float | None:
        return self.sectors / self.clients if self.shown else None

    def _share(self, count: int) -> float | None:
        if not self.shown or 0 < count < SMALL:
            return None
        return 100 * count / self.clients

    @property
    def coordinator_share(self) -> float | None:
        return self._share(self.coordinated)

    @property
    def plan_share(self) -> float | None:
        return self._share(self.with_plan)

    @property
    def emergency_before_mean(self) -> float | None:
        return self.emergency_before / self.followed if self.followed >= SMALL else None

    @property
    def emergency_after_mean(self) -> float | None:
        return self.emergency_after / self.followed if self.followed >= SMALL else None

    @property
    def followed_display(self) -> str:
        return str(self.followed) if self.followed == 0 or self.followed >= SMALL else "<5"

    @property
    def avain_change(self) -> float | None:
        return self.change_sum / self.goals if self.goal_clients >= SMALL else None


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
    residents = _residents(filters)
    clients = {row.pop("municipality"): row for row in _client_rows(filters)}
    goals = {row.pop("municipality"): row for row in _goal_rows(filters)}
    municipalities = Municipality.objects.select_related("region").order_by(
        "region__code", "name_fi")
    if filters.municipality_id:
        municipalities = municipalities.filter(pk=filters.municipality_id)
    elif filters.region_id:
        municipalities = municipalities.filter(region_id=filters.region_id)
    regions: dict[int, Row] = {}
    total = Row(label=_("All"), key="total")
    for municipality in municipalities:
        row = Row(label=municipality.name, key=municipality.code,
                  residents=residents.get(municipality.pk, 0))
        for source in (clients.get(municipality.pk), goals.get(municipality.pk)):
            for name, value in (source or {}).items():
                setattr(row, name, value or 0)
        region = municipality.region
        if region.pk not in regions:
            regions[region.pk] = Row(label=region.name, key=region.code)
        regions[region.pk].children.append(row)
        regions[region.pk].add(row)
        total.add(row)
    return Report(filters=filters, regions=list(regions.values()), total=total)


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


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number_format(round(value, 2), 2)
    return str(value)


def as_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Level"), *headers()])
    for region in report.regions:
        writer.writerow([_("Region"), region.label, *map(_csv_cell, cells(region))])
        for row in region.children:
            writer.writerow([_("Municipality"), row.label, *map(_csv_cell, cells(row))])
    writer.writerow([_("County"), report.total.label, *map(_csv_cell, cells(report.total))])
    return "\ufeff" + buffer.getvalue()


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
