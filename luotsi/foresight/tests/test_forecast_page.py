"""The workload forecast page, its CSV, the API and ``manage.py forecast``: risk weeks from the
stored deadlines, the what-if panel moving them, the horizon bounded at 52 weeks, the query
count pinned and not growing with the data."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from luotsi.api.models import ApiToken
from luotsi.foresight.models import ArrivalForecast
from luotsi.foresight.tests.world import add_contacts, build_world
from luotsi.organisation.models import Municipality

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 12


@pytest.fixture
def world():
    return build_world()


def _risk(html: str, code: str, prefix: str = "") -> str:
    marker = f'id="{prefix}risk-weeks-{code}">'
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_forecast_page__risk_week_and_what_if_moves_it(client, world):
    client.force_login(world.lead)
    response = client.get("/foresight/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert _risk(html, "assessment-east") == "1"
    assert _risk(html, "assessment-west") == "none"
    assert "Too little history for a forecast" in html
    response = client.get("/foresight/", {"team": "assessment-east", "add_fte": "1",
                                          "add_role": "social_worker", "add_from": "1"})
    html = response.content.decode()
    assert _risk(html, "assessment-east") == "1"
    assert _risk(html, "assessment-east", "whatif-") == "none"
    # moving the west team's worker to the east team does the same, and leaves west empty
    response = client.get("/foresight/", {"team": "assessment-west", "move_fte": "1",
                                          "move_to": "assessment-east"})
    assert _risk(response.content.decode(), "assessment-east", "whatif-") == "none"


def test_forecast_page__query_count_pinned_and_not_growing(client, world,
                                                           django_assert_num_queries):
    client.force_login(world.lead)
    client.get("/foresight/")  # the week's arrivals forecasts are made on the first view
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get("/foresight/").status_code == 200
    porvoo = Municipality.objects.get(code="638")
    add_contacts(world.west, porvoo, world.lead, count=30, code="assessment_completion",
                 due_on=world.origin + timedelta(weeks=20))
    add_contacts(world.east, porvoo, world.lead, count=30, code="urgency_assessment",
                 due_on=world.origin - timedelta(days=10))
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get("/foresight/", {"team": "assessment-west", "weeks": "52",
                                              "add_fte": "0.5"})
    assert response.status_code == 200
    assert ArrivalForecast.objects.count() == 2


@pytest.mark.parametrize(("query", "field"), [
    ({"weeks": "53"}, "weeks"),
    ({"weeks": "-1"}, "weeks"),
    ({"effort_kind": "initial_assessment", "effort_hours": "0"}, "effort_hours"),
    ({"add_fte": "-2"}, "add_fte"),
    ({"add_fte": "1", "add_from": "13"}, "add_from"),
    ({"move_fte": "1"}, "move_to"),
    ({"weeks": "9223372036854775808"}, "weeks"),
], ids=["horizon-53", "horizon-negative", "zero-effort", "negative-staff", "week-beyond",
        "move-nowhere", "huge"])
def test_forecast_page__bad_input_refused_naming_the_field(client, world, query, field):
    client.force_login(world.lead)
    response = client.get("/foresight/", query)
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()


def test_forecast_page__only_team_leads(client, world):
    client.force_login(world.worker)
    assert client.get("/foresight/").status_code == 403
    assert client.get("/foresight/workload.csv").status_code == 403


def test_forecast_csv__rows_per_team_and_week(client, world):
    client.force_login(world.lead)
    response = client.get("/foresight/workload.csv", {"weeks": "4", "team": "assessment-east",
                                                      "add_fte": "1"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("# ")
    assert "What-if: at risk" in lines[1]
    assert len(lines) == 2 + 2 * 4
    east_first = next(line for line in lines if line.startswith("East assessment;1;"))
    assert ";Yes;" in east_first and east_first.endswith(";No")


def test_api_team_forecast__team_lead_only_and_horizon_bounded(client, world):
    token_lead = ApiToken.issue(user=world.lead, name="t")[1]
    token_worker = ApiToken.issue(user=world.worker, name="t")[1]
    url = "/api/v1/foresight/teams/assessment-east/forecast"
    response = client.get(url, {"weeks": "4"}, HTTP_AUTHORIZATION=f"Bearer {token_lead}")
    assert response.status_code == 200
    body = response.json()
    assert body["risk_weeks"] == [1] and len(body["weeks"]) == 4
    assert body["weeks"][0]["deadline_hours"] == 36.0
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_worker}").status_code == 403
    refused = client.get(url, {"weeks": "53"}, HTTP_AUTHORIZATION=f"Bearer {token_lead}")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "weeks"
    missing = client.get("/api/v1/foresight/teams/nope/forecast",
                         HTTP_AUTHORIZATION=f"Bearer {token_lead}")
    assert missing.status_code == 404


def test_forecast_command__json_and_horizon_refused(world):
    out = StringIO()
    call_command("forecast", "--team", "assessment-east", "--weeks", "12", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["team"] == "assessment-east"
    assert body["risk_weeks"] == [1]
    assert len(body["weeks"]) == 12
    with pytest.raises(CommandError, match="--weeks 53"):
        call_command("forecast", "--weeks", "53")
    with pytest.raises(CommandError, match="no such forecast team"):
        call_command("forecast", "--team", "nope")
