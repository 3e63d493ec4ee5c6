"""The pilot's own measure on the demo county, checked by hand: the county is seeded with a fixed
seed on a fixed day, the key-figure page is asked (HTTP) for the pilot's own dates, 1.1.–29.5.,
which are not whole months, and its figures are compared with counts made here by a plain SQL
query over the contacts, and with the figures written in docs/key-figures.md."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake.models import AdviceRecord
from luotsi.organisation.models import Team, User

pytestmark = pytest.mark.django_db

DEMO_COUNTY = {"persons": 1000, "seed": 4}
# Monday 15 June 2026, 9:00 in Helsinki: the day the county is seeded and the page asked.
TODAY = dt.datetime(2026, 6, 15, 9, 0, tzinfo=HELSINKI)
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 5, 29)
EARLIER = (dt.date(2025, 1, 1), dt.date(2025, 5, 29))

# The figures of docs/key-figures.md ("On the demo county"): (contacts, led to a service-need
# assessment) on the dates and on the same dates a year earlier, and the advice and
# consultations received on the dates by kind.
DOCUMENTED = {"now": (109, 38), "before": (95, 41),
              "advice": {"advice": 107, "professional_consultation": 47}}


@pytest.fixture(scope="module", autouse=True)
def fixed_day():
    """The clock stands still on ``TODAY`` for the whole module, the seed included (the demo
    county depends on the day it is seeded)."""
    with time_machine.travel(TODAY, tick=False):
        yield


def _by_hand(first: dt.date, last: dt.date) -> tuple[int, int]:
    """Contacts opened on the dates, and those of them that went on to a service-need
    assessment (the contact links to one), by a plain query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(assessment_id) FROM intake_contact "
                       "WHERE opened_on >= %s AND opened_on <= %s", [first, last])
        contacts, assessed = cursor.fetchone()
    return contacts, assessed


def _advice_by_hand(first: dt.date, last: dt.date) -> dict[str, int]:
    counts = {"advice": 0, "professional_consultation": 0}
    for kind, received_at in AdviceRecord.objects.values_list("kind", "received_at"):
        if first <= timezone.localtime(received_at, HELSINKI).date() <= last:
            counts[kind] += 1
    return counts


def test_pilot_measure_on_the_demo_county_matches_the_hand_count(demo_county, client):
    now, before = _by_hand(FIRST, LAST), _by_hand(*EARLIER)
    advice = _advice_by_hand(FIRST, LAST)
    assert {"now": now, "before": before, "advice": advice} == DOCUMENTED

    client.force_login(User.objects.get(username="lead"))
    query = {"measure_from": FIRST.isoformat(), "measure_to": LAST.isoformat()}
    page = client.get(reverse("reports_kpis"), query)
    assert page.status_code == 200
    table = next(t for t in page.context["tables"] if t.slug == "measure")
    share_now, share_before = 100 * now[1] / now[0], 100 * before[1] / before[0]
    assert table.rows[0][1:] == ["2026-01-01", "2026-05-29", *now, pytest.approx(share_now)]
    assert table.rows[1][1:] == ["2025-01-01", "2025-05-29", *before,
                                 pytest.approx(share_before)]
    assert table.total[5] == pytest.approx(share_now - share_before)
    advice_table = next(t for t in page.context["tables"] if t.slug == "advice")
    by_kind = {row[1]: row[2] for row in advice_table.rows[:2]}
    assert sorted(by_kind.values()) == sorted(advice.values())

    # The CSV (Finnish: semicolons, decimal commas) gives the same counts and shares.
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("reports_kpi_csv", args=["measure"]), query).content.decode()), delimiter=";"))
    assert rows[1][3:] == ["109", "38", "34,9"]
    assert rows[2][3:] == ["95", "41", "43,2"]
    assert rows[3][5] == "-8,3"

    # Every demo contact was routed by the central intake team: filtering by it counts them
    # all, filtering by a regional team none.
    intake = Team.objects.get(code="family-intake")
    east = Team.objects.get(code="assessment-east")
    for team, expected in ((intake, now), (east, (0, 0))):
        page = client.get(reverse("reports_kpis"), {**query, "team": team.pk})
        assert page.status_code == 200, page.context["form"].errors
        table = next(t for t in page.context["tables"] if t.slug == "measure")
        assert table.rows[0][3:5] == list(expected)
