"""The access gateway: the one way to read a person's data.

A professional sees a person only through an active client relationship (``ClientRelationship``)
held by them or by one of their teams. Without one the answer is ``PersonNotFound`` — exactly what
a missing person gives — and the refusal is logged. Lists use the same rule
(``visible_persons``/``filter_visible``). Every allowed read is logged too.

What a relationship opens depends on its basis. A registration (``registration``) opens only the
person record — the identifying data of the person page (``PERSON_RECORD_CATEGORIES``) — never
client records (contacts, assessments, plans, shared-client records, consultations): registering
a code that is already registered must not open that client's records. Every check here takes the
data category it is for; without one it is a check for client records.

Writes have their own path here. Emergency access (break the glass) is for reading: a write whose
only basis is emergency access is refused (``EmergencyWriteRefused``), unless the county allows
emergency writes (``LUOTSI_EMERGENCY_WRITES=1``); then each such write is logged with the basis
``emergency`` and listed in the review of that access. Write services call ``check_write`` before
they change anything (the refusal is logged) and log every write through ``log_writes`` /
``record_write``, which refuses the same writes again inside the writer's transaction, so a write
service cannot log a write that emergency access alone would not allow.

Records of client data (a contact, an assessment, a plan, a meeting, a consultation) are read by
id through one public access function per entity, ``access_<entity>_by_id(user, id, ...)`` in
the capability's ``selectors.py``. Each is built on ``access_record_by_id`` here and marked with
``access_function``: fetch by id, check the record's person with the gateway, log the access with
the real basis, or answer "not found" and log the refusal, whether the record is missing or not
the caller's to see. Lists of persons are logged with ``log_listed_ids``, which looks each
person's basis up itself.

This module reads relationships only; it never imports intake, plans or shared clients. Those
capabilities write relationships through ``luotsi.access.services``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, NoReturn, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luotsi.access import log
from luotsi.access.models import Basis, Category, ClientRelationship, LogAction, Outcome
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people.models import Person

# When several relationships apply, the strongest names the basis in the log.
_BASIS_ORDER: list[str] = [Basis.CASE, Basis.CARE_TEAM, Basis.INTAKE, Basis.REGISTRATION,
                           Basis.EMERGENCY]
# Bases that carry a need to know a protected (safety-ban) address.
_ADDRESS_BASES = {Basis.CASE, Basis.CARE_TEAM}
# Bases that open only the person record, never client records.
PERSON_RECORD_BASES = frozenset({Basis.REGISTRATION})
# The person record: the identifying data of the person page. Every other category is a client
# record, which a person-record basis never opens.
PERSON_RECORD_CATEGORIES = frozenset({Category.BASIC_DATA})
# Actions that change client data or pass it on: they take the gateway's write path.
WRITE_ACTIONS = frozenset({LogAction.CREATE, LogAction.UPDATE, LogAction.DISCLOSE})


class PersonNotFound(Http404):
    """No such person, or no right to see them: the two are deliberately indistinguishable."""

    def __init__(self) -> None:
        super().__init__(_("Person not found."))


class EmergencyWriteRefused(ValidationError):
    """A write whose only basis is emergency access, where the county allows emergency access
    for reading only. A ``ValidationError`` without a field: forms show it above the form, the
    API answers 403 with the message; nothing is saved."""

    def __init__(self) -> None:
        super().__init__(
            gettext("Emergency access lets you read this client's data but not change it. Ask "
                    "the client's own worker or team to make the change."),
            code="emergency_read_only")


# Every public access function (``access_*_by_id``) by name, filled by ``access_function``, and
# the signal each sends when called (``sender``: its name): a test walks every route that takes
# an id of client data and checks that its view went through one of them.
ACCESS_FUNCTIONS: dict[str, Callable] = {}
access_checked = Signal()

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound=Model)


def access_function(func: F) -> F:
    """Register ``func`` as the access function of its entity: it fetches a record by id, checks
    it with the gateway and logs the access or the refusal. Each call is announced through
    ``access_checked`` (no receiver in production; the route test listens)."""
    name = func.__name__
    if not (name.startswith("access_") and name.endswith("_by_id")):
        raise ValueError(f"an access function is named access_<entity>_by_id, not {name}")

    @functools.wraps(func)
    def checked(user, record_id, *args, **kwargs):
        access_checked.send(sender=name, user=user, record_id=record_id)
        return func(user, record_id, *args, **kwargs)

    ACCESS_FUNCTIONS[name] = checked
    return checked  # type: ignore[return-value]


def emergency_writes_allowed() -> bool:
    """Whether the county allows writes under emergency access (``LUOTSI_EMERGENCY_WRITES``)."""
    return bool(getattr(settings, "EMERGENCY_WRITES", False))


@dataclass(frozen=True)
class Access:
    """What the gateway allowed: the person, the basis and what it covers."""

    person: Person
    relationship: ClientRelationship
    sees_protected_address: bool

    @property
    def basis(self) -> str:
        return self.relationship.basis


def _active(now=None) -> Q:
    now = now or timezone.now()
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def _holder(user) -> Q:
    return Q(user_id=user.pk) | Q(team_id__in=user.team_ids())


def _covers(category: str | None) -> Q:
    """The relationships whose basis opens data of ``category`` (``None``: client records)."""
    if category in PERSON_RECORD_CATEGORIES:
        return Q()
    return ~Q(basis__in=PERSON_RECORD_BASES)


def _related(user, category: str | None) -> QuerySet[ClientRelationship]:
    return ClientRelationship.objects.filter(_active(), _holder(user), _covers(category))


def relationships_of(user, person_id: int, category: str | None = None
                     ) -> QuerySet[ClientRelationship]:
    """Active relationships that let ``user`` process ``person_id``'s data of ``category``
    (``None``: client records, which a registration never opens)."""
    if not has_permission(user, Action.VIEW_CLIENT):
        return ClientRelationship.objects.none()
    return _related(user, category).filter(person_id=person_id)


def visible_persons(user, category: str | None = None) -> QuerySet[Person]:
    """The persons whose data of ``category`` ``user`` may see (``None``: client records; the
    person search passes ``Category.BASIC_DATA``): one EXISTS over relationships, no loop.

    Each person carries ``access_basis``, the strongest basis ``user`` has, for the log.
    """
    if not has_permission(user, Action.VIEW_CLIENT):
        return Person.objects.none()
    related = _related(user, category).filter(person=OuterRef("pk"))
    return Person.objects.filter(Exists(related)).annotate(
        access_basis=basis_of(user, "pk", category))


def basis_of(user, person_field: str = "person", category: str | None = None):
    """An expression giving, for each row, the strongest basis on which ``user`` sees the data of
    ``category`` of the row's person (``None`` when none): a list annotates it as
    ``access_basis`` and passes the values to ``log_listed_ids`` in the same read."""
    if not has_permission(user, Action.VIEW_CLIENT):
        return Value(None, output_field=CharField())
    related = _related(user, category).filter(person=OuterRef(person_field))
    rank = Case(*[When(basis=basis, then=Value(i)) for i, basis in enumerate(_BASIS_ORDER)],
                default=Value(len(_BASIS_ORDER)), output_field=IntegerField())
    return Subquery(related.annotate(rank=rank).order_by("rank").values("basis")[:1])


def access_bases(user, person_ids: Iterable[int], category: str | None = None) -> dict[int, str]:
    """The strongest basis on which ``user`` sees the data of ``category`` (``None``: client
    records) of each of ``person_ids`` (for logging a listed page); persons ``user`` may not see
    are left out. One read of the relationships by person, the strongest chosen here, as
    ``visible_persons`` ranks them."""
    if not has_permission(user, Action.VIEW_CLIENT):
        return {}
    rank: dict[str, int] = {basis: i for i, basis in enumerate(_BASIS_ORDER)}
    best: dict[int, str] = {}
    rows = _related(user, category).filter(
        person_id__in=set(person_ids)).values_list("person_id", "basis")
    for person_id, basis in rows:
        current = best.get(person_id)
        if current is None or rank.get(basis, len(rank)) < rank.get(current, len(rank)):
            best[person_id] = basis
    return best


def filter_visible(queryset: QuerySet, user, person_field: str = "person",
                   category: str | None = None) -> QuerySet:
    """Limit any queryset of person-linked rows (client records unless ``category`` says
    otherwise) to those ``user`` may see."""
    if not has_permission(user, Action.VIEW_CLIENT):
        return queryset.none()
    related = _related(user, category).filter(person=OuterRef(person_field))
    return queryset.filter(Exists(related))


def visibility(user, person_field: str = "person", category: str | None = None):
    """An expression that is true for rows whose person ``user`` may see (``filter_visible``'s
    condition as a value, e.g. to count visible rows among others in one statement)."""
    if not has_permission(user, Action.VIEW_CLIENT):
        return Value(False, output_field=BooleanField())
    return Exists(_related(user, category).filter(person=OuterRef(person_field)))


def _strongest(relationships: Iterable[ClientRelationship]) -> ClientRelationship | None:
    ordered = sorted(relationships, key=lambda rel: _BASIS_ORDER.index(rel.basis)
                     if rel.basis in _BASIS_ORDER else len(_BASIS_ORDER))
    return ordered[0] if ordered else None


def _as_pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _refused(user, person_id: int | None, *, category: str, action: str,
             detail: str) -> NoReturn:
    log.record(user, person_id=person_id, category=category, action=action, basis=Basis.NONE,
               outcome=Outcome.REFUSED, detail=detail)
    raise PersonNotFound()


@access_function
def access_person_by_id(user, person_id, *, category: str, action: str = LogAction.VIEW,
                        detail: str = "") -> Access:
    """Return the person and the basis for ``user`` to process their data, and log it.

    Raises PersonNotFound (a 404) when the person does not exist or ``user`` has no active
    relationship whose basis opens ``category`` (a registration opens only the person record);
    the refused attempt is logged as well. For a write ``action`` (create, update,
    disclose), emergency access alone gives ``EmergencyWriteRefused`` (logged) unless the county
    allows emergency writes.
    """
    pk = _as_pk(person_id)
    person = (
        Person.objects.select_related("municipality", "municipality__region").filter(pk=pk).first()
        if pk is not None
        else None
    )
    relationship = (_strongest(relationships_of(user, person.pk, category))
                    if person is not None else None)
    if person is None or relationship is None:
        _refused(user, pk, category=category, action=action, detail=detail)
    if (action in WRITE_ACTIONS and relationship.basis == Basis.EMERGENCY
            and not emergency_writes_allowed()):
        log.record(user, person_id=person.pk, category=category, action=action,
                   basis=Basis.EMERGENCY, outcome=Outcome.REFUSED,
                   detail=f"refused: emergency access is read-only; {detail}".strip("; "))
        raise EmergencyWriteRefused()
    team = relationship.team  # no query when the relationship has no team
    team_code = team.code if team is not None else None
    log.record(user, person_id=person.pk, category=category, action=action,
               basis=relationship.basis, outcome=Outcome.ALLOWED, detail=detail,
               team_code=team_code)
    sees_address = (
        not person.safety_ban
        or (relationship.basis in _ADDRESS_BASES
            and has_permission(user, Action.VIEW_PROTECTED_ADDRESS))
    )
    return Access(person=person, relationship=relationship, sees_protected_address=sees_address)


@dataclass(frozen=True)
class RecordAccess(Generic[R]):
    """What an access function allowed: the record and, for a read, the gateway's ``Access``
    (its person, basis and protected-address right). A check before a write carries no
    ``Access``: the write service logs what it changes, on the writer's own basis."""

    record: R
    access: Access | None

    def __iter__(self):
        """``record, access = access_x_by_id(...)``."""
        return iter((self.record, self.access))


def access_record_by_id(user, queryset: QuerySet[R], record_id, *, person_field: str,
                        category: str, entity: str, action: str = LogAction.VIEW,
                        for_write: bool = False, check_only: bool = False,
                        detail: str = "") -> RecordAccess[R]:
    """Fetch the record ``record_id`` of ``queryset`` whose person is ``person_field`` (a field or
    a path such as ``shared_client__person``, which ``queryset`` should select), if ``user`` may
    process that person's data of ``category``.

    A read (``for_write`` false) is checked and logged by ``access_person_by_id`` with the real
    basis (``detail`` defaults to "<entity> <id>"). A check only (``for_write``) logs nothing
    when allowed: the write service checks emergency access and logs the write itself.
    ``check_only`` is the same check for a page that reads the record later and logs its view
    itself when it renders (the plan's edit pages): nothing is written.
    Either way a missing record and a record of a person ``user`` may not see answer the same
    "not found" (``PersonNotFound``), and the refused attempt is logged on that person (on no
    one when there is no such record), with ``action``."""
    pk = _as_pk(record_id)
    detail = detail or f"{entity} {record_id}"
    if pk is None:
        _refused(user, None, category=category, action=action, detail=detail)
    if for_write or check_only:
        record = filter_visible(queryset, user, person_field, category).filter(pk=pk).first()
        if record is not None:
            return RecordAccess(record, None)
        person_id = queryset.model._default_manager.filter(pk=pk).values_list(
            f"{person_field}_id", flat=True).first()
        _refused(user, person_id, category=category, action=action, detail=detail)
    record = queryset.filter(pk=pk).first()
    if record is None:
        _refused(user, None, category=category, action=action, detail=detail)
    holder = record
    *path, last = person_field.split("__")  # e.g. a meeting's "shared_client__person"
    for name in path:
        holder = getattr(holder, name)
    access = access_person_by_id(user, getattr(holder, f"{last}_id"), category=category,
                                 action=action, detail=detail)
    return RecordAccess(record, access)


def first_records_by_registration(user, person_id) -> bool:
    """Whether ``user`` may begin the first client record about ``person_id`` (e.g. start their
    plan) on the strength of having registered them: ``user`` holds an active registration
    relationship, and no one has ever held a relationship to the person on a basis that opens
    client records, so there are none to open. The capability that begins the record opens the
    worker's own relationship for it (a plan's care team)."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        return False
    if not relationships_of(user, pk, Category.BASIC_DATA).filter(
            basis__in=PERSON_RECORD_BASES).exists():
        return False
    return not ClientRelationship.objects.filter(person_id=pk).exclude(
        basis__in=PERSON_RECORD_BASES).exists()


def log_listed(user, persons: Iterable[Person], *, category: str, detail: str = "") -> None:
    """Log that ``persons`` were shown to ``user`` in a list (search results, queues), each with
    the basis it carries (``access_basis``, as ``visible_persons`` gives it). A list of other
    rows logs their persons with ``log_listed_ids``."""
    events = [
        log.Event(p.pk, category, LogAction.LIST, getattr(p, "access_basis", None) or Basis.NONE,
                  Outcome.ALLOWED, detail)
        for p in persons
    ]
    log.append(log.Actor.of(user), events)


def listed_events(user, person_ids: Iterable[int | None], *, category: str, detail: str = "",
                  visible_only: bool = False, bases: Mapping[int, str | None] | None = None
                  ) -> tuple[dict[int, str], list[log.Event]]:
    """The bases on which ``user`` sees the data of ``category`` of ``person_ids`` and the log
    events of listing them (``log_listed_ids``), for a page that appends them with its other
    records in one write. ``bases``: the bases already read with the list (``basis_of``)."""
    ids = list(dict.fromkeys(pid for pid in person_ids if pid is not None))
    if not ids:
        return {}, []
    if bases is None:
        bases = access_bases(user, ids, category)
    known = {pid: basis for pid, basis in bases.items() if basis}
    return known, [log.Event(pid, category, LogAction.LIST, known.get(pid, Basis.NONE),
                             Outcome.ALLOWED, detail)
                   for pid in ids if pid in known or not visible_only]


def log_listed_ids(user, person_ids: Iterable[int | None], *, category: str, detail: str = "",
                   visible_only: bool = False, bases: Mapping[int, str | None] | None = None
                   ) -> dict[int, str]:
    """Log that the persons ``person_ids`` were shown to ``user`` in a list, once each (in the
    order first given), each with the strongest basis on which ``user`` sees their data of
    ``category`` (``access_bases``: one read), and return those bases.

    A person listed on no basis of ``user``'s (e.g. in a list chosen by role) is logged with
    ``none``; with ``visible_only`` such a person is not logged: the page shows them without
    their data (e.g. "a guardian (no access)"), so only the persons in the returned bases may
    be named. A list that read each row's basis with ``basis_of`` passes them as ``bases``
    (person id → basis), so nothing more is read."""
    bases, events = listed_events(user, person_ids, category=category, detail=detail,
                                  visible_only=visible_only, bases=bases)
    log.append(log.Actor.of(user), events)
    return bases


# --- the write path ------------------------------------------------------------------------------


def _emergency_only(user, person_ids: Iterable[int | None], category: str | None) -> set[int]:
    """Those of ``person_ids`` whose data of ``category`` ``user`` reaches only through
    emergency access."""
    ids = {pid for pid in person_ids if pid is not None}
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return {pid for pid, basis in access_bases(user, ids, category).items()
            if basis == Basis.EMERGENCY}


def check_write(user, person_ids: Iterable[int | None], *, category: str,
                action: str = LogAction.UPDATE, detail: str = "") -> None:
    """Before a write service changes anything about ``person_ids``: refuse a write whose only
    basis is emergency access (unless the county allows them), with the refusal logged.

    Call it outside the write's transaction, so that the refusal's record stays."""
    emergency = _emergency_only(user, person_ids, category)
    if emergency and not emergency_writes_allowed():
        log.append(log.Actor.of(user), [
            log.Event(pid, category, action, Basis.EMERGENCY, Outcome.REFUSED,
                      f"refused: emergency access is read-only; {detail}".strip("; "))
            for pid in sorted(emergency)])
        raise EmergencyWriteRefused()


def log_writes(user, events: Iterable[log.Event],
               team_code: str | None = None) -> list:
    """Log writes of client data: the one way write services record what they changed.

    An event about a person whom ``user`` reaches only through emergency access is logged with
    the basis ``emergency`` (so the write is listed in that access's review), or, where the
    county allows emergency access for reading only, refused: ``EmergencyWriteRefused`` rolls
    back the writer's transaction and nothing is saved."""
    events = list(events)
    emergency = set()  # (person, category) pairs reached only through emergency access
    for category in {event.category for event in events}:
        emergency |= {(pid, category) for pid in _emergency_only(
            user, [event.person_id for event in events if event.category == category], category)}
    if emergency and not emergency_writes_allowed():
        raise EmergencyWriteRefused()
    return log.append(log.Actor.of(user, team_code), [
        replace(event, basis=Basis.EMERGENCY) if (event.person_id, event.category) in emergency
        else event for event in events])


def record_write(user, *, person_id: int | None, category: str, action: str, basis: str,
                 detail: str = "", team_code: str | None = None):
    """Log one write (``log_writes``); ``basis`` is the writer's own basis, replaced by
    ``emergency`` when emergency access is all ``user`` has."""
    return log_writes(user, [log.Event(person_id, category, action, basis, Outcome.ALLOWED,
                                       detail)], team_code=team_code)[0]


# --- the client's own reads (luotsi.oma) ---------------------------------------------------------
#
# A client signed in to their own area is a ``Person``, never a staff account: they hold no
# relationship, and what they may read is their own data only. Every read is logged with the
# client as the actor (``log.Actor.client``) and the basis ``own_data``; a record that is not
# theirs answers exactly as a missing one ("not found"), and the refusal is logged naming the
# client as the actor and no person (the other person's identity is never written beside a
# client's name, nor shown in anyone's own report).


def log_own_read(client: Person, *, category: str, action: str = LogAction.VIEW,
                 detail: str = ""):
    """Log that ``client`` read their own data of ``category`` (a page, a download)."""
    return log.append(log.Actor.client(client), [
        log.Event(client.pk, category, action, Basis.OWN_DATA, Outcome.ALLOWED, detail)])[0]


def log_own_write(client: Person, *, category: str, action: str = LogAction.UPDATE,
                  detail: str = ""):
    """Log that ``client`` changed their own data of ``category`` in their own area (their own
    rating in the plan's AVAIN meter): the client as the actor, the basis ``own_data``."""
    return log.append(log.Actor.client(client), [
        log.Event(client.pk, category, action, Basis.OWN_DATA, Outcome.ALLOWED, detail)])[0]


def own_record_by_id(client: Person, queryset: QuerySet[R], record_id, *, person_field: str,
                     category: str, entity: str, action: str = LogAction.VIEW,
                     detail: str = "") -> R:
    """The record ``record_id`` of ``queryset`` if its person (``person_field``) is ``client``,
    with the read logged on the basis ``own_data``; otherwise ``PersonNotFound``, the refusal
    logged (the client as the actor, no person named)."""
    pk = _as_pk(record_id)
    detail = detail or f"{entity} {record_id}"
    record = (queryset.filter(pk=pk, **{f"{person_field}_id": client.pk}).first()
              if pk is not None else None)
    if record is None:
        log.append(log.Actor.client(client), [
            log.Event(None, category, action, Basis.NONE, Outcome.REFUSED, detail)])
        raise PersonNotFound()
    log_own_read(client, category=category, action=action, detail=detail)
    return record
