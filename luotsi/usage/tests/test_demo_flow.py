"""The demo flow of service usage: four years of events in all sectors, about 3 % of working-age
residents flagged, deterministic."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Max, Min

from luotsi.demo import seeding
from luotsi.demo.flows import usage as flow
from luotsi.people.models import Person
from luotsi.usage.models import Flag, IdentificationRun, ServiceEvent

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def _working_age(today: date) -> set[int]:
    return {pk for pk, born in Person.objects.values_list("pk", "birth_date")
            if born and 18 <= flow._age(born, today) <= 64}


def test_demo_flow__events_in_all_sectors_over_years_and_about_three_percent_flagged(
        default_rules):
    seeding.seed_organisation()
    seeding.seed_population(3000, 7, TODAY)
    assert not flow.done()
    written = flow.seed(7, TODAY, lambda n: None)
    assert written == ServiceEvent.objects.count() > 0
    assert flow.done()
    assert set(ServiceEvent.objects.values_list("sector", flat=True).distinct()) == {
        "social", "health", "mental_health_substance", "employment"}
    span = ServiceEvent.objects.aggregate(first=Min("event_date"), last=Max("event_date"))
    assert span["last"] <= TODAY and (TODAY - span["first"]).days > 3 * 365
    run = IdentificationRun.objects.get()
    assert run.as_of == TODAY
    working_age = _working_age(TODAY)
    flagged = set(Flag.objects.values_list("person_id", flat=True))
    share = len(flagged & working_age) / len(working_age)
    assert 0.015 < share < 0.05
    assert set(Flag.objects.values_list("rule__code", flat=True)) >= {"multi_sector",
                                                                      "frequent_doctor_visits"}

    # deterministic: the same seed and day give the same events
    first = sorted(ServiceEvent.objects.values_list("person_id", "sector", "event_date", "kind"))
    ServiceEvent.objects.all().delete()
    Flag.objects.all().delete()
    IdentificationRun.objects.all().delete()
    flow.seed(7, TODAY, lambda n: None)
    again = sorted(ServiceEvent.objects.values_list("person_id", "sector", "event_date", "kind"))
    assert again == first
