"""The team lead's caseload page in the browser, in Finnish and in Swedish: each responsible
social worker's children as child-welfare clients against the LSL 13 b § cap, a worker over it
marked, and the page axe-clean."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def county(db, settings):
    from luotsi.intake.models import Assessment
    from luotsi.organisation.models import Role, TeamKind
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )
    from luotsi.people.tests.factories import PersonFactory

    settings.CHILDREN_PER_SOCIAL_WORKER = 2
    region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", region=region)
    east = TeamFactory(code="assessment-east", name_fi="Itäinen arviointitiimi",
                       name_sv="Östra bedömningsteamet", kind=TeamKind.ASSESSMENT, region=region)
    UserFactory(username="leena", first_name="Leena", last_name="Lahtinen",
                role=Role.TEAM_LEAD, teams=[east])
    anna = UserFactory(username="anna", first_name="Anna", last_name="Nieminen", teams=[east])
    UserFactory(username="katja", first_name="Katja", last_name="Heikkinen", teams=[east])
    UserFactory(username="sari", first_name="Sari", last_name="Koskinen",
                role=Role.SOCIAL_COUNSELLOR, teams=[east])
    day = dt.date(2026, 1, 15)
    Assessment.objects.bulk_create([
        Assessment(child=PersonFactory(municipality=porvoo, birth_date=dt.date(2014, 1, 1)),
                   team=east, worker=anna, opened_on=day, started_on=day, completed_on=day,
                   outcome="child_welfare_client", responsible_worker=anna, informed_on=day)
        for _i in range(3)])
    return anna


@pytest.mark.parametrize(("language", "heading", "over"), [
    ("fi", "Lapset vastaavaa sosiaalityöntekijää kohden (LSL 13 b §)",
     "Yli enimmäismäärän 1 lapsella"),
    ("sv", "Barn per ansvarig socialarbetare (BSL 13 b §)", "Över taket med 1"),
])
def test_the_team_lead_sees_each_social_worker_against_the_cap(
        new_page, county, language, heading, over):
    page = new_page(language=language)
    login(page, "leena")
    page.goto("/intake/caseload/")
    assert_path(page, "/intake/caseload/")

    section = page.locator("#children-per-social-worker")
    assert heading in section.locator("h2").inner_text()
    rows = section.locator("tbody tr")
    # Anna (3 of 2) first, then the other licensed social workers; not the counsellor.
    assert rows.count() == 3
    first = rows.nth(0).inner_text()
    assert "Anna Nieminen" in first and "3 / 2" in first and over in first
    assert "Sari Koskinen" not in section.inner_text()
    assert_accessible(page)
