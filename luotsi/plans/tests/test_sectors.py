"""Every social service in the one plan: the plan's sectors are data (``PlanSector``). Older-people
and disability services join the five there were; an administrator adds a sector in the admin
and it is offered at once, without a release; a section keeps its responsible professional and
its consent rules whatever its sector; the API's sector codes stay as they were."""

import re

import pytest
from django.utils import timezone

from luotsi.api.models import ApiToken
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.plans import sectors
from luotsi.plans import services as s
from luotsi.plans.models import CodeList, CodeListItem, Goal, Plan, PlanSection, PlanSector

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    Plan.objects.filter(pk=plan.pk).update(coordinator=alice)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def elder_worker(db):
    team = TeamFactory(code="older-east", service_task="older_people")
    return UserFactory(username="eeva", first_name="Eeva", last_name="Esimerkki",
                       role=Role.SOCIAL_WORKER, teams=[team])


def section_options(page: str) -> list[str]:
    select = re.search(r'<select name="section-sector"[^>]*>(.*?)</select>', page, re.S)
    assert select
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


@pytest.mark.parametrize(("language", "older", "disability"), [
    ("fi", "Ikääntyneiden palvelut", "Vammaispalvelut"),
    ("sv", "Tjänster för äldre", "Funktionshinderservice"),
], ids=["fi", "sv"])
def test_sections__older_people_and_disability_in_the_one_plan(
        client, settings, alice, plan, elder_worker, language, older, disability):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(alice)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert section_options(page)[-2:] == [older, disability]
    for sector in ("older_people", "disability"):
        response = client.post(f"/plans/{plan.pk}/sections/", {
            "section-sector": sector, "section-responsible": elder_worker.pk,
            "section-summary": "Osuus"})
        assert response.status_code == 302
    assert set(plan.sections.values_list("sector", "responsible__username")) == {
        ("older_people", "eeva"), ("disability", "eeva")}
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f">{older}</h3>" in page and f">{disability}</h3>" in page


def test_sections__without_a_responsible_professional_refused(client, settings, alice, plan):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(alice)
    response = client.post(f"/plans/{plan.pk}/sections/", {"section-sector": "older_people"})
    assert response.status_code == 200
    assert ("Responsible professional: Name the professional responsible for the sector&#x27;s "
            "part of the plan.") in response.content.decode()
    with pytest.raises(Exception) as refused:
        s.section_add(actor=alice, plan=plan, sector="disability")
    assert list(refused.value.message_dict) == ["responsible"]
    assert not PlanSection.objects.exists()


def test_sections__the_consent_rules_hold_for_a_new_sector(client, alice, plan, elder_worker):
    """The older-people worker sees their own sector's section; the family-services goal stays
    hidden from them until the client consents to share with older-people services."""
    older = s.section_add(actor=alice, plan=plan, sector="older_people",
                          responsible_id=elder_worker.pk)
    family = s.section_add(actor=alice, plan=plan, sector="family_services",
                           responsible_id=alice.pk)
    area = CodeListItem.objects.filter(code_list=CodeList.GOAL_AREA, version__current=True)[0]
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area.pk, client_wording="Kotona pärjääminen", section_id=older.pk))
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area.pk, client_wording="Perheen asia", section_id=family.pk))
    client.force_login(elder_worker)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Kotona pärjääminen" in page and "Perheen asia" not in page
    s.consent_add(actor=alice, plan=plan, sector="older_people", scope="Koko suunnitelma",
                  valid_from=timezone.localdate())
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Kotona pärjääminen" in page and "Perheen asia" in page
    assert Goal.objects.count() == 2


def test_sectors__a_county_adds_one_in_the_admin_and_it_is_offered_at_once(
        client, settings, alice, plan):
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin)
    response = client.post("/admin/plans/plansector/add/", {
        "code": "oral_health", "name_fi": "Suun terveydenhuolto",
        "name_sv": "Munhälsovård", "name_en": "Oral health care", "sort_order": "8",
        "active": "on", "service_tasks": '["health"]'})
    assert response.status_code == 302
    bad = client.post("/admin/plans/plansector/add/", {
        "code": "x_sector", "name_fi": "X", "sort_order": "9", "active": "on",
        "service_tasks": '["no_such_task"]'})
    assert bad.status_code == 200
    assert "List service tasks from:" in bad.content.decode()
    assert not PlanSector.objects.filter(code="x_sector").exists()

    client.force_login(alice)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert section_options(page)[-1] == "Oral health care"
    response = client.post(f"/plans/{plan.pk}/sections/", {
        "section-sector": "oral_health", "section-responsible": alice.pk})
    assert response.status_code == 302
    # The API answers with the new code as it does with the shipped ones.
    _record, token = ApiToken.issue(alice)
    response = client.get(f"/api/v1/clients/{plan.person_id}/plan",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    assert [x["sector"] for x in response.json()["sections"]] == ["oral_health"]
    s.consent_add(actor=alice, plan=plan, sector="oral_health", scope="Hampaat",
                  valid_from=timezone.localdate())
    assert plan.consents.get().get_sector_display() == "Oral health care"


def test_sectors__an_inactive_one_is_no_longer_offered_but_its_sections_keep_it(
        client, settings, alice, plan):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    s.section_add(actor=alice, plan=plan, sector="disability", responsible_id=alice.pk)
    PlanSector.objects.filter(code="disability").update(active=False)
    sectors.clear()
    client.force_login(alice)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Disability services" not in section_options(page)
    assert ">Disability services</h3>" in page
    with pytest.raises(Exception) as refused:
        s.section_add(actor=alice, plan=plan, sector="disability", responsible_id=alice.pk)
    assert list(refused.value.message_dict) == ["sector"]


def test_api__sector_codes_are_documented_as_before(client):
    schema = client.get("/api/v1/openapi.json").json()
    sector = schema["components"]["schemas"]["SectionOut"]["properties"]["sector"]
    assert (sector["type"], sector["maxLength"]) == ("string", 30)
    assert sector["examples"] == ["working_age_social", "employment", "health",
                                  "mental_health_substance", "family_services", "older_people",
                                  "disability"]
