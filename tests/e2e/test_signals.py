"""Intervention points and early-warning rules in the browser, in Finnish and in Swedish,
axe-checked: a planner (team lead) sees the intervention-point report and an early rule's
backtest; a professional sees the intervention marks on a shared client's page and their early
candidates."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv"]


@pytest.fixture
def world(transactional_db):
    from django.utils import timezone

    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import MunicipalityFactory, TeamFactory, UserFactory
    from luotsi.people.tests.factories import PersonFactory
    from luotsi.sharedcare.models import SharedClient
    from luotsi.signals.backtest import run_backtest
    from luotsi.signals.tests.helpers import emergencies, events
    from luotsi.usage.models import Flag, IdentificationRule

    team = TeamFactory(code="working-age-e2e", service_task="working_age")
    alice = UserFactory(username="alice", first_name="Alice", last_name="Aalto", teams=[team])
    lead = UserFactory(username="lead", first_name="Leena", last_name="Lahti",
                       role=Role.TEAM_LEAD, teams=[team])
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå")
    today = timezone.localdate()
    person = PersonFactory(first_name="Aino", last_name="Asiakas", municipality=porvoo)
    RelationshipFactory(person=person, user=alice)
    flag_day = today - dt.timedelta(days=30)
    events(person, [(flag_day - dt.timedelta(days=400), "social", "visit"),
                    (flag_day - dt.timedelta(days=399), "health", "visit"),
                    (flag_day - dt.timedelta(days=200), "employment", "contact")])
    emergencies(person, [flag_day - dt.timedelta(days=100), flag_day - dt.timedelta(days=60)])
    Flag.objects.create(person=person, rule=IdentificationRule.objects.get(code="multi_sector"),
                        as_of=today, first_flagged_on=flag_day)
    for _i in range(6):
        client = PersonFactory(municipality=porvoo)
        events(client, [(today - dt.timedelta(days=500), "social", "visit"),
                        (today - dt.timedelta(days=499), "health", "visit")])
        SharedClient.objects.create(person=client, status=SharedClient.Status.CONFIRMED,
                                    coordination_started_on=today - dt.timedelta(days=40),
                                    decided_by=lead, decided_at=timezone.now())
    early = PersonFactory(first_name="Eero", last_name="Ennakko", municipality=porvoo)
    RelationshipFactory(person=early, user=alice)
    emergencies(early, [today - dt.timedelta(days=5), today - dt.timedelta(days=50)])
    events(PersonFactory(municipality=porvoo), [(today - dt.timedelta(days=1100), "social",
                                                 "visit")])  # history reaches back far enough
    as_of = today - dt.timedelta(days=7)
    run_backtest(as_of=as_of, user=lead)
    return {"person": person, "early": early}


def _go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("language", LANGUAGES)
def test_planner_sees_intervention_points_and_an_early_rules_backtest(new_page, world, language):
    from luotsi.signals.models import EarlyWarningRule

    page = new_page(language=language)
    login(page, "lead")
    _go(page, "/service-usage/intervention-points/")
    assert page.locator("#signal-table tbody tr").count() >= 5
    assert page.locator("#area-table tbody tr").count() >= 2
    assert_accessible(page)
    _go(page, "/service-usage/early-rules/")
    assert page.locator("#early-rules tbody tr").count() == 3
    assert_accessible(page)
    rule = EarlyWarningRule.objects.get(code="early_emergency")
    with page.expect_navigation():
        page.click(f"text={rule.name_sv if language == 'sv' else rule.name_fi}")
    assert page.locator("#backtest-table").count() == 1
    assert_accessible(page)
    # a date without enough history: refused, the field named, nothing run
    page.fill("#id_as_of", "2001-01-31")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#id_as_of[aria-invalid=true], .errorlist").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_shared_client_page_shows_the_intervention_marks(new_page, world, language):
    page = new_page(language=language)
    login(page, "alice")
    _go(page, f"/shared-clients/persons/{world['person'].pk}/")
    marks = page.locator(".sig-mark-list > li")
    assert marks.count() >= 2
    assert_accessible(page)
    _go(page, "/service-usage/early-candidates/")
    assert page.locator("#early-candidates li").count() == 1
    assert world["early"].last_name in page.inner_text("#early-candidates")
    assert_accessible(page)
