"""The AVAIN effectiveness report for team leads: did the goals of the plans improve?

Set-based in the database. One ORM query (``goal_outcomes``) gives, per goal rated at least twice,
its first rating, its last rating up to the end of the period, the number of ratings, the team,
the sector and the client; each table then wraps that query in one grouping statement (a
derived table), so the number of statements is fixed whatever the amount of data and no goal is
looped over in Python.

Definitions
- A goal is *in the period* when its last rating up to the period's end falls within the period
  and it has at least two ratings up to then (a start rating and a review).
- Change = last rating − first rating; *improved* = last > first.
- Team = the team of the plan's coordinator (their first team); without a coordinator, the team
  of the responsible professional of the goal's sector section. Region is that team's region.
- Sector = the sector of the goal's section.
- Method: a goal counts under each method recorded for it or for its whole plan (once per
  method, even if recorded twice). Service: a goal counts under each service of its plan.

Services and methods evaluated (``evaluated``): which services and methods are followed by
progress, by team, from the AVAIN meter's evaluations.
- A service or method of a plan is *evaluated in the period* when it has an evaluation, the
  professional's or the client's own, dated within the period (and, with a sector filter, the
  service's sector or its method's goal's sector is that sector).
- Its team is the plan's team as above (the coordinator's first team, else the responsible
  professional's of the goal's section for a method, of the service for a service).
- Per service or method (by its code) and team: the services or methods evaluated, their
  clients, the mean "did it help" rating in the period by the professional and by the client
  themself, the goals in the period they served (a service: its plan's goals; a method: its goal,
  or its plan's goals when it is for the whole plan) and the share of those goals improved.
- Small cells: a row resting on fewer than ``SMALL`` clients shows no figures but its label and
  that it is too small, as the indicators and the research file do.

Only aggregates (counts, shares, means) leave this module: no client is named or identifiable,
so, like the key figures of intake, reading it writes no access-log records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luotsi.common.charts import COLOURS, Series, bar_chart
from luotsi.common.periods import MonthPeriod
from luotsi.common.spreadsheet import figure, write_csv
from luotsi.organisation.models import Team, User
from luotsi.plans import sectors as plan_sectors
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Evaluation,
    Goal,
    PlanMethod,
    PlanService,
    Rating,
)

PERIOD_CHOICES = (3, 6, 12, 24, 36)
SMALL = 5  # a row of the evaluation table resting on fewer clients shows no figures
DEFAULT_MONTHS = 12

TABLES = {
    "teams": gettext_lazy("By team"),
    "sectors": gettext_lazy("By sector"),
    "methods": gettext_lazy("By method"),
    "services": gettext_lazy("By service"),
}


@dataclass(frozen=True)
class EffectivenessFilters(MonthPeriod):
    end: date  # any day of the last month of the period
    months: int = DEFAULT_MONTHS
    region_id: int | None = None
    team_id: int | None = None
    sector: str = ""


# --- the base query --------------------------------------------------------------------------

def _first_team(user_ref: str) -> Subquery:
    memberships = User.teams.through.objects.filter(user_id=OuterRef(user_ref)).order_by("team_id")
    return Subquery(memberships.values("team_id")[:1], output_field=IntegerField())


def _in_team_or_region(queryset, team: str, filters):
    """``queryset`` narrowed to the chosen team (annotated as ``team``), or else to the teams of
    the chosen region."""
    if filters.team_id:
        return queryset.filter(**{team: filters.team_id})
    if filters.region_id:
        return queryset.filter(**{f"{team}__in": Team.objects.filter(
            region_id=filters.region_id).values("pk")})
    return queryset


def goal_queryset(filters: EffectivenessFilters) -> QuerySet:
    """Goals in the period, annotated with their team, sector, first and last rating and the
    number of ratings (``r_*``). No rows are read here."""
    ratings = Rating.objects.filter(goal_id=OuterRef("pk"), rated_on__lte=filters.until)
    first = ratings.order_by("rated_on", "pk").values("value")[:1]
    last = ratings.order_by("-rated_on", "-pk")
    count = ratings.order_by().values("goal_id").annotate(n=Count("pk")).values("n")
    queryset = (
        Goal.objects.annotate(
            r_first=Subquery(first, output_field=IntegerField()),
            r_last=Subquery(last.values("value")[:1], output_field=IntegerField()),
            r_last_on=Subquery(last.values("rated_on")[:1]),
            r_count=Subquery(count, output_field=IntegerField()),
            r_team=Coalesce(_first_team("plan__coordinator_id"),
                            _first_team("section__responsible_id")),
            r_sector=Coalesce(F("section__sector"), Value("")),
        )
        .filter(r_count__gte=2, r_last_on__gte=filters.start)
    )
    if filters.sector:
        queryset = queryset.filter(section__sector=filters.sector)
    queryset = _in_team_or_region(queryset, "r_team", filters)
    return queryset.annotate(
        r_goal=F("pk"), r_plan=F("plan_id"), r_person=F("plan__person_id"),
        r_improved=Case(When(r_last__gt=F("r_first"), then=Value(1)), default=Value(0),
                        output_field=IntegerField()),
    ).order_by()


def goal_outcomes(filters: EffectivenessFilters) -> QuerySet:
    """One row per goal in the period: ids, team, sector, first and last rating."""
    return goal_queryset(filters).values("r_goal", "r_plan", "r_person", "r_team", "r_sector",
                                         "r_first", "r_last", "r_improved")


@dataclass
class Group:
    key: object
    label: str
    goals: int
    clients: int
    improved: int
    mean_change: float | None

    @property
    def improved_share(self) -> float | None:
        return 100.0 * self.improved / self.goals if self.goals else None


def _grouped(filters: EffectivenessFilters) -> dict[str, list[tuple]]:
    """(key, goals, clients, improved, mean change) rows of every table, and the evaluation
    table's rows (``evaluated``, see ``_evaluated_sql``), in one statement.

    The goals of the period are a common table expression used by every grouping, so the
    database finds them (and their first and last ratings) once: PostgreSQL and SQLite both
    materialise a CTE that is referenced more than once."""
    # Only Django's compiled SQL, quoted table names and constant text are put into the
    # statement; every value (dates, ids, sector) stays a parameter.
    base_sql, params = goal_outcomes(filters).query.sql_with_params()
    q = connection.ops.quote_name
    methods, services = q(PlanMethod._meta.db_table), q(PlanService._meta.db_table)
    items = q(CodeListItem._meta.db_table)
    aggregates = ("COUNT(DISTINCT o.r_goal), COUNT(DISTINCT o.r_person), "
                  "SUM(o.r_improved), AVG(1.0 * (o.r_last - o.r_first))")
    columns = "g.r_goal, g.r_person, g.r_improved, g.r_first, g.r_last"
    key = "CAST({} AS VARCHAR(40))"
    evaluated_ctes, evaluated_params, evaluated_select = _evaluated_sql(filters)
    # Typed empty cells, so that PostgreSQL matches every branch's columns to the evaluation
    # table's (a bare NULL would be taken for text).
    nokeys = "CAST(NULL AS VARCHAR(40)), CAST(NULL AS VARCHAR(40))"
    none = f"CAST(NULL AS VARCHAR(40)), {nokeys}"
    nothing = "CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)"
    sql = (
        f"WITH g AS ({base_sql}), "  # noqa: S608
        # Methods and services by their code: the same code in two versions of its code list
        # is one row.
        f"mp AS (SELECT DISTINCT {columns}, c.code AS r_key FROM g JOIN {methods} m "
        f"ON m.plan_id = g.r_plan AND (m.goal_id IS NULL OR m.goal_id = g.r_goal) "
        f"JOIN {items} c ON c.id = m.method_id), "
        f"sp AS (SELECT DISTINCT {columns}, c.code AS r_key FROM g JOIN {services} s "
        f"ON s.plan_id = g.r_plan JOIN {items} c ON c.id = s.item_id), {evaluated_ctes} "
        f"SELECT 'total', {none}, {aggregates}, {nothing} FROM g o "
        f"UNION ALL SELECT 'team', {key.format('o.r_team')}, {nokeys}, {aggregates}, "
        f"{nothing} FROM g o GROUP BY o.r_team "
        f"UNION ALL SELECT 'sector', o.r_sector, {nokeys}, {aggregates}, {nothing} "
        f"FROM g o GROUP BY o.r_sector "
        f"UNION ALL SELECT 'method', {key.format('o.r_key')}, {nokeys}, {aggregates}, "
        f"{nothing} FROM mp o GROUP BY o.r_key "
        f"UNION ALL SELECT 'service', {key.format('o.r_key')}, {nokeys}, {aggregates}, "
        f"{nothing} FROM sp o GROUP BY o.r_key "
        f"UNION ALL {evaluated_select}"
    )
    out: dict[str, list[tuple]] = {"total": [], "team": [], "sector": [], "method": [],
                                   "service": [], "evaluated": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *evaluated_params))
        for dimension, raw_key, key2, key3, *figures in cursor.fetchall():
            if dimension == "evaluated":  # kind, item's code, team, then six figures
                out[dimension].append((raw_key, key2,
                                       int(key3) if key3 is not None else None, *figures))
                continue
            value = raw_key
            if raw_key is not None and dimension == "team":
                value = int(raw_key)
            out[dimension].append((value, *figures[:4]))
    return out


def _groups(rows: list[tuple], labels: dict) -> list[Group]:
    groups = [Group(key, labels.get(key, _("Not known")), int(goals), int(clients),
                    int(improved or 0), float(mean) if mean is not None else None)
              for key, goals, clients, improved, mean in rows]
    return sorted(groups, key=lambda g: (g.label == _("Not known"), g.label.lower()))


@dataclass
class EvaluatedGroup:
    """A service or method (by its code) in one team: how it was evaluated and whether the goals
    it served improved. ``small``: fewer than ``SMALL`` clients, no figures shown."""

    kind: str  # "service" or "method"
    item_label: str
    team_label: str
    items: int
    clients: int
    mean_professional: float | None
    mean_client: float | None
    goals: int
    improved: int
    kind_label: str = ""

    @property
    def small(self) -> bool:
        return self.clients < SMALL

    @property
    def improved_share(self) -> float | None:
        return 100.0 * self.improved / self.goals if self.goals else None


def _evaluations(filters: EffectivenessFilters) -> QuerySet:
    """The evaluations of services and methods in the period, each with its kind, item code,
    plan row, goal (a method's), plan, client, team and who rated (``e_*``)."""
    queryset = Evaluation.objects.filter(
        subject__in=[Evaluation.Subject.SERVICE, Evaluation.Subject.METHOD],
        rated_on__gte=filters.start, rated_on__lte=filters.until,
    ).annotate(
        e_item=Coalesce(F("service__item__code"), F("method__method__code")),
        e_row=Coalesce(F("service_id"), F("method_id")),
        e_goal=F("method__goal_id"),
        e_team=Coalesce(_first_team("plan__coordinator_id"),
                        _first_team("method__goal__section__responsible_id"),
                        _first_team("service__responsible_id")),
        e_sector=Coalesce(F("service__sector"), F("method__goal__section__sector"), Value("")),
    )
    if filters.sector:
        queryset = queryset.filter(e_sector=filters.sector)
    queryset = _in_team_or_region(queryset, "e_team", filters)
    return queryset.annotate(e_plan=F("plan_id"), e_person=F("plan__person_id")).values(
        "subject", "e_item", "e_row", "e_goal", "e_plan", "e_person", "e_team", "rater",
        "value").order_by()


def _evaluated_sql(filters: EffectivenessFilters) -> tuple[str, list, str]:
    """The common table expressions of the evaluation table (over the goals' ``g``) and its
    select: (kind, item, team, items, clients, mean by the professional, mean by the client,
    goals, goals improved) per service or method code and team."""
    eval_sql, eval_params = _evaluations(filters).query.sql_with_params()
    ctes = (
        f"e AS ({eval_sql}), "  # noqa: S608
        # No team is 0 here (ids start at 1): the last step then joins on equal keys.
        "i AS (SELECT DISTINCT e.subject, e.e_item, COALESCE(e.e_team, 0) AS e_team, e.e_row, "
        "e.e_goal, e.e_plan FROM e), "
        # A service (no goal of its own) serves every goal of its plan, a method its own goal
        # or, without one, every goal of its plan: two joins on equal keys, which the databases
        # answer by hashing, instead of one whose OR condition they can only loop over.
        "ig AS (SELECT i.subject, i.e_item, i.e_team, g.r_goal, g.r_improved FROM i "
        "JOIN g ON g.r_plan = i.e_plan WHERE i.e_goal IS NULL "
        "UNION SELECT i.subject, i.e_item, i.e_team, g.r_goal, g.r_improved FROM i "
        "JOIN g ON g.r_plan = i.e_plan AND g.r_goal = i.e_goal), "
        "ev AS (SELECT e.subject, e.e_item, COALESCE(e.e_team, 0) AS e_team, "
        "COUNT(DISTINCT e.e_row) AS n_items, "
        "COUNT(DISTINCT e.e_person) AS n_clients, "
        "AVG(CASE WHEN e.rater = 'professional' THEN 1.0 * e.value END) AS m_pro, "
        "AVG(CASE WHEN e.rater = 'client' THEN 1.0 * e.value END) AS m_client "
        "FROM e GROUP BY e.subject, e.e_item, COALESCE(e.e_team, 0)), "
        "gv AS (SELECT ig.subject, ig.e_item, ig.e_team, COUNT(*) AS n_goals, "
        "SUM(ig.r_improved) AS n_improved FROM ig GROUP BY ig.subject, ig.e_item, ig.e_team)"
    )
    select = (
        "SELECT 'evaluated', ev.subject, CAST(ev.e_item AS VARCHAR(40)), "
        "CAST(NULLIF(ev.e_team, 0) AS VARCHAR(40)), ev.n_items, ev.n_clients, ev.m_pro, "
        "ev.m_client, COALESCE(gv.n_goals, 0), COALESCE(gv.n_improved, 0) FROM ev "
        "LEFT JOIN gv ON gv.subject = ev.subject AND gv.e_item = ev.e_item "
        "AND gv.e_team = ev.e_team"
    )
    return ctes, list(eval_params), select


@dataclass
class Report:
    filters: EffectivenessFilters
    total: Group
    tables: dict[str, list[Group]] = field(default_factory=dict)
    evaluated: list[EvaluatedGroup] = field(default_factory=list)


def _lang_field(language: str) -> str:
    return f"name_{language}" if language in ("fi", "sv", "en") else "name_fi"


def _names(queryset, name: str) -> dict:
    return {pk: local or fallback
            for pk, local, fallback in queryset.values_list("pk", name, "name_fi")}


def _code_names(codes: dict[str, list], name: str) -> dict[str, dict]:
    """The name of each code of the code lists ``codes`` names (in one statement): as the code
    list's current version has it, else as its latest version had it (a retired code)."""
    condition = Q(pk__in=[])
    for code_list, wanted in codes.items():
        condition |= Q(code_list=code_list, code__in=set(wanted))
    found = CodeListItem.objects.filter(condition).order_by(
        "version__current", "version__loaded_at", "pk").values_list("code_list", "code", name,
                                                                  "name_fi")
    names: dict[str, dict] = {code_list: {} for code_list in codes}
    for code_list, code, local, fallback in found:
        names[code_list][code] = local or fallback
    return names


def build(filters: EffectivenessFilters, *, language: str) -> Report:
    """The whole report: three statements whatever the data size."""
    name = _lang_field(language)
    rows = _grouped(filters)
    evaluated = rows["evaluated"]
    team_rows, method_rows, service_rows = rows["team"], rows["method"], rows["service"]
    teams = _names(Team.objects.filter(
        pk__in=[r[0] for r in team_rows if r[0]] + [r[2] for r in evaluated if r[2]]), name)
    names = _code_names({
        CodeList.METHOD: [r[0] for r in method_rows]
        + [r[1] for r in evaluated if r[0] == Evaluation.Subject.METHOD],
        CodeList.SERVICE: [r[0] for r in service_rows]
        + [r[1] for r in evaluated if r[0] == Evaluation.Subject.SERVICE]}, name)
    methods, services = names[CodeList.METHOD], names[CodeList.SERVICE]
    sectors = {row.code: row.label for row in plan_sectors.all_sectors()}
    total_row = rows["total"][0] if rows["total"] else (None, 0, 0, 0, None)
    total = Group(None, _("All goals"), int(total_row[1] or 0), int(total_row[2] or 0),
                  int(total_row[3] or 0),
                  float(total_row[4]) if total_row[4] is not None else None)
    unknown = _("Not known")
    kinds = {value: str(label) for value, label in Evaluation.Subject.choices}
    evaluated_groups = sorted(
        (EvaluatedGroup(kind, (services if kind == Evaluation.Subject.SERVICE else methods)
                        .get(item, unknown), teams.get(team, unknown), int(n_items),
                        int(n_clients), float(m_pro) if m_pro is not None else None,
                        float(m_client) if m_client is not None else None, int(n_goals or 0),
                        int(n_improved or 0), kinds.get(kind, kind))
         for kind, item, team, n_items, n_clients, m_pro, m_client, n_goals, n_improved
         in evaluated),
        key=lambda g: (g.kind != "service", g.item_label.lower(), g.team_label == unknown,
                       g.team_label.lower()))
    return Report(filters, total, {
        "teams": _groups(team_rows, teams),
        "sectors": _groups(rows["sector"], sectors),
        "methods": _groups(method_rows, methods),
        "services": _groups(service_rows, services),
    }, evaluated_groups)


# --- did the plan help? (the clients' own answers) -----------------------------------------

# Figures resting on fewer answers are suppressed (as the shared-client indicators do).
FEEDBACK_SMALL = 5


@dataclass
class FeedbackSummary:
    """How the clients answered "did the plan help?" after a review or a network meeting in
    the period: a count per answer, or ``None`` where it is suppressed (fewer than
    ``FEEDBACK_SMALL``, and a second cell with it so that no suppressed count can be worked out
    from the total); the total itself is suppressed when it is small."""

    total: int | None
    counts: list[tuple[str, int | None]]


def feedback_summary(filters: EffectivenessFilters) -> FeedbackSummary:
    """One grouping statement over the answers in the period (by the occasion's date), with the
    report's team (the plan coordinator's first team), region and sector filters."""
    from luotsi.plans.models import PlanFeedback

    answers = PlanFeedback.objects.filter(occasion_on__gte=filters.start,
                                          occasion_on__lte=filters.until)
    if filters.sector:
        answers = answers.filter(plan__sections__sector=filters.sector)
    if filters.team_id or filters.region_id:
        team = _first_team("plan__coordinator_id")
        answers = answers.annotate(f_team=team)
        answers = (answers.filter(f_team=filters.team_id) if filters.team_id else
                   answers.filter(f_team__in=Team.objects.filter(
                       region_id=filters.region_id).values("pk")))
    found = dict(answers.order_by().values_list("answer").annotate(n=Count("pk", distinct=True)))
    raw = [(str(label), int(found.get(value, 0)))
           for value, label in PlanFeedback.Answer.choices]
    total = sum(n for _label, n in raw)
    if total < FEEDBACK_SMALL:
        return FeedbackSummary(None, [(label, None) for label, _n in raw])
    hidden = {i for i, (_label, n) in enumerate(raw) if 0 < n < FEEDBACK_SMALL}
    if len(hidden) == 1:
        # one suppressed cell beside the total could be worked out: hide the next smallest too
        rest = sorted((n, i) for i, (_label, n) in enumerate(raw) if i not in hidden)
        hidden.add(rest[0][1])
    return FeedbackSummary(total, [(label, None if i in hidden else n)
                                   for i, (label, n) in enumerate(raw)])


# --- page and CSV ----------------------------------------------------------------------------

def headers() -> list[str]:
    return [_("Group"), _("Goals"), _("Clients"), _("Goals improved"), _("Share improved (%)"),
            _("Mean change")]


def chart(slug: str, groups: list[Group]) -> str:
    if not groups:
        return ""
    return bar_chart(
        chart_id=f"chart-{slug}", title=f"{TABLES[slug]}: {_('Share improved (%)')}",
        description=_("Share of goals whose last rating is higher than the first, per group. "
                      "The same figures are in the table below."),
        categories=[g.label[:14] for g in groups],
        series=[Series(_("Share improved (%)"), [g.improved_share for g in groups], COLOURS[0])],
        unit=" %", max_value=100.0)


def evaluated_headers() -> list[str]:
    return [_("Service or method"), _("Team"), _("Evaluated"), _("Clients"),
            _("Did it help: the professional (mean)"), _("Did it help: the client (mean)"),
            _("Goals followed"), _("Share of goals improved (%)")]


def evaluated_cells(group: EvaluatedGroup) -> list:
    """A row's figures, none when it rests on fewer than ``SMALL`` clients."""
    if group.small:
        return [None] * 6
    return [group.items, group.clients, group.mean_professional, group.mean_client,
            group.goals, group.improved_share]


def _csv_cell(value):
    return figure(value, 2) if isinstance(value, float) else value


def as_csv(report: Report) -> str:
    """All tables in one file (``common.spreadsheet``)."""
    rows = []
    for slug, groups in [("total", [report.total]), *report.tables.items()]:
        caption = _("Total") if slug == "total" else str(TABLES[slug])
        rows.extend([_csv_cell(c) for c in (caption, g.label, g.goals, g.clients, g.improved,
                                            g.improved_share, g.mean_change)]
                    for g in groups)
    evaluated = [[g.kind_label, g.item_label, g.team_label,
                  *[_csv_cell(c) if c is not None else "" for c in evaluated_cells(g)],
                  _("fewer than %(n)s clients") % {"n": SMALL} if g.small else ""]
                 for g in report.evaluated]
    # The evaluations of services and methods follow as a second table, after an empty row,
    # with a header row of its own.
    second = [[], [_("Evaluated"), *evaluated_headers(), _("Note")], *evaluated] \
        if evaluated else []
    return write_csv([_("Table"), *headers()], rows + second)
