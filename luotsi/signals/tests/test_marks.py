"""Intervention marks on a shared client's page, and the signals as data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.plans.models import Plan
from luotsi.plans.services import plan_open
from luotsi.sharedcare.models import SharedClient
from luotsi.sharedcare.tests import factories as sc
from luotsi.signals import selectors
from luotsi.signals.detection import History, marks
from luotsi.signals.models import SignalDefinition
from luotsi.signals.tests.helpers import closed_advice_contact, events
from luotsi.usage.models import Flag

pytestmark = pytest.mark.django_db

FLAG = date(2025, 6, 24)  # Midsummer Eve


def _definitions():
    return list(SignalDefinition.objects.filter(active=True))


def _flag(person, on: date = FLAG) -> Flag:
    return Flag.objects.create(person=person, rule=sc.rule(), as_of=on, first_flagged_on=on)


def test_seeded_signals__the_four_of_the_issue_and_one_more_as_data():
    codes = {d.code for d in _definitions()}
    assert {"two_sectors_month", "repeated_emergency", "intake_advice_only",
            "employment_ended_without_plan", "first_mental_health_substance"} <= codes
    for definition in _definitions():
        definition.full_clean()
        assert definition.name_fi and definition.name_sv and definition.name_en


@pytest.mark.parametrize(("kind", "parameters", "message"), [
    ("sectors_in_month", {"sectors": 5}, "from 2 to 4"),
    ("sectors_in_month", {"sectors": "2"}, "whole number"),
    ("repeated_events", {"event_kind": "teleport", "count": 2, "window_days": 365}, "one of"),
    ("first_in_sector", {"sector": "health", "extra": 1}, "Unknown parameters: extra"),
    ("period_ended_without_plan", [], "object"),
])
def test_definition__impossible_parameters_refused_naming_the_field(kind, parameters, message):
    definition = SignalDefinition(code="x", kind=kind, parameters=parameters, name_fi="X")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        definition.full_clean()
    assert message in " ".join(refused.value.message_dict["parameters"])


def test_detection__each_signal_before_the_flag_and_nothing_after_it():
    by_code = {d.code: d for d in _definitions()}
    history = History(flag_date=FLAG, days=[
        (date(2023, 1, 31), "social", "visit", 1),           # month end
        (date(2023, 2, 1), "health", "doctor_visit", 1),     # a new month: not two in one
        (date(2023, 3, 5), "employment", "contact", 1),
        (date(2023, 3, 20), "health", "doctor_visit", 1),    # March: employment + health
        (date(2023, 4, 10), "employment", "contact", 1),     # then nothing in employment
        (date(2024, 12, 24), "health", "emergency_visit", 1),  # Christmas Eve
        (date(2025, 1, 2), "health", "emergency_visit", 1),  # second within 365 days
        (FLAG, "mental_health_substance", "visit", 1),       # on the flag day: not before it
    ], intake=[(date(2022, 12, 30), "advice"), (date(2025, 7, 1), "advice")])
    found = {mark.definition.code: mark for mark in marks(history, list(by_code.values()))}
    assert found["two_sectors_month"].on == date(2023, 3, 20)
    assert found["two_sectors_month"].detail["sectors"] == ["employment", "health"]
    assert found["repeated_emergency"].on == date(2025, 1, 2)
    assert found["repeated_emergency"].lead_days == (FLAG - date(2025, 1, 2)).days
    assert found["intake_advice_only"].on == date(2022, 12, 30)
    assert found["intake_advice_only"].occurrences == 1
    assert found["employment_ended_without_plan"].on == date(2023, 4, 10)
    assert "first_mental_health_substance" not in found


def test_detection__a_plan_before_the_period_ended_is_no_signal():
    definition = SignalDefinition.objects.get(code="employment_ended_without_plan")
    days = [(date(2024, 1, 10), "employment", "contact", 1)]
    assert marks(History(flag_date=FLAG, days=days, plan_from=date(2024, 1, 1)), [definition]) == []
    assert marks(History(flag_date=FLAG, days=days, plan_from=date(2024, 2, 1)), [definition])
    # the period had not yet ended (90 days) by the flag
    assert marks(History(flag_date=date(2024, 3, 1), days=days), [definition]) == []


def test_shared_client_page__shows_each_mark_with_how_long_before_the_flag(
        client, alice, case, client_person, team, municipality):
    events(client_person, [(date(2024, 3, 4), "social", "decision"),
                           (date(2024, 3, 18), "health", "emergency_visit"),
                           (date(2024, 9, 1), "health", "emergency_visit")])
    closed_advice_contact(client_person, closed_on=date(2023, 11, 30), team=team,
                          municipality=municipality, user=alice)
    _flag(client_person)
    client.force_login(alice)
    response = client.get(f"/shared-clients/persons/{client_person.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Interventiokohdat" in body or "Intervention points" in body
    assert SignalDefinition.objects.get(code="intake_advice_only").label() in body
    assert SignalDefinition.objects.get(code="two_sectors_month").label() in body
    lead = (FLAG - date(2024, 9, 1)).days
    assert f"({lead} " in body  # the repeated emergency visits: days before the flag
    assert AccessLogEntry.objects.filter(person_id=client_person.pk,
                                         action=LogAction.VIEW).exists()


def test_shared_client_page__no_access_is_not_found(client, bob, client_person):
    _flag(client_person)
    client.force_login(bob)
    assert client.get(f"/shared-clients/persons/{client_person.pk}/").status_code == 404


def test_shared_client_page__the_marks_cost_the_same_whatever_the_history(
        client, alice, case, client_person, django_assert_num_queries):
    _flag(client_person)
    events(client_person, [(date(2024, 1, 1) + timedelta(days=i), "health", "emergency_visit")
                           for i in range(3)])
    client.force_login(alice)
    client.get(f"/shared-clients/persons/{client_person.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/shared-clients/persons/{client_person.pk}/")
    events(client_person, [(date(2022, 1, 1) + timedelta(days=i), sector, "visit")
                           for i in range(300) for sector in ("social", "employment")])
    Plan.objects.filter(person=client_person).delete()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/shared-clients/persons/{client_person.pk}/")


def test_person_history__one_statement_the_same_as_the_histories_of_many(
        alice, case, client_person, team, municipality, django_assert_num_queries):
    events(client_person, [
        (date(2020, 5, 31), "health", "emergency_visit"),      # before the five years
        (date(2020, 6, 1), "social", "decision"),              # their first day
        (date(2023, 3, 20), "health", "emergency_visit"),
        (date(2023, 3, 20), "health", "emergency_visit"),      # two on one day
        (date(2023, 3, 20), "employment", "contact"),
        (date(2024, 12, 24), "health", "doctor_visit"),
        (FLAG - timedelta(days=1), "social", "visit"),
        (FLAG, "health", "emergency_visit"),                   # on the flag day: not read
        (date(2025, 7, 1), "social", "visit"),
    ])
    closed_advice_contact(client_person, closed_on=date(2023, 11, 30), team=team,
                          municipality=municipality, user=alice)
    closed_advice_contact(client_person, closed_on=date(2021, 2, 1), team=team,
                          municipality=municipality, user=alice)
    plan_open(actor=alice, person_id=client_person.pk)
    # made at 00:30 in Helsinki, still the day before in UTC: the plan is from the local day
    Plan.objects.filter(person=client_person).update(
        created_at=datetime(2024, 5, 31, 21, 30, tzinfo=UTC))
    kinds = ["doctor_visit", "emergency_visit"]
    with django_assert_num_queries(1):
        one = selectors.person_history(client_person.pk, FLAG, kinds)
    many = selectors.histories({client_person.pk: FLAG}, kinds)[client_person.pk]
    assert one.days == many.days
    assert (date(2023, 3, 20), "health", "emergency_visit", 2) in one.days
    assert {row[0] for row in one.days} == {date(2020, 6, 1), date(2023, 3, 20),
                                            date(2024, 12, 24), FLAG - timedelta(days=1)}
    assert sorted(one.intake) == sorted(many.intake) == [(date(2021, 2, 1), "advice"),
                                                         (date(2023, 11, 30), "advice")]
    assert one.plan_from == many.plan_from == date(2024, 6, 1)
    without_kinds = selectors.person_history(client_person.pk, FLAG)
    assert without_kinds.days == selectors.histories({client_person.pk: FLAG})[
        client_person.pk].days == [row for row in one.days if row[2] == ""]


def test_shared_client_page__looks_back_from_the_first_flag_of_every_rule_and_coordination(
        client, alice, case, client_person):
    _flag(client_person)
    inactive = sc.rule(code="retired", active=False)
    Flag.objects.create(person=client_person, rule=inactive, as_of=FLAG,
                        first_flagged_on=date(2025, 1, 10))
    client.force_login(alice)
    url = f"/shared-clients/persons/{client_person.pk}/"

    def looked_back_from():
        sections = client.get(url).context["sections"]
        return next(s for s in sections if s.key == "intervention_points").context["flag_date"]

    assert looked_back_from() == date(2025, 1, 10) == selectors.flag_dates(
        [client_person.pk])[client_person.pk]
    SharedClient.objects.create(
        person=client_person, status=SharedClient.Status.CONFIRMED,
        coordination_started_on=date(2024, 11, 1), coordinator=alice, decided_by=alice,
        decided_at=datetime(2025, 3, 1, 10, tzinfo=UTC))
    assert looked_back_from() == date(2024, 11, 1) == selectors.flag_dates(
        [client_person.pk])[client_person.pk]
    SharedClient.objects.filter(person=client_person).update(status=SharedClient.Status.DECLINED)
    assert looked_back_from() == date(2025, 1, 10)
    Flag.objects.filter(person=client_person).delete()
    assert looked_back_from() is None
    assert selectors.flag_dates([client_person.pk]) == {}
