"""Code lists and sectors as data in the browser, in Finnish and in Swedish, axe-checked: a goal
area list loaded from a file changes what the plan page offers while a goal recorded before keeps
its code, marked retired; the page names the code-list versions in use; older-people and
disability services take their place in the one plan."""

from __future__ import annotations

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

NEW_AREAS = (
    "code;name_fi;name_sv;name_en;valid_from;valid_until;parent_code\n"
    "daily_life;Arjen sujuminen (kansallinen);Vardagen (nationell);Everyday life;2025-01-01;;\n"
    "work;Työ ja toimeentulo;Arbete och försörjning;Work and income;2025-01-01;;\n"
)
RETIRED = {"fi": "poistunut koodi, versio luotsi-provisional-1",
           "sv": "utgången kod, version luotsi-provisional-1"}
OLDER = {"fi": "Ikääntyneiden palvelut", "sv": "Tjänster för äldre"}
DISABILITY = {"fi": "Vammaispalvelut", "sv": "Funktionshinderservice"}
VERSION = {"fi": "versio thl-2025.1", "sv": "version thl-2025.1"}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_plan__a_loaded_code_list_changes_the_choices_and_the_old_goal_keeps_its_code(
        new_page, alice, case, client_person, language, tmp_path):
    from django.core.management import call_command

    from luotsi.plans import services
    from luotsi.plans.models import CodeListItem, Plan, PlanSection

    plan, _created = services.plan_open(actor=alice, person_id=client_person.pk)
    Plan.objects.filter(pk=plan.pk).update(coordinator=alice)
    old = CodeListItem.objects.get(code_list="goal_area", code="housing", version__current=True)
    goal = services.goal_add(actor=alice, plan=plan, data=services.GoalInput(
        goal_area_id=old.pk, client_wording="Haluan oman asunnon"))
    path = tmp_path / "areas.csv"
    path.write_text(NEW_AREAS, encoding="utf-8")
    call_command("load_code_list", str(path), code_list="goal_area", list_version="thl-2025.1")

    page = new_page(language=language)
    login(page, "alice")
    page.goto(f"/plans/{plan.pk}/")
    card = page.locator(f"#goal-{goal.pk}")
    assert RETIRED[language] in card.inner_text()
    assert VERSION[language] in page.locator("#code-list-goal_area").inner_text()
    page.click("details#form-goal > summary")
    offered = page.locator("#id_goal-goal_area option").all_inner_texts()
    assert offered[1:] == (["Arjen sujuminen (kansallinen)", "Työ ja toimeentulo"]
                           if language == "fi" else ["Vardagen (nationell)",
                                                     "Arbete och försörjning"])
    assert_accessible(page)

    for sector in ("older_people", "disability"):
        if page.locator("details#form-section").get_attribute("open") is None:
            page.click("details#form-section > summary")
        page.select_option("#id_section-sector", sector)
        page.select_option("#id_section-responsible", str(alice.pk))
        with page.expect_navigation():
            page.click("details#form-section form button.primary")
    assert set(PlanSection.objects.values_list("sector", flat=True)) == {"older_people",
                                                                         "disability"}
    headings = page.locator("#sections article.card h3").all_inner_texts()
    assert set(headings) == {OLDER[language], DISABILITY[language]}
    assert_accessible(page)
