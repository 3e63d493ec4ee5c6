"""Identity codes are ASCII only, everywhere one enters; duplicates registered before that rule
are found by ``manage.py find_duplicate_persons``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.people import crypto, hetu
from luotsi.people.models import Person, search_key
from luotsi.people.tests.factories import PersonFactory

ARABIC = "\u0661\u0663\u0660\u0669\u0660\u0666A934A"  # 130906A934A in Arabic-Indic digits
FULL_WIDTH = "\uff11\uff13\uff10\uff19\uff10\uff16A934A"


@pytest.mark.parametrize("written", [ARABIC, FULL_WIDTH, "130906A\u0669\u0663\u0664A",
                                     "131052\u2212308T", "131052-308\u0422"])
def test_hetu__non_ascii_refused_naming_the_character(written):
    with pytest.raises(hetu.HetuError) as caught:
        hetu.parse(written)
    assert caught.value.code == "non_ascii"
    foreign = next(c for c in written if not c.isascii())
    assert f"U+{ord(foreign):04X}" in str(caught.value)


def test_hetu__lookup_hash_refuses_non_ascii():
    assert ARABIC[0].isdigit()
    with pytest.raises(ValueError):
        crypto.lookup_hash(ARABIC)


def test_hetu__canonical_folds_other_scripts_for_finding_duplicates():
    assert hetu.canonical(ARABIC) == hetu.canonical(FULL_WIDTH) == "130906A934A"
    assert hetu.canonical("131052\u2212308t") == "131052-308T"


def _legacy(code: str, **fields) -> Person:
    """A person stored as the code was stored before non-ASCII codes were refused."""
    return Person.objects.create(
        hetu_encrypted=crypto.encrypt(code), hetu_lookup=f"legacy-{len(code)}-{ord(code[0])}",
        search_name=search_key("", fields.get("last_name", "X")), **fields)


@pytest.mark.django_db
def test_find_duplicate_persons__lists_codes_that_are_the_same_in_ascii():
    original = PersonFactory(hetu="130906A934A")
    copy = _legacy(ARABIC, last_name="Kopio")
    other = PersonFactory()
    out = io.StringIO()
    call_command("find_duplicate_persons", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["checked"] == 3
    groups = [[m["id"] for m in g["persons"]] for g in result["duplicate_groups"]]
    assert groups == [[original.pk, copy.pk]]
    assert result["invalid_codes"] == [copy.pk]
    assert other.pk not in {pk for group in groups for pk in group}
    assert "130906A934A" not in out.getvalue() and ARABIC not in out.getvalue()
    assert AccessLogEntry.objects.filter(username="find_duplicate_persons",
                                         action=LogAction.SEARCH).count() == 1

    text = io.StringIO()
    call_command("find_duplicate_persons", stdout=text)
    assert f"Duplicate group 1: persons {original.pk} " in text.getvalue()
    assert "3 codes checked, 1 groups of duplicates, 1 invalid codes." in text.getvalue()


@pytest.mark.django_db
def test_find_duplicate_persons__none_found():
    PersonFactory()
    out = io.StringIO()
    call_command("find_duplicate_persons", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"checked": 1, "duplicate_groups": [],
                                          "invalid_codes": []}
