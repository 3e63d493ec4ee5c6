"""The client plan shaped for its page, the client's memo and the export.

Everything here works on a plan loaded by ``selectors.plan_for_page`` and a handful of small,
fixed lookups (code lists, rating scales, professionals), so the number of queries does not grow
with the plan. What a professional may not see — the sections of sectors the client has not
consented to share with their sector — is left out here, once, for every output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy

from luotsi.common import charts, partials
from luotsi.common.formatting import format_date
from luotsi.organisation.models import User
from luotsi.organisation.permissions import ROLE_PERMISSIONS, Action
from luotsi.plans import sectors, selectors
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    CodeListVersion,
    Evaluation,
    Goal,
    GoalFactor,
    Plan,
    PlanSection,
    Rating,
    RatingScale,
    Step,
)
from luotsi.plans.sectors import sector_label

PART_LABELS = {
    "plan": pgettext_lazy("plan part", "The plan"),
    "client_situation": pgettext_lazy("plan part", "The client's situation"),
    "client_view": pgettext_lazy("plan part", "The client's view"),
    "disagreement": pgettext_lazy("plan part", "Disagreement"),
    "review_on": pgettext_lazy("plan part", "Next review"),
    "coordinator": pgettext_lazy("plan part", "Coordinator"),
    "named_worker": pgettext_lazy("plan part", "Named worker"),
    "needs_special_support": pgettext_lazy("plan part", "Needs special support"),
    "language": pgettext_lazy("plan part", "Language of the plan"),
    "sections": pgettext_lazy("plan part", "Section"),
    "support_needs": pgettext_lazy("plan part", "Support need"),
    "goals": pgettext_lazy("plan part", "Goal"),
    "services": pgettext_lazy("plan part", "Service"),
    "steps": pgettext_lazy("plan part", "Step"),
    "consents": pgettext_lazy("plan part", "Consent"),
    "methods": pgettext_lazy("plan part", "Method"),
    "factors": pgettext_lazy("plan part", "Situation factor"),
    "ratings": pgettext_lazy("plan part", "AVAIN rating"),
    "evaluations": pgettext_lazy("plan part", "AVAIN evaluation"),
    "reviews": pgettext_lazy("plan part", "Review"),
    "participants": pgettext_lazy("plan part", "Participant"),
}
CHANGE_LABELS = {
    "created": pgettext_lazy("plan change", "created"),
    "added": pgettext_lazy("plan change", "added"),
    "removed": pgettext_lazy("plan change", "removed"),
    "changed": pgettext_lazy("plan change", "changed"),
    "held": pgettext_lazy("plan change", "held"),
    "done": pgettext_lazy("plan change", "done"),
    "withheld": pgettext_lazy("plan change", "not shown to the client"),
    "shown": pgettext_lazy("plan change", "shown to the client"),
    "given": pgettext_lazy("plan change", "given"),
    "withdrawn": pgettext_lazy("plan change", "withdrawn"),
}
# Parts of a version's change list that belong to a sector: their text is shown only when the
# professional sees that row now.
_SECTOR_BOUND = {"sections", "goals", "services", "steps", "methods", "factors", "ratings"}

# The plan page lists the latest versions (newest first); the rest are one link away
# (?versions=all).
VERSIONS_SHOWN = 3
# The client's memo fits on one A4 page: the nearest open steps, and how many more there are.
MEMO_STEPS = 8


@dataclass
class RatingSeries:
    """An item's rating values in order and the bounds of their scale (the chart's axis): the
    professional's (``values``) and the client's own (``client_values``), each point on a
    shared axis of occasions (``slots``, ``client_slots``)."""

    values: list[int]
    minimum: int | None
    maximum: int | None
    slots: list[int] | None = None
    client_values: list[int] = field(default_factory=list)
    client_slots: list[int] = field(default_factory=list)


@dataclass
class EvaluationRow:
    """One rating or evaluation as the page lists it: when, on what occasion, who rated, the
    value with its level's name or the direction, and the note."""

    rated_on: date
    occasion: str
    value: int | None
    level: str
    direction: str
    rater: str  # "professional" or "client"
    note: str = ""
    occasion_label: str = ""
    rater_label: str = ""
    direction_label: str = ""


@dataclass
class Evaluated:
    """A service, method or situation factor of the plan with its meter rows and chart."""

    subject: str
    pk: int
    name: str
    rows: list[EvaluationRow] = field(default_factory=list)
    chart: RatingSeries | None = None
    chart_html: str = ""
    subject_label: str = ""


@dataclass
class RatingRow:
    rating: object
    level: str


@dataclass
class GoalView:
    goal: Goal
    number: int
    steps: list[Step] = field(default_factory=list)
    methods: list = field(default_factory=list)
    factors: list = field(default_factory=list)
    ratings: list[RatingRow] = field(default_factory=list)
    client_rows: list[EvaluationRow] = field(default_factory=list)
    chart: RatingSeries | None = None
    change: int | None = None

    @property
    def open_steps(self) -> list[Step]:
        return [s for s in self.steps if s.done_on is None]


@dataclass
class ImportedGoal:
    label: str
    client_wording: str
    target_date: str
    overlaps: list[Goal]
    mergeable: bool = True


@dataclass
class ImportedService:
    label: str
    provider: str
    sector: str
    overlaps: list
    mergeable: bool = True


@dataclass
class ImportedDraft:
    section: PlanSection
    goals: list[ImportedGoal]
    services: list[ImportedService]

    @property
    def overlap_count(self) -> int:
        return sum(1 for g in self.goals if g.overlaps) + sum(1 for s in self.services
                                                             if s.overlaps)


@dataclass
class Lookups:
    """The small, fixed lookups every plan page needs (one query each)."""

    items: list[CodeListItem]
    scales: dict[int, RatingScale]
    professionals: list[User]

    @property
    def default_scale(self) -> RatingScale | None:
        defaults = [s for s in self.scales.values() if s.is_default]
        return min(defaults, key=lambda s: s.pk) if defaults else None

    def active_items(self, code_list: str) -> list[CodeListItem]:
        """The codes offered today (docs/code-lists.md)."""
        today = timezone.localdate()
        return [i for i in self.items if i.code_list == code_list and i.choosable(today)]

    def by_code(self, code_list: str, code: str) -> CodeListItem | None:
        """The code ``code`` of the list's current version, or else of the newest older one."""
        found = [i for i in self.items if i.code_list == code_list and i.code == code]
        found.sort(key=lambda i: (not i.version.current, -i.version.pk))
        return found[0] if found else None

    def versions(self) -> list[CodeListVersion]:
        """The current version of each code list, in the lists' order."""
        current = {i.version.code_list: i.version for i in self.items if i.version.current}
        return [current[c] for c in CodeList.values if c in current]


def client_roles() -> list[str]:
    return [role for role, actions in ROLE_PERMISSIONS.items() if Action.VIEW_CLIENT in actions]


def lookups(*, professionals: bool = True) -> Lookups:
    """Code lists and rating scales; for the forms also the professionals to choose from."""
    scales = {s.pk: s for s in RatingScale.objects.prefetch_related("levels")}
    people = list(User.objects.filter(is_active=True, role__in=client_roles())
                  .order_by("last_name", "first_name", "pk")) if professionals else []
    return Lookups(items=list(CodeListItem.objects.select_related("version")), scales=scales,
                   professionals=people)


def _level_label(scale: RatingScale | None, value: int) -> str:
    if scale is None:
        return ""
    for level in scale.levels.all():
        if level.value == value:
            return level.name
    return ""


def _occasion_keys(dates: list[date]) -> list[tuple[date, int]]:
    """Each rating's place among its line's: its date, and how many of the line came earlier
    the same day (two ratings on one day are two occasions)."""
    seen: dict[date, int] = defaultdict(int)
    keys = []
    for day in dates:
        keys.append((day, seen[day]))
        seen[day] += 1
    return keys


def _chart(values: list[int], scale: RatingScale | None, *, dates: list[date] | None = None,
           client: list[tuple[date, int]] | None = None) -> RatingSeries:
    """What an item's AVAIN chart shows (``charts.rating_chart`` draws it): the professional's
    ``values`` (dated ``dates``) and the client's own (``client``: date and value) on one axis
    of occasions."""
    series = RatingSeries(values, scale.minimum if scale else None,
                          scale.maximum if scale else None)
    if client:
        own = _occasion_keys([day for day, _value in client])
        pro = _occasion_keys(dates or [])
        order = {key: slot for slot, key in enumerate(sorted(set(own) | set(pro)))}
        series.slots = [order[key] for key in pro]
        series.client_values = [value for _day, value in client]
        series.client_slots = [order[key] for key in own]
    return series


def _choice_labels(model, field_name: str) -> dict:
    """A field's choices as text, looked up once per page instead of once per row."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


class _Urls:
    """The addresses of a plan's rows from one ``reverse`` per kind of link."""

    def __init__(self, plan_id: int) -> None:
        self.plan_id = plan_id
        self.patterns: dict[str, partials.UrlPattern] = {}

    def __call__(self, name: str, key: str, pk: int) -> str:
        pattern = self.patterns.get(name)
        if pattern is None:
            pattern = self.patterns[name] = partials.UrlPattern(name, key, plan_id=self.plan_id)
        return pattern(pk)


def _annotate_rows(plan: Plan, goals: list[GoalView], steps: list[Step], methods: list) -> None:
    """Labels and addresses each goal, step, factor, rating and method row shows, computed in
    one pass here rather than looked up per row in the template."""
    urls = _Urls(plan.pk)
    priorities = _choice_labels(Goal, "priority")
    effects = _choice_labels(GoalFactor, "effect")
    for view in goals:
        goal = view.goal
        view.priority_label = priorities.get(goal.priority, goal.priority)
        view.sector_label = sector_label(goal.section.sector) \
            if goal.section is not None else None
        view.edit_url = urls("plan_goal_edit", "goal_id", goal.pk)
        view.remove_url = urls("plan_goal_remove", "goal_id", goal.pk)
        for factor in view.factors:
            factor.effect_label = effects.get(factor.effect, factor.effect)
    if any(view.ratings for view in goals):
        occasions = _choice_labels(Rating, "occasion")
        kinds = _choice_labels(Rating, "rated_by_kind")
        for view in goals:
            for row in view.ratings:
                row.occasion_label = occasions.get(row.rating.occasion, row.rating.occasion)
                row.rated_by_label = kinds.get(row.rating.rated_by_kind,
                                               row.rating.rated_by_kind)
    _annotate_figures(goals)
    for step in steps:
        step.done_url = urls("plan_step_done", "step_id", step.pk)
        step.edit_url = urls("plan_step_edit", "step_id", step.pk)
        step.remove_url = urls("plan_step_remove", "step_id", step.pk)
        step.owner_label = (step.owner.get_full_name() or step.owner.username) \
            if step.owner is not None else ""
    for method in methods:
        method.remove_url = urls("plan_method_remove", "method_id", method.pk)
    for need in plan.support_needs.all():
        need.remove_url = urls("plan_support_need_remove", "need_id", need.pk)


# The plan page's rows: macros of the Jinja2 partial, called once per row (the Django
# template loop over fifty step rows and twenty goals' ratings cost more than the rest of the
# page's template; docs/decisions/0002-html-in-templates.md).
ROWS = "plans/rows.html"


def _draw(chart_id: str, series: RatingSeries, title: str) -> str:
    """An item's chart, titled with both lines' values in order."""
    text = title
    if series.values:
        text += f": {' → '.join(str(value) for value in series.values)}"
    if series.client_values:
        own = gettext("the client's own rating")
        text += f"; {own}: {' → '.join(str(value) for value in series.client_values)}"
    return charts.rating_chart(
        chart_id=chart_id, values=series.values, minimum=series.minimum,
        maximum=series.maximum, slots=series.slots, client_values=series.client_values,
        client_slots=series.client_slots, title=text)


def _meter_texts() -> dict[str, str]:
    return {"change": gettext("Change since the first rating: %(change)s"),
            "one": gettext("One rating so far."),
            "absent": gettext("the client did not take part"),
            "legend": gettext("Solid line and round points: the professional's rating; dashed "
                              "line and square points: the client's own rating."),
            "own": gettext("the client's own rating"),
            "only_client": gettext("Only the client's own rating so far.")}


def _annotate_meter(goals: list[GoalView], meter: list[Evaluated]) -> None:
    """Who rated and the occasion of every meter row as text, and each scaled item's chart."""
    occasions = _choice_labels(Evaluation, "occasion")
    raters = _choice_labels(Evaluation, "rater")
    directions = _choice_labels(Evaluation, "direction")
    rows = [row for view in goals for row in view.client_rows] + \
        [row for item in meter for row in item.rows]
    for row in rows:
        row.occasion_label = occasions.get(row.occasion, row.occasion)
        row.rater_label = raters.get(row.rater, row.rater)
        row.direction_label = directions.get(row.direction, row.direction)
    title = gettext("AVAIN evaluations")
    subjects = _choice_labels(Evaluation, "subject")
    for item in meter:
        item.subject_label = subjects.get(item.subject, item.subject)
        if item.chart is not None:
            item.chart_html = _draw(f"chart-{item.subject}-{item.pk}", item.chart,
                                    f"{title} ({item.name})")


def _annotate_figures(goals: list[GoalView]) -> None:
    """Each rated goal's AVAIN chart and rating list (``view.ratings_html``)."""
    if not any(view.ratings or view.client_rows for view in goals):
        return
    rows = partials.macros(ROWS)
    title = gettext("AVAIN ratings")
    texts = _meter_texts()
    for view in goals:
        if view.chart is not None:
            chart = _draw(f"chart-{view.goal.pk}", view.chart, title)
            view.ratings_html = rows.ratings(view, chart, texts)


def annotate_step_rows(steps: list[Step], csrf_token: str, today: date) -> None:
    """Each step's table row (``step.row_html``, shown by ``plans/_steps.html``), with its
    "mark done" form. Needs ``_annotate_rows`` first (the addresses)."""
    if not steps:
        return
    row = partials.macros(ROWS).step_row
    texts = {"the_client": pgettext("step owner", "The client"), "late": gettext("late"),
             "mark_done": gettext("Mark done"), "edit": gettext("Edit"),
             "remove": gettext("Remove"), "done": gettext("Done %(on)s")}
    for step in steps:
        step.row_html = row(step, texts, csrf_token, today)


def _visible_change_texts(goals, steps, services, methods, allowed) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {
        "goals": {g.goal.client_wording[:80] for g in goals},
        "steps": {s.what[:80] for s in steps},
        "services": {s.item.name_fi for s in services},
        "methods": {m.method.name_fi for m in methods},
        "sections": set(),
        # the same labels as ``selectors.plan_snapshot`` writes for a goal's factors and ratings
        "factors": {f"{f.factor.name_fi}: {g.goal.client_wording[:60]}"
                    for g in goals for f in g.factors},
        "ratings": {f"{g.goal.client_wording[:60]}: {r.rating.value}"
                    for g in goals for r in g.ratings},
    }
    shown_sectors = [row for row in sectors.all_sectors()
                     if allowed is None or row.code in allowed]
    for row in shown_sectors:
        labels["sections"].update(name for name in row.names.values() if name)
    return labels


def _change_names(items: list[CodeListItem]) -> dict[str, dict[str, str]]:
    """The names a version's changes stored (a service's, method's, situation factor's or
    support need's Finnish name, a section's sector in the language of whoever accepted the version), each to
    its name in the active language."""
    names: dict[str, dict[str, str]] = {"services": {}, "methods": {}, "factors": {},
                                         "sections": {}, "support_needs": {}}
    for item in items:
        part = {CodeList.SERVICE: "services", CodeList.METHOD: "methods",
                CodeList.SITUATION_FACTOR: "factors",
                CodeList.SUPPORT_NEED: "support_needs"}.get(item.code_list)
        if part:
            names[part][item.name_fi] = item.name
    for row in sectors.all_sectors():
        for name in row.names.values():
            if name:
                names["sections"][name] = row.label
    return names


# Version changes whose stored text is a date (ISO in the snapshot), shown in the user's format.
_DATE_PARTS = frozenset({"review_on", "reviews"})


@dataclass
class PlanPage:
    """The plan as one professional may see it: what the plan page, the client's memo and the
    export show (``context()`` gives the templates' context)."""

    plan: Plan
    allowed_sectors: set[str] | None  # None: every sector
    sections: list[PlanSection]  # the active sections shown
    hidden_sections: int
    hidden_section_rows: list  # the active sections hidden from this professional
    imported: list[ImportedDraft]
    support_needs: list  # the client's support needs (SHL 11 §): the whole plan's
    goals: list[GoalView]
    loose_steps: list[Step]  # steps of no goal
    visible_steps: list[Step]
    plan_methods: list  # methods of no goal
    services: list
    participants: list
    consents: list
    active_consents: set[int]
    versions: list[dict]
    version_count: int
    reviews: list
    scale: RatingScale | None
    meter: list[Evaluated]
    visible_methods: list
    today: date
    memo_steps: list[dict]
    memo_more_steps: int
    # For the client's own view: how many parts a professional marked as not shown to them (on
    # a statutory ground) were left out.
    withheld_from_client: int = 0
    memo_withheld: bool = False  # the memo leaves out a part marked as not shown

    @property
    def person(self):
        return self.plan.person

    @property
    def sees_all(self) -> bool:
        return self.allowed_sectors is None

    @property
    def open_loose_steps(self) -> list[Step]:
        return [s for s in self.loose_steps if s.done_on is None]

    @property
    def open_reviews(self) -> list:
        return [r for r in self.reviews if r.held_on is None]

    @property
    def review_overdue(self) -> bool:
        return self.plan.review_on < self.today

    def context(self) -> dict:
        """The page's fields and derived values by name, for a template."""
        context = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("person", "sees_all", "open_loose_steps", "open_reviews",
                     "review_overdue"):
            context[name] = getattr(self, name)
        return context


def _visible_goals(plan: Plan, shown: Callable[[str], bool], found: Lookups,
                   evaluations: dict[tuple[str, int], list[Evaluation]]) -> list[GoalView]:
    """The goals of the whole plan and of the active sections shown, numbered, each with its
    factors, its ratings (levels named) and their chart."""
    default_scale = found.default_scale
    goals: list[GoalView] = []
    for goal in plan.goals.all():
        if goal.section is not None and (not shown(goal.section.sector)
                                         or goal.section.status != PlanSection.Status.ACTIVE):
            continue
        view = GoalView(goal=goal, number=len(goals) + 1, factors=list(goal.factors.all()))
        ratings = list(goal.ratings.all())
        scale = found.scales.get(ratings[0].scale_id) if ratings else default_scale
        view.ratings = [RatingRow(r, _level_label(found.scales.get(r.scale_id), r.value))
                        for r in ratings]
        # Who rated draws the line: the professional's (alone or together with the client),
        # and the client's own (a rating the client gave, and the client's own ratings).
        own_rows = [_evaluation_row(e, found) for e in
                    evaluations.get((Evaluation.Subject.GOAL, goal.pk), [])]
        view.client_rows = own_rows
        pro = [r for r in ratings if r.rated_by_kind != Rating.RatedBy.CLIENT]
        client = sorted([(r.rated_on, r.value) for r in ratings
                         if r.rated_by_kind == Rating.RatedBy.CLIENT]
                        + [(row.rated_on, row.value) for row in own_rows
                           if row.value is not None], key=lambda pair: pair[0])
        if ratings or client:
            view.chart = _chart([r.value for r in pro], scale,
                                dates=[r.rated_on for r in pro], client=client)
            if len(pro) > 1:
                view.change = pro[-1].value - pro[0].value
        goals.append(view)
    return goals


def _evaluation_row(evaluation: Evaluation, found: Lookups) -> EvaluationRow:
    return EvaluationRow(
        rated_on=evaluation.rated_on, occasion=evaluation.occasion, value=evaluation.value,
        level=_level_label(found.scales.get(evaluation.scale_id), evaluation.value)
        if evaluation.value is not None else "",
        direction=evaluation.direction, rater=evaluation.rater, note=evaluation.note)


def _by_item(plan: Plan) -> dict[tuple[str, int], list[Evaluation]]:
    """The plan's evaluations by the item they are of, in date order."""
    out: dict[tuple[str, int], list[Evaluation]] = defaultdict(list)
    for evaluation in plan.evaluations.all():
        row_id = getattr(evaluation, f"{evaluation.subject}_id")
        out[(evaluation.subject, row_id)].append(evaluation)
    return out


def _evaluated(subject: str, pk: int, name: str, evaluations: list[Evaluation],
               found: Lookups) -> Evaluated:
    """A service, method or factor with its rows and (on a scale) its chart's two lines."""
    item = Evaluated(subject, pk, name, [_evaluation_row(e, found) for e in evaluations])
    scaled = [row for row in item.rows if row.value is not None]
    if scaled:
        pro = [row for row in scaled if row.rater == Evaluation.Rater.PROFESSIONAL]
        own = [(row.rated_on, row.value) for row in scaled
               if row.rater == Evaluation.Rater.CLIENT]
        item.chart = _chart([row.value for row in pro if row.value is not None],
                            found.default_scale, dates=[row.rated_on for row in pro],
                            client=own)
    return item


def _meter_items(goals: list[GoalView], services: list, methods: list,
                 evaluations: dict[tuple[str, int], list[Evaluation]],
                 found: Lookups) -> list[Evaluated]:
    """The services, methods and situation factors shown, each with its evaluations."""
    Subject = Evaluation.Subject
    items = [_evaluated(Subject.SERVICE, s.pk, s.item.name,
                        evaluations.get((Subject.SERVICE, s.pk), []), found) for s in services]
    items += [_evaluated(Subject.METHOD, m.pk, m.method.name,
                         evaluations.get((Subject.METHOD, m.pk), []), found) for m in methods]
    items += [_evaluated(Subject.FACTOR, f.pk, f"{f.factor.name} ({g.number}. "
                         f"{g.goal.client_wording[:40]})",
                         evaluations.get((Subject.FACTOR, f.pk), []), found)
              for g in goals for f in g.factors]
    return items


@dataclass
class _Attached:
    loose_steps: list[Step]
    visible_steps: list[Step]
    plan_methods: list
    visible_methods: list
    withheld: int = 0


def _attach_steps_and_methods(plan: Plan, goal_by_id: dict[int, GoalView], *,
                              for_client: bool = False) -> _Attached:
    """Each step and method under its shown goal, or the plan's own when it has no goal; those
    of goals not shown are left out, and for the client the steps marked as not shown to them
    (counted in ``withheld``)."""
    attached = _Attached([], [], [], [])
    for step in plan.steps.all():
        if for_client and step.withheld_ground_id is not None:
            attached.withheld += 1
            continue
        if step.goal_id is None:
            attached.loose_steps.append(step)
        elif step.goal_id in goal_by_id:
            goal_by_id[step.goal_id].steps.append(step)
        else:
            continue
        attached.visible_steps.append(step)
    for method in plan.methods.all():
        if method.goal_id is None:
            attached.plan_methods.append(method)
        elif method.goal_id in goal_by_id:
            goal_by_id[method.goal_id].methods.append(method)
        else:
            continue
        attached.visible_methods.append(method)
    return attached


def _imported_drafts(drafts: list[PlanSection], goals: list[GoalView], services: list,
                     found: Lookups) -> list[ImportedDraft]:
    """The imported draft sections' goals and services, named from the code lists, each with
    the plan's goals of the same area or services of the same code it overlaps."""
    area_codes: dict[str, list[Goal]] = defaultdict(list)
    for view in goals:
        area_codes[view.goal.goal_area.code].append(view.goal)
    service_codes: dict[str, list] = defaultdict(list)
    for service in services:
        service_codes[service.item.code].append(service)
    imported = []
    for draft in drafts:
        content = draft.imported if isinstance(draft.imported, dict) else {}
        draft_goals, draft_services = [], []
        for row in content.get("goals") or []:
            if not isinstance(row, dict):
                continue
            code = str(row.get("goal_area_code") or "")
            item = found.by_code(CodeList.GOAL_AREA, code)
            wording = str(row.get("client_wording") or "")
            draft_goals.append(ImportedGoal(
                label=item.name if item else code, client_wording=wording,
                target_date=str(row.get("target_date") or ""), overlaps=area_codes.get(code, []),
                mergeable=item is not None and item.choosable() and bool(wording.strip())))
        for row in content.get("services") or []:
            if not isinstance(row, dict):
                continue
            code = str(row.get("item_code") or "")
            item = found.by_code(CodeList.SERVICE, code)
            sector = str(row.get("sector") or draft.sector)
            draft_services.append(ImportedService(
                label=item.name if item else code, provider=str(row.get("provider") or ""),
                sector=sector_label(sector), overlaps=service_codes.get(code, []),
                mergeable=item is not None and item.choosable() and sectors.is_active(sector)))
        imported.append(ImportedDraft(draft, draft_goals, draft_services))
    return imported


def _version_rows(versions: list, allowed: set[str] | None, labels: dict[str, set[str]],
                  shown_names: dict[str, dict[str, str]]) -> list[dict]:
    """Each version's changes as the reader may see them: a change of a part of a hidden
    sector without its text, dates in the reader's format, names in the reader's language."""
    rows_by_version = []
    for version in versions:
        rows = []
        for change in version.changes or []:
            part = change.get("part", "")
            text = change.get("text", "")
            if allowed is not None and part in _SECTOR_BOUND and text not in labels.get(part, ()):
                text = None
            elif part in _DATE_PARTS and text:
                text = format_date(date.fromisoformat(text))
            elif part == "language":
                text = dict(Plan._meta.get_field("language").choices).get(text, text)
            elif text and part in shown_names:
                # The whole text is a name, or (a situation factor) starts with one.
                names = shown_names[part]
                head, sep, rest = text.partition(": ")
                text = names.get(text) or names.get(head, head) + sep + rest
            rows.append({"part": PART_LABELS.get(part, part),
                         "change": CHANGE_LABELS.get(change.get("change"), change.get("change")),
                         "text": text})
        rows_by_version.append({"version": version, "changes": rows})
    return rows_by_version


def _memo_steps(visible_steps: list[Step], goal_by_id: dict[int, GoalView]) -> list[dict]:
    """The open steps by due date, each with its goal's number and the goal in the client's
    words, for the client's memo: never a step marked as not shown to the client, whoever
    prints the memo."""
    return sorted(
        ({"step": s, "goal_number": goal_by_id[s.goal_id].number if s.goal_id else None,
          "goal_wording": goal_by_id[s.goal_id].goal.client_wording if s.goal_id else ""}
         for s in visible_steps if s.done_on is None and s.withheld_ground_id is None),
        key=lambda row: (row["step"].due_on, row["step"].pk))


def _consents_in_force(consents: list, today: date) -> set[int]:
    return {c.pk for c in consents if c.withdrawn_on is None and c.valid_from <= today
            and (c.valid_until is None or c.valid_until >= today)}


def build(plan: Plan, user, found: Lookups, *, all_versions_shown: bool = True,
          for_client: bool = False) -> PlanPage:
    """The plan as the page shows it to ``user``: only what ``user`` may see.

    With ``all_versions_shown=False`` only the latest ``VERSIONS_SHOWN`` versions' changes are
    listed (the plan page); ``version_count`` tells how many there are. With ``for_client`` the
    plan is shown to its own client (``luotsi.oma``; ``user`` is ``None``): every sector of it,
    since the whole plan is the client's own data."""
    consents = list(plan.consents.all())
    allowed = None if for_client else selectors.visible_sectors(user, plan, consents)

    def shown(sector: str) -> bool:
        return selectors.section_visible(sector, allowed)

    sections = list(plan.sections.all())
    evaluations = _by_item(plan)
    goals = _visible_goals(plan, shown, found, evaluations)
    goal_by_id = {g.goal.pk: g for g in goals}
    attached = _attach_steps_and_methods(plan, goal_by_id, for_client=for_client)
    services = [s for s in plan.services.all() if shown(s.sector)]
    drafts = [s for s in sections if s.status == PlanSection.Status.IMPORTED and shown(s.sector)]
    imported = _imported_drafts(drafts, goals, services, found)
    today = timezone.localdate()
    labels = _visible_change_texts(goals, attached.visible_steps, services,
                                   attached.visible_methods, allowed)
    all_versions = list(plan.versions.all())
    versions = _version_rows(
        all_versions if all_versions_shown else all_versions[:VERSIONS_SHOWN], allowed, labels,
        _change_names(found.items))
    meter = _meter_items(goals, services, attached.visible_methods, evaluations, found)
    _annotate_meter(goals, meter)
    _annotate_rows(plan, goals, attached.visible_steps, attached.visible_methods)
    memo_steps = _memo_steps(attached.visible_steps, goal_by_id)
    return PlanPage(
        plan=plan,
        allowed_sectors=allowed,
        sections=[s for s in sections
                  if s.status == PlanSection.Status.ACTIVE and shown(s.sector)],
        hidden_sections=sum(1 for s in sections if not shown(s.sector)),
        hidden_section_rows=[s for s in sections if s.status == PlanSection.Status.ACTIVE
                             and not shown(s.sector)],
        imported=imported,
        support_needs=list(plan.support_needs.all()),
        goals=goals,
        loose_steps=attached.loose_steps,
        visible_steps=attached.visible_steps,
        plan_methods=attached.plan_methods,
        services=services,
        participants=list(plan.participants.all()),
        consents=consents,
        active_consents=_consents_in_force(consents, today),
        versions=versions,
        version_count=len(all_versions),
        reviews=list(plan.reviews.all()),
        scale=found.default_scale,
        meter=meter,
        visible_methods=attached.visible_methods,
        today=today,
        memo_steps=memo_steps[:MEMO_STEPS],
        memo_more_steps=max(len(memo_steps) - MEMO_STEPS, 0),
        withheld_from_client=attached.withheld,
        memo_withheld=attached.withheld or any(
            s.withheld_ground_id is not None for s in attached.visible_steps),
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def export(shown: PlanPage) -> dict:
    """The plan as plain data for a JSON download: what the professional sees on the page."""
    plan = shown.plan
    return {
        "plan": {"id": plan.pk, "person_id": plan.person_id, "language": plan.language,
                 "revision": plan.revision, "accepted_version": plan.accepted_version,
                 "client_situation": plan.client_situation, "client_view": plan.client_view,
                 "disagreement": plan.disagreement, "review_on": _iso(plan.review_on),
                 "coordinator": plan.coordinator.get_full_name() if plan.coordinator else None,
                 "named_worker": plan.named_worker.get_full_name() if plan.named_worker
                 else None,
                 "needs_special_support": plan.needs_special_support},
        "hidden_sections": shown.hidden_sections,
        "sections": [{"id": s.pk, "sector": s.sector, "summary": s.summary,
                      "responsible": s.responsible.get_full_name() if s.responsible else None}
                     for s in shown.sections],
        "goals": [{"id": g.goal.pk, "goal_area": g.goal.goal_area.code,
                   "goal_area_label": g.goal.goal_area.name,
                   "client_wording": g.goal.client_wording,
                   "target_date": _iso(g.goal.target_date), "priority": g.goal.priority,
                   "sector": g.goal.section.sector if g.goal.section else None,
                   "factors": [{"factor": f.factor.code, "effect": f.effect, "note": f.note}
                               for f in g.factors],
                   "methods": [{"method": m.method.code, "note": m.note} for m in g.methods],
                   "steps": [_step(s) for s in g.steps],
                   "ratings": [{"value": r.rating.value, "occasion": r.rating.occasion,
                                "rated_on": _iso(r.rating.rated_on),
                                "rated_by": r.rating.rated_by_kind,
                                "client_took_part": r.rating.client_took_part}
                               for r in g.ratings]}
                  for g in shown.goals],
        "support_needs": [{"id": n.pk, "need": n.need.code, "need_label": n.need.name,
                           "note": n.note} for n in shown.support_needs],
        "steps": [_step(s) for s in shown.loose_steps],
        "methods": [{"method": m.method.code, "note": m.note} for m in shown.plan_methods],
        "services": [{"id": s.pk, "item": s.item.code, "item_label": s.item.name,
                      "sector": s.sector, "provider": s.provider, "status": s.status,
                      "responsible": s.responsible.get_full_name() if s.responsible else None,
                      "starts_on": _iso(s.starts_on), "ends_on": _iso(s.ends_on)}
                     for s in shown.services],
        "participants": [{"kind": p.kind,
                          "name": p.user.get_full_name() if p.user else p.name,
                          "role": p.role_text} for p in shown.participants],
        "consents": [{"sector": c.sector, "scope": c.scope, "valid_from": _iso(c.valid_from),
                      "valid_until": _iso(c.valid_until), "withdrawn_on": _iso(c.withdrawn_on)}
                     for c in shown.consents],
        "evaluations": [{"evaluated": item.subject, "item": item.name, "rated_on": _iso(r.rated_on),
                         "occasion": r.occasion, "rated_by": r.rater, "value": r.value,
                         "direction": r.direction or None, "note": r.note}
                        for item in shown.meter for r in item.rows]
        + [{"evaluated": "goal", "item": g.goal.client_wording, "rated_on": _iso(r.rated_on),
            "occasion": r.occasion, "rated_by": r.rater, "value": r.value, "direction": None,
            "note": r.note} for g in shown.goals for r in g.client_rows],
        "versions": [{"number": v["version"].number,
                      "accepted_at": v["version"].accepted_at.isoformat(),
                      "client_took_part": v["version"].client_took_part}
                     for v in shown.versions],
    }


def _step(step: Step) -> dict:
    return {"id": step.pk, "what": step.what, "owner_kind": step.owner_kind,
            "owner": step.owner.get_full_name() if step.owner else None,
            "due_on": _iso(step.due_on), "done_on": _iso(step.done_on)}
