"""Reads that shape person data for pages and the API. Callers pass users, never raw querysets
of persons: visibility comes from the access gateway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from luotsi.access import gateway, log
from luotsi.access.models import Basis, Category, ClientRelationship, LogAction, Outcome
from luotsi.people import crypto, hetu, history
from luotsi.people.models import Person, PersonLink, search_key


def _prefix(prefix: str) -> Q:
    """Names starting with ``prefix``. SQLite's LIKE cannot use the index (it scans all names),
    so there the same test is written as a range on the index (bench/README.md)."""
    if connection.vendor == "sqlite":
        return Q(search_name__gte=prefix, search_name__lt=prefix + "\U0010ffff")
    return Q(search_name__startswith=prefix)


# A search writes an access-log record for each person it matched (shown or not) up to this
# many; the search's own record (no person) always tells the full counts.
SEARCH_LOG_PERSONS = 50


@dataclass(frozen=True)
class SearchCriteria:
    name: str = ""
    hetu: str = ""  # validated (hetu.clean) or empty
    birth_date: date | None = None

    def condition(self) -> Q:
        """The criteria as one condition on persons (all given criteria must hold)."""
        condition = Q()
        if self.name:
            terms = self.name.split()
            if len(terms) >= 2:
                condition &= (_prefix(search_key(" ".join(terms[1:]), terms[0]))
                              | _prefix(search_key(terms[0], " ".join(terms[1:]))))
            else:
                condition &= _prefix(self.name.strip().casefold())
        if self.hetu:
            condition &= Q(hetu_lookup=crypto.lookup_hash(hetu.clean(self.hetu)))
        if self.birth_date:
            condition &= Q(birth_date=self.birth_date)
        return condition

    def kinds(self) -> list[str]:
        return [kind for kind, value in (("hetu", self.hetu), ("name", self.name),
                                         ("birth_date", self.birth_date)) if value]

    def logged(self) -> str:
        """What the access log keeps of the query: its kind and keyed hashes, never the clear
        code, name or date (docs/personal-data.md)."""
        parts = []
        if self.hetu:
            parts.append(f"hetu {crypto.lookup_hash(hetu.clean(self.hetu))}")
        if self.name:
            parts.append(f"name {crypto.search_term_hash('name', crypto.name_term(self.name))}")
        if self.birth_date:
            parts.append("birth_date "
                         f"{crypto.search_term_hash('birth_date', self.birth_date.isoformat())}")
        return "person search by " + ", ".join(parts)


def search_persons(user, *, name: str = "", hetu_value: str = "", birth_date: date | None = None,
                   limit: int = 50, **kwargs) -> list:
    """Persons visible to ``user`` matching all given criteria; a list of at most ``limit``.

    The search itself is logged, whatever it finds, in one ``search`` record naming no person
    (the query's kind, keyed hashes of its terms, the counts found and visible); each person
    it matched outside ``user``'s relationships (not shown) gets a ``refused`` ``search`` record
    and each person shown a ``list`` record, with the same detail, up to SEARCH_LOG_PERSONS.
    """
    criteria = SearchCriteria(name=name, hetu=hetu_value or kwargs.get("hetu", ""),
                              birth_date=birth_date)
    condition = criteria.condition()
    results = list(gateway.visible_persons(user, Category.BASIC_DATA).select_related("municipality")
                   .filter(condition).order_by("search_name", "pk")[:limit + 1])
    more = len(results) > limit
    results = results[:limit]
    matched = list(Person.objects.filter(condition).order_by("pk")
                   .values_list("pk", flat=True)[:SEARCH_LOG_PERSONS + 1])
    found = (len(matched) if len(matched) <= SEARCH_LOG_PERSONS
             else Person.objects.filter(condition).count())
    shown = {person.pk: person for person in results}
    visible = (gateway.visible_persons(user, Category.BASIC_DATA).filter(condition).count() if more
               else len(results))
    detail = f"{criteria.logged()}; found {found}, visible {visible}"
    # The search itself, with its kind, hashes and counts (the DPO's "who looked for whom").
    events = [log.Event(None, Category.BASIC_DATA, LogAction.SEARCH, Basis.NONE,
                        Outcome.ALLOWED, detail)]
    # Each person it matched: shown ones as listed, the others as refused, so each person's
    # access-log report tells who went looking for them.
    events += [
        log.Event(pk, Category.BASIC_DATA, LogAction.SEARCH, Basis.NONE, Outcome.REFUSED, detail)
        for pk in matched[:SEARCH_LOG_PERSONS] if pk not in shown
    ]
    events += [
        log.Event(person.pk, Category.BASIC_DATA, LogAction.LIST,
                  getattr(person, "access_basis", None) or Basis.NONE, Outcome.ALLOWED, detail)
        for person in results
    ]
    log.append(log.Actor.of(user), events)
    return results


def person_page(user, access: gateway.Access) -> dict:
    """Everything the person page shows, in a fixed number of queries: the person, family,
    active relationships and, unless the worker's only basis is the registration of the person,
    the history each capability holds (``luotsi.people.history``), as the worker may see it.
    Each category of history shown is logged (the rest is the gateway's view record)."""
    person = access.person
    # Each family member's basis for ``user`` is read with the links (one statement): a member
    # is named only when ``user`` may see them.
    links = list(
        PersonLink.objects.filter(Q(person=person) | Q(other=person))
        .select_related("person", "other")
        .annotate(person_basis=gateway.basis_of(user, "person", Category.BASIC_DATA),
                  other_basis=gateway.basis_of(user, "other", Category.BASIC_DATA))
        .order_by("kind", "pk")
    )
    guardians = [link.person for link in links if link.kind == "guardian" and link.other_id == person.pk]
    children = [link.other for link in links if link.kind == "guardian" and link.person_id == person.pk]
    household = [
        link.other if link.person_id == person.pk else link.person
        for link in links if link.kind == "household"
    ]
    relationships = list(
        ClientRelationship.objects.filter(person=person)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()))
        .select_related("user", "team").order_by("-starts_at")[:20]
    )
    # A registration opens the person record only: without a basis for client records (which
    # ``relationships_of`` checks by default) the page shows no history.
    registration_only = (access.basis in gateway.PERSON_RECORD_BASES
                         and not gateway.relationships_of(user, person.pk).exists())
    sections = [] if registration_only else history.sections(user, person)
    # Family members the capabilities know of (e.g. a guardian named in a contact), once.
    known = {p.pk for p in guardians + children + household}
    family_elsewhere = []
    for section in sections:
        for label, member in section.family:
            if member.pk not in known:
                known.add(member.pk)
                family_elsewhere.append((label, member))
    # The basic data and relationships are the gateway's view record; each category of history
    # shown gets its own. A family member is named only when ``user`` may see their basic data
    # (and is then logged as listed, with that basis); the others are shown without a name.
    bases = {}
    for link in links:
        bases[link.person_id] = link.person_basis
        bases[link.other_id] = link.other_basis
    elsewhere = [member for _label, member in family_elsewhere]
    if all(hasattr(member, "access_basis") for member in elsewhere):
        bases.update({member.pk: member.access_basis for member in elsewhere})
    else:  # a capability that did not read the bases with its family: read them here
        bases.update(gateway.access_bases(user, [m.pk for m in elsewhere], Category.BASIC_DATA))
        bases.update({m.pk: None for m in elsewhere if m.pk not in bases})
    family = [p.pk for p in guardians + children + household]
    shown_bases, listed = gateway.listed_events(
        user, family + [member.pk for member in elsewhere], category=Category.BASIC_DATA,
        detail="person page: family", visible_only=True, bases=bases)
    named = set(shown_bases)
    shown = list(dict.fromkeys(s.category for s in sections if s.rows))
    team = access.relationship.team  # no query when the relationship has no team
    team_code = team.code if team is not None else None
    log.append(log.Actor.of(user, team_code), [  # nothing is written when nothing is shown
        log.Event(person.pk, category, LogAction.VIEW, access.basis, Outcome.ALLOWED,
                  "person page") for category in shown] + listed)
    return {
        "person": person,
        "access": access,
        "guardians": guardians,
        "children": children,
        "household": household,
        "family_elsewhere": family_elsewhere,
        "named": named,
        "relationships": relationships,
        "history": sections,
        "registration_only": registration_only,
    }
