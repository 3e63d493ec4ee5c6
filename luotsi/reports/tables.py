"""The key-figure tables, shaped once for both the page and the CSV export, so the two always
show the same figures. Cells are typed: ``int``, ``float`` (one decimal), ``date`` (a month),
``str`` or ``None`` (no figure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luotsi.common.charts import COLOURS, Series, bar_chart
from luotsi.common.formatting import format_month
from luotsi.common.spreadsheet import Figure, figure, guard, write_csv
from luotsi.intake.models import OBLIGATION_LABELS, AdviceKind, AdviceTopic, AskerGroup
from luotsi.reports import selectors


@dataclass(frozen=True)
class PartialMonth:
    """A month not yet over, counted from its first day ``through`` a day of it."""

    month: date
    through: date

    def page(self) -> str:
        return _("%(month)s, days 1–%(day)s (month not over)") % {
            "month": format_month(self.month), "day": self.through.day}

    def csv(self) -> str:
        return f"{self.month:%Y-%m} (1-{self.through.day})"


Cell = int | float | date | str | PartialMonth | None

TABLES = {
    "measure": gettext_lazy("The pilot's measure: contacts that led to a service-need assessment"),
    "advice": gettext_lazy("Advice and consultations"),
    "routing": gettext_lazy("Routed to a service-need assessment"),
    "compliance": gettext_lazy("Deadline compliance"),
    "median": gettext_lazy("Days from contact to outcome"),
    "workers": gettext_lazy("Open items per worker"),
    "regions": gettext_lazy("Open items by region"),
    "teams": gettext_lazy("Open items by team"),
    "municipalities": gettext_lazy("Open items by municipality"),
}


@dataclass
class KpiTable:
    slug: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    chart: str = ""
    notes: list[str] = field(default_factory=list)


# --- cells -----------------------------------------------------------------------------------

def csv_cell(value: Cell) -> str:
    """A cell for a spreadsheet: numbers with the language's decimal mark, months as
    YYYY-MM, and text that a spreadsheet would run as a formula quoted with a leading
    apostrophe (CSV injection). Numbers are ours and never quoted, so −10,8 stays a number."""
    if value is None:
        return ""
    if isinstance(value, PartialMonth):
        return value.csv()
    if isinstance(value, bool):
        return Figure("1" if value else "0")
    if isinstance(value, int):
        return Figure(value)
    if isinstance(value, float):
        return figure(value, 1)
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    return guard(value)


def page_cell(value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, PartialMonth):
        return value.page()
    if isinstance(value, float):
        return number_format(round(value, 1), 1)
    if isinstance(value, date):
        return format_month(value)
    return str(value)


def as_csv(table: KpiTable) -> str:
    """The table with its total row (``common.spreadsheet``)."""
    rows = [[csv_cell(c) for c in row] for row in table.rows]
    if table.total is not None:
        rows.append([csv_cell(c) for c in table.total])
    if table.slug == "measure":  # the measure's definition travels with its figures
        rows.extend([[csv_cell(note)] for note in table.notes])
    return write_csv([csv_cell(h) for h in table.headers], rows)


def _short_month(day: date, through: date | None = None) -> str:
    """A chart's month label; a month not yet over is marked with the days it counts."""
    label = f"{day.month}/{day:%y}"
    return f"{label} (1–{through.day})" if through else label


def _month_cell(month: date, through: date | None) -> Cell:
    return PartialMonth(month, through) if through else month


PARTIAL_NOTE = gettext_lazy(
    "A month not yet over counts its days so far and is compared with the same days a year "
    "earlier; it is marked with the days counted.")


# --- the tables ------------------------------------------------------------------------------

def routing(filters: selectors.KpiFilters) -> KpiTable:
    data = selectors.routing_by_month(filters)

    def cells(row: selectors.RoutingRow, first: Cell) -> list[Cell]:
        return [first, row.assessed, row.routed, row.share, row.previous_assessed,
                row.previous_routed, row.previous_share, row.change_points, row.change_percent]

    table = KpiTable(
        "routing", str(TABLES["routing"]),
        [_("Month"), _("Initial assessments"), _("Routed"), _("Share (%)"),
         _("Initial assessments a year earlier"), _("Routed a year earlier"),
         _("Share a year earlier (%)"), _("Change (percentage points)"), _("Change (%)")],
        [cells(row, _month_cell(row.month, row.through)) for row in data.rows],
        cells(data.total, _("Whole period")),
        notes=[str(PARTIAL_NOTE)] if any(row.partial for row in data.rows) else [],
    )
    description = _("Bar chart; the same figures are in the table below.")
    if any(row.partial for row in data.rows):
        description = f"{description} {PARTIAL_NOTE}"
    table.chart = bar_chart(
        chart_id="chart-routing",
        title=_("Share routed to a service-need assessment by month, compared with a year "
                "earlier"),
        description=description,
        categories=[_short_month(row.month, row.through) for row in data.rows],
        series=[Series(_("This period"), [row.share for row in data.rows], COLOURS[0]),
                Series(_("A year earlier"), [row.previous_share for row in data.rows],
                       COLOURS[1])],
        unit=" %",
    )
    return table


MEASURE_NOTE = gettext_lazy(
    "Share of contacts that led to a service-need assessment: of the named contacts (every "
    "kind of contact or notification about a child; advice and consultations without a named "
    "child are not contacts) whose opening day falls in the dates, whether or not they had an "
    "initial assessment, those that went on to a service-need assessment (routed by the "
    "initial assessment or attached to one already open). Compared with the same dates a year "
    "earlier. The team filter counts the team that made the routing decision, not the team "
    "that holds the contact now.")


def _measure_range(filters: selectors.KpiFilters) -> tuple[date, date]:
    return (filters.measure_from or filters.start, filters.measure_to or filters.until)


def measure(filters: selectors.KpiFilters) -> KpiTable:
    first, last = _measure_range(filters)
    now, before = selectors.pilot_measure(filters, first, last)
    change = (now.share - before.share
              if now.share is not None and before.share is not None else None)
    return KpiTable(
        "measure", str(TABLES["measure"]),
        [_("Dates"), _("First day"), _("Last day"), _("Contacts"),
         _("Led to a service-need assessment"), _("Share (%)")],
        [[_("The chosen dates"), now.first.isoformat(), now.last.isoformat(), now.contacts,
          now.assessed, now.share],
         [_("Same dates a year earlier"), before.first.isoformat(), before.last.isoformat(),
          before.contacts, before.assessed, before.share]],
        [_("Change (percentage points)"), None, None, None, None, change],
        notes=[str(MEASURE_NOTE)],
    )


def advice(filters: selectors.KpiFilters) -> KpiTable:
    first, last = _measure_range(filters)
    labels = {"kind": dict(AdviceKind.choices), "topic": dict(AdviceTopic.choices),
              "asker_group": dict(AskerGroup.choices)}
    headings = {"kind": _("Kind"), "topic": _("Topic"), "asker_group": _("Who asked")}
    rows = selectors.advice_volumes(filters, first, last)
    return KpiTable(
        "advice", str(TABLES["advice"]),
        [_("Counted by"), _("Value"), _("The chosen dates"), _("Same dates a year earlier")],
        [[str(headings[g]), str(labels[g].get(code, code)), n, b] for g, code, n, b in rows],
        notes=[_("Advice, guidance and professionals' consultations without a named child, by "
                 "the day received, over the pilot measure's dates; the team filter is the "
                 "recording team.")],
    )


def compliance(filters: selectors.KpiFilters) -> KpiTable:
    rows = selectors.deadline_compliance(filters)
    return KpiTable(
        "compliance", str(TABLES["compliance"]),
        [_("Obligation"), _("Clock code"), _("Due in the period"), _("Met on time"),
         _("Met late"), _("Median working days late"), _("Open and overdue"),
         _("Open, not yet due"), _("Lapsed (contact closed)"), _("Compliance (%)")],
        [[str(OBLIGATION_LABELS.get(r.code, r.code)), r.code, r.due, r.met_on_time, r.met_late,
          r.median_late, r.open_overdue, r.open_not_due, r.lapsed, r.compliance] for r in rows],
        notes=[_("Compliance is the share met on or before the due day among the deadlines "
                 "due in the period that are met or overdue. Deadlines not yet due, and those "
                 "that lapsed because the contact was closed before the obligation arose (for "
                 "example no service-need assessment was needed), are not counted."),
               _("A deadline met late stays late. The working days late are counted as the "
                 "deadlines themselves are: Finnish working days after the final day.")],
    )


def median(filters: selectors.KpiFilters) -> KpiTable:
    rows, overall = selectors.median_days_to_outcome(filters)
    today = timezone.localdate()
    through = {row.month: selectors.partial_through(row.month, today) for row in rows}
    notes = [_("From the opening day of the contact to the day it was closed.")]
    description = _("Bar chart; the same figures are in the table below.")
    if any(through.values()):
        notes.append(_("A month not yet over counts its days so far; it is marked with the "
                       "days counted."))
        description = f"{description} {notes[-1]}"
    table = KpiTable(
        "median", str(TABLES["median"]),
        [_("Month of the outcome"), _("Contacts closed"), _("Median days")],
        [[_month_cell(row.month, through[row.month]), row.closed, row.median_days]
         for row in rows],
        [_("Whole period"), overall.closed, overall.median_days],
        notes=notes,
    )
    table.chart = bar_chart(
        chart_id="chart-median",
        title=_("Median days from contact to outcome by month"),
        description=description,
        categories=[_short_month(row.month, through[row.month]) for row in rows],
        series=[Series(_("Median days"), [row.median_days for row in rows], COLOURS[0])],
        decimals=1,
    )
    return table


def _worker_name(row: dict) -> str:
    if row["assignee_id"] is None:
        return _("Unassigned")
    name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return f"{name} ({row['assignee__username']})" if name else row["assignee__username"]


def workers(filters: selectors.KpiFilters, open_items: selectors.OpenItems) -> KpiTable:
    return KpiTable(
        "workers", str(TABLES["workers"]),
        [_("Worker"), _("Open items"), _("With an overdue deadline")],
        [[_worker_name(row), row["open_count"], row["overdue"]] for row in open_items.by_worker],
        notes=[_("Open contacts now, in the chosen team or region (all teams when none is "
                 "chosen); the municipality filter does not apply to this table.")],
    )


def grouped(slug: str, heading: str, rows: list[selectors.OpenRow]) -> KpiTable:
    return KpiTable(
        slug, str(TABLES[slug]),
        [heading, _("Open items"), _("With an overdue deadline"), _("Unassigned")],
        [[row.name or _("Not routed to a region"), row.open_count, row.overdue, row.unassigned]
         for row in rows],
        [_("Total"), sum(r.open_count for r in rows), sum(r.overdue for r in rows),
         sum(r.unassigned for r in rows)],
    )


def build(slug: str, filters: selectors.KpiFilters, *, language: str) -> KpiTable:
    """One table (for the CSV export), with only the queries it needs."""
    if slug == "routing":
        return routing(filters)
    if slug == "measure":
        return measure(filters)
    if slug == "advice":
        return advice(filters)
    if slug == "compliance":
        return compliance(filters)
    if slug == "median":
        return median(filters)
    items = selectors.open_items(filters, language=language)
    return all_open_tables(filters, items)[slug]


def all_open_tables(filters: selectors.KpiFilters,
                    items: selectors.OpenItems) -> dict[str, KpiTable]:
    return {
        "workers": workers(filters, items),
        "regions": grouped("regions", _("Region"), items.by_region),
        "teams": grouped("teams", _("Team"), items.by_team),
        "municipalities": grouped("municipalities", _("Municipality"), items.by_municipality),
    }


def build_all(filters: selectors.KpiFilters, *, language: str) -> list[KpiTable]:
    items = selectors.open_items(filters, language=language)
    return [routing(filters), compliance(filters), median(filters),
            *all_open_tables(filters, items).values(), measure(filters), advice(filters)]
