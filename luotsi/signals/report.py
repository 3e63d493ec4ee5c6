"""Intervention points across clients, for team leads and planners: which signals most often
came before becoming a shared client, and the lead time from the first signal to the flag, for
the area and period, by region and municipality.

*Shared clients of the period*: ``SharedClient`` rows confirmed or ended whose coordination (or,
without a start day, the decision) began within the period; geography is the person's
municipality of residence now. Each client's flag day is their first flag or the start of the
coordination, whichever came first (``selectors.flag_dates``), and their signals are those of
``detection`` before that day.

Small cells as in the indicators (``luotsi.reports.indicators``): a count of 1–4 persons is
shown as ``<5`` and a share or median resting on fewer than five persons is left out (``–``);
when one municipality of a region (or one region of the county) would be the only hidden count
of its sum, the next-smallest is hidden too. Only aggregates leave this module, so viewing the
report writes no access-log records. A fixed number of statements whatever the amount of data.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.common.periods import AreaPeriod
from luotsi.organisation.models import Municipality
from luotsi.sharedcare.models import SharedClient
from luotsi.signals import selectors
from luotsi.signals.detection import marks

SMALL = 5
PERIOD_CHOICES = (3, 6, 12, 24, 36)
DEFAULT_MONTHS = 12
# Lead time from the first signal to the flag, in months: [low, high)
LEAD_BUCKETS = ((0, 3), (3, 6), (6, 12), (12, 24), (24, None))


# The period and area the intervention points cover.
Filters = AreaPeriod


@dataclass
class AreaRow:
    label: str
    level: str  # "municipality", "region", "county"
    clients: int = 0
    with_signal: int = 0
    leads: list[int] = field(default_factory=list)
    hidden: bool = False
    municipality_id: int | None = None
    children: list[AreaRow] = field(default_factory=list)

    def add(self, other: AreaRow) -> None:
        self.clients += other.clients
        self.with_signal += other.with_signal
        self.leads += other.leads


@dataclass
class SignalRow:
    label: str
    code: str
    clients: int
    leads: list[int]


@dataclass
class Report:
    filters: Filters
    total: int
    signals: list[SignalRow]
    areas: list[AreaRow]  # the regions (each with its municipalities), then the county
    distribution: list[tuple[str, int]]


def count(n: int) -> str:
    """A count as shown: ``<5`` for 1–4."""
    return "<5" if 0 < n < SMALL else str(n)


def share(part: int, whole: int) -> str:
    if whole < SMALL or 0 < part < SMALL:
        return "–"
    return f"{round(100 * part / whole)} %"


def median(values: list[int], whole: int | None = None) -> str:
    if len(values) < SMALL or (whole is not None and whole < SMALL):
        return "–"
    return f"{statistics.median(values):g}"


def _months(days: int) -> int:
    return int(days // 30.4375)


def _lead_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s months or more") % {"low": low}
    return _("%(low)s–%(high)s months") % {"low": low, "high": high}


def _suppress(parts: list[AreaRow], whole: AreaRow) -> None:
    """Complementary suppression of the clients' counts among ``parts`` of ``whole``."""
    for row in parts:
        row.hidden = row.hidden or 0 < row.clients < SMALL
    hidden = [row for row in parts if row.hidden]
    if len(hidden) == 1:
        shown = sorted((row for row in parts if not row.hidden),
                       key=lambda row: (row.clients == 0, row.clients))
        if shown and shown[0].clients:
            shown[0].hidden = True
        else:
            whole.hidden = True


def _clients_of_period(start: date, until: date) -> list[tuple[int, int | None]]:
    """(person id, municipality id) of the shared clients whose coordination began within the
    period (one statement)."""
    clients = SharedClient.objects.filter(
        status__in=[SharedClient.Status.CONFIRMED, SharedClient.Status.ENDED]).select_related(
        "person").only("person__municipality_id", "status", "coordination_started_on",
                       "decided_at", "person_id")
    rows = []
    for shared in clients:
        started = selectors.shared_client_start(shared)
        if started is not None and start <= started <= until:
            rows.append((shared.person_id, shared.person.municipality_id))
    return rows


def _chosen(filters: Filters, municipalities: list[Municipality]) -> set[int] | None:
    """The municipalities the filters show (None: all)."""
    if filters.municipality_id:
        return {filters.municipality_id}
    if filters.region_id:
        return {m.pk for m in municipalities if m.region_id == filters.region_id}
    return None


def build(filters: Filters, language: str) -> Report:
    rows = _clients_of_period(filters.start, filters.until)
    municipalities = list(Municipality.objects.select_related("region").order_by(
        "region__code", "name_fi"))
    chosen = _chosen(filters, municipalities)
    flags = selectors.flag_dates([person_id for person_id, _m in rows])
    definitions = selectors.definitions()
    histories = selectors.histories(flags, selectors.counted_kinds(definitions))
    by_municipality: dict[int | None, AreaRow] = {}
    signal_leads: dict[str, list[int]] = {d.code: [] for d in definitions}
    first_leads: list[int] = []
    for person_id, municipality_id in rows:
        row = by_municipality.setdefault(municipality_id, AreaRow("", "municipality"))
        row.clients += 1
        found = marks(histories[person_id], definitions) if person_id in histories else []
        if found:
            row.with_signal += 1
            lead = _months(max(mark.lead_days for mark in found))
            row.leads.append(lead)
        in_scope = chosen is None or municipality_id in chosen
        if in_scope:
            for mark in found:
                signal_leads[mark.definition.code].append(_months(mark.lead_days))
            if found:
                first_leads.append(row.leads[-1])
    county = AreaRow(_("County"), "county")
    regions: dict[int, AreaRow] = {}
    for municipality in municipalities:
        region = regions.setdefault(municipality.region_id, AreaRow(
            _name(municipality.region, language), "region"))
        row = by_municipality.get(municipality.pk, AreaRow("", "municipality"))
        row.label = _name(municipality, language)
        row.municipality_id = municipality.pk
        region.children.append(row)
        region.add(row)
    for region in regions.values():
        _suppress(region.children, region)
        county.add(region)
    _suppress(list(regions.values()), county)
    shown_regions = []
    for municipality in municipalities:
        region = regions[municipality.region_id]
        if region not in shown_regions and (chosen is None or municipality.pk in chosen):
            shown_regions.append(region)
    for region in shown_regions:
        if chosen is not None:
            region.children = [row for row in region.children if row.municipality_id in chosen]
    total = sum(1 for _p, m in rows if chosen is None or m in chosen)
    signals = sorted((SignalRow(label=d.label(), code=d.code, clients=len(signal_leads[d.code]),
                                leads=signal_leads[d.code]) for d in definitions),
                     key=lambda row: -row.clients)
    distribution = [(_lead_label(low, high),
                     sum(1 for lead in first_leads if lead >= low and (high is None or lead < high)))
                    for low, high in LEAD_BUCKETS]
    areas = [*shown_regions, county] if chosen is None else shown_regions
    return Report(filters=filters, total=total, signals=signals, areas=areas,
                  distribution=distribution)


def _name(obj, language: str) -> str:
    return getattr(obj, f"name_{language}", "") or obj.name_fi


def default_filters(today: date | None = None) -> Filters:
    today = today or timezone.localdate()
    return Filters(end=today.replace(day=1))
