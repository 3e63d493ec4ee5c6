"""A person's access-log report for the data-protection officer: who processed the data, when and
on what basis, as a page, CSV and PDF; producing it is itself logged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.common.formatting import format_date
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people import hetu

pytestmark = pytest.mark.django_db

URL = "/access-log/report/"


@pytest.fixture
def processed(client, alice, bob, client_person, case):
    """alice reads the person's page (allowed), bob tries to (refused)."""
    client.force_login(alice)
    assert client.get(f"/persons/{client_person.pk}/").status_code == 200
    client.force_login(bob)
    assert client.get(f"/persons/{client_person.pk}/").status_code == 404
    assert_refused(bob, client_person)
    client.logout()
    return client_person


def period(days_back: int = 30, **extra) -> dict:
    today = timezone.localdate()
    data = {"start": str(today - timedelta(days=days_back)), "end": str(today)}
    data.update(extra)
    return data


def report(client, user, person, output="page", **extra):
    client.force_login(user)
    return client.post(URL, {"hetu": person.hetu, "format": output, **period(**extra)})


def test_access_log_report__form_shown_to_dpo(client, charlie):
    client.force_login(charlie)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="hetu"' in response.content.decode()


def test_access_log_report__page_shows_who_when_and_basis(client, charlie, processed):
    response = report(client, charlie, processed)
    assert response.status_code == 200
    rows = response.context["rows"]
    with translation.override("fi"):  # the report is in the page's language, Finnish here
        assert [(row.who, row.outcome) for row in rows] == [
            ("Alice Aalto (alice)", str(Outcome.ALLOWED.label)),
            ("Bob Berg (bob)", str(Outcome.REFUSED.label)),
        ]
        assert rows[0].basis == str(Basis.CASE.label)
        assert rows[1].basis == str(Basis.NONE.label)
    # The team by its name in the reader's language, not the code the record keeps.
    assert rows[0].team == "Itäinen arviointitiimi"
    today = format_date(timezone.localdate(), "fi")
    assert rows[0].at.startswith(today)
    html = response.content.decode()
    assert "Alice Aalto (alice)" in html and "Bob Berg (bob)" in html
    assert today in html


def test_access_log_report__only_this_person(client, charlie, processed, alice):
    from luotsi.people.tests.factories import PersonFactory

    other = PersonFactory()
    RelationshipFactory(person=other, user=alice)
    client.force_login(alice)
    client.get(f"/persons/{other.pk}/")
    rows = report(client, charlie, processed).context["rows"]
    assert len(rows) == 2


def test_access_log_report__csv_download(client, charlie, processed):
    response = report(client, charlie, processed, output="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that spreadsheet programs read it as UTF-8
    lines = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(lines) == 3
    assert all(len(line) == 9 for line in lines)
    assert lines[1][1] == "Alice Aalto (alice)"
    assert lines[2][1] == "Bob Berg (bob)"


def test_access_log_report__csv_safe_from_formula_injection(client, charlie, client_person,
                                                           team):
    mallory = UserFactory(username="mallory", first_name="=HYPERLINK(\"http://x\")",
                          last_name="@SUM(A1)", teams=[team])
    RelationshipFactory(person=client_person, user=mallory)
    client.force_login(mallory)
    client.get(f"/persons/{client_person.pk}/")
    response = report(client, charlie, client_person, output="csv")
    lines = list(csv.reader(io.StringIO(response.content.decode()[1:]), delimiter=";"))
    cells = [cell for line in lines for cell in line]
    assert "'=HYPERLINK(\"http://x\") @SUM(A1) (mallory)" in cells
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@"), cell


def test_access_log_report__pdf_download(client, charlie, processed):
    response = report(client, charlie, processed, output="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"
    assert ".pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(("output", "action"), [
    ("page", LogAction.VIEW), ("csv", LogAction.EXPORT), ("pdf", LogAction.PRINT)])
def test_access_log_report__production_is_logged(client, charlie, processed, output, action):
    report(client, charlie, processed, output=output)
    entry = AccessLogEntry.objects.filter(user_id=charlie.pk).get()
    assert (entry.person_id, entry.category, entry.action, entry.basis, entry.outcome) == (
        processed.pk, Category.ACCESS_LOG, action, Basis.DPO_TASK, Outcome.ALLOWED)
    # and it shows in the next report
    rows = report(client, charlie, processed).context["rows"]
    assert rows[2].who == "Charlie Cederberg (charlie)"
    with translation.override("fi"):
        assert rows[2].basis == str(Basis.DPO_TASK.label)


def test_access_log_report__unknown_person_refused_and_logged(client, charlie):
    client.force_login(charlie)
    unknown = hetu.build(timezone.localdate() - timedelta(days=12000), 955)
    response = client.post(URL, {"hetu": unknown, "format": "csv", **period()})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["hetu"]
    entry = AccessLogEntry.objects.filter(user_id=charlie.pk).get()
    assert (entry.person_id, entry.outcome, entry.action) == (None, Outcome.REFUSED,
                                                              LogAction.EXPORT)
    # whom the report was asked for: the code's keyed lookup hash, never the clear code
    from luotsi.people import crypto
    assert f"hetu {crypto.lookup_hash(unknown)}" in entry.detail
    assert unknown not in entry.detail


def test_access_log_report__invalid_hetu_is_a_field_error(client, charlie):
    client.force_login(charlie)
    response = client.post(URL, {"hetu": "131052-308X", **period()})
    assert list(response.context["form"].errors) == ["hetu"]
    assert not AccessLogEntry.objects.exists()


def test_access_log_report__older_than_two_years_needs_special_reason(client, charlie,
                                                                      processed):
    days = 365 * settings.ACCESS_LOG_REPORT_FREE_YEARS + 10
    response = report(client, charlie, processed, days_back=days)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["special_reason"]
    assert "rows" not in response.context
    assert not AccessLogEntry.objects.filter(user_id=charlie.pk).exists()

    response = report(client, charlie, processed, days_back=days,
                      special_reason="Epäilty luvaton käyttö, asiakkaan pyyntö.")
    assert not response.context["form"].errors
    assert len(response.context["rows"]) == 2
    entry = AccessLogEntry.objects.filter(user_id=charlie.pk).get()
    assert "Epäilty luvaton käyttö" in entry.detail


def test_access_log_report__two_years_back_needs_no_reason(client, charlie, processed):
    response = report(client, charlie, processed, days_back=365)
    assert not response.context["form"].errors


def test_access_log_report__end_before_start_refused(client, charlie, processed):
    client.force_login(charlie)
    today = timezone.localdate()
    response = client.post(URL, {"hetu": processed.hetu, "start": str(today),
                                 "end": str(today - timedelta(days=1))})
    assert "end" in response.context["form"].errors
    assert "rows" not in response.context
    assert not AccessLogEntry.objects.filter(user_id=charlie.pk).exists()


def test_access_log_report__end_in_future_refused(client, charlie, processed):
    client.force_login(charlie)
    today = timezone.localdate()
    response = client.post(URL, {"hetu": processed.hetu, "start": str(today),
                                 "end": str(today + timedelta(days=1))})
    assert "end" in response.context["form"].errors


@pytest.mark.parametrize("user_fixture", ["alice", "lead"])
def test_access_log_report__forbidden_for_others(client, request, processed, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    before = AccessLogEntry.objects.count()
    response = client.post(URL, {"hetu": processed.hetu, "format": "csv", **period()})
    assert response.status_code == 403
    assert AccessLogEntry.objects.count() == before


def test_access_log_report__needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- asked by identity code, temporary identifier, or name and date of birth ----------------


def _ask(client, charlie, **who):
    client.force_login(charlie)
    return client.post(URL, {"format": "page", **period(), **who})


def test_access_log_report__by_temporary_id(client, charlie, alice):
    from luotsi.people.tests.factories import PersonFactory

    person = PersonFactory(hetu_encrypted="", hetu_lookup=None, temporary_id="TMP-AB12CD34EF")
    RelationshipFactory(person=person, user=alice)
    client.force_login(alice)
    client.get(f"/persons/{person.pk}/")
    response = _ask(client, charlie, temporary_id=" tmp-ab12cd34ef ")
    assert response.status_code == 200, response.context["form"].errors
    assert response.context["person"] == person
    assert [row.who for row in response.context["rows"]] == ["Alice Aalto (alice)"]
    record = AccessLogEntry.objects.filter(user_id=charlie.pk).last()
    assert record.person_id == person.pk and "; asked by temporary identifier" in record.detail
    pdf = _ask(client, charlie, temporary_id="TMP-AB12CD34EF", format="pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_access_log_report__by_name_and_birth_date(client, charlie, processed):
    person = processed
    name = f"{person.last_name} {person.first_name}".upper()
    response = _ask(client, charlie, name=name, birth_date=str(person.birth_date))
    assert response.context["person"] == person
    assert len(response.context["rows"]) == 2
    response = _ask(client, charlie, name=f"{person.first_name} {person.last_name}",
                    birth_date=str(person.birth_date))
    assert response.context["person"] == person
    record = AccessLogEntry.objects.filter(user_id=charlie.pk).last()
    assert "; asked by name and date of birth" in record.detail


def test_access_log_report__name_and_birth_date_matching_several_refused(client, charlie,
                                                                         client_person):
    from luotsi.people.tests.factories import PersonFactory

    PersonFactory(first_name=client_person.first_name, last_name=client_person.last_name,
                  birth_date=client_person.birth_date)
    response = _ask(client, charlie, name=client_person.last_name,
                    birth_date=str(client_person.birth_date))
    assert "person" not in response.context
    assert list(response.context["form"].errors) == ["name"]
    assert "2" in response.context["form"].errors["name"][0]
    assert AccessLogEntry.objects.filter(user_id=charlie.pk).last().outcome == Outcome.REFUSED


@pytest.mark.parametrize(("who", "field"), [
    ({}, "hetu"),
    ({"name": "Asiakas Aino"}, "birth_date"),
    ({"birth_date": "1970-01-01"}, "name"),
    ({"hetu": "131052-308T", "temporary_id": "TMP-1"}, "temporary_id"),
    ({"temporary_id": "TMP-NOBODY"}, "temporary_id"),
    ({"name": "Ei Ketaan", "birth_date": "1970-01-01"}, "name"),
])
def test_access_log_report__person_must_be_named_one_way(client, charlie, client_person, who,
                                                         field):
    response = _ask(client, charlie, **who)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert "person" not in response.context


@pytest.mark.parametrize(("language", "pattern"), [
    ("fi", r"^\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}\.\d{2}$"),
    ("sv", r"^\d{1,2}\.\d{1,2}\.\d{4} kl\. \d{1,2}\.\d{2}\.\d{2}$"),
    ("en", r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}$"),
])
def test_access_log_report__csv_and_page_times_in_the_one_format_of_the_language(
        client, charlie, processed, language, pattern):
    import re

    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = report(client, charlie, processed, output="csv").content.decode("utf-8")
    lines = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [line[0] for line in lines[1:] if not re.match(pattern, line[0])] == []
    page = report(client, charlie, processed).content.decode()
    assert re.search(pattern[1:-1], page)


def test_access_log_report__name_finding_nobody_logs_keyed_hashes(client, charlie):
    from luotsi.people import crypto

    response = _ask(client, charlie, name="Nimetön Naapuri", birth_date="1980-02-03")
    assert list(response.context["form"].errors) == ["name"]
    record = AccessLogEntry.objects.filter(user_id=charlie.pk).get()
    assert record.outcome == Outcome.REFUSED
    name_hash = crypto.search_term_hash("name", crypto.name_term("Nimetön Naapuri"))
    assert f"name {name_hash}" in record.detail
    assert "Naapuri" not in record.detail and "1980" not in record.detail
