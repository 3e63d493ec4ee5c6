"""The client plan in the browser, in Finnish and in Swedish, axe-checked (WCAG 2.1 AA): a plan
with two sectors, goals, steps and ratings, an accepted version, the client's memo and its PDF,
and a second concurrent edit refused without losing its text."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv"]
# A passive and a long word each.
UNCLEAR = {"fi": "Asuntohakemus täytetään asumispalvelusuunnitelman mukaan",
           "sv": "Ansökan behandlas enligt boendeserviceplaneringen"}


@pytest.fixture
def employment_worker(db):
    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import TeamFactory, UserFactory

    team = TeamFactory(code="employment-east", service_task="employment")
    return UserFactory(username="erkki", first_name="Erkki", last_name="Esimerkki",
                       role=Role.EMPLOYMENT_COORDINATOR, teams=[team], title="Työvalmentaja")


def _code(code_list: str, code: str) -> str:
    from luotsi.plans.models import CodeListItem

    return str(CodeListItem.objects.get(version__current=True, code_list=code_list, code=code).pk)


def _submit(page, form_selector: str, button: str = "button[value=save]") -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} {button}")


def _open(page, key: str) -> str:
    """Open the form panel ``key`` (a <details>) and return a selector for its form."""
    panel = f"details#form-{key}"
    if page.locator(panel).get_attribute("open") is None:
        page.click(f"{panel} > summary")
    return f"{panel} form"


def _plan_id(page) -> int:
    path = page.url.split("/plans/", 1)[1]
    return int(path.split("/", 1)[0])


def _add_section(page, sector: str, responsible) -> None:
    form = _open(page, "section")
    page.select_option("#id_section-sector", sector)
    page.select_option("#id_section-responsible", str(responsible.pk))
    page.fill("#id_section-summary", f"Osio {sector}")
    _submit(page, form, "button.primary")


def _add_goal(page, area: str, wording: str, section=None) -> None:
    form = _open(page, "goal")
    page.select_option("#id_goal-goal_area", _code("goal_area", area))
    page.fill("#id_goal-client_wording", wording)
    page.fill("#id_goal-target_date", (dt.date.today() + dt.timedelta(days=120)).isoformat())
    if section is not None:
        page.select_option("#id_goal-section", str(section.pk))
    _submit(page, form)


def _add_step(page, goal_pk: int, what: str, days: int) -> None:
    form = _open(page, "step")
    page.select_option("#id_step-goal", str(goal_pk))
    page.fill("#id_step-what", what)
    page.select_option("#id_step-owner_kind", "client")
    page.fill("#id_step-due_on", (dt.date.today() + dt.timedelta(days=days)).isoformat())
    _submit(page, form)


def _focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _rate(page, goal_pk: int, value: int, occasion: str) -> None:
    form = _open(page, "rating")
    page.select_option("#id_rating-goal", str(goal_pk))
    page.check(f"input[name='rating-value'][value='{value}']")
    page.select_option("#id_rating-rated_by_kind", "together")
    page.select_option("#id_rating-occasion", occasion)
    _submit(page, form, "button.primary")


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan__two_sectors_goals_steps_ratings_version_memo_and_pdf(
        new_page, alice, case, client_person, employment_worker, language, tmp_path):
    from luotsi.plans.models import Goal, Plan, PlanSection, PlanVersion, Rating, Step

    client_person.language = language  # the memo comes in the client's language
    client_person.save()
    page = new_page(language=language)
    login(page, "alice")

    # One plan per person: "Client plan" on the person page starts it.
    page.goto(f"/persons/{client_person.pk}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#client-plan-link")
    assert_path(page, f"/plans/person/{client_person.pk}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#start-plan")
    plan = Plan.objects.get(person=client_person)
    assert_path(page, f"/plans/{plan.pk}/")
    assert page.locator(".messages .message-success").is_visible()
    assert_accessible(page)

    # Alice is the named coordinator: she sees every sector's section.
    form = _open(page, "coordinator")
    page.select_option("#id_coordinator-coordinator", str(alice.pk))
    _submit(page, form, "button.primary")
    assert Plan.objects.get(pk=plan.pk).coordinator == alice

    # Two sectors, each with its responsible professional.
    _add_section(page, "family_services", alice)
    _add_section(page, "employment", employment_worker)
    assert set(PlanSection.objects.values_list("sector", flat=True)) == {
        "family_services", "employment"}
    assert page.locator("#sections article.card").count() == 2
    assert page.locator("#hidden-sections").count() == 0

    # Goals in the client's own words; the clear-language check runs after saving.
    _add_goal(page, "housing", "Haluan oman asunnon Porvoosta")
    assert page.locator("#saved-check").is_visible()
    _add_goal(page, "employment", "Haen työtä kaupasta",
              section=PlanSection.objects.get(sector="employment"))
    home, job = Goal.objects.order_by("pk")
    assert job.section.sector == "employment"
    assert page.locator("article.goal").count() == 2

    # The client's support needs (SHL 11 §): recorded once, the page opens at its section with
    # the focus on it; the same need again is refused naming the field.
    form = _open(page, "support_need")
    page.select_option("#id_support_need-need", _code("support_need", "housing"))
    _submit(page, form)
    assert page.url.endswith("#support-needs") and _focused(page) == "support-needs"
    assert page.locator("#support-need-list tbody tr").count() == 1
    form = _open(page, "support_need")
    page.select_option("#id_support_need-need", _code("support_need", "housing"))
    _submit(page, form)
    assert page.locator("details#form-support_need .error-summary "
                        "a[href='#id_support_need-need']").count() == 1
    assert_accessible(page)

    # The "check the text" button, without saving: a passive and a long word are flagged.
    form = _open(page, "step")
    page.select_option("#id_step-goal", str(home.pk))
    page.fill("#id_step-what", UNCLEAR[language])  # checked in the plan's language
    _submit(page, form, "button[value=check]")
    findings = page.locator("details#form-step .findings")
    assert findings.is_visible() and findings.locator("li").count() == 2
    assert page.locator("#id_step-what").input_value() == UNCLEAR[language]
    assert not Step.objects.exists()
    assert_accessible(page)

    _add_step(page, home.pk, "Täytän asuntohakemuksen", 7)
    # After a save the focus is on the saved goal, not at the top of the long page: the next
    # Tab goes on from there.
    assert page.url.endswith(f"#goal-{home.pk}")
    assert _focused(page) == f"goal-{home.pk}"
    page.keyboard.press("Tab")
    assert page.evaluate(
        f"document.getElementById('goal-{home.pk}').contains(document.activeElement)")
    _add_step(page, job.pk, "Käyn kaupassa kysymässä työtä", 14)
    assert _focused(page) == f"goal-{job.pk}"
    assert Step.objects.count() == 2
    assert page.locator(f"#goal-{home.pk} table.steps tbody tr").count() == 1

    # AVAIN ratings at the start and at a review: a small chart per goal with a text alternative.
    form = _open(page, "rating")
    assert not page.is_checked("#id_rating-client_took_part")  # never pre-ticked
    assert page.input_value("#id_rating-rated_by_kind") == ""  # nor who rated chosen
    _rate(page, home.pk, 2, "start")
    assert _focused(page) == f"goal-{home.pk}"
    _rate(page, home.pk, 4, "review")
    assert list(Rating.objects.values_list("value", flat=True)) == [2, 4]
    chart = page.locator(f"#goal-{home.pk} svg.chart[role=img]")
    assert chart.count() == 1
    assert page.locator(f"#goal-{home.pk} .rating-list li").count() == 2
    assert_accessible(page)

    # Bad input: a goal without the client's wording is refused, named, and nothing is saved.
    form = _open(page, "goal")
    page.select_option("#id_goal-goal_area", _code("goal_area", "finances"))
    _submit(page, form)
    assert page.locator("details#form-goal .error-summary a[href='#id_goal-client_wording']"
                        ).count() == 1
    assert Goal.objects.count() == 2
    assert_accessible(page)

    # Accept the plan with the client: version 1.
    form = _open(page, "accept")
    assert not page.is_checked("#id_accept-client_took_part")  # the worker ticks it
    page.check("#id_accept-client_took_part")
    _submit(page, form, "button.primary")
    version = PlanVersion.objects.get()
    assert version.number == 1 and version.client_took_part
    assert page.locator("#version-1").is_visible()
    assert _focused(page) == "versions"
    assert_accessible(page)

    # The client's memo in the plan's language, and its PDF.
    with page.expect_navigation():
        page.click("#memo-link")
    assert_path(page, f"/plans/{plan.pk}/memo/")
    memo = page.locator("article#memo")
    assert memo.get_attribute("lang") == language
    assert "Haluan oman asunnon Porvoosta" in memo.inner_text()
    assert "Täytän asuntohakemuksen" in memo.inner_text()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("#memo-pdf-link")
    target = tmp_path / "memo.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan__second_concurrent_edit_refused_without_losing_its_text(
        new_page, alice, lead, case, client_person, language):
    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.plans import services
    from luotsi.plans.models import Plan

    RelationshipFactory(person=client_person, user=lead)
    plan, _created = services.plan_open(actor=alice, person_id=client_person.pk)

    first, second = new_page(language=language), new_page(language=language)
    login(first, "alice")
    login(second, "lead")
    for page in (first, second):  # both open the same plan
        page.goto(f"/plans/{plan.pk}/")
        _open(page, "text")

    first.fill("#id_text-client_situation", "Asun kaverilla. Tarvitsen oman kodin.")
    _submit(first, "details#form-text form")
    assert first.locator(".messages .message-success").is_visible()
    assert_accessible(first)

    mine = "Asun siskoni luona. Haluan asua lähellä työpaikkaa."
    second.fill("#id_text-client_situation", mine)
    with second.expect_navigation() as navigation:
        second.click("details#form-text form button[value=save]")
    assert navigation.value.status == 409
    assert second.locator("#conflict").is_visible()
    # Their own text is kept in the field; what is saved now is shown next to it.
    assert second.locator("#id_text-client_situation").input_value() == mine
    assert "Asun kaverilla. Tarvitsen oman kodin." in second.locator(
        "#now-client_situation").inner_text()
    assert Plan.objects.get(pk=plan.pk).client_situation == "Asun kaverilla. Tarvitsen oman kodin."
    assert_accessible(second)

    # Re-applied on top of what is saved now, it saves.
    second.fill("#id_text-client_situation", "Asun kaverilla, nyt siskoni luona.")
    _submit(second, "details#form-text form")
    assert second.locator(".messages .message-success").is_visible()
    assert Plan.objects.get(pk=plan.pk).client_situation == "Asun kaverilla, nyt siskoni luona."
