"""The team lead's indicators of shared clients over HTTP: who may read them, the figures, small
cells suppressed, a query count that does not grow with the data, and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from luotsi.organisation.tests.factories import MunicipalityFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Goal,
    Plan,
    PlanSection,
    Rating,
    RatingScale,
    Sector,
)
from luotsi.usage.models import ServiceEvent

pytestmark = pytest.mark.django_db
URL = "/service-usage/indicators/"
CSV_URL = "/service-usage/indicators.csv"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def area(municipality):
    """Porvoo and a second municipality of the same region."""
    other = MunicipalityFactory(code="434", name_fi="Loviisa", name_sv="Lovisa",
                                name_en="Loviisa", region=municipality.region)
    return municipality, other


def shared(decider, municipality, count: int, *, started: dt.date, coordinator=True,
           plan_ratings: tuple[int, ...] | None = None, emergencies=(0, 0),
           sectors=("health", "social")):
    """``count`` shared clients living in ``municipality``."""
    from luotsi.sharedcare.models import SharedClient

    today = timezone.localdate()
    scale = RatingScale.objects.get(is_default=True)
    goal_area = CodeListItem.objects.filter(version__current=True, code_list=CodeList.GOAL_AREA).order_by("pk").first()
    people = []
    for _ in range(count):
        person = PersonFactory(municipality=municipality)
        SharedClient.objects.create(
            person=person, status=SharedClient.Status.CONFIRMED,
            coordinator=decider if coordinator else None, coordination_started_on=started,
            decided_by=decider, decided_at=timezone.now())
        events = [ServiceEvent(person=person, sector=s, service_code="X", organisation="O",
                               event_date=today - dt.timedelta(days=10), kind="visit")
                  for s in sectors]
        before, after = emergencies
        events += [ServiceEvent(person=person, sector="health", service_code="E", organisation="O",
                                event_date=started - dt.timedelta(days=1 + i),
                                kind="emergency_visit") for i in range(before)]
        events += [ServiceEvent(person=person, sector="health", service_code="E", organisation="O",
                                event_date=started + dt.timedelta(days=i),
                                kind="emergency_visit") for i in range(after)]
        ServiceEvent.objects.bulk_create(events)
        if plan_ratings:
            plan = Plan.objects.create(person=person, coordinator=decider, created_by=decider,
                                       updated_by=decider, review_on=today)
            section = PlanSection.objects.create(plan=plan, sector=Sector.WORKING_AGE_SOCIAL,
                                                 responsible=decider)
            goal = Goal.objects.create(plan=plan, section=section, goal_area=goal_area,
                                       client_wording="Oma koti")
            for index, value in enumerate(plan_ratings):
                Rating.objects.create(goal=goal, occasion="start" if index == 0 else "review",
                                      rated_on=today - dt.timedelta(days=100 - 30 * index),
                                      scale=scale, value=value, rated_by_kind="together",
                                      recorded_by=decider)
        people.append(person)
    return people


def rows(response) -> dict[str, list[str]]:
    body = response.content.decode()
    start = body.index('id="indicator-table"')
    found = re.findall(r'<tr class="level-\w+"><th scope="row">(?:<strong>)?(.*?)(?:</strong>)?'
                       r"</th>(.*?)</tr>", body[start:body.index("</table>", start)], re.S)
    return {label: re.findall(r'<td class="num">(.*?)</td>', cells) for label, cells in found}


def test_indicators__team_lead_only(client, alice, lead):
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    client.force_login(lead)
    assert client.get(URL).status_code == 200


def test_indicators__figures_by_municipality_and_small_cells_suppressed(client, lead, area):
    porvoo, loviisa = area
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 5, started=long_ago, plan_ratings=(2, 4), emergencies=(4, 1),
           sectors=("health", "social", "employment"))
    shared(lead, porvoo, 1, started=long_ago, coordinator=False, emergencies=(4, 1))
    PersonFactory.create_batch(14, municipality=porvoo)  # 20 residents in Porvoo
    shared(lead, loviisa, 3, started=long_ago)  # too few to show
    # A third municipality of the region, the next-smallest: suppressed with Loviisa so that
    # Loviisa's figures cannot be worked out from the region's (see the tests further down).
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_en="Sipoo",
                                region=porvoo.region)
    shared(lead, sipoo, 5, started=long_ago)
    client.force_login(lead)
    response = client.get(URL)
    assert response.status_code == 200
    table = rows(response)
    # residents, clients, per 1,000, mean sectors, coordinator %, plan %, followed, before,
    # after, AVAIN change
    assert table["Porvoo"] == ["20", "6", "300.0", "2.8", "83.3", "83.3", "6", "4.0", "1.0",
                               "2.0"]
    assert table["Loviisa"] == ["3", "&lt;5", "–", "–", "–", "–", "&lt;5", "–", "–", "–"]
    assert table["Sipoo"] == ["5", "–", "–", "–", "–", "–", "–", "–", "–", "–"]
    assert table["All"][:2] == ["28", "14"]


def test_indicators__share_with_few_persons_suppressed(client, lead, area):
    porvoo, _ = area
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 6, started=long_ago, coordinator=False)
    shared(lead, porvoo, 2, started=long_ago)  # two with a coordinator: too few to show
    client.force_login(lead)
    assert rows(client.get(URL))["Porvoo"][4] == "–"


def test_indicators__recent_coordination_not_in_before_after(client, lead, area):
    porvoo, _ = area
    shared(lead, porvoo, 6, started=timezone.localdate() - dt.timedelta(days=30),
           emergencies=(3, 1))
    client.force_login(lead)
    assert rows(client.get(URL))["Porvoo"][6:9] == ["0", "–", "–"]


def test_indicators__query_count_does_not_grow_with_data(client, lead, area,
                                                         django_assert_num_queries,
                                                         django_assert_max_num_queries):
    porvoo, loviisa = area
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    client.force_login(lead)
    client.get(URL)  # warm the session
    shared(lead, porvoo, 5, started=long_ago, plan_ratings=(1, 3))
    # session, user, residents, shared clients, AVAIN goals, municipalities, form choices
    # (regions, municipalities) and, at times, the session's idle-time update (3)
    with django_assert_max_num_queries(11) as few:
        client.get(URL)
    shared(lead, loviisa, 8, started=long_ago, plan_ratings=(2, 2, 4), emergencies=(2, 2))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_indicators__filters_by_municipality_and_region(client, lead, area):
    porvoo, loviisa = area
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 5, started=long_ago)
    shared(lead, loviisa, 5, started=long_ago)
    client.force_login(lead)
    table = rows(client.get(URL, {"municipality": loviisa.pk}))
    assert "Porvoo" not in table and table["Loviisa"][1] == "5"
    other_region = MunicipalityFactory(code="999", name_fi="Muualla").region
    response = client.get(URL, {"municipality": loviisa.pk, "region": other_region.pk})
    assert response.status_code == 400
    assert "not in the chosen region" in response.content.decode()


def test_indicators__period_excludes_later_coordination(client, lead, area):
    porvoo, _ = area
    shared(lead, porvoo, 5, started=timezone.localdate() - dt.timedelta(days=5))
    client.force_login(lead)
    end = (timezone.localdate().replace(day=1) - dt.timedelta(days=40)).strftime("%Y-%m")
    assert rows(client.get(URL, {"end": end, "months": 3}))["Porvoo"][1] == "0"


def test_indicators__bad_filter_named_not_500(client, lead):
    client.force_login(lead)
    response = client.get(URL, {"months": "7", "region": "abc"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Period" in body and "Region" in body


def test_indicators__csv(client, lead, area):
    porvoo, loviisa = area
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 5, started=long_ago, emergencies=(2, 0))
    shared(lead, loviisa, 2, started=long_ago)
    # Two small municipalities in the region: neither can be worked out, Porvoo stays shown.
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_en="Sipoo",
                                region=porvoo.region)
    shared(lead, sipoo, 1, started=long_ago)
    # Two small municipalities in the region: neither can be worked out, Porvoo stays shown.
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_en="Sipoo",
                                region=porvoo.region)
    shared(lead, sipoo, 1, started=long_ago)
    client.force_login(lead)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert lines[0][:4] == ["Level", "Area", "Residents", "Shared clients"]
    by_area = {line[1]: line for line in lines[1:]}
    assert by_area["Porvoo"][3] == "5"
    assert by_area["Porvoo"][9] == "2.00"
    assert by_area["Loviisa"][3] == "<5"
    assert by_area["Loviisa"][4] == ""
    assert not any(person.hetu in content for person in PersonFactory._meta.model.objects.all())


# --- complementary suppression: a suppressed cell cannot be worked out by subtraction -----------

def _chart_bars(response, chart_id: str) -> int:
    """Bars of the chart's first series (its legend swatch not counted)."""
    body = response.content.decode()
    start = body.index(f'<svg id="{chart_id}"')
    svg = body[start:body.index("</svg>", start)]
    return svg.count('fill="#003a70"') - 1


def test_indicators__one_small_municipality_hides_the_next_smallest_too(client, lead, area):
    porvoo, loviisa = area
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_en="Sipoo",
                                region=porvoo.region)
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 9, started=long_ago, emergencies=(2, 1))
    shared(lead, loviisa, 6, started=long_ago, emergencies=(3, 0))
    shared(lead, sipoo, 2, started=long_ago, emergencies=(5, 5))  # the small one
    client.force_login(lead)
    response = client.get(URL)
    table = rows(response)
    region = porvoo.region.name
    # The region and Porvoo are shown; Sipoo is small, and Loviisa, the next-smallest, is
    # suppressed with it, so region − Porvoo gives only their sum.
    assert table[region][:2] == ["17", "17"]
    assert table["Porvoo"][:2] == ["9", "9"]
    assert table["Sipoo"] == ["2", "&lt;5", "–", "–", "–", "–", "&lt;5", "–", "–", "–"]
    assert table["Loviisa"] == ["6", "–", "–", "–", "–", "–", "–", "–", "–", "–"]
    # Figures of the region and the county stay shown.
    assert table[region][6:9] == ["17", "2.7", "1.1"] and table["All"] == table[region]
    # The chart of one region draws a bar per municipality: Porvoo's only.
    assert _chart_bars(response, "chart-per-thousand") == 1
    assert _chart_bars(response, "chart-emergency") == 1
    # The CSV leaves the same cells out.
    lines = list(csv.reader(io.StringIO(client.get(CSV_URL).content.decode("utf-8-sig")),
                            delimiter=";"))
    by_area = {line[1]: line for line in lines[1:]}
    assert by_area["Loviisa"][2:] == ["6"] + [""] * 9
    assert by_area["Sipoo"][3:5] == ["<5", ""]
    assert by_area["Porvoo"][3] == "9" and by_area[region][3] == "17"


def test_indicators__two_small_municipalities_protect_each_other(client, lead, area):
    porvoo, loviisa = area
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_en="Sipoo",
                                region=porvoo.region)
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 9, started=long_ago)
    shared(lead, loviisa, 3, started=long_ago)
    shared(lead, sipoo, 2, started=long_ago)
    client.force_login(lead)
    table = rows(client.get(URL))
    assert [table[name][1] for name in ("Porvoo", "Loviisa", "Sipoo")] == ["9", "&lt;5", "&lt;5"]


def test_indicators__small_region_hides_another_region_and_one_of_its_municipalities(
        client, lead, area):
    porvoo, loviisa = area
    far = MunicipalityFactory(code="998", name_fi="Kaukola", name_en="Kaukola")
    long_ago = timezone.localdate() - dt.timedelta(days=500)
    shared(lead, porvoo, 9, started=long_ago)
    shared(lead, loviisa, 6, started=long_ago)
    shared(lead, far, 3, started=long_ago)
    client.force_login(lead)
    table = rows(client.get(URL))
    east, west = porvoo.region.name, far.region.name
    # County − east would give the small region; so the east is suppressed too, and with it
    # Loviisa (else east = Porvoo + Loviisa). County − Porvoo = Loviisa + west: two unknowns.
    assert table["All"][1] == "18"
    assert table[west][1] == "&lt;5" and table["Kaukola"][1] == "&lt;5"
    assert table[east][1] == "–" and table["Loviisa"][1] == "–"
    assert table["Porvoo"][1] == "9"
    # A filtered view shows the same cells, so views cannot be subtracted from each other.
    filtered = rows(client.get(URL, {"region": porvoo.region.pk}))
    assert filtered[east][1] == "–" and filtered["All"][1] == "–"
    assert filtered["Loviisa"][1] == "–" and filtered["Porvoo"][1] == "9"
    one = rows(client.get(URL, {"municipality": loviisa.pk}))
    assert one["Loviisa"][1] == one[east][1] == one["All"][1] == "–"


def test_indicators__csv_hostile_cell_written_as_text(client, lead, municipality):
    """A municipality name that a spreadsheet would run as a formula comes out as text."""
    municipality.name_en = municipality.name_fi = "@SUM(A1:A9)"
    municipality.save()
    shared(lead, municipality, 5, started=timezone.localdate() - dt.timedelta(days=500))
    client.force_login(lead)
    content = client.get(CSV_URL).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert ["Municipality", "'@SUM(A1:A9)"] == lines[2][:2]
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r", "|")) for line in lines
                   for cell in line)
