"""A team lead changes a child-welfare client's responsible social worker in the browser, in
Finnish and in Swedish: from the assessment page, a social counsellor is refused on the field
(LSL 13 b §), a licensed social worker over the cap of children is named with a warning, and
the change is listed with its reason. Every page is axe-clean."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def client_child(db, settings):
    from django.utils import timezone

    from luotsi.access.models import Basis, ClientRelationship
    from luotsi.intake.models import Assessment
    from luotsi.organisation.models import Role, TeamKind
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )
    from luotsi.people.tests.factories import PersonFactory

    settings.CHILDREN_PER_SOCIAL_WORKER = 1
    region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", region=region)
    east = TeamFactory(code="assessment-east", name_fi="Itäinen arviointitiimi",
                       name_sv="Östra bedömningsteamet", kind=TeamKind.ASSESSMENT, region=region)
    lead = UserFactory(username="leena", first_name="Leena", last_name="Lahtinen",
                       role=Role.TEAM_LEAD, teams=[east])
    anna = UserFactory(username="anna", first_name="Anna", last_name="Nieminen", teams=[east])
    katja = UserFactory(username="katja", first_name="Katja", last_name="Heikkinen",
                        teams=[east])
    UserFactory(username="sari", first_name="Sari", last_name="Koskinen",
                role=Role.SOCIAL_COUNSELLOR, teams=[east])
    day = dt.date(2026, 1, 15)
    assessments = []
    for worker in (anna, katja):
        child = PersonFactory(municipality=porvoo, birth_date=dt.date(2014, 1, 1))
        assessment = Assessment.objects.create(
            child=child, team=east, worker=worker, opened_on=day, started_on=day,
            completed_on=day, outcome="child_welfare_client", responsible_worker=worker,
            informed_on=day)
        ClientRelationship.objects.create(
            person=child, team=east, basis=Basis.CASE, service_task="child_welfare",
            starts_at=timezone.now() - dt.timedelta(days=30),
            source=f"intake.Assessment:{assessment.pk}", created_by=lead)
        assessments.append(assessment)
    return assessments[0]


def _submit(page) -> None:
    with page.expect_navigation():
        page.click("main form:has(input[name=intent][value=responsible_worker]) "
                   "button[type=submit]")


@pytest.mark.parametrize(("language", "refusal", "over_cap"), [
    ("fi", "13 b §", "yli enimmäismäärän"),
    ("sv", "13 b §", "över taket"),
])
def test_the_lead_changes_the_responsible_social_worker(new_page, client_child, language,
                                                        refusal, over_cap):
    from luotsi.intake.models import ResponsibleWorkerChange
    from luotsi.organisation.models import User

    page = new_page(language=language)
    login(page, "leena")
    page.goto(f"/intake/assessments/{client_child.pk}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#responsible-worker-link")
    url = f"/intake/assessments/{client_child.pk}/responsible-worker/"
    assert_path(page, url)
    assert_accessible(page)

    sari = User.objects.get(username="sari")
    page.select_option("#id_responsible_worker", str(sari.pk))
    page.fill("#id_reason", "Anna jää vapaalle.")
    _submit(page)
    assert refusal in page.locator("#id_responsible_worker-error").inner_text()
    assert not ResponsibleWorkerChange.objects.exists()
    assert_accessible(page)

    katja = User.objects.get(username="katja")
    page.select_option("#id_responsible_worker", str(katja.pk))
    page.fill("#id_reason", "Anna jää vapaalle.")
    _submit(page)
    assert_path(page, url)
    assert over_cap in page.locator("main").inner_text().lower()
    assert page.locator("#current-responsible-worker").inner_text() == "Katja Heikkinen"
    assert page.locator("section:has(#changes-heading) tbody tr").count() == 1
    assert ResponsibleWorkerChange.objects.get().to_worker == katja
    assert_accessible(page)
