"""The key-figure page and its CSV exports through the HTTP client."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.common.periods import month_start_after
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.reports.tests.builders import ADVICE, SNA, contact, routed_month

pytestmark = pytest.mark.django_db

URL = reverse("reports_kpis")
# The page's query budget: session and user 2, the three filter lists 3, routing 1 (and 1 for
# the same days a year earlier of a month not yet over), compliance 2 (counts, days late),
# median 2, per worker 1, by region/team/municipality 3, saving the session 3 (savepoint,
# update, release).
MAX_QUERIES = 18


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.fixture
def month_over(time_machine):
    """Today is the last day of its month: this month is whole, compared with the whole of the
    same month a year earlier."""
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def lead_client(client, world):
    client.force_login(world.lead)
    client.cookies["django_language"] = "en"
    return client


# --- who may see it --------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.DPO, Role.SOCIAL_WORKER, Role.INTAKE_WORKER, Role.ADMIN,
                                  Role.NURSE])
@pytest.mark.parametrize("url", [URL, reverse("reports_kpi_csv", args=["routing"])])
def test_only_team_leads__others_get_403(client, world, role, url):
    client.force_login(UserFactory(username=f"u-{role}", role=role, teams=[world.east]))
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_lead_sees_the_page(lead_client):
    response = lead_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for slug in ("routing", "compliance", "median", "workers", "regions", "teams",
                 "municipalities"):
        assert f'id="{slug}-heading"' in body
        assert reverse("reports_kpi_csv", args=[slug]) in body


def test_only_get(lead_client):
    assert lead_client.post(URL).status_code == 405


# --- what it shows ---------------------------------------------------------------------------

def test_page_figures_and_year_earlier(lead_client, world, month_over):
    month = _this_month()
    routed_month(world, month, assessed=10, routed=4)
    routed_month(world, month_start_after(month, -12), assessed=10, routed=5)

    response = lead_client.get(URL, {"months": 3})

    table = response.context["tables"][0]
    assert table.slug == "routing" and len(table.rows) == 3
    assert table.rows[-1][:4] == [month, 10, 4, 40.0]
    assert table.rows[-1][4:7] == [10, 5, 50.0]
    assert table.rows[-1][7] == pytest.approx(-10.0)
    assert table.rows[-1][8] == pytest.approx(-20.0)
    body = response.content.decode()
    assert "40.0" in body and "-20.0" in body


def test_finnish_numbers_use_a_decimal_comma(client, world):
    routed_month(world, _this_month(), assessed=10, routed=4)
    client.force_login(world.lead)
    body = client.get(URL).content.decode()
    assert "40,0" in body


def test_charts_are_accessible_svg_without_scripts_or_inline_styles(lead_client, world):
    routed_month(world, _this_month(), assessed=3, routed=1)
    body = lead_client.get(URL).content.decode()
    svgs = re.findall(r"<svg\b[^>]*>", body)
    assert len(svgs) == 2
    for tag in svgs:
        assert 'role="img"' in tag and "aria-labelledby=" in tag
    assert body.count("<title id=\"chart-") == 2 and body.count("<desc id=\"chart-") == 2
    assert "style=" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None  # no inline script
    # each chart has its table (the text alternative) in the same section
    assert body.index('id="chart-routing"') < body.index('id="table-routing"')
    assert body.index('id="chart-median"') < body.index('id="table-median"')


def test_filters_narrow_the_figures(lead_client, world):
    month = _this_month()
    routed_month(world, month, assessed=4, routed=1)
    routed_month(world, month, assessed=2, routed=2, municipality=world.sipoo, team=world.west)

    def last_month(params):
        row = lead_client.get(URL, {"months": 3, **params}).context["tables"][0].rows[-1]
        return row[1], row[2]

    assert last_month({}) == (6, 3)
    assert last_month({"region": world.west_region.pk}) == (2, 2)
    assert last_month({"team": world.east.pk}) == (4, 1)
    assert last_month({"municipality": world.sipoo.pk}) == (2, 2)


def test_end_month_moves_the_period(lead_client, world):
    earlier = month_start_after(_this_month(), -5)
    routed_month(world, earlier, assessed=5, routed=5)
    response = lead_client.get(URL, {"months": 6, "end": f"{month_start_after(earlier, 2):%Y-%m}"})
    rows = response.context["tables"][0].rows
    assert rows[0][0] == month_start_after(earlier, -3) and rows[-1][0] == month_start_after(earlier, 2)
    assert [r[1] for r in rows] == [0, 0, 0, 5, 0, 0]


@pytest.mark.parametrize(("params", "field"), [
    ({"months": "7"}, "months"), ({"months": "x"}, "months"), ({"end": "2999-01"}, "end"),
    ({"region": "999999"}, "region"), ({"team": "abc"}, "team"),
    ({"municipality": "0"}, "municipality"),
])
def test_bad_filters_are_refused_naming_the_field(lead_client, world, params, field):
    response = lead_client.get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}-error"' in body
    assert 'class="error-summary"' in body
    assert response.context["tables"] == []
    csv_response = lead_client.get(reverse("reports_kpi_csv", args=["routing"]), params)
    assert csv_response.status_code == 400


def test_reading_the_figures_writes_no_access_log(lead_client, world):
    routed_month(world, _this_month(), assessed=3, routed=1)
    contact(world=world, opened_on=_this_month(), outcome=SNA)
    before = AccessLogEntry.objects.count()
    assert lead_client.get(URL).status_code == 200
    assert lead_client.get(reverse("reports_kpi_csv", args=["teams"])).status_code == 200
    assert AccessLogEntry.objects.count() == before


# --- query count -----------------------------------------------------------------------------

def _queries_for_page(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"region": "", "team": ""}).status_code == 200
    return len(captured)


def _add_contacts(world, count: int) -> None:
    today = timezone.localdate()
    for i in range(count):
        opened = today - dt.timedelta(days=i % 300)
        closed = opened + dt.timedelta(days=i % 9) if i % 3 == 0 else None
        contact(world=world, opened_on=opened, closed_on=closed,
                outcome=SNA if i % 2 else None,
                assignee=[world.anna, world.ville, None][i % 3],
                municipality=[world.porvoo, world.loviisa, world.sipoo][i % 3],
                deadlines=[("urgency_assessment", opened, opened if i % 4 else None)])


def test_query_count_is_pinned_and_does_not_grow_with_the_data(lead_client, world,
                                                               django_assert_max_num_queries):
    _add_contacts(world, 10)
    with django_assert_max_num_queries(MAX_QUERIES):
        lead_client.get(URL)
    with_ten = _queries_for_page(lead_client)
    _add_contacts(world, 90)
    with django_assert_max_num_queries(MAX_QUERIES):
        lead_client.get(URL)
    with_hundred = _queries_for_page(lead_client)
    assert with_ten == with_hundred


# --- CSV -------------------------------------------------------------------------------------

def test_csv_routing(lead_client, world, month_over):
    month = _this_month()
    routed_month(world, month, assessed=10, routed=4)
    routed_month(world, month_start_after(month, -12), assessed=10, routed=5)

    response = lead_client.get(reverse("reports_kpi_csv", args=["routing"]), {"months": "3"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    start = month_start_after(month, -2)
    assert response["Content-Disposition"] == (
        f'attachment; filename="luotsi-routing-{start:%Y%m}-{month:%Y%m}.csv"')
    rows = _csv(response)
    assert rows[0][:4] == ["Month", "Initial assessments", "Routed", "Share (%)"]
    assert len(rows) == 1 + 3 + 1  # header, three months, the whole period
    assert rows[3] == [f"{month:%Y-%m}", "10", "4", "40.0", "10", "5", "50.0", "-10.0", "-20.0"]
    assert rows[1][1:4] == ["0", "0", ""]  # no figure: an empty cell
    assert rows[4][0] == "Whole period"


def test_csv_in_finnish_uses_decimal_comma(client, world, month_over):
    routed_month(world, _this_month(), assessed=10, routed=4)
    routed_month(world, month_start_after(_this_month(), -12), assessed=10, routed=5)
    client.force_login(world.lead)
    rows = _csv(client.get(reverse("reports_kpi_csv", args=["routing"]), {"months": "3"}))
    assert rows[3][3] == "40,0" and rows[3][8] == "-20,0"


def test_csv_cells_cannot_become_formulas(lead_client, world):
    evil = TeamFactory(code="evil", name_fi="=HYPERLINK(\"http://x\";\"y\")",
                       name_en="=HYPERLINK(\"http://x\";\"y\")")
    worker = UserFactory(username="eve", first_name="@SUM(A1)", last_name="+1", teams=[evil])
    contact(world=world, opened_on=timezone.localdate(), team=evil, assignee=worker)

    teams = _csv(lead_client.get(reverse("reports_kpi_csv", args=["teams"])))
    assert ["'=HYPERLINK(\"http://x\";\"y\")", "1", "0", "0"] in teams
    workers = _csv(lead_client.get(reverse("reports_kpi_csv", args=["workers"]),
                                   {"team": evil.pk}))
    assert workers[1][0] == "'@SUM(A1) +1 (eve)"
    for row in teams + workers:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


@pytest.mark.parametrize("slug", ["compliance", "median", "workers", "regions",
                                  "municipalities"])
def test_csv_each_table(lead_client, world, slug):
    today = timezone.localdate()
    contact(world=world, opened_on=today, assignee=world.anna,
            deadlines=[("urgency_assessment", today, today)])
    contact(world=world, opened_on=today - dt.timedelta(days=3), closed_on=today)
    rows = _csv(lead_client.get(reverse("reports_kpi_csv", args=[slug])))
    page = next(t for t in lead_client.get(URL).context["tables"] if t.slug == slug)
    assert rows[0] == page.headers
    assert len(rows) == 1 + len(page.rows) + (1 if page.total else 0)


def test_csv_unknown_table_is_404(lead_client):
    assert lead_client.get("/reports/kpis/persons.csv").status_code == 404


def test_a_month_not_over_is_marked_and_compared_with_the_same_days_a_year_earlier(
        lead_client, world, time_machine):
    """On 5 December, December so far (all 5 routed) is compared with 1–5 December a year
    earlier (3 of 5), not with the whole of last December (3 of 31)."""
    time_machine.move_to(dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC), tick=False)
    routed_month(world, dt.date(2026, 12, 1), assessed=5, routed=5)
    routed_month(world, dt.date(2025, 12, 1), assessed=5, routed=3)
    for day in range(6, 32):
        contact(world=world, opened_on=dt.date(2025, 12, day), outcome=ADVICE)

    response = lead_client.get(URL, {"months": 3})

    table = response.context["tables"][0]
    last = table.rows[-1]
    assert last[1:4] == [5, 5, 100.0]
    assert last[4:7] == [5, 3, 60.0]
    assert last[8] == pytest.approx(66.7, abs=0.1)
    body = response.content.decode()
    assert "December 2026, days 1–5 (month not over)" in body
    assert "12/26 (1–5)" in body  # the chart's category
    assert "compared with the same days a year earlier" in body
    rows = _csv(lead_client.get(reverse("reports_kpi_csv", args=["routing"]), {"months": 3}))
    assert rows[3][0] == "2026-12 (1-5)"
