"""Reads for intake pages, the API and reports. Visibility always comes from the gateway: a
contact or an assessment is fetched by id only through ``access_contact_by_id`` /
``access_assessment_by_id``, lists through ``visible_contacts``/``visible_assessments``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from luotsi.access import log
from luotsi.access.gateway import (
    PersonNotFound,
    RecordAccess,
    access_function,
    access_record_by_id,
    filter_visible,
    visibility,
)
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.common.validation import shifted
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake.models import (
    AdviceRecord,
    Assessment,
    AssessmentReferral,
    AssessmentSupport,
    ClockChange,
    Contact,
    ContactPerson,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    Urgency,
)
from luotsi.organisation.models import (
    Municipality,
    Qualification,
    ServiceTask,
    Team,
    TeamKind,
    User,
)

_OPEN = ~Q(status=ContactStatus.CLOSED)


def visible_contacts(user) -> QuerySet[Contact]:
    """Contacts whose child ``user`` may see (the gateway's rule, one EXISTS)."""
    return filter_visible(Contact.objects.all(), user, person_field="child")


def visible_assessments(user) -> QuerySet[Assessment]:
    return filter_visible(Assessment.objects.all(), user, person_field="child")


@access_function
def access_contact_by_id(user, contact_id, *, for_write: bool = False,
                         action: str | None = None, category: str = Category.INTAKE,
                         detail: str = "") -> RecordAccess[Contact]:
    """The contact ``contact_id`` if ``user`` may see its child: a read is logged with the real
    basis (``detail`` defaults to "contact <id>"); ``for_write`` only checks (the service logs
    the write). A missing contact and one not ``user``'s to see are both "not found", and the
    refused attempt is logged (``action``: view for a read, update before a write)."""
    return access_record_by_id(
        user, Contact.objects.all(), contact_id, person_field="child", category=category,
        entity="contact", for_write=for_write, detail=detail,
        action=action or (LogAction.UPDATE if for_write else LogAction.VIEW))


@access_function
def access_advice_by_id(user, advice_id, *, for_write: bool = False,
                        detail: str = "") -> RecordAccess[AdviceRecord]:
    """The advice or consultation record ``advice_id`` if ``user`` is a member of its team. It
    holds no person data, so its team may see it; the read is still logged as an intake record
    (on no person), and a missing record or one of another team is "not found", the refusal
    logged. ``for_write`` only checks (the service logs the write)."""
    action = LogAction.UPDATE if for_write else LogAction.VIEW
    detail = detail or f"advice {advice_id}"
    try:
        pk = int(advice_id)
    except (TypeError, ValueError):
        pk = None
    record = (AdviceRecord.objects.select_related("team", "recorded_by")
              .filter(pk=pk, team__in=user.team_ids()).first() if pk is not None else None)
    if record is None:
        log.record(user, person_id=None, category=Category.INTAKE, action=action,
                   basis=Basis.NONE, outcome=Outcome.REFUSED, detail=detail)
        raise PersonNotFound()
    if not for_write:
        log.record(user, person_id=None, category=Category.INTAKE, action=action,
                   basis=Basis.INTAKE, outcome=Outcome.ALLOWED, detail=detail,
                   team_code=record.team.code)
    return RecordAccess(record, None)


@dataclass(frozen=True)
class AdviceFilters:
    """The advice list's filters: each empty value leaves its filter out; the dates are the
    received day in Helsinki, both ends included."""

    kind: str = ""
    topic: str = ""
    outcome: str = ""
    received_from: date | None = None
    received_to: date | None = None


def _helsinki_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=HELSINKI)


def advice_list(user, filters: AdviceFilters) -> QuerySet[AdviceRecord]:
    """The advice and consultation records of ``user``'s teams (they name no one, so their
    team sees them), newest first, with the team and the recording worker read in the same
    query. The date filters compare the received moment with Helsinki midnights, so the index
    on ``received_at`` serves them."""
    records = (AdviceRecord.objects.filter(team__in=user.team_ids())
               .select_related("team", "recorded_by").order_by("-received_at", "-pk"))
    if filters.kind:
        records = records.filter(kind=filters.kind)
    if filters.topic:
        records = records.filter(topic=filters.topic)
    if filters.outcome:
        records = records.filter(outcome=filters.outcome)
    if filters.received_from:
        records = records.filter(received_at__gte=_helsinki_midnight(filters.received_from))
    if filters.received_to:
        records = records.filter(
            received_at__lt=_helsinki_midnight(shifted(filters.received_to, timedelta(days=1))))
    return records


@access_function
def access_assessment_by_id(user, assessment_id, *, for_write: bool = False,
                            action: str | None = None, category: str = Category.INTAKE,
                            detail: str = "") -> RecordAccess[Assessment]:
    """The service-need assessment ``assessment_id`` (with its team) if ``user`` may see its
    child; as ``access_contact_by_id``."""
    return access_record_by_id(
        user, Assessment.objects.select_related("team"), assessment_id, person_field="child",
        category=category, entity="assessment", for_write=for_write, detail=detail,
        action=action or (LogAction.UPDATE if for_write else LogAction.VIEW))


@dataclass(frozen=True)
class QueueFilters:
    team_id: int | None = None
    # "My teams": any of these (``None``: no such filter; an empty tuple matches nothing).
    team_ids: tuple[int, ...] | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    municipality_code: str = ""
    kind: str = ""
    status: str = ""  # deadline status: overdue / due_soon / on_time
    urgency: str = ""  # urgent / not_urgent / unassessed
    include_closed: bool = False


UNASSESSED = "unassessed"


def _filtered(queryset: QuerySet[Contact], filters: QueueFilters) -> QuerySet[Contact]:
    if not filters.include_closed:
        queryset = queryset.filter(_OPEN)
    if filters.team_id:
        queryset = queryset.filter(team_id=filters.team_id)
    if filters.team_ids is not None:
        queryset = queryset.filter(team_id__in=filters.team_ids)
    if filters.assignee_id:
        queryset = queryset.filter(Q(assignee_id=filters.assignee_id)
                                   | Q(pair_worker_id=filters.assignee_id))
    if filters.unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    if filters.municipality_code:
        queryset = queryset.filter(municipality__code=filters.municipality_code)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.urgency == UNASSESSED:
        queryset = queryset.filter(urgency="")
    elif filters.urgency in Urgency.values:
        queryset = queryset.filter(urgency=filters.urgency)
    if filters.status in (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON):
        queryset = queryset.filter(deadline_status=filters.status)
    elif filters.status == DeadlineStatus.ON_TIME:
        queryset = queryset.filter(deadline_status__in=[DeadlineStatus.ON_TIME,
                                                        DeadlineStatus.MET])
    return queryset


def queue_count(user, filters: QueueFilters, *, limit: int) -> tuple[int, bool]:
    """How many contacts ``queue(user, filters)`` holds, counted at most to ``limit`` + 1
    rows: ``(count, capped)``. The visibility check runs on those rows only, in the same statement (a nested loop of
    index look-ups, whatever the number of past contacts and ended relationships); ``capped``
    says the filters match more than ``limit`` contacts."""
    candidates = (_filtered(Contact.objects.all(), filters).order_by()
                  .values("pk", "child_id")[:limit + 1])
    try:
        candidates_sql, candidates_params = candidates.query.sql_with_params()
    except EmptyResultSet:  # filters that can match nothing, e.g. the teams of a newcomer in none
        return 0, False
    # The visibility check is applied outside the limited row set, so the database probes the
    # relationships of those rows by index rather than reading every relationship of the user's
    # teams; the row set keeps the table's name for the check's reference to the child.
    query = Contact.objects.all().query
    seen = visibility(user, "child").resolve_expression(query)
    try:
        seen_sql, seen_params = query.get_compiler(connection=connection).compile(seen)
    except EmptyResultSet:  # a professional who may see no child at all
        return 0, candidates.count() > limit
    table = connection.ops.quote_name(Contact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE {seen_sql}) "  # noqa: S608
                       f"FROM ({candidates_sql}) {table}",
                       (*seen_params, *candidates_params))
        rows, visible = cursor.fetchone()
    return visible, rows > limit


def queue(user, filters: QueueFilters) -> QuerySet[Contact]:
    """Open contacts ordered as the work should be done: urgent ones first until handled, then
    those whose urgency is not yet assessed, then by the nearest open deadline.

    The order and the deadline status are stored on the contact (``luotsi.intake.queue_keys``),
    so a page is the first rows of one index range (``contact_queue_team``/``contact_queue_all``)
    and slicing it reads only that page; each row carries ``next_due`` and ``worst_status``."""
    queryset = _filtered(visible_contacts(user), filters)
    return (
        queryset.annotate(next_due=F("next_due_on"), worst_status=F("deadline_status"))
        .select_related("child", "municipality", "team", "assignee", "pair_worker")
        .order_by("queue_rank", "next_due_on", "received_at", "pk")
    )


def row_status(contact: Contact) -> DeadlineStatus:
    """The stored most pressing deadline status of a contact (the queue's text and colour)."""
    stored = contact.deadline_status
    return DeadlineStatus(stored) if stored in DeadlineStatus.values else DeadlineStatus.MET


def worst_status(deadlines) -> str:
    """The most pressing status among a contact's open deadlines (for the queue's text and colour)."""
    order = [DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON, DeadlineStatus.ON_TIME]
    statuses = {d.status for d in deadlines if d.met_on is None}
    for status in order:
        if status in statuses:
            return status
    return DeadlineStatus.MET


QUEUE_ORDER = ("queue_rank", "next_due_on", "received_at", "pk")


def late_met(rows: list[dict]) -> dict[int, int]:
    """For the list rows (``{"contact", "status"}``) whose deadlines are all met, the most
    working days any of them was met late (contacts met in time are left out). One query, and
    only when such a row is listed."""
    from luotsi.deadlines.rules import working_days_late

    ids = [row["contact"].pk for row in rows if row["status"] == DeadlineStatus.MET]
    if not ids:
        return {}
    late: dict[int, int] = {}
    for contact_id, due_on, met_on in (Deadline.objects.filter(
            contact_id__in=ids, met_on__gt=F("due_on"))
            .values_list("contact_id", "due_on", "met_on")):
        late[contact_id] = max(late.get(contact_id, 0), working_days_late(due_on, met_on))
    return late


def _my_open_ids(user, order: tuple[str, ...], limit: int) -> list[int]:
    """The first ``limit`` open contacts (by ``order``) where ``user`` is the worker, and those
    where they are the pair worker: two short index range scans, whatever the caseload."""
    mine = Contact.objects.filter(_OPEN, assignee=user).order_by(*order).values_list(
        "pk", flat=True)[:limit]
    paired = Contact.objects.filter(_OPEN, pair_worker=user).order_by(*order).values_list(
        "pk", flat=True)[:limit]
    return list(mine) + list(paired)  # SQLite cannot order the parts of a UNION


def my_contacts(user, *, limit: int = 100) -> QuerySet[Contact]:
    """My open contacts (as worker or pair worker) in queue order, the first ``limit``."""
    ids = _my_open_ids(user, QUEUE_ORDER, limit)
    return (visible_contacts(user).filter(pk__in=ids)
            .annotate(next_due=F("next_due_on"), worst_status=F("deadline_status"))
            .select_related("child", "municipality", "team", "assignee", "pair_worker")
            .order_by(*QUEUE_ORDER)[:limit])


def my_deadlines(user, *, status: str = "", limit: int | None = 100) -> QuerySet[Deadline]:
    """Open deadlines of contacts assigned to ``user`` (or as pair worker), nearest first; with
    ``status`` (overdue / due soon) only those, all of them (``limit=None``: the home page counts
    this same list).

    Unfiltered, the nearest ``limit`` deadlines belong to the ``limit`` contacts with the nearest
    stored ``next_due_on``, so only those contacts are read."""
    if status:
        contacts = visible_contacts(user).filter(_OPEN).filter(
            Q(assignee=user) | Q(pair_worker=user))
        deadlines = Deadline.objects.filter(contact__in=contacts, met_on__isnull=True,
                                            status=status)
    else:
        ids = _my_open_ids(user, ("next_due_on", "pk"), limit or 100)
        contacts = visible_contacts(user).filter(pk__in=ids)
        deadlines = Deadline.objects.filter(contact__in=contacts, met_on__isnull=True)
    deadlines = deadlines.select_related("contact", "contact__child").order_by("due_on", "pk")
    return deadlines if limit is None else deadlines[:limit]


MY_DEADLINE_FILTERS = (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON)


def contact_detail(contact: Contact) -> Contact:
    return (Contact.objects.select_related(
        "child", "municipality", "team", "assignee", "pair_worker", "registered_by",
        "urgency_by", "assessment", "initial_assessment", "initial_assessment__referral")
        .prefetch_related(
            Prefetch("persons", queryset=ContactPerson.objects.select_related("person")
                     .order_by("pk")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk")),
            Prefetch("clock_changes", queryset=ClockChange.objects.select_related("changed_by")
                     .order_by("changed_at", "pk")))
        .get(pk=contact.pk))


def probable_duplicates(contact: Contact, *, window_days: int = 3) -> QuerySet[Contact]:
    """Other contacts about the same child from the same reporter close in time: shown to the
    worker, never merged silently."""
    from datetime import timedelta

    window = timedelta(days=window_days)
    # ``shifted`` holds at the ends of the calendar: a time stored before the range check
    # (year 1, year 9999) still opens its page.
    return (Contact.objects.filter(
        child_id=contact.child_id, reporter_kind=contact.reporter_kind,
        reporter_name__iexact=contact.reporter_name,
        received_at__gte=shifted(contact.received_at, -window),
        received_at__lte=shifted(contact.received_at, window),
    ).exclude(pk=contact.pk).order_by("received_at"))


def open_counts_by_worker(team_ids: list[int]) -> list[dict]:
    """Open contacts per worker in the given teams (team lead's view)."""
    return list(
        Contact.objects.filter(_OPEN, team_id__in=team_ids)
        .values("assignee_id", "assignee__first_name", "assignee__last_name",
                "assignee__username")
        .annotate(open_count=Count("pk"),
                  # The nearest unmet deadline is stored on the contact: no join.
                  overdue=Count("pk", filter=Q(next_due_on__lt=today())))
        .order_by("-open_count")
    )


def today() -> date:
    return timezone.localdate()


# --- pages (added for the intake views) ------------------------------------------------------

def assessment_detail(assessment: Assessment) -> Assessment:
    """An assessment with everything its page shows, in a fixed number of queries."""
    from luotsi.intake.models import Consultation, Meeting

    return (Assessment.objects.select_related(
        "child", "team", "worker", "pair_worker", "responsible_worker")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("received_at", "pk")
                     .prefetch_related(Prefetch("deadlines",
                                                queryset=Deadline.objects.order_by("due_on", "pk")))),
            Prefetch("meetings", queryset=Meeting.objects.select_related("recorded_by")),
            Prefetch("consultations", queryset=Consultation.objects.select_related("asked_by")),
            Prefetch("support_measures", queryset=AssessmentSupport.objects.order_by(
                "started_on", "pk")),
            Prefetch("referrals", queryset=AssessmentReferral.objects.select_related("service")
                     .order_by("referred_on", "pk")))
        .get(pk=assessment.pk))


def assessment_result(assessment: Assessment) -> Assessment:
    """An assessment with what its result document shows (the person, the workers, the support
    started and the referrals), in a fixed number of queries."""
    return (Assessment.objects.select_related(
        "child", "team", "worker", "pair_worker", "responsible_worker")
        .prefetch_related(
            Prefetch("support_measures", queryset=AssessmentSupport.objects.order_by(
                "started_on", "pk")),
            Prefetch("referrals", queryset=AssessmentReferral.objects.select_related("service")
                     .order_by("referred_on", "pk")))
        .get(pk=assessment.pk))


def my_assessments(user, *, limit: int = 100) -> QuerySet[Assessment]:
    """Open service-need assessments where ``user`` is the worker or the pair worker."""
    return (visible_assessments(user)
            .filter(Q(worker=user) | Q(pair_worker=user), completed_on__isnull=True)
            .select_related("child", "team").order_by("opened_on", "pk")[:limit])


def unread_notifications(user):
    """The user's unread notices, newest first (my work lists the first ones; the home page
    counts them all)."""
    from luotsi.intake.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).order_by(
        "-created_at", "-pk")


# The home page's queue lines and the queue filters their links carry: the line counts the
# rows of ``queue()`` under the same filters (``queue_count``), so the two always agree.
MY_TEAMS = "mine"
HOME_QUEUE_LINES = {
    "urgent_waiting": {"team": MY_TEAMS, "urgency": Urgency.URGENT},
    "urgency_unassessed": {"team": MY_TEAMS, "urgency": UNASSESSED},
}


def home_queue_filters(user, query: dict) -> QueueFilters:
    """The filters of a home-page queue link, as the queue page reads them."""
    return QueueFilters(team_ids=tuple(user.team_ids()) if query.get("team") == MY_TEAMS
                        else None, urgency=query.get("urgency", ""))


def home_summary(user, *, limit: int) -> dict:
    """The intake lines of the home page's "what needs doing", each counted by the selector of
    the list it links to, under the filters of that link: my deadlines overdue and due soon
    (``my_deadlines``), urgent and not yet assessed contacts in my teams (``queue_count``),
    my unread notifications (``unread_notifications``). Each value is ``{"count", "query"}``,
    ``query`` being the linked list's filters."""
    summary = {}
    for status in MY_DEADLINE_FILTERS:
        summary[f"deadlines_{status}"] = {
            "count": my_deadlines(user, status=status, limit=None).count(),
            "query": {"deadlines": status}}
    for key, query in HOME_QUEUE_LINES.items():
        count, capped = queue_count(user, home_queue_filters(user, query), limit=limit)
        summary[key] = {"count": limit if capped else count, "capped": capped, "query": query}
    summary["unread_notifications"] = {"count": unread_notifications(user).count(),
                                       "query": {}}
    return summary


@dataclass
class CaseloadPreview:
    """What moving ``from_user``'s open caseload would move, read for the team lead's preview:
    the open contacts (``ids``; those the lead may see listed in ``shown``, the first
    ``limit``), their count per team with whether the new worker is a member of it, the open
    service-need assessments and the contacts where the leaving worker is the pair worker."""

    ids: set[int]
    shown: list[Contact]
    by_team: list[dict]
    assessments: int
    paired: int
    clients: int = 0


def caseload_preview(user, from_user, to_user, *, limit: int = 200) -> CaseloadPreview:
    from luotsi.organisation.models import Team

    open_contacts = Contact.objects.filter(_OPEN, assignee=from_user)
    ids = set(open_contacts.values_list("pk", flat=True))
    shown = list(visible_contacts(user).filter(_OPEN, assignee=from_user)
                 .select_related("child", "team")
                 .order_by(*QUEUE_ORDER)[:limit])
    counts = dict(open_contacts.order_by().values_list("team_id").annotate(n=Count("pk")))
    member_of = set(to_user.team_ids())
    by_team = [{"team": team, "count": counts[team.pk], "member": team.pk in member_of}
               for team in Team.objects.filter(pk__in=counts).order_by("pk")]
    return CaseloadPreview(
        ids=ids, shown=shown, by_team=by_team,
        assessments=Assessment.objects.filter(worker=from_user,
                                              completed_on__isnull=True).count(),
        paired=Contact.objects.filter(_OPEN, pair_worker=from_user).count(),
        clients=current_clienthoods().filter(responsible_worker=from_user).count())


def intake_team_for(actor) -> Team | None:
    """The central family intake team: the actor's own if they are in one, else the county's."""
    teams = Team.objects.filter(kind=TeamKind.INTAKE, service_task=ServiceTask.FAMILY_SERVICES)
    return teams.filter(members=actor).order_by("pk").first() or teams.order_by("pk").first()


def assessment_team_for(municipality: Municipality) -> Team | None:
    """The regional service-need-assessment team of the family's municipality (routing table)."""
    if municipality.region_id is None:
        return None
    return (Team.objects.filter(kind=TeamKind.ASSESSMENT, region_id=municipality.region_id,
                                service_task=ServiceTask.FAMILY_SERVICES)
            .order_by("pk").first())


# --- client relationships and the responsible social workers' caseloads (LSL 13 b §) ----------

CLIENT_OUTCOMES = (Assessment.Outcome.CHILD_WELFARE_CLIENT,
                   Assessment.Outcome.FAMILY_SOCIAL_SERVICES)


def current_clienthoods(outcomes=CLIENT_OUTCOMES) -> QuerySet[Assessment]:
    """The completed assessments that are their child's current client relationship: the
    child's latest completed assessment, when it opened a client relationship of ``outcomes``
    and named its responsible worker. A later completed assessment (e.g. closed, no need for
    services) ends it; an open one does not."""
    later = Assessment.objects.filter(
        child_id=OuterRef("child_id"), completed_on__isnull=False).filter(
        Q(completed_on__gt=OuterRef("completed_on"))
        | Q(completed_on=OuterRef("completed_on"), pk__gt=OuterRef("pk")))
    return (Assessment.objects.filter(outcome__in=outcomes, completed_on__isnull=False,
                                      responsible_worker__isnull=False)
            .exclude(Exists(later)))


def current_clienthood_of(child_id: int) -> Assessment | None:
    """The child's current client relationship (child-welfare or family services) with its
    responsible worker and team, or None."""
    return (current_clienthoods().filter(child_id=child_id)
            .select_related("team", "responsible_worker").order_by("-completed_on", "-pk")
            .first())


def children_per_social_worker(worker_ids) -> dict[int, int]:
    """How many children each of ``worker_ids`` has as child-welfare clients (LSL 13 b §), as
    the responsible social worker of their current client relationship. One query."""
    rows = (current_clienthoods((Assessment.Outcome.CHILD_WELFARE_CLIENT,))
            .filter(responsible_worker_id__in=list(worker_ids)).order_by()
            .values("responsible_worker_id")
            .annotate(children=Count("child_id", distinct=True)))
    return {row["responsible_worker_id"]: row["children"] for row in rows}


def children_cap() -> int:
    """The LSL 13 b § cap of children per responsible social worker (setting
    ``LUOTSI_CHILDREN_PER_SOCIAL_WORKER``)."""
    return settings.CHILDREN_PER_SOCIAL_WORKER


@dataclass(frozen=True)
class SocialWorkerCaseload:
    """One responsible social worker's children as child-welfare clients against the cap."""

    worker: User
    children: int
    cap: int

    @property
    def over(self) -> int:
        return max(0, self.children - self.cap)

    @property
    def free(self) -> int:
        return max(0, self.cap - self.children)

    @property
    def qualified(self) -> bool:
        return self.worker.may_be_responsible_social_worker


def with_children(users: QuerySet[User]) -> QuerySet[User]:
    """``users``, each annotated with ``children``: how many children they have as
    child-welfare clients as the responsible social worker (a subquery, no query of its own)."""
    counts = (current_clienthoods((Assessment.Outcome.CHILD_WELFARE_CLIENT,))
              .filter(responsible_worker_id=OuterRef("pk")).order_by()
              .values("responsible_worker_id")
              .annotate(children=Count("child_id", distinct=True)).values("children"))
    return users.annotate(children=Coalesce(Subquery(counts, output_field=IntegerField()),
                                            Value(0)))


def social_worker_caseloads(team_ids) -> list[SocialWorkerCaseload]:
    """The team lead's view: each licensed social worker of the teams ``team_ids`` (and any
    other member who is the responsible worker of a child-welfare client) with the children
    they have as child-welfare clients, against the cap. One query, whatever the number of
    workers or clients."""
    members = User.objects.filter(
        pk__in=User.objects.filter(teams__in=list(team_ids), is_active=True).values("pk"))
    workers = (with_children(members)
               .filter(Q(qualification=Qualification.LICENSED_SOCIAL_WORKER)
                       | Q(children__gt=0))
               .order_by("-children", "last_name", "first_name", "pk"))
    cap = children_cap()
    return [SocialWorkerCaseload(worker=worker, children=worker.children, cap=cap)
            for worker in workers]
