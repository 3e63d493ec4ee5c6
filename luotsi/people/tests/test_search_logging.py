"""Every person search is logged, including those that find nothing or only persons outside
one's relationships: the kind, keyed hashes of the terms (never the clear values) and the
counts found and visible. The data-protection officer sees them in a person's report."""

from __future__ import annotations

from datetime import date

import pytest

from luotsi.access.models import AccessLogEntry, Basis, LogAction, Outcome
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.people import crypto, hetu
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _searches(user):
    return AccessLogEntry.objects.filter(user_id=user.pk, action=LogAction.SEARCH).order_by("seq")


def test_search__by_code_of_invisible_person_logged_with_the_keyed_hash(client, bob,
                                                                      client_person, case):
    client.force_login(bob)
    response = client.post("/persons/", {"hetu": client_person.hetu})
    assert response.status_code == 200 and response.context["results"] == []
    assert response["Cache-Control"] == "no-store"
    search, record = _searches(bob)
    assert search.person_id is None and search.detail == record.detail
    assert record.person_id == client_person.pk
    assert record.outcome == Outcome.REFUSED and record.basis == Basis.NONE
    assert record.detail == (f"person search by hetu {client_person.hetu_lookup}; "
                             "found 1, visible 0")
    assert client_person.hetu not in record.detail


def test_search__finding_nothing_is_logged(client, alice):
    client.force_login(alice)
    code = hetu.build(date(1977, 7, 7), 950)
    client.post("/persons/", {"hetu": code})
    [record] = _searches(alice)
    assert record.person_id is None and record.outcome == Outcome.ALLOWED
    assert record.detail == f"person search by hetu {crypto.lookup_hash(code)}; found 0, visible 0"


def test_search__by_name_and_birth_date_logs_hashes_never_the_clear_terms(client, alice):
    visible = PersonFactory(last_name="Harvinainen", birth_date=date(1981, 2, 3))
    hidden = PersonFactory(last_name="Harvinainen", birth_date=date(1981, 2, 3))
    RelationshipFactory(person=visible, user=alice)
    client.force_login(alice)
    response = client.post("/persons/", {"name": " harvinainen ", "birth_date": "1981-02-03"})
    assert [p.pk for p in response.context["results"]] == [visible.pk]
    records = list(_searches(alice))
    assert [(r.person_id, r.outcome) for r in records] == [
        (None, Outcome.ALLOWED), (hidden.pk, Outcome.REFUSED)]
    detail = records[0].detail
    assert detail == (
        f"person search by name {crypto.search_term_hash('name', 'harvinainen')}, "
        f"birth_date {crypto.search_term_hash('birth_date', '1981-02-03')}; found 2, visible 1")
    assert "arvinainen" not in detail.lower() and "1981" not in detail
    # The persons shown are listed as before.
    assert list(AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.LIST)
                .values_list("person_id", "detail")) == [(visible.pk, detail)]


def test_search__invalid_code_refused_with_the_reason(client, alice):
    client.force_login(alice)
    response = client.post("/persons/", {"hetu": "\u0661\u0663\u0661\u0660\u0665\u0662-308T"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["hetu"]
    assert "U+0661" in response.context["form"].errors["hetu"][0]
    assert not _searches(alice).exists()


def test_search__query_in_the_url_is_ignored(client, alice, client_person, case):
    client.force_login(alice)
    response = client.get("/persons/", {"hetu": client_person.hetu, "name": "asiakas"})
    assert response.status_code == 200
    assert response.context["results"] is None
    assert not _searches(alice).exists()


def test_search__dpo_report_shows_who_looked_for_the_person(client, bob, charlie, client_person,
                                                            case):
    """A search that found the person outside bob's relationships, and name searches that
    found no one (the person's name typed whole), appear in the person's report; another
    person's search does not."""
    client.force_login(bob)
    client.post("/persons/", {"hetu": client_person.hetu})
    client.post("/persons/", {"name": "Joku Muu"})  # someone else, found no one
    nothing = f"{client_person.first_name} {client_person.last_name}x"
    client.post("/persons/", {"name": nothing})  # not this person's name
    client_person.last_name += "x"  # the person's name changed later: an earlier search
    client_person.search_name = client_person.search_name + "x"  # that found no one ...
    client_person.save()
    client.post("/persons/", {"name": f"{client_person.last_name} {client_person.first_name}",
                              "birth_date": "1900-01-01"})  # ... and one with a wrong date
    client.force_login(charlie)
    today = str(date.today())
    response = client.post("/access-log/report/", {"hetu": client_person.hetu, "format": "page",
                                                   "start": today, "end": today})
    rows = [(r.who, r.action, r.outcome) for r in response.context["rows"]]
    searches = [row for row in rows if row[1] == str(LogAction.SEARCH.label)]
    assert searches == [
        ("Bob Berg (bob)", str(LogAction.SEARCH.label), str(Outcome.REFUSED.label)),
        ("Bob Berg (bob)", str(LogAction.SEARCH.label), str(Outcome.ALLOWED.label)),
        ("Bob Berg (bob)", str(LogAction.SEARCH.label), str(Outcome.ALLOWED.label)),
    ]
