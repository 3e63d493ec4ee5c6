"""The AVAIN effectiveness report and the anonymised research file over HTTP: who may read them,
the figures (share improved, mean change, goals, clients by team, sector, method and service),
a query count that does not grow with the data, small-group suppression and pseudonyms in the
research file, and its access-log record."""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, LogAction
from luotsi.organisation.tests.factories import MunicipalityFactory, TeamFactory, UserFactory
from luotsi.plans import sectors as plan_sectors
from luotsi.plans.models import Plan, Sector
from luotsi.plans.tests.builders import make_plans
from luotsi.reports.research import pseudonym

pytestmark = pytest.mark.django_db

URL = "/plans/effectiveness/"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def table(response, slug: str) -> dict[str, list[str]]:
    import re
    body = response.content.decode()
    start = body.index(f'id="table-{slug}"')
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", body[start:body.index(
        "</table>", start)], re.S)
    return {label: re.findall(r"<td class=\"num\">(.*?)</td>", cells) for label, cells in rows}


def test_effectiveness__team_lead_only(client, alice, bob):
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert client.get("/plans/effectiveness.csv").status_code == 403
    assert client.get("/plans/effectiveness/research.csv?purpose=x").status_code == 403


def test_effectiveness__figures_by_team_sector_method_service(client, lead, alice, bob):
    make_plans(alice, [(1, 3), (2, 2), (3, 2, 4), (2, 1)])  # 2 of 4 improved, changes 2,0,1,-1
    make_plans(bob, [(1, 2)], sector=Sector.EMPLOYMENT, method=False)
    make_plans(alice, [(3,)])  # rated once: not in the report
    client.force_login(lead)
    response = client.get(URL)
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() == 0  # aggregates only: nothing logged
    teams = table(response, "teams")
    assert teams["Itäinen arviointitiimi"] == ["4", "4", "2", "50.0", "0.50"]
    assert teams["Läntinen arviointitiimi"] == ["1", "1", "1", "100.0", "1.00"]
    sectors = table(response, "sectors")
    assert sectors["Employment services"][:3] == ["1", "1", "1"]
    methods = table(response, "methods")
    # the method is recorded for the plan and for the goal: each goal counts once
    assert list(methods.values()) == [["4", "4", "2", "50.0", "0.50"]]
    services = table(response, "services")
    assert list(services.values()) == [["5", "5", "3", "60.0", "0.60"]]
    assert 'id="chart-teams"' in response.content.decode()


def test_effectiveness__filters(client, lead, alice, bob):
    make_plans(alice, [(1, 3), (2, 2)])
    make_plans(bob, [(1, 2)], sector=Sector.EMPLOYMENT)
    client.force_login(lead)
    by_sector = client.get(URL, {"sector": Sector.EMPLOYMENT})
    assert 'id="total-goals">1<' in by_sector.content.decode()
    by_team = client.get(URL, {"team": alice.teams.get().pk})
    assert 'id="total-goals">2<' in by_team.content.decode()
    long_ago = (timezone.localdate().replace(day=1) - dt.timedelta(days=400)).strftime("%Y-%m")
    before = client.get(URL, {"end": long_ago, "months": "3"})
    assert 'id="total-goals">0<' in before.content.decode()


def test_effectiveness__bad_filter_named_no_500(client, lead):
    client.force_login(lead)
    response = client.get(URL, {"months": "7", "sector": "nope"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Period:" in body and "Sector:" in body


def test_effectiveness__query_count_independent_of_data(client, lead, alice,
                                                        django_assert_num_queries):
    client.force_login(lead)
    make_plans(alice, [(1, 2)])
    # The sectors' table is read once and kept by the process (luotsi.plans.sectors): read it
    # before counting, as a running process has.
    plan_sectors.all_sectors()
    with django_assert_num_queries(8) as small:  # with the clients' answers (one statement)
        client.get(URL)
    make_plans(alice, [(1, 2), (2, 4), (5, 1)] * 4, sector=Sector.HEALTH, evaluated=(4, 3))
    make_plans(lead, [(1, 2), (3, 3)], sector=Sector.EMPLOYMENT)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert 'id="total-goals">15<' in response.content.decode()


def _csv_rows(client) -> list[list[str]]:
    text = client.get("/plans/effectiveness.csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _evaluated_csv_rows(client) -> list[list[str]]:
    """The rows of the CSV's table of services and methods evaluated, after its header."""
    lines = _csv_rows(client)
    header = lines.index(["Evaluated", "Service or method", "Team", "Evaluated", "Clients",
                          "Did it help: the professional (mean)",
                          "Did it help: the client (mean)", "Goals followed",
                          "Share of goals improved (%)", "Note"])
    return lines[header + 1:]


def test_effectiveness__services_and_methods_evaluated_with_small_rows_suppressed(
        client, lead, alice, bob):
    """Five clients of Alice's team whose service and method were evaluated (the professional 4,
    the client 3) and whose goals improved in three cases; two clients of Bob's team are too
    few to show."""
    make_plans(alice, [(1, 3), (2, 4), (3, 5), (2, 2), (4, 1)], evaluated=(4, 3))
    make_plans(bob, [(1, 3), (2, 3)], evaluated=(5, 5))
    make_plans(alice, [(1, 2)])  # not evaluated: not in the table
    client.force_login(lead)
    response = client.get(URL)
    body = response.content.decode()
    section = body[body.index('id="table-evaluated"'):body.index("</table>",
                                                                  body.index('id="table-evaluated"'))]
    rows = [(label, re.findall(r"<td[^>]*>(.*?)</td>", cells)) for label, cells in
            re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", section, re.S)]
    assert len(rows) == 4  # the service and the method in each of the two teams
    service = next(label for label, _cells in rows if label.endswith("(Service)"))
    assert (service, ["Itäinen arviointitiimi", "5", "5", "4.00", "3.00", "5", "60.0"]) in rows
    small = [cells for _label, cells in rows if len(cells) == 2]
    assert len(small) == 2 and all(cells[1] == "fewer than 5 clients" for cells in small)
    evaluated = _evaluated_csv_rows(client)
    assert ["Service", service.rsplit(" (", 1)[0], "Itäinen arviointitiimi", "5", "5", "4.00",
            "3.00", "5", "60.00", ""] in evaluated
    small = [row for row in evaluated if row[-1] == "fewer than 5 clients"]
    assert len(small) == 2 and all(row[3:9] == [""] * 6 for row in small)


def test_effectiveness__evaluations_of_a_worker_without_a_team_counted_under_not_known(
        client, lead, alice):
    """A coordinator in no team: their clients' evaluated services and methods form the rows of
    team "Not known", with the goals they served followed as for any team (the goals' join
    matches the unknown team to itself)."""
    loner = UserFactory(username="loner", teams=[])
    make_plans(loner, [(1, 3), (2, 4), (3, 5), (2, 2), (4, 1)], evaluated=(4, 3))
    make_plans(alice, [(1, 3), (2, 3)], evaluated=(5, 5))
    client.force_login(lead)
    unknown = [row for row in _evaluated_csv_rows(client) if row[2] == "Not known"]
    assert sorted(row[0:1] + row[3:9] for row in unknown) == [
        ["Method", "5", "5", "4.00", "3.00", "5", "60.00"],
        ["Service", "5", "5", "4.00", "3.00", "5", "60.00"]], unknown


def _next_version(code_list: str) -> None:
    """A new version of ``code_list`` with the same codes under new names, now the current one."""
    from luotsi.plans.models import CodeListItem, CodeListVersion

    old = CodeListVersion.objects.get(code_list=code_list, current=True)
    CodeListVersion.objects.filter(pk=old.pk).update(current=False)
    new = CodeListVersion.objects.create(code_list=code_list, version="next-1", current=True,
                                         loaded_at=timezone.now())
    CodeListItem.objects.bulk_create([
        CodeListItem(code_list=code_list, version=new, code=row.code, name_fi=f"Uusi {row.code}",
                     name_sv=row.name_sv, name_en=f"New {row.code}", sort_order=row.sort_order)
        for row in CodeListItem.objects.filter(version=old)])


def test_effectiveness__a_code_in_two_versions_is_one_row_named_as_the_current_version(
        client, lead, alice):
    """Plans recorded before and after a new version of the method and service code lists: each
    code is one row of the methods, services and evaluated tables, named as its current version
    names it, with the goals of both versions."""
    from luotsi.plans.tests.builders import item

    make_plans(alice, [(1, 3), (2, 4), (3, 5)], evaluated=(4, 3))
    method, service = item("method").code, item("service").code
    _next_version("method")
    _next_version("service")
    make_plans(alice, [(1, 2), (2, 2)], evaluated=(2, 1))
    client.force_login(lead)
    lines = _csv_rows(client)
    by_method = [row for row in lines if row[:1] == ["By method"]]
    by_service = [row for row in lines if row[:1] == ["By service"]]
    assert [row[1:3] for row in by_method] == [[f"New {method}", "5"]], by_method
    assert [row[1:3] for row in by_service] == [[f"New {service}", "5"]], by_service
    evaluated = sorted(row[:5] + row[7:9] for row in _evaluated_csv_rows(client) if row)
    assert evaluated == [
        ["Method", f"New {method}", "Itäinen arviointitiimi", "5", "5", "5", "80.00"],
        ["Service", f"New {service}", "Itäinen arviointitiimi", "5", "5", "5", "80.00"]]


def test_effectiveness_csv__all_tables(client, lead, alice):
    make_plans(alice, [(1, 3), (2, 2)])
    client.force_login(lead)
    response = client.get("/plans/effectiveness.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="luotsi-avain-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Table", "Group", "Goals"]
    assert ["Total", "All goals", "2", "2", "1", "50.00", "1.00"] in rows
    assert any(row[0] == "By team" and row[1] == "Itäinen arviointitiimi" for row in rows)
    assert "Asiakas" not in text and "Oma koti" not in text


def _research(client, **params):
    response = client.get("/plans/effectiveness/research.csv", {"purpose": "Study A", **params})
    assert response.status_code == 200, response.content[:400]
    lines = response.content.decode("utf-8-sig").splitlines()
    notes = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")],
                               delimiter=";"))
    return notes, rows


def test_research_csv__pseudonyms_suppression_and_log(client, lead, alice, municipality):
    other = TeamFactory(code="small", name_fi="Pieni tiimi").pk
    small_worker = UserFactory(username="small", teams=[other])
    make_plans(alice, [(1, 3)] * 6, municipality=municipality)  # a group of six clients
    nearby = MunicipalityFactory(code="020", region=municipality.region)
    make_plans(alice, [(1, 2)] * 2, municipality=nearby)  # two here, eight in the region
    make_plans(small_worker, [(2, 4)], municipality=municipality, area_index=2)  # one: left out
    client.force_login(lead)
    notes, rows = _research(client)
    assert len(rows) == 8
    assert any("left out 1" in note for note in notes)
    plain = [r for r in rows if r["generalised"] == "0"]
    assert len(plain) == 6 and {r["municipality"] for r in plain} == {"638"}
    assert {r["age_band"] for r in plain} <= {"35-44", "45-54"}
    generalised = [r for r in rows if r["generalised"] != "0"]
    assert len(generalised) == 2
    assert all(r["municipality"] == "*" and r["team"] == "*" for r in generalised)
    # pseudonyms: not database ids, stable for a purpose, different for another one
    person_ids = set(Plan.objects.values_list("person_id", flat=True))
    clients = {r["client"] for r in rows}
    assert len(clients) == 8 and not clients & {str(p) for p in person_ids}
    assert clients <= {pseudonym(p, "Study A") for p in person_ids}
    _notes, again = _research(client)
    assert {r["client"] for r in again} == clients
    _notes, other_purpose = _research(client, purpose="Study B")
    assert not {r["client"] for r in other_purpose} & clients
    text = client.get("/plans/effectiveness/research.csv", {"purpose": "Study A"}) \
        .content.decode("utf-8-sig")
    assert "Oma koti" not in text and "Virtanen" not in text and "Aino" not in text
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.category == Category.PLAN and entry.action == LogAction.EXPORT
    assert entry.person_id is None and "Study A" in entry.detail and "left out 1" in entry.detail


def test_research_csv__the_meters_evaluations_per_goal(client, lead, alice, municipality):
    from luotsi.plans.models import Evaluation, Goal, RatingScale

    make_plans(alice, [(1, 3)] * 5, municipality=municipality, evaluated=(4, 2))
    make_plans(alice, [(2, 2)] * 5, municipality=municipality)  # nothing evaluated
    goal = Goal.objects.order_by("pk").first()
    Evaluation.objects.create(plan=goal.plan, subject="goal", goal=goal, occasion="review",
                              rated_on=timezone.localdate(), rater="client",
                              scale=RatingScale.objects.get(is_default=True), value=5,
                              recorded_by=alice)
    client.force_login(lead)
    _notes, rows = _research(client)
    evaluated = [r for r in rows if r["services_helped_professional"]]
    assert len(evaluated) == 5 and len(rows) == 10
    assert {(r["services_helped_professional"], r["services_helped_client"],
             r["methods_helped_professional"], r["methods_helped_client"])
            for r in evaluated} == {("4.0", "2.0", "4.0", "2.0")}
    assert sorted(r["client_own_last_rating"] for r in rows) == [""] * 9 + ["5"]
    assert {r["methods_helped_client"] for r in rows if r not in evaluated} == {""}


def test_research_csv__purpose_required(client, lead):
    client.force_login(lead)
    response = client.get("/plans/effectiveness/research.csv", {"purpose": "  "})
    assert response.status_code == 400
    assert "Purpose of the research file:" in response.content.decode()
    assert AccessLogEntry.objects.count() == 0


def test_research_csv__follows_the_filters(client, lead, alice, bob, municipality):
    make_plans(alice, [(1, 3)] * 5, municipality=municipality)
    make_plans(bob, [(2, 3)] * 5, municipality=municipality, sector=Sector.EMPLOYMENT)
    client.force_login(lead)
    _notes, rows = _research(client, sector=Sector.EMPLOYMENT)
    assert len(rows) == 5 and {r["sector"] for r in rows} == {"employment"}
    assert {r["first_rating"] for r in rows} == {"2"}
    _notes, all_rows = _research(client)
    assert len(all_rows) == 10


def test_effectiveness_csv__hostile_cell_written_as_text(client, lead):
    """A group label that a spreadsheet would run as a formula comes out as text; the report's
    own negative figures stay numbers."""
    evil = TeamFactory(code="evil", name_fi='=HYPERLINK("http://x";"y")',
                       name_en='=HYPERLINK("http://x";"y")')
    make_plans(UserFactory(username="eve", teams=[evil]), [(5, 1)])
    client.force_login(lead)
    text = client.get("/plans/effectiveness.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    by_team = next(row for row in rows if row[0] == "By team")
    assert by_team[1] == "'=HYPERLINK(\"http://x\";\"y\")"
    assert by_team[6] == "-4.00"
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r", "|")) for row in rows
                   for cell in row)


def test_research_csv__hostile_cell_written_as_text(client, lead, municipality):
    """A team code that a spreadsheet would run as a formula comes out as text; a fall in the
    ratings stays a number."""
    evil = TeamFactory(code="=cmd|' /c calc'!A0", name_fi="Paha tiimi")
    make_plans(UserFactory(username="eve", teams=[evil]), [(4, 2)] * 5,
               municipality=municipality)
    client.force_login(lead)
    _notes, rows = _research(client)
    assert len(rows) == 5
    assert {r["team"] for r in rows} == {"'=cmd|' /c calc'!A0"}
    assert {r["change"] for r in rows} == {"-2"}
