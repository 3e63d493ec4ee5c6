"""The pilot's own measure (seed 004; issue 11, item 7), hand-computed for dates that are not
whole months (docs/key-figures.md): the share of contacts that led to a service-need
assessment, every named contact counted whether or not it had an initial assessment, compared
with the same dates a year earlier, filtered by the team that made the routing decision; advice
and consultation volumes beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import advice, services
from luotsi.intake.tests.factories import build_world, contact_input
from luotsi.reports import selectors
from luotsi.reports.selectors import KpiFilters

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)


def _contact(world, day: dt.date, outcome: str | None):
    received = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HELSINKI)
    contact = services.contact_register(actor=world.iris, data=contact_input(
        received_at=received))
    if outcome is not None:
        services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
        services.initial_assessment_record(actor=world.iris, contact=contact, outcome=outcome,
                                           reason="Arvioitu.", informed_on=day)
    return contact


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    # 5.–22.1.2026: three contacts, one routed to a service-need assessment.
    _contact(world, dt.date(2026, 1, 7), "service_need_assessment")
    _contact(world, dt.date(2026, 1, 12), "no_action")
    _contact(world, dt.date(2026, 1, 20), None)  # no initial assessment yet: still counted
    _contact(world, dt.date(2026, 1, 26), "service_need_assessment")  # after the range
    # 5.–22.1.2025: two contacts, one routed.
    _contact(world, dt.date(2025, 1, 8), "service_need_assessment")
    _contact(world, dt.date(2025, 1, 15), None)
    advice.advice_record(actor=world.iris, data=advice.AdviceInput(
        kind="advice", topic="parenting", channel="phone", asker_group="parent",
        received_at=dt.datetime(2026, 1, 10, 12, 0, tzinfo=HELSINKI), duration_minutes=10,
        outcome="advice_given"))
    return world


FIRST, LAST = dt.date(2026, 1, 5), dt.date(2026, 1, 22)


def test_measure__hand_computed_for_dates_that_are_not_whole_months(world,
                                                                   django_assert_num_queries):
    filters = KpiFilters(end=dt.date(2026, 1, 1), months=3)
    with django_assert_num_queries(1):
        now, before = selectors.pilot_measure(filters, FIRST, LAST)
    assert (now.contacts, now.assessed, round(now.share, 1)) == (3, 1, 33.3)
    assert (before.first, before.last) == (dt.date(2025, 1, 5), dt.date(2025, 1, 22))
    assert (before.contacts, before.assessed, before.share) == (2, 1, 50.0)
    with django_assert_num_queries(1):
        volumes = selectors.advice_volumes(filters, FIRST, LAST)
    assert ("kind", "advice", 1, 0) in volumes and ("asker_group", "parent", 1, 0) in volumes


def test_measure__team_filter_is_the_team_that_made_the_routing_decision(world):
    by_intake = KpiFilters(end=dt.date(2026, 1, 1), team_id=world.intake.pk)
    by_east = KpiFilters(end=dt.date(2026, 1, 1), team_id=world.east.pk)
    assert selectors.pilot_measure(by_intake, FIRST, LAST)[0].contacts == 3
    # The routed contact is held by the regional team now, but the intake team decided.
    assert selectors.pilot_measure(by_east, FIRST, LAST)[0].contacts == 0


def test_measure__on_the_page_and_in_the_csv_with_its_definition(client, world):
    client.force_login(world.ilona)
    query = {"measure_from": "2026-01-05", "measure_to": "2026-01-22"}
    page = client.get(reverse("reports_kpis"), query)
    table = next(t for t in page.context["tables"] if t.slug == "measure")
    assert table.rows[0][3:] == [3, 1, pytest.approx(100 / 3)]
    assert table.rows[1][3:] == [2, 1, 50.0]
    assert len(table.notes) == 1
    csv = client.get(reverse("reports_kpi_csv", args=["measure"]), query).content.decode()
    assert "2026-01-05" in csv and "2025-01-22" in csv
    assert len(csv.strip().splitlines()) == 5  # header, two ranges, change, definition


def test_measure__last_day_before_first_refused(client, world):
    client.force_login(world.ilona)
    page = client.get(reverse("reports_kpis"), {"measure_from": "2026-01-22",
                                                "measure_to": "2026-01-05"})
    assert page.status_code == 400 and "measure_to" in page.context["form"].errors
