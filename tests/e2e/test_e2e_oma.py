"""The client's own area in Chromium, in Finnish, Swedish and English: demo identification, my
plan and who has read my data, by keyboard alone, at 360 px wide and on a desktop, each page
checked with axe; nothing is stored in the browser but the session cookie."""

import pytest
from e2e_helpers import LAPTOP, assert_accessible, assert_path, login

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


CONSENT_WORDS = {
    "fi": ("Omat suostumukseni", "Peruit suostumuksen", "Omat arvioni", "Kiitos"),
    "sv": ("Mina samtycken", "Du återkallade samtycket", "Mina bedömningar", "Tack"),
    "en": ("My consents", "You withdrew the consent", "My ratings", "Thank you"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_client_area__my_plan_my_consents_and_who_read_my_data(new_page, settings, team,
                                                               language):
    """Signed in through the demo identification, by keyboard alone: my plan with a coming
    network meeting, my ratings (a goal rated with my view before the review), my consents
    (one withdrawn, one a worker asked for accepted), who has read my data; axe at 360 px and
    on a desktop. Then the coordinator sees the client's rating and view on the plan page."""
    import datetime as dt

    from django.utils import timezone

    from luotsi.access.tests.factories import RelationshipFactory as Relationship
    from luotsi.oma.tests.builders import shared_client_of
    from luotsi.plans.models import Consent, Evaluation, Review
    from luotsi.sharedcare.models import Meeting

    settings.DEMO_MODE = True
    coordinator = UserFactory(first_name="Sanna", last_name="Ohjaaja", phone="040 123 4567",
                              teams=[team])
    plan = client_with_plan(coordinator, language=language, first_name="Elli")
    Meeting.objects.create(shared_client=shared_client_of(plan), created_by=coordinator,
                           held_at=timezone.now() + dt.timedelta(days=3), place="Kirjasto",
                           agenda="Asunnon tilanne")
    given = Consent.objects.create(plan=plan, sector="health", scope="Koko suunnitelma",
                                   valid_from=timezone.localdate() - dt.timedelta(days=10),
                                   recorded_by=coordinator)
    asked = Consent.objects.create(plan=plan, sector="employment", scope="Tavoitteet",
                                   valid_from=timezone.localdate(), recorded_by=coordinator,
                                   status=Consent.Status.REQUESTED)
    Review.objects.create(plan=plan, scheduled_on=timezone.localdate() + dt.timedelta(days=5))
    Relationship(person=plan.person, user=coordinator)
    goal = plan.goals.get()
    service = plan.services.get()
    service.status = "ongoing"  # begun: the client says how much it has helped
    service.save(update_fields=["status"])
    heading, withdrawn, ratings_heading, thanks = CONSENT_WORDS[language]

    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/oma/demo/")
    assert_accessible(page)
    _tab_to(page, f"button[name=person][value='{plan.person_id}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/plan/")
    assert "Kirjasto" in page.inner_text("#oma-upcoming")
    for _width in _widths(page):
        assert_accessible(page)

    _tab_to(page, "a[href='/oma/ratings/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/ratings/")
    assert page.inner_text("h1") == ratings_heading
    for _width in _widths(page):
        assert_accessible(page)
    _tab_to(page, f"input[name=value_{goal.pk}]")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"input[name=value_{goal.pk}][value='4']")
    _tab_to(page, f"#view-{goal.pk}")
    page.keyboard.type("Asunto melkein löytynyt")
    _tab_to(page, f"input[name=service_value_{service.pk}]")
    page.keyboard.press("Space")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"input[name=service_value_{service.pk}][value='3']")
    _tab_to(page, ".oma-ratings button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/ratings/")
    assert thanks in page.inner_text("main")
    for _width in _widths(page):
        assert_accessible(page)
    [own] = Evaluation.objects.filter(goal=goal)
    assert (own.value, own.note, own.rater) == (4, "Asunto melkein löytynyt", "client")
    [helped] = Evaluation.objects.filter(service=service)
    assert (helped.value, helped.rater) == (3, "client")

    _tab_to(page, "a[href='/oma/consents/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/consents/")
    assert page.inner_text("h1") == heading
    for _width in _widths(page):
        assert_accessible(page)
    _tab_to(page, f"form[action='/oma/consents/{given.pk}/withdraw/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/consents/")
    assert withdrawn in page.inner_text("main")
    for _width in _widths(page):
        assert_accessible(page)
    _tab_to(page, f"form[action='/oma/consents/{asked.pk}/accept/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    given.refresh_from_db()
    asked.refresh_from_db()
    assert given.withdrawn_on == timezone.localdate()
    assert asked.status == Consent.Status.GIVEN
    assert page.locator(f"form[action='/oma/consents/{asked.pk}/withdraw/']").count() == 1

    _tab_to(page, "a[href='/oma/log/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/oma/log/")
    assert page.locator("#oma-log li").count() >= 3
    for _width in _widths(page):
        assert_accessible(page)

    worker = new_page()
    login(worker, coordinator.username)
    worker.goto(f"/plans/{plan.pk}/")
    assert "Asunto melkein löytynyt" in worker.inner_text("main")
    assert worker.locator("li.client-own").count() >= 1
    assert_accessible(worker)
