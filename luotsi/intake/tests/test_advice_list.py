"""The central intake team's list of advice and consultations: the page (filters by kind,
topic, outcome and the days received; paging; a pinned query count) and the API's read
operations (list and one record, only for the intake team); the link to record advice shown
only to those who may record it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from luotsi.access.models import AccessLogEntry, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake.models import AdviceRecord
from luotsi.intake.tests.factories import build_world
from luotsi.intake.views.advice import ADVICE_PAGE_SIZE

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _record(world, received: dt.datetime, *, team=None, **values) -> AdviceRecord:
    fields = {"kind": "advice", "topic": "parenting", "channel": "phone",
              "asker_group": "parent", "duration_minutes": 15, "outcome": "advice_given",
              "summary": "Vanhempi kysyi uhmaiästä."}
    fields.update(values)
    return AdviceRecord.objects.create(received_at=received, team=team or world.intake,
                                       recorded_by=world.iris, **fields)


@pytest.fixture
def records(world):
    """Five records of the intake team around the turn of January (Helsinki days) and one of
    another team."""
    return {
        # 31.1. 23:30 in Helsinki is 21:30 UTC: a day of its own in Helsinki.
        "late_january": _record(world, dt.datetime(2026, 1, 31, 23, 30, tzinfo=HELSINKI),
                                kind="professional_consultation", topic="notification_duty",
                                asker_group="professional_school",
                                outcome="notification_advised"),
        "february": _record(world, dt.datetime(2026, 2, 1, 0, 10, tzinfo=HELSINKI)),
        "mid_january": _record(world, dt.datetime(2026, 1, 15, 9, 0, tzinfo=HELSINKI),
                               topic="substance_use", outcome="referred"),
        "early_january": _record(world, dt.datetime(2026, 1, 2, 12, 0, tzinfo=HELSINKI),
                                 kind="professional_consultation",
                                 asker_group="professional_health"),
        "december": _record(world, dt.datetime(2025, 12, 31, 16, 0, tzinfo=HELSINKI)),
        "other_team": _record(world, dt.datetime(2026, 1, 20, 9, 0, tzinfo=HELSINKI),
                              team=world.east),
    }


def _listed(response) -> list[int]:
    return [record.pk for record in response.context["page"].object_list]


def test_advice_list__the_teams_records_newest_first(client, world, records):
    client.force_login(world.ilona)
    response = client.get("/intake/advice/")
    assert response.status_code == 200
    assert _listed(response) == [records[name].pk for name in (
        "february", "late_january", "mid_january", "early_january", "december")]
    body = response.content.decode()
    assert f'href="/intake/advice/{records["february"].pk}/"' in body
    assert f'/intake/advice/{records["other_team"].pk}/' not in body
    entry = AccessLogEntry.objects.filter(user_id=world.ilona.pk).order_by("-seq").first()
    assert (entry.person_id, entry.category, entry.action, entry.outcome) == (
        None, Category.INTAKE, LogAction.VIEW, Outcome.ALLOWED)
    assert entry.detail.startswith("advice list ")


@pytest.mark.parametrize(("query", "expected"), [
    ({"kind": "professional_consultation"}, ["late_january", "early_january"]),
    ({"topic": "substance_use"}, ["mid_january"]),
    ({"outcome": "notification_advised"}, ["late_january"]),
    # The received days are Helsinki days, both ends included.
    ({"received_from": "2026-01-02", "received_to": "2026-01-31"},
     ["late_january", "mid_january", "early_january"]),
    ({"received_from": "2026-02-01"}, ["february"]),
    ({"received_to": "2025-12-31"}, ["december"]),
    ({"kind": "advice", "received_from": "2026-01-01", "received_to": "2026-01-31"},
     ["mid_january"]),
])
def test_advice_list__filters(client, world, records, query, expected):
    client.force_login(world.iris)
    response = client.get("/intake/advice/", query)
    assert response.status_code == 200
    assert _listed(response) == [records[name].pk for name in expected]


def test_advice_list__bad_filters_named_and_left_out(client, world, records):
    client.force_login(world.iris)
    response = client.get("/intake/advice/", {"received_from": "2026-01-31",
                                              "received_to": "2026-01-02", "kind": "advice"},
                          HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 200
    assert "received_to" in response.context["filters_form"].errors
    # The refused last day is left out; the first day and the kind still apply.
    assert _listed(response) == [records["february"].pk]
    response = client.get("/intake/advice/", {"topic": "nonsense", "received_from": "0001-01-01",
                                              "page": str(2**63 + 1)})
    assert response.status_code == 200
    assert {"topic", "received_from"} <= set(response.context["filters_form"].errors)


def test_advice_list__pages_keep_the_filters(client, world):
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=HELSINKI)
    AdviceRecord.objects.bulk_create([AdviceRecord(
        kind="advice", topic="parenting", channel="phone", asker_group="parent",
        duration_minutes=10, outcome="advice_given", team=world.intake, recorded_by=world.iris,
        received_at=start + dt.timedelta(minutes=n)) for n in range(ADVICE_PAGE_SIZE + 3)])
    client.force_login(world.iris)
    first = client.get("/intake/advice/", {"kind": "advice"})
    assert len(_listed(first)) == ADVICE_PAGE_SIZE
    assert first.context["page"].paginator.count == ADVICE_PAGE_SIZE + 3
    assert 'href="?kind=advice&amp;page=2"' in first.content.decode()
    second = client.get("/intake/advice/", {"kind": "advice", "page": "2"})
    assert len(_listed(second)) == 3


# The page's queries: the session and the user, the user's teams, the count, the page's rows
# (team and recorder joined), the access log's head and its new entry in a transaction of its
# own (PostgreSQL locks the log's head first).
ADVICE_LIST_QUERIES = {"postgresql": 10, "sqlite": 9}


def test_advice_list__query_count_pinned(client, world, django_assert_num_queries):
    from django.db import connection

    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=HELSINKI)
    client.force_login(world.iris)
    counts = []
    for size in (3, 40):
        AdviceRecord.objects.all().delete()
        AdviceRecord.objects.bulk_create([AdviceRecord(
            kind="advice", topic="parenting", channel="phone", asker_group="parent",
            duration_minutes=10, outcome="advice_given", team=world.intake,
            recorded_by=world.iris if n % 2 else world.ilona,
            received_at=start + dt.timedelta(minutes=n)) for n in range(size)])
        with django_assert_num_queries(ADVICE_LIST_QUERIES[connection.vendor]) as captured:
            response = client.get("/intake/advice/", {"received_from": "2026-01-01"})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_advice_list__only_the_intake_team(client, world, records):
    client.force_login(world.alice)
    assert client.get("/intake/advice/").status_code == 403


def test_queue__record_advice_link_only_for_those_who_may_record_it(client, world):
    client.force_login(world.iris)
    body = client.get("/intake/queue/").content.decode()
    assert 'href="/intake/advice/new/"' in body and 'href="/intake/advice/"' in body
    client.force_login(world.alice)
    body = client.get("/intake/queue/").content.decode()
    assert "/intake/advice/" not in body
    assert client.get("/intake/advice/new/").status_code == 403


# --- API --------------------------------------------------------------------------------------

def _get(client, user, path: str, params: dict | None = None, language: str = "fi"):
    token = ApiToken.issue(user)[1]
    return client.get(f"/api/v1{path}", params or {},
                      headers={"Authorization": f"Bearer {token}", "Accept-Language": language})


def test_advice_api__list_filtered_and_paged(client, world, records):
    response = _get(client, world.iris, "/advice", {"received_from": "2026-01-02",
                                                    "received_to": "2026-01-31",
                                                    "limit": 2, "offset": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [item["id"] for item in body["items"]] == [records["mid_january"].pk,
                                                      records["early_january"].pk]
    assert body["items"][0]["topic"] == "substance_use"
    assert body["items"][0]["team"]["code"] == "family-intake"
    assert "persons" not in body["items"][0]
    response = _get(client, world.iris, "/advice", {"kind": "professional_consultation",
                                                    "outcome": "notification_advised"})
    assert [item["id"] for item in response.json()["items"]] == [records["late_january"].pk]


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "child_welfare_notification"}, "kind"),
    ({"topic": "nonsense"}, "topic"),
    ({"outcome": "closed"}, "outcome"),
    ({"received_from": "2026-02-01", "received_to": "2026-01-01"}, "received_to"),
    ({"received_from": "0001-01-01"}, "received_from"),
    ({"limit": 201}, "limit"),
    ({"offset": 2**63 + 1}, "offset"),
])
def test_advice_api__bad_filters_refused_naming_the_field(client, world, params, field):
    response = _get(client, world.iris, "/advice", params)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["error"])


def test_advice_api__one_record_and_another_teams_not_found(client, world, records):
    record = records["late_january"]
    response = _get(client, world.ilona, f"/advice/{record.pk}")
    assert response.status_code == 200
    assert response.json()["kind"] == "professional_consultation"
    assert response.json()["received_at"] == "2026-01-31T21:30:00Z"
    other = records["other_team"]
    assert _get(client, world.iris, f"/advice/{other.pk}").status_code == 404
    assert_refused(world.iris, None, category=Category.INTAKE)


def test_advice_api__only_the_intake_team(client, world, records):
    assert _get(client, world.alice, "/advice").status_code == 403
    assert _get(client, world.alice, f"/advice/{records['other_team'].pk}").status_code == 403
