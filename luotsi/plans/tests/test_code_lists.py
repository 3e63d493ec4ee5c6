"""Code lists as loadable, versioned data (docs/code-lists.md): ``load_code_list`` reads a CSV or
JSON file in a code server's shape, a new version changes what the forms offer without a
release, a plan made before keeps and shows its codes, a retired code cannot be chosen, the FHIR
export names each code's version, and a faulty file is refused naming its line and column with
nothing loaded. The shipped SHL 14 § services and SHL 11 § support needs are complete."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from luotsi.api.models import ApiToken
from luotsi.plans import services as s
from luotsi.plans.models import CodeList, CodeListItem, CodeListVersion, Goal, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    return plan


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def current(code_list: str, code: str) -> CodeListItem:
    return CodeListItem.objects.get(code_list=code_list, code=code, version__current=True)


def options(page: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select, field
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOAL_AREAS_V2 = (
    "code;name_fi;name_sv;name_en;valid_from;valid_until;parent_code\n"
    "housing;Asuminen (kansallinen);Boende (nationell);Housing (national);2025-01-01;;\n"
    "work;Työ ja toimeentulo;Arbete och försörjning;Work and income;2025-01-01;9999-12-31;\n"
    "work_search;Työnhaku;Arbetssökande;Job seeking;2025-01-01;;work\n"
    "old_area;Vanha alue;Gammalt område;Old area;2020-01-01;2021-12-31;\n"
)


def test_load__a_new_version_changes_the_choices_and_old_plans_keep_their_codes(
        tmp_path, as_alice, alice, plan):
    old_area = current(CodeList.GOAL_AREA, "mental_health")
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=old_area.pk, client_wording="Jaksan arjessa"))
    before = as_alice.get(f"/plans/{plan.pk}/").content.decode()
    assert "Mental health" in options(before, "goal-goal_area")
    assert "Work and income" not in options(before, "goal-goal_area")

    out = StringIO()
    call_command("load_code_list", write(tmp_path, "areas.csv", GOAL_AREAS_V2),
                 code_list="goal_area", list_version="thl-2025.1", source="THL", stdout=out)
    assert out.getvalue().startswith("Loaded 4 codes as version thl-2025.1 of goal_area. "
                                     "Version luotsi-provisional-1 is no longer current; 15 of "
                                     "its codes are not in the new version")

    version = CodeListVersion.objects.get(code_list="goal_area", current=True)
    assert (version.version, version.provisional) == ("thl-2025.1", False)
    page = as_alice.get(f"/plans/{plan.pk}/").content.decode()
    offered = options(page, "goal-goal_area")
    # The new version's codes valid today are offered; the expired one and the old version's
    # codes are not.
    assert offered == ["—", "Housing (national)", "Work and income", "Job seeking"]
    # The goal recorded before keeps its code of the old version, shown as retired.
    goal.refresh_from_db()
    assert goal.goal_area_id == old_area.pk
    card = page[page.index(f'id="goal-{goal.pk}"'):]
    assert "Mental health" in card[:2000]
    assert "retired code, version luotsi-provisional-1" in card[:2000]
    # The page says which versions are in use.
    assert re.search(r'id="code-list-goal_area">AVAIN goal areas: version thl-2025.1</li>', page)
    assert re.search(r'id="code-list-situation_factor">[^<]*version luotsi-provisional-1 '
                     r'<span class="tag">provisional</span>', page)
    # Choosing the new code works; the retired one is refused, naming the field.
    new = current(CodeList.GOAL_AREA, "work_search")
    response = as_alice.post(f"/plans/{plan.pk}/goals/", {
        "goal-goal_area": new.pk, "goal-client_wording": "Haen töitä", "goal-priority": "2",
        "action": "save"})
    assert response.status_code == 302
    response = as_alice.post(f"/plans/{plan.pk}/goals/", {
        "goal-goal_area": old_area.pk, "goal-client_wording": "Taas vanha", "goal-priority": "2",
        "action": "save"})
    assert response.status_code == 200
    assert "AVAIN goal area: Select a valid choice." in response.content.decode()
    assert Goal.objects.count() == 2
    # Editing the old goal's wording keeps its retired code.
    edit_page = as_alice.get(f"/plans/{plan.pk}/goals/{goal.pk}/edit/").content.decode()
    assert any("retired code" in o for o in options(edit_page, "goal_area"))


def test_load__a_retired_code_is_refused_by_the_service_naming_it(tmp_path, alice, plan):
    old = current(CodeList.GOAL_AREA, "housing")
    call_command("load_code_list", write(tmp_path, "areas.csv", GOAL_AREAS_V2),
                 code_list="goal_area", list_version="2")
    with pytest.raises(Exception) as refused:
        s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=old.pk,
                                                            client_wording="Koti"))
    assert refused.value.message_dict["goal_area"] == [
        "The code housing (Housing) is retired in version luotsi-provisional-1 of the code "
        "list: choose a code in use."]
    expired = CodeListItem.objects.get(code="old_area")
    with pytest.raises(Exception) as refused:
        s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=expired.pk,
                                                            client_wording="Koti"))
    assert "retired in version 2" in refused.value.message_dict["goal_area"][0]
    assert not Goal.objects.exists()


def test_load__json_in_a_code_server_shape(tmp_path):
    document = {"code_list": "method", "version": "2026-01", "source": "THL",
                "provisional": False, "codes": [
                    {"CodeId": "m1", "LongName": "Ohjaus", "nimi_sv": "Handledning",
                     "name_en": "Guidance", "BeginDate": "1.1.2026", "ExpirationDate": ""},
                    {"CodeId": "m2", "LongName": "Verkostotyö", "ParentId": "m1"}]}
    call_command("load_code_list", write(tmp_path, "methods.json", json.dumps(document)))
    version = CodeListVersion.objects.get(code_list="method", current=True)
    assert (version.version, version.source, version.provisional) == ("2026-01", "THL", False)
    rows = list(version.items.order_by("sort_order").values_list(
        "code", "name_fi", "name_sv", "valid_from", "parent_code", "provisional"))
    assert rows == [("m1", "Ohjaus", "Handledning", timezone.datetime(2026, 1, 1).date(), "",
                     False),
                    ("m2", "Verkostotyö", "", None, "m1", False)]
    assert CodeListVersion.objects.filter(code_list="method").count() == 2


FAULTY = [
    ("bad-date.csv", "code,name_fi,valid_from\na,A,2020-01-01\nb,B,2020-13-01\n",
     "line 3, column 5: valid_from: write the date"),
    ("no-name.csv", "code;name_fi\na;A\nb;\n", "line 3, column 3: name_fi: the Finnish name"),
    ("twice.csv", "code;name_fi\na;A\nb;B\na;C\n", "line 4, column 1: code: the code 'a' is "
                                                    "already on line 2"),
    ("short-row.csv", "code;name_fi;name_en\na;A;X\nb;B\n", "line 3, column 3: the row has 2"),
    ("no-code-column.csv", "koodi_x;name_fi\na;A\n", "line 1, column 1: code: the header"),
    ("orphan.csv", "code;name_fi;parent_code\na;A;\nb;B;zz\n",
     "line 3, column 1: parent_code: the parent code 'zz'"),
    ("ends-first.csv", "code;name_fi;valid_from;valid_until\na;A;2024-05-01;2024-04-30\n",
     "line 2, column 16: valid_until: the validity ends before it starts"),
    ("control.csv", "code;name_fi\na;A\x07\n", "line 2, column 3: name_fi:"),
    ("year-1.csv", "code;name_fi;valid_from\na;A;0001-01-01\n",
     "line 2, column 5: valid_from: "),
    ("year-9000.csv", "code;name_fi;valid_until\na;A;9000-01-01\n",
     "line 2, column 5: valid_until: "),
    ("syntax.json", '{"code_list": "method", "version": "9",\n "codes": [\n  {"code": "a",}\n]}',
     "line 3, column 16: not JSON"),
    ("field.json", '{"code_list": "method", "version": "9",\n "codes": [\n  {"code": "a", '
                   '"name_fi": "A"},\n  {"code": "b",\n   "name_fi": "B", "valid_until": "x"}\n]}',
     "line 5, column 20: valid_until: write the date"),
    ("number.json", '{"code_list": "method", "version": "9", "codes": [{"code": 7, '
                    '"name_fi": "A"}]}', "line 1, column 52: code: write the value as a JSON"),
]


@pytest.mark.parametrize(("name", "text", "where"), FAULTY, ids=[f[0] for f in FAULTY])
def test_load__a_faulty_file_is_refused_naming_line_and_column_and_nothing_is_loaded(
        tmp_path, name, text, where):
    before = (CodeListVersion.objects.count(), CodeListItem.objects.count())
    with pytest.raises(CommandError) as refused:
        call_command("load_code_list", write(tmp_path, name, text), code_list="method",
                     list_version="9")
    assert where in str(refused.value)
    assert (CodeListVersion.objects.count(), CodeListItem.objects.count()) == before
    assert CodeListVersion.objects.get(code_list="method", current=True).version == \
        "luotsi-provisional-1"


def test_load__the_same_version_twice_is_refused(tmp_path):
    path = write(tmp_path, "m.csv", "code;name_fi\na;A\n")
    call_command("load_code_list", path, code_list="method", list_version="1")
    with pytest.raises(CommandError, match="version 1 of method is already loaded"):
        call_command("load_code_list", path, code_list="method", list_version="1")
    assert CodeListVersion.objects.filter(code_list="method").count() == 2


def test_load__csv_needs_the_list_and_the_version(tmp_path):
    path = write(tmp_path, "m.csv", "code;name_fi\na;A\n")
    with pytest.raises(CommandError, match="code_list: name the code list"):
        call_command("load_code_list", path, list_version="1")
    with pytest.raises(CommandError, match="version: name the version"):
        call_command("load_code_list", path, code_list="method")


def test_shipped__shl_14_services_and_shl_11_support_needs_are_complete():
    services = CodeListVersion.objects.get(code_list="service", current=True)
    assert not services.provisional
    codes = set(services.items.values_list("code", flat=True))
    # SHL 14 § 1 mom (each point), the housing services of SHL 21–21 c §, and the special acts.
    assert {"social_work", "social_guidance", "social_rehabilitation", "family_work",
            "home_services", "home_care", "housing_services", "institutional_care",
            "mobility_support", "substance_work", "mental_health_work", "family_counselling",
            "supervised_meetings", "other_social_services", "temporary_housing",
            "supported_housing", "communal_housing", "round_the_clock_housing",
            "disability_services", "informal_care_support", "family_care", "child_welfare",
            "income_support"} <= codes
    assert set(services.items.filter(parent_code="housing_services").values_list(
        "code", flat=True)) == {"temporary_housing", "supported_housing", "communal_housing",
                                "round_the_clock_housing"}
    assert all(i.name_fi and i.name_sv and i.name_en for i in services.items.all())
    needs = CodeListVersion.objects.get(code_list="support_need", current=True)
    assert needs.items.count() == 10 and not needs.provisional
    # The AVAIN lists stay provisional until a national list is loaded.
    for code_list in ("goal_area", "situation_factor", "method"):
        version = CodeListVersion.objects.get(code_list=code_list, current=True)
        assert version.provisional and version.items.filter(provisional=False).count() == 0


def test_fhir__codings_carry_the_version_they_were_recorded_with(tmp_path, alice, plan, client,
                                                                  client_person):
    old_area = current(CodeList.GOAL_AREA, "housing")
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=old_area.pk,
                                                        client_wording="Oma koti"))
    call_command("load_code_list", write(tmp_path, "areas.csv", GOAL_AREAS_V2),
                 code_list="goal_area", list_version="thl-2025.1")
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=current(CodeList.GOAL_AREA, "housing").pk, client_wording="Vuokra ajallaan"))
    Plan.objects.filter(pk=plan.pk).update(coordinator=alice)
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=current(CodeList.SERVICE, "home_care").pk, sector="older_people"))
    _record, token = ApiToken.issue(alice)
    response = client.get(f"/api/v1/clients/{client_person.pk}/plan/fhir",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    data = json.loads(response.content)
    Bundle.model_validate(data)  # still valid R4
    codings = [c for e in data["entry"] for key in ("category", "code")
               for concept in (e["resource"].get(key) or [])
               if isinstance(e["resource"].get(key), list)
               for c in concept.get("coding", [])]
    codings += [c for e in data["entry"] if e["resource"]["resourceType"] == "ServiceRequest"
                for c in e["resource"]["code"]["coding"]]
    found = {(c["system"].rsplit("/", 1)[1], c["code"], c.get("version")) for c in codings
             if "CodeSystem/avain" in c["system"]}
    assert ("avain-goal-area", "housing", "luotsi-provisional-1") in found
    assert ("avain-goal-area", "housing", "thl-2025.1") in found
    assert ("avain-service", "home_care", "luotsi-shl-2023.1") in found
