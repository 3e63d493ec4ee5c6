"""Finding a person by an exact key: identity code, temporary identifier, or whole name and birth
date. These read ``Person`` rows without a relationship check and without logging, so they are
for callers that check and log themselves: registration (is this person already here?),
break-the-glass (``luotsi.access``) and intake's reference resolution. They sit below the access
gateway (they import only ``people.models``, ``hetu`` and ``crypto``), so ``luotsi.access`` may
use them.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from luotsi.people import crypto, hetu
from luotsi.people.models import Person, search_key


def find_by_hetu(value: str) -> Person | None:
    """Exact search by personal identity code (through the keyed lookup hash); None for an
    invalid code (validate with ``hetu.parse`` first where the reason is to be shown)."""
    try:
        code = hetu.clean(value)
    except hetu.HetuError:
        return None
    return Person.objects.filter(hetu_lookup=crypto.lookup_hash(code)).first()


def find_by_temporary_id(value: str) -> Person | None:
    """Exact search by temporary identifier (upper-cased, as given)."""
    value = (value or "").strip().upper()
    return Person.objects.filter(temporary_id=value).first() if value else None


def find_by_name_and_birth_date(name: str, birth_date: date) -> list[Person]:
    """Persons born on ``birth_date`` whose whole name is ``name`` ("last first" or "first
    last", case folded), or whose last name it is when one word is given. At most 10."""
    terms = name.split()
    if not terms:
        return []
    if len(terms) == 1:
        condition = Q(last_name__iexact=terms[0])
    else:
        rest = " ".join(terms[1:])
        condition = (Q(search_name=search_key(rest, terms[0]))
                     | Q(search_name=search_key(terms[0], rest)))
    return list(Person.objects.filter(condition, birth_date=birth_date).order_by("pk")[:10])
