"""A person's access-log report (asiakastietolaki 703/2023): who processed their data, when,
what, and on what basis — as rows for a page, CSV and PDF; and the records that name no person
(exports about many people, such as the research file), for the data-protection officer.
Both can be narrowed to one basis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from luotsi.access.log import CLIENT_ROLE
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.selectors import access_log_for_person, period_bounds
from luotsi.common.formatting import format_datetime
from luotsi.common.spreadsheet import write_csv

MAX_ROWS = 20_000


@dataclass(frozen=True)
class ShownRecord:
    """The columns every access-log report shows of a record (``_shown``)."""

    at: str
    who: str
    role: str
    team: str
    category: str
    action: str
    basis: str
    outcome: str


@dataclass(frozen=True)
class ReportRow(ShownRecord):
    request_id: str
    emergency: bool = False  # read or written under emergency access (marked in own reports)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _roles() -> dict[str, str]:
    from luotsi.organisation.models import Role

    roles = {value: str(label) for value, label in Role.choices}
    roles[CLIENT_ROLE] = _("The client (own data)")
    return roles


def _teams() -> dict[str, str]:
    """Each team's name in the active language by its code (a log record keeps the code)."""
    from luotsi.organisation.models import Team

    return {team.code: team.name for team in Team.objects.only(
        "code", "name_fi", "name_sv", "name_en")}


def _shown(entry, roles: dict[str, str], teams: dict[str, str]) -> dict[str, str]:
    """The columns every access-log report shows of a record, as text."""
    return {
        "at": format_datetime(entry.at, seconds=True),
        "who": f"{entry.user_name} ({entry.username})" if entry.user_name else entry.username,
        "role": roles.get(entry.role, entry.role),
        "team": teams.get(entry.team, entry.team),
        "category": _label(Category, entry.category),
        "action": _label(LogAction, entry.action),
        "basis": _label(Basis, entry.basis),
        "outcome": _label(Outcome, entry.outcome),
    }


NOTHING_FOUND = "; found 0, visible 0"


def search_keys(person) -> list[str]:
    """The hashed terms under which a search for ``person`` is logged (docs/personal-data.md):
    their identity code's lookup hash and their name as it may be typed whole, under the
    current personal-data key and under the keys rotated away since (``PreviousSearchKey``)."""
    from luotsi.people.crypto import search_term_hash
    from luotsi.people.models import PreviousSearchKey

    previous = PreviousSearchKey.objects.filter(person_id=person.pk).values_list("key", flat=True)
    return [*term_keys(person, search_term_hash), *previous]


def term_keys(person, term_hash) -> list[str]:
    """``search_keys`` under one key: the stored lookup hash and the names hashed with
    ``term_hash`` (``crypto.search_term_hash`` or a ``KeyRing``'s)."""
    from luotsi.people.crypto import name_term

    keys = [f"hetu {person.hetu_lookup}"] if person.hetu_lookup else []
    first_names = person.first_name.split()
    names = {person.last_name}
    for first in {person.first_name, *first_names[:1]} - {""}:
        names |= {f"{person.last_name} {first}", f"{first} {person.last_name}"}
    keys += [f"name {term_hash('name', name_term(name))}"
             for name in sorted(names) if name.strip()]
    return keys


def rows_for(person_id: int, start: date, end: date, basis: str = "",
             person=None) -> tuple[list[ReportRow], bool]:
    """The report rows (of one basis, when given) and whether they were cut at MAX_ROWS.

    With ``person``, the searches that looked for them and found no one (records naming no
    person whose hashed terms are the person's own) are included."""
    roles, teams = _roles(), _teams()
    queryset = access_log_for_person(person_id, start, end)
    if person is not None:
        since, until = period_bounds(start, end)
        searched = Q()
        for key in search_keys(person):
            searched |= Q(detail__contains=key)
        if searched:
            queryset = AccessLogEntry.objects.filter(
                Q(person_id=person_id) | (Q(person_id__isnull=True, action=LogAction.SEARCH,
                                            detail__endswith=NOTHING_FOUND) & searched),
                at__gte=since, at__lte=until).order_by("at", "seq")
    if basis:
        queryset = queryset.filter(basis=basis)
    entries = list(queryset[: MAX_ROWS + 1])
    truncated = len(entries) > MAX_ROWS
    rows = [
        ReportRow(
            **_shown(entry, roles, teams),
            request_id=entry.request_id,
            emergency=entry.basis == Basis.EMERGENCY,
        )
        for entry in entries[:MAX_ROWS]
    ]
    return rows, truncated


@dataclass(frozen=True)
class UnnamedRow(ShownRecord):
    detail: str


def unnamed_rows(start: date, end: date, basis: str = "") -> tuple[list[UnnamedRow], bool]:
    """Records that name no person (exports and reports about many people, refusals before a
    person was found), newest first, of one basis when given; and whether they were cut at
    MAX_ROWS. One query."""
    since, until = period_bounds(start, end)
    queryset = AccessLogEntry.objects.filter(person_id__isnull=True, at__gte=since,
                                             at__lte=until)
    if basis:
        queryset = queryset.filter(basis=basis)
    entries = list(queryset.order_by("-at", "-seq")[: MAX_ROWS + 1])
    roles, teams = _roles(), _teams()
    rows = [
        UnnamedRow(
            **_shown(entry, roles, teams),
            detail=entry.detail,
        )
        for entry in entries[:MAX_ROWS]
    ]
    return rows, len(entries) > MAX_ROWS


def unnamed_headers() -> list[str]:
    return [_("Time"), _("Who"), _("Role"), _("Team"), _("Data"), _("Action"), _("Basis"),
            _("Outcome"), _("Detail")]


def headers() -> list[str]:
    return [_("Time"), _("Who"), _("Role"), _("Team"), _("Data"), _("Action"), _("Basis"),
            _("Outcome"), _("Request id")]


def as_csv(rows: list[ReportRow]) -> str:
    """The report's rows (``common.spreadsheet``: a cell that a spreadsheet would run as a
    formula is written as text)."""
    return write_csv(headers(), ([row.at, row.who, row.role, row.team, row.category, row.action,
                                  row.basis, row.outcome, row.request_id] for row in rows))


__all__ = ["AccessLogEntry", "as_csv", "headers", "rows_for", "unnamed_headers",
           "unnamed_rows"]
