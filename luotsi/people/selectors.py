"""Reads that shape person data for pages and the API. Callers pass users, never raw querysets
of persons: visibility comes from the access gateway."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from luotsi.access import gateway
from luotsi.access.models import ClientRelationship
from luotsi.people import crypto, hetu
from luotsi.people.models import PersonLink, search_key


def _prefix(prefix: str) -> Q:
    """Names starting with ``prefix``. SQLite's LIKE cannot use the index (it scans all names),
    so there the same test is written as a range on the index (bench/README.md)."""
    if connection.vendor == "sqlite":
        return Q(search_name__gte=prefix, search_name__lt=prefix + "\U0010ffff")
    return Q(search_name__startswith=prefix)


def search_persons(user, *, name: str = "", hetu_value: str = "", birth_date: date | None = None,
                   limit: int = 50, **kwargs):
    """Persons visible to ``user`` matching all given criteria; a list of at most ``limit``."""
    hetu_value = hetu_value or kwargs.get("hetu", "")
    queryset = gateway.visible_persons(user).select_related("municipality")
    if name:
        terms = name.split()
        if len(terms) >= 2:
            queryset = queryset.filter(
                _prefix(search_key(" ".join(terms[1:]), terms[0]))
                | _prefix(search_key(terms[0], " ".join(terms[1:])))
            )
        else:
            queryset = queryset.filter(_prefix(name.strip().casefold()))
    if hetu_value:
        try:
            parsed = hetu.parse(hetu_value)
        except hetu.HetuError:
            return []
        queryset = queryset.filter(hetu_lookup=crypto.lookup_hash(parsed.value))
    if birth_date:
        queryset = queryset.filter(birth_date=birth_date)
    return list(queryset.order_by("search_name", "pk")[:limit])


def person_page(access: gateway.Access) -> dict:
    """Everything the person page shows, in a fixed number of queries."""
    person = access.person
    links = list(
        PersonLink.objects.filter(Q(person=person) | Q(other=person))
        .select_related("person", "other").order_by("kind", "pk")
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
    return {
        "person": person,
        "access": access,
        "guardians": guardians,
        "children": children,
        "household": household,
        "relationships": relationships,
    }
