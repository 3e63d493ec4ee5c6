"""The client's own area in Chromium, in Finnish, Swedish and English: demo identification, my
plan and who has read my data, by keyboard alone, at 360 px wide and on a desktop, each page
checked with axe; nothing is stored in the browser but the session cookie."""

import pytest
from e2e_helpers import LAPTOP, assert_accessible, assert_path

from luotsi.access import gateway
from luotsi.access.models import Basis, Category
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.oma.tests.builders import client_with_plan
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
HEADINGS = {
    "fi": ("Oma Luotsi", "Demotunnistautuminen", "Oma suunnitelmani", "Kuka on katsonut tietojani"),
    "sv": ("Mitt Luotsi", "Demoidentifiering", "Min plan", "Vem har läst mina uppgifter"),
    "en": ("My Luotsi", "Demo identification", "My plan", "Who has read my data"),
}


@pytest.fixture(autouse=True)
def _code_lists(transactional_db):
    """Browser tests empty every table after each test, the data migrations' code lists too:
    load them again."""
    import importlib

    from django.apps import apps

    importlib.import_module("luotsi.plans.migrations.0002_avain_code_lists").load(apps, None)


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def _fits(page) -> None:
    """Nothing wider than the window: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def _widths(page):
    """At 360 px wide, then at a laptop's width (then back to 360 px): no sideways scrolling
    at either; the test checks each with axe."""
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        _fits(page)
        yield size
    page.set_viewport_size(PHONE)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_client_area__demo_identification_my_plan_and_who_read_my_data(new_page, settings, team,
                                                                       alice, bob, language):
    settings.DEMO_MODE = True
    coordinator = UserFactory(first_name="Sanna", last_name="Ohjaaja", phone="040 123 4567",
                              teams=[team])
    plan = client_with_plan(coordinator, language=language, first_name="Elli")
    RelationshipFactory(person=plan.person, user=alice)
    RelationshipFactory(person=plan.person, user=bob, basis=Basis.EMERGENCY)
    gateway.access_person_by_id(alice, plan.person_id, category=Category.PLAN)
    gateway.access_person_by_id(bob, plan.person_id, category=Category.PLAN)
    brand, demo, my_plan, who_read = HEADINGS[language]

    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/oma/")
    if language != "fi":
        _tab_to(page, "#oma-language")
        page.select_option("#oma-language", language)
        _tab_to(page, ".oma-language button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == language
    assert brand in page.inner_text("h1")
    for _width in _widths(page):
        assert_accessible(page)

    _tab_to(page, "a[href='/oma/demo/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/demo/")
    assert page.inner_text("h1") == demo
    for _width in _widths(page):
        assert_accessible(page)

    _tab_to(page, f"button[name=person][value='{plan.person_id}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/plan/")
    assert page.get_attribute("html", "lang") == language
    assert page.inner_text("h1") == my_plan
    main = page.inner_text("main")
    for shown in ("Oma koti ja työ", "Soitan asuntotoimistoon", "Sanna Ohjaaja",
                  "040 123 4567"):
        assert shown in main
    for _width in _widths(page):
        assert_accessible(page)
    with page.expect_download() as download:
        _tab_to(page, "#oma-memo-pdf")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"my-plan-{plan.pk}.pdf"

    _tab_to(page, "a[href='/oma/log/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/log/")
    assert page.inner_text("h1") == who_read
    log = page.inner_text("#oma-log")
    assert alice.get_full_name() in log and bob.get_full_name() in log
    assert page.locator("#oma-log li.oma-emergency").count() == 1
    for _width in _widths(page):
        assert_accessible(page)
    with page.expect_download() as download:
        _tab_to(page, "#oma-log-pdf")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("who-has-read-my-data-")

    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert cookies == {"sessionid"}

    _tab_to(page, ".oma-sign-out button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/")
