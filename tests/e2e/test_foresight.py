"""The team lead's workload forecast in the browser, in Finnish and in Swedish: the 12-week
forecast with its risk week, the what-if panel adding a worker and the risk week gone, the
team's capacity page saving a change; every page axe-clean."""

from __future__ import annotations

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(db):
    from luotsi.foresight.tests.world import build_world

    return build_world(language="fi")


@pytest.mark.parametrize(("language", "none", "saved"), [
    ("fi", "ei yhtään", "Henkilöstö ja työaika tallennettiin."),
    ("sv", "inga", "Personalen och arbetstiden sparades."),
], ids=["fi", "sv"])
def test_team_lead_sees_risk_weeks_and_moves_them_with_the_what_if_panel(
        new_page, world, language, none, saved):
    page = new_page(language=language)
    login(page, "leena")
    page.goto("/foresight/")
    assert_path(page, "/foresight/")
    assert page.locator("#weeks-assessment-east tbody tr").count() == 12
    assert page.locator("#risk-weeks-assessment-east").inner_text() == "1"
    assert page.locator("#risk-weeks-assessment-west").inner_text() == none
    assert page.locator("#weeks-assessment-east tbody tr.at-risk").count() == 1
    assert page.locator("svg#workload-assessment-east, #workload-assessment-east").count() >= 1
    assert_accessible(page)

    page.select_option("#id_team", "assessment-east")
    page.fill("#id_add_fte", "1")
    with page.expect_navigation():
        page.click("#what-if button[type=submit]")
    assert page.locator("#risk-weeks-assessment-east").inner_text() == "1"
    assert page.locator("#whatif-risk-weeks-assessment-east").inner_text() == none
    assert_accessible(page)

    page.fill("#id_add_fte", "")
    page.fill("#id_weeks", "53")
    with page.expect_navigation():
        page.click("#what-if button[type=submit]")
    assert page.locator("#id_weeks-error").count() == 1
    assert_accessible(page)

    page.goto("/foresight/capacity/assessment-east/")
    assert_path(page, "/foresight/capacity/assessment-east/")
    page.fill("#id_fte_social_worker", "2")
    with page.expect_navigation():
        page.click("#capacity-form button[type=submit]")
    assert saved in page.locator("body").inner_text()
    assert page.locator("#id_fte_social_worker").input_value() in ("2", "2.00", "2,00")
    assert_accessible(page)

    page.goto("/foresight/")
    assert page.locator("#risk-weeks-assessment-east").inner_text() == none
