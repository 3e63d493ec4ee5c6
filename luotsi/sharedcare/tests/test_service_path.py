"""The service path and the why of a shared client, counted in the database: by sector and
month (one statement whatever the number of events), on the months' edges and awkward days."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luotsi.people.tests.factories import PersonFactory
from luotsi.sharedcare import selectors
from luotsi.sharedcare.tests import factories
from luotsi.usage.models import Flag, Measure, ServiceEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


def _events(person, rows):
    ServiceEvent.objects.bulk_create(
        ServiceEvent(person=person, sector=sector, service_code=f"S{i}", organisation="Porvoo",
                     event_date=day, kind=kind)
        for i, (sector, kind, day) in enumerate(rows))


def _lane(path, sector):
    return next(lane for lane in path.lanes if lane.sector == sector)


def _count(lane, month: date) -> tuple[int, int]:
    cell = next(m for m in lane.months if m["month"] == month)
    return cell["count"], cell["emergency"]


def test_service_path__counts_by_sector_and_month_on_the_months_edges(alice, client_person):
    other = PersonFactory()
    _events(client_person, [
        ("health", "emergency_visit", date(2026, 11, 30)),   # last day of a month
        ("health", "doctor_visit", date(2026, 12, 1)),       # first day of the next
        ("health", "emergency_visit", date(2026, 12, 31)),   # later this month: counted
        ("health", "visit", date(2027, 1, 1)),               # a month after today: not shown
        ("social", "decision", date(2024, 1, 1)),            # the path's first day
        ("social", "decision", date(2023, 12, 31)),          # the day before: not shown
        ("employment", "contact", date(2024, 2, 29)),        # a leap day
        ("employment", "contact", date(2024, 2, 1)),
    ])
    _events(other, [("health", "visit", date(2026, 12, 2))])  # someone else's
    path = selectors.service_path(client_person.pk, TODAY)
    assert (path.start, path.months[0], path.months[-1], len(path.months)) == (
        date(2024, 1, 1), date(2024, 1, 1), date(2026, 12, 1), 36)
    health = _lane(path, "health")
    assert _count(health, date(2026, 11, 1)) == (1, 1)
    assert _count(health, date(2026, 12, 1)) == (2, 1)
    assert (health.total, health.emergency) == (3, 2)
    social = _lane(path, "social")
    assert (_count(social, date(2024, 1, 1)), social.total) == ((1, 0), 1)
    employment = _lane(path, "employment")
    assert _count(employment, date(2024, 2, 1)) == (2, 0)
    assert path.max_count == 2 and _lane(path, "mental_health_substance").total == 0


def test_service_path__one_statement_whatever_the_number_of_events(alice, client_person):
    days = [TODAY - timedelta(days=n) for n in range(0, 1000, 3)]
    for count in (3, len(days)):
        ServiceEvent.objects.filter(person=client_person).delete()
        _events(client_person, [("social", "visit", day) for day in days[:count]])
        with CaptureQueriesContext(connection) as queries:
            path = selectors.service_path(client_person.pk, TODAY)
        assert len(queries) == 1
        assert _lane(path, "social").total == count


@pytest.mark.parametrize("today", [date(2028, 2, 29), date(2027, 1, 31), date(2026, 12, 31),
                                   date(2027, 6, 19), date(2027, 3, 28)])
def test_service_path__awkward_days_give_three_years_of_whole_months(client_person, today):
    """A leap day, month ends, New Year's Eve, Midsummer Eve and a DST night's date."""
    _events(client_person, [("health", "visit", today), ("health", "visit", today.replace(day=1))])
    path = selectors.service_path(client_person.pk, today)
    assert len(path.months) == 36 and path.months[-1] == today.replace(day=1)
    assert _lane(path, "health").total == 2


def test_person_page__opens_on_a_leap_day(client, alice, flagged):
    with time_machine.travel("2028-02-29 12:00 +02:00", tick=False):
        client.force_login(alice)
        Flag.objects.filter(person=flagged).update(as_of=date(2028, 2, 29))
        assert client.get(f"/shared-clients/persons/{flagged.pk}/").status_code == 200


def test_reasons__every_measure_counted_in_its_own_window(alice, client_person):
    _events(client_person, [
        ("social", "decision", TODAY - timedelta(days=10)),
        ("health", "emergency_visit", TODAY - timedelta(days=40)),
        ("health", "emergency_visit", TODAY - timedelta(days=364)),   # window's first day
        ("health", "emergency_visit", TODAY - timedelta(days=365)),   # outside a 365-day one
        ("mental_health_substance", "visit", TODAY - timedelta(days=500)),
        ("employment", "contact", TODAY + timedelta(days=1)),         # after the flag's date
    ])
    rules = [
        factories.rule(),
        factories.rule(code="emergency", measure=Measure.EVENTS_OF_KIND, threshold=2,
                       event_kind="emergency_visit"),
        factories.rule(code="health", measure=Measure.EVENTS_IN_SECTOR, threshold=2,
                       sector="health", window_days=730),
        factories.rule(code="total", measure=Measure.EVENTS_TOTAL, threshold=2,
                       window_days=730),
    ]
    flags = [factories.flag(client_person, on=TODAY, the_rule=rule) for rule in rules]
    with CaptureQueriesContext(connection) as queries:
        found = {reason.rule.code: reason for reason in selectors.reasons(flags)}
    assert len(queries) == 1
    assert found["multi_sector"].value == 2
    assert [n for _label, n in found["multi_sector"].breakdown] == [2, 1]
    assert found["multi_sector"].window_from == TODAY - timedelta(days=364)
    assert found["emergency"].value == 2
    assert found["health"].value == 3
    assert found["total"].value == 5
    assert selectors.reasons([]) == []


def test_candidate_reasons__one_statement_for_every_candidate(alice, client_person):
    other = PersonFactory()
    _events(client_person, [("social", "visit", TODAY), ("health", "visit", TODAY)])
    _events(other, [("social", "visit", TODAY)])
    for person in (client_person, other):
        factories.flag(person, on=TODAY)
        person.flags = list(person.usage_flags.select_related("rule"))
    with CaptureQueriesContext(connection) as queries:
        why = selectors.candidate_reasons([client_person, other])
    assert len(queries) == 1
    assert (why[client_person.pk][0].value, why[other.pk][0].value) == (2, 1)
