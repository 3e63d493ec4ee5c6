"""Reads of the client plan: visibility of sector sections, the plan page, snapshots. A plan is
fetched by id only through ``access_plan_by_id`` (by the plan's id) or ``access_client_plan_by_id``
(by its client's id, as the API addresses it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from luotsi.access.gateway import (
    RecordAccess,
    access_function,
    access_person_by_id,
    access_record_by_id,
    filter_visible,
)
from luotsi.access.models import Category, LogAction
from luotsi.plans import sectors
from luotsi.plans.models import (
    Consent,
    DisclosureBasis,
    Evaluation,
    Goal,
    GoalFactor,
    Participant,
    Plan,
    PlanMethod,
    PlanSection,
    PlanService,
    PlanSupportNeed,
    PlanVersion,
    Rating,
    Review,
    SectionDisclosure,
    Step,
)


def visible_plans(user) -> QuerySet[Plan]:
    return filter_visible(Plan.objects.all(), user, person_field="person")


@access_function
def access_plan_by_id(user, plan_id, *, action: str = LogAction.VIEW, for_write: bool = False,
                      check_only: bool = False, category: str = Category.PLAN,
                      detail: str = "") -> RecordAccess[Plan]:
    """The plan ``plan_id`` if ``user`` may see its client's plan: a read is logged with the real
    basis (``detail`` defaults to "plan <id>"); ``for_write`` only checks, for a form whose
    service logs the write; ``check_only`` only checks, for a page that logs its view when it
    renders. A missing plan and one
    not ``user``'s to see are both "not found", and the refused ``action`` is logged."""
    return access_record_by_id(user, Plan.objects.all(), plan_id, person_field="person",
                               category=category, entity="plan", action=action,
                               for_write=for_write, check_only=check_only, detail=detail)


@access_function
def access_client_plan_by_id(user, person_id, *, action: str = LogAction.VIEW,
                             category: str = Category.PLAN, detail: str = ""
                             ) -> RecordAccess[Plan]:
    """The plan of the client ``person_id`` (with its person), the access to the client checked
    and logged by the gateway (a refusal too); "not found" when the client has no plan."""
    access = access_person_by_id(user, person_id, category=category, action=action,
                                 detail=detail)
    plan = Plan.objects.select_related("person").filter(person_id=access.person.pk).first()
    if plan is None:
        raise Http404
    return RecordAccess(plan, access)


def my_plans(user) -> QuerySet[Plan]:
    """The plans ``user`` coordinates, is the named worker of, or is responsible for a sector
    section of, the nearest
    review first (the plan list). A plan with several of the user's sections is listed once:
    the sections are a subquery, not a join, so no DISTINCT is needed."""
    own_sections = PlanSection.objects.filter(responsible=user).values("plan_id")
    return (visible_plans(user).filter(Q(coordinator=user) | Q(named_worker=user)
                                       | Q(pk__in=own_sections))
            .order_by("review_on", "pk"))


def plan_rows(plan_ids: list[int]) -> list[Plan]:
    """The plans of one page of the plan list, with their clients, in the order given.

    A page is chosen by its ids first (``my_plans(...).values_list("pk")``) and read here: the
    sort then runs over narrow rows, not over every plan joined to its client."""
    found = Plan.objects.select_related("person").in_bulk(plan_ids)
    return [found[pk] for pk in plan_ids if pk in found]


def my_plans_count(user, *, limit: int, review_due: bool = False) -> tuple[int, bool]:
    """How many plans ``my_plans(user)`` (or ``reviews_due(user)``) lists, counted at most to
    ``limit`` + 1 rows: ``(count, capped)``, where ``capped`` says there are more than
    ``limit``."""
    plans = reviews_due(user) if review_due else my_plans(user)
    count = plans.order_by().values("pk")[:limit + 1].count()
    return count, count > limit


def sectors_of(user) -> set[str]:
    """The plan sectors a professional works in, from their teams' service tasks."""
    cached = getattr(user, "_plan_sectors", None)
    if cached is None:
        tasks = user.teams.values_list("service_task", flat=True)
        cached = set().union(*(sectors.sectors_of_service_task(t) for t in tasks))
        user._plan_sectors = cached
    return cached


def consented_sectors(plan: Plan, consents=None) -> set[str]:
    today = timezone.localdate()
    rows = consents if consents is not None else plan.consents.all()
    return {c.sector for c in rows if c.in_force_on(today)}


def visible_sectors(user, plan: Plan, consents=None) -> set[str] | None:
    """The sectors whose sections ``user`` may see; ``None`` means all.

    The coordinator, the named worker (omatyöntekijä, SHL 42 §) and the author of a section see
    everything they coordinate, hold or wrote; another professional sees their own sector's sections and those of
    sectors the client has consented to share with them (SHL 41 §) — a sector's section is
    shared with a professional of another sector only when the client consented to sharing with
    *that* professional's sector.
    """
    if user.pk in (plan.coordinator_id, plan.named_worker_id):
        return None
    own = sectors_of(user)
    if own & consented_sectors(plan, consents):
        return None
    return own | disclosed_sectors(user, plan)


def disclosed_sectors(user, plan: Plan) -> set[str]:
    """The sectors whose active sections were shown to ``user`` on a basis
    (``services.section_disclose``) and still are: until the disclosure's last day and, on a
    basis that requires consent, while the consent relied on is in force. One query."""
    today = timezone.localdate()
    consent_in_force = Q(consent__isnull=True) | Q(
        consent__status=Consent.Status.GIVEN, consent__withdrawn_on__isnull=True,
        consent__valid_from__lte=today) & (
        Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gte=today))
    return set(SectionDisclosure.objects.filter(
        consent_in_force, plan=plan, recipient_id=user.pk, valid_until__gte=today,
        section__status=PlanSection.Status.ACTIVE).values_list("section__sector", flat=True))


def disclosure_bases() -> QuerySet[DisclosureBasis]:
    """The bases for showing another sector's section, in their order."""
    return DisclosureBasis.objects.order_by("order", "code")


def section_visible(section_sector: str, allowed: set[str] | None) -> bool:
    return allowed is None or section_sector in allowed


# The plan's support needs with their codes and who recorded them (one query).
SUPPORT_NEEDS = PlanSupportNeed.objects.select_related("need__version", "recorded_by")


def plan_for_page(plan_id: int) -> Plan:
    """The plan with everything the page shows, in a fixed number of queries."""
    return (
        Plan.objects.select_related("person", "coordinator", "named_worker",
                                    "person__municipality")
        .prefetch_related(
            Prefetch("sections", queryset=PlanSection.objects.select_related("responsible")),
            Prefetch("goals", queryset=Goal.objects.select_related("goal_area__version", "section")
                     .prefetch_related(
                         Prefetch("factors", queryset=GoalFactor.objects.select_related("factor__version")),
                         Prefetch("ratings", queryset=Rating.objects.order_by("rated_on", "pk")),
                         Prefetch("methods", queryset=PlanMethod.objects.select_related("method__version")),
                     )),
            Prefetch("methods", queryset=PlanMethod.objects.select_related("method__version")),
            Prefetch("services", queryset=PlanService.objects.select_related(
                "item__version", "responsible", "section")),
            Prefetch("steps", queryset=Step.objects.select_related("owner", "goal")),
            Prefetch("support_needs", queryset=SUPPORT_NEEDS),
            Prefetch("participants", queryset=Participant.objects.select_related("user")),
            Prefetch("consents", queryset=Consent.objects.all()),
            Prefetch("reviews", queryset=Review.objects.all()),
            Prefetch("versions", queryset=PlanVersion.objects.select_related("accepted_by")
                     .defer("snapshot").order_by("-number")),
            Prefetch("evaluations", queryset=Evaluation.objects.order_by("rated_on", "pk")),
        )
        .get(pk=plan_id)
    )


def plan_snapshot(plan: Plan) -> dict:
    """The whole plan as plain data: stored in versions, compared between them."""
    plan = plan_for_page(plan.pk)

    def label(value) -> str:
        return str(value) if value is not None else ""

    def iso(value) -> str | None:
        return value.isoformat() if value else None

    goals = list(plan.goals.all())
    return {
        "client_situation": plan.client_situation,
        "client_view": plan.client_view,
        "disagreement": plan.disagreement,
        "review_on": plan.review_on.isoformat(),
        "language": plan.language,
        "coordinator": plan.coordinator.get_full_name() if plan.coordinator else "",
        "named_worker": plan.named_worker.get_full_name() if plan.named_worker else "",
        "needs_special_support": plan.needs_special_support,
        "sections": [{"id": s.pk, "sector": s.sector, "status": s.status,
                      "responsible": label(s.responsible), "summary": s.summary,
                      "label": s.get_sector_display()} for s in plan.sections.all()],
        "goals": [{"id": g.pk, "goal_area": g.goal_area.code, "client_wording": g.client_wording,
                   "target_date": g.target_date.isoformat() if g.target_date else None,
                   "priority": g.priority, "section": g.section.sector if g.section else None,
                   "achieved_on": iso(g.achieved_on), "label": g.client_wording[:80]}
                  for g in goals],
        # Situation factors and AVAIN ratings are rows of their own, so that adding one is a
        # change of its own in the version history (not only "goal changed").
        "factors": [{"id": f.pk, "goal": g.pk, "factor": f.factor.code, "effect": f.effect,
                     "note": f.note, "label": f"{f.factor.name_fi}: {g.client_wording[:60]}"}
                    for g in goals for f in g.factors.all()],
        "ratings": [{"id": r.pk, "goal": g.pk, "value": r.value, "occasion": r.occasion,
                     "rated_on": r.rated_on.isoformat(), "rated_by_kind": r.rated_by_kind,
                     "client_took_part": r.client_took_part,
                     "label": f"{g.client_wording[:60]}: {r.value}"}
                    for g in goals for r in g.ratings.all()],
        # The rest of the meter: services, methods and factors evaluated, the client's own
        # ratings. The label names no item, so it may be shown to any reader of the history.
        "evaluations": [{"id": e.pk, "subject": e.subject,
                         "item": getattr(e, f"{e.subject}_id"), "value": e.value,
                         "direction": e.direction, "rater": e.rater, "note": e.note,
                         "occasion": e.occasion, "rated_on": e.rated_on.isoformat(),
                         "label": f"{e.subject}: {e.direction or e.value} ({e.rater})"}
                        for e in plan.evaluations.all()],
        "reviews": [{"id": r.pk, "scheduled_on": r.scheduled_on.isoformat(),
                     "held_on": iso(r.held_on), "notes": r.notes,
                     "label": iso(r.held_on) or r.scheduled_on.isoformat()}
                    for r in plan.reviews.all()],
        "services": [{"id": s.pk, "item": s.item.code, "sector": s.sector,
                      "provider": s.provider, "status": s.status,
                      "responsible": label(s.responsible),
                      "starts_on": s.starts_on.isoformat() if s.starts_on else None,
                      "ends_on": s.ends_on.isoformat() if s.ends_on else None,
                      "label": s.item.name_fi} for s in plan.services.all()],
        "methods": [{"id": m.pk, "method": m.method.code, "goal": m.goal_id, "note": m.note,
                     "label": m.method.name_fi}
                    for m in plan.methods.all()],
        # The client's support needs (SHL 11 §): the whole plan's, bound to no sector.
        "support_needs": [{"id": n.pk, "need": n.need.code, "note": n.note,
                           "label": n.need.name_fi} for n in plan.support_needs.all()],
        "steps": [{"id": s.pk, "what": s.what, "owner_kind": s.owner_kind,
                   "owner": label(s.owner), "due_on": s.due_on.isoformat(),
                   "done_on": s.done_on.isoformat() if s.done_on else None, "goal": s.goal_id,
                   # the ground on which the step is not shown to the client, if it is not
                   "withheld": s.withheld_ground_id, "label": s.what[:80]}
                  for s in plan.steps.all()],
        "consents": [{"id": c.pk, "sector": c.sector, "scope": c.scope, "status": c.status,
                      "valid_from": c.valid_from.isoformat(),
                      "valid_until": c.valid_until.isoformat() if c.valid_until else None,
                      "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
                      "label": c.scope[:80]} for c in plan.consents.all()],
        "participants": [{"id": p.pk, "kind": p.kind,
                          "name": label(p.user) if p.user else p.name, "role": p.role_text,
                          "label": (label(p.user) if p.user else p.name)
                          + (f" ({p.role_text})" if p.role_text else "")}
                         for p in plan.participants.all()],
    }


REVIEW_DUE_DAYS = 14


def reviews_due(user, *, within_days: int = REVIEW_DUE_DAYS) -> QuerySet[Plan]:
    """The plans of ``my_plans(user)`` (coordinated, or with a section of the user's) whose
    review is due within ``within_days`` or overdue: the plan list filtered to ``?review=due``,
    which the home page counts."""
    limit = timezone.localdate() + timedelta(days=within_days)
    return my_plans(user).filter(review_on__lte=limit)


@dataclass
class VisibleParts:
    """The parts of a plan one professional may see (hidden sectors' parts left out)."""

    allowed: set[str] | None
    sections: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    services: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    consents: list = field(default_factory=list)

    @property
    def goal_ids(self) -> set[int]:
        return {g.pk for g in self.goals}

    @property
    def section_ids(self) -> set[int]:
        return {s.pk for s in self.sections}


def visible_parts(user, plan: Plan) -> VisibleParts:
    """Filter a plan loaded with its parts prefetched (``plan_for_page``/``plan_for_export``).

    A goal belongs to its section's sector; a goal without a section is the whole plan's. A
    service belongs to its own sector; a step to its goal.
    """
    consents = list(plan.consents.all())
    allowed = visible_sectors(user, plan, consents)
    all_sections = list(plan.sections.all())
    hidden_sections = {s.pk for s in all_sections
                       if not section_visible(s.sector, allowed)}
    goals = [g for g in plan.goals.all() if g.section_id not in hidden_sections]
    goal_ids = {g.pk for g in goals}
    return VisibleParts(
        allowed=allowed,
        sections=[s for s in all_sections if s.pk not in hidden_sections],
        goals=goals,
        services=[s for s in plan.services.all()
                  if section_visible(s.sector, allowed)],
        steps=[s for s in plan.steps.all() if s.goal_id is None or s.goal_id in goal_ids],
        consents=consents,
    )


def plan_for_export(plan_id: int) -> Plan:
    """The plan with everything the Bundle needs, in a fixed number of queries."""
    return (
        Plan.objects.select_related("person", "coordinator", "named_worker", "created_by")
        .prefetch_related(
            Prefetch("sections", queryset=PlanSection.objects.select_related("responsible")),
            Prefetch("goals", queryset=Goal.objects.select_related("goal_area__version", "section")
                     .prefetch_related(
                         Prefetch("factors", queryset=GoalFactor.objects.select_related("factor__version")),
                         Prefetch("ratings", queryset=Rating.objects.select_related(
                             "scale", "recorded_by").order_by("rated_on", "pk")))),
            Prefetch("services", queryset=PlanService.objects.select_related(
                "item__version", "responsible")),
            Prefetch("steps", queryset=Step.objects.select_related("owner")),
            Prefetch("support_needs", queryset=SUPPORT_NEEDS),
            Prefetch("participants", queryset=Participant.objects.select_related("user")),
            Prefetch("consents", queryset=Consent.objects.all()),
            Prefetch("evaluations", queryset=Evaluation.objects.select_related(
                "scale", "recorded_by", "service__item", "method__method", "factor__factor",
                "factor__goal").order_by("rated_on", "pk")),
        )
        .get(pk=plan_id)
    )
