"""The basis ``research`` (secondary use, Act 552/2019): the research file is logged with it, old
records keep their basis and the hash chain still verifies, and the data-protection officer's
access-log page shows it and narrows to it (a person's report and the records naming no
person)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from luotsi.access import log
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.plans.tests.builders import make_plans

pytestmark = pytest.mark.django_db

URL = "/access-log/report/"
RESEARCH_URL = "/plans/effectiveness/research.csv"


def _period(prefix: str = "", **extra) -> dict:
    today = timezone.localdate()
    data = {f"{prefix}start": str(today - timedelta(days=30)), f"{prefix}end": str(today)}
    data.update(extra)
    return data


def _unnamed(client, **extra):
    return client.post(URL, {"report": "unnamed", **_period("unnamed-"), **extra})


def _research_export(client, user, purpose="Study A"):
    client.force_login(user)
    response = client.get(RESEARCH_URL, {"purpose": purpose})
    assert response.status_code == 200, response.content[:300]
    return AccessLogEntry.objects.order_by("-seq").first()


def test_research_basis__value_and_label():
    assert Basis.RESEARCH.value == "research"
    with translation.override("en"):
        assert str(Basis.RESEARCH.label) == (
            "Secondary use: statistics and research (Act 552/2019)")


def test_research_export__logged_with_research_basis(client, lead, alice, municipality):
    make_plans(alice, [(1, 3)] * 5, municipality=municipality)
    entry = _research_export(client, lead)
    assert entry.basis == Basis.RESEARCH
    assert entry.category == Category.PLAN and entry.action == LogAction.EXPORT
    assert entry.person_id is None and entry.role == "team_lead"
    assert "purpose: Study A" in entry.detail


def test_research_basis__old_records_still_verify(client, lead, alice, client_person, case):
    # records written before the basis existed: a DPO task and an export without a basis
    log.record(alice, person_id=client_person.pk, category=Category.BASIC_DATA,
               action=LogAction.VIEW, basis=Basis.CASE, outcome=Outcome.ALLOWED)
    log.record(lead, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
               basis=Basis.NONE, outcome=Outcome.ALLOWED, detail="AVAIN research file (old)")
    log.record(lead, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
               basis=Basis.DPO_TASK, outcome=Outcome.ALLOWED, detail="AVAIN research file (old)")
    _research_export(client, lead)
    assert list(AccessLogEntry.objects.order_by("seq").values_list("basis", flat=True))[-4:] \
        == [Basis.CASE, Basis.NONE, Basis.DPO_TASK, Basis.RESEARCH]
    assert list(log.verify()) == []
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "intact" in out.getvalue()


def test_unnamed_records__show_the_research_export(client, lead, charlie, alice, municipality):
    make_plans(alice, [(1, 3)] * 5, municipality=municipality)
    _research_export(client, lead)
    client.force_login(charlie)
    response = _unnamed(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = response.context["unnamed_rows"]
    with translation.override("fi"):
        assert [row.basis for row in rows] == [str(Basis.RESEARCH.label)]
    assert rows[0].who == "Leena Lahti (lead)" and "purpose: Study A" in rows[0].detail
    html = response.content.decode()
    assert "purpose: Study A" in html
    # viewing them is itself logged, naming no person
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert (entry.username, entry.category, entry.action, entry.basis, entry.person_id) == (
        "charlie", Category.ACCESS_LOG, LogAction.VIEW, Basis.DPO_TASK, None)
    assert "naming no person" in entry.detail


def test_unnamed_records__filter_by_basis(client, lead, charlie, alice, client_person, case,
                                          municipality):
    make_plans(alice, [(1, 3)] * 5, municipality=municipality)
    _research_export(client, lead, purpose="Study A")
    log.record(lead, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
               basis=Basis.NONE, outcome=Outcome.ALLOWED, detail="older export")
    log.record(alice, person_id=client_person.pk, category=Category.BASIC_DATA,
               action=LogAction.VIEW, basis=Basis.CASE, outcome=Outcome.ALLOWED)
    client.force_login(charlie)
    everything = _unnamed(client).context["unnamed_rows"]
    assert {row.detail[:13] for row in everything} == {"older export", "AVAIN researc"}
    only = _unnamed(client, **{"unnamed-basis": Basis.RESEARCH}).context["unnamed_rows"]
    assert len(only) == 1 and only[0].detail.startswith("AVAIN research file")
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.detail.endswith("; basis research")


def test_unnamed_records__bad_input_names_the_field_and_logs_nothing(client, charlie):
    client.force_login(charlie)
    before = AccessLogEntry.objects.count()
    today = timezone.localdate()
    response = client.post(URL, {
        "report": "unnamed", "unnamed-start": str(today), "unnamed-end": str(today - timedelta(1)),
        "unnamed-basis": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["unnamed_form"].errors
    assert set(errors) == {"end", "basis"}
    assert "unnamed_rows" not in response.context
    assert AccessLogEntry.objects.count() == before
    # the person's report form is untouched (no errors shown for it)
    assert not response.context["form"].is_bound


def test_unnamed_records__only_for_the_dpo(client, lead, alice):
    for user in (lead, alice):
        client.force_login(user)
        assert _unnamed(client).status_code == 403


def test_unnamed_records__query_count_does_not_grow(client, lead, charlie,
                                                    django_assert_max_num_queries):
    def add(n):
        for index in range(n):
            log.record(lead, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
                       basis=Basis.RESEARCH, outcome=Outcome.ALLOWED, detail=f"export {index}")

    research = {"unnamed-basis": Basis.RESEARCH}  # leaves out the page's own view records
    client.force_login(charlie)
    _unnamed(client, **research)  # warm: session, user and the first log write
    add(2)
    # session, user, the records, the actor's team, the log write (savepoint, chain lock on
    # PostgreSQL, last record, insert, release) and, at times, the session's idle-time update
    with django_assert_max_num_queries(12):
        assert len(_unnamed(client, **research).context["unnamed_rows"]) == 2
    add(20)
    with django_assert_max_num_queries(12):
        assert len(_unnamed(client, **research).context["unnamed_rows"]) == 22


def test_person_report__filter_by_basis(client, charlie, alice, bob, client_person, case):
    client.force_login(alice)
    assert client.get(f"/persons/{client_person.pk}/").status_code == 200
    client.force_login(bob)
    assert client.get(f"/persons/{client_person.pk}/").status_code == 404
    assert_refused(bob, client_person)
    client.force_login(charlie)
    data = {"hetu": client_person.hetu, "format": "page", **_period()}
    rows = client.post(URL, data).context["rows"]
    assert {row.who for row in rows} == {"Alice Aalto (alice)", "Bob Berg (bob)"}
    response = client.post(URL, {**data, "basis": Basis.NONE})
    assert [row.who for row in response.context["rows"]] == ["Bob Berg (bob)"]
    assert str(Basis.NONE.label) in response.content.decode()
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.person_id == client_person.pk and entry.detail.endswith("; basis none")
    csv_text = client.post(URL, {**data, "basis": Basis.CASE, "format": "csv"}) \
        .content.decode("utf-8-sig")
    assert "Alice Aalto (alice)" in csv_text and "Bob Berg" not in csv_text


def test_person_report__unknown_basis_refused(client, charlie, client_person):
    client.force_login(charlie)
    response = client.post(URL, {"hetu": client_person.hetu, "format": "page",
                                 "basis": "nonsense", **_period()})
    assert "basis" in response.context["form"].errors
    assert "rows" not in response.context
