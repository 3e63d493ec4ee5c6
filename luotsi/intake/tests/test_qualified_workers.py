"""Qualified workers (LSL 13 b §, SHL 42 §): the responsible social worker of a child-welfare
client is a licensed social worker, the named worker of a family-services client a social-welfare
professional (a licensed social worker when the child needs special support); refused naming the
field, in the user's language, with nothing saved; the caseload of children against the cap on
the team lead's page, and a warning (not a refusal) when naming a worker over it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.admin.sites import site
from django.test import override_settings

from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import selectors, services
from luotsi.intake.models import Assessment, ContactKind
from luotsi.intake.tests.factories import (
    RESULT,
    RESULT_FIELDS,
    build_world,
    contact_input,
    professional,
)
from luotsi.organisation.models import Qualification, Role, User
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()
CASELOAD = "/intake/caseload/"


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    # A social counsellor and a nurse of the regional team, neither a licensed social worker.
    world.extra["sonja"] = professional(username="sonja", first_name="Sonja",
                                        last_name="Ohjaaja", role=Role.SOCIAL_COUNSELLOR,
                                        teams=[world.east])
    world.extra["noora"] = professional(username="noora", first_name="Noora",
                                        last_name="Hoitaja", role=Role.NURSE,
                                        qualification=Qualification.OTHER, teams=[world.east])
    return world


def _started(world, *, child=None, **contact) -> Assessment:
    """A started service-need assessment of ``child`` (a new child by default) in the east."""
    child = child or PersonFactory(birth_date=dt.date(2016, 3, 3), municipality=world.porvoo)
    registered = services.contact_register(actor=world.iris,
                                           data=contact_input(child=child, **contact))
    services.contact_assess_urgency(actor=world.iris, contact=registered, urgency="not_urgent")
    services.initial_assessment_record(actor=world.iris, contact=registered,
                                       outcome="service_need_assessment", informed_on=TODAY)
    registered.refresh_from_db()
    return services.assessment_start(actor=world.alice, assessment=registered.assessment,
                                     started_on=TODAY)


def _client_of(world, worker, **contact) -> Assessment:
    """A child who is a child-welfare client with ``worker`` as the responsible social worker."""
    return services.assessment_complete(
        actor=world.alice, assessment=_started(world, **contact), outcome="child_welfare_client",
        reason="Tarve.", completed_on=TODAY, responsible_worker=worker, informed_on=TODAY,
        result=RESULT)


def _api(client, world, username: str):
    token = ApiToken.issue(User.objects.get(username=username))[1]

    def post(path: str, body: dict, language: str = "fi"):
        return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}",
                                    "Accept-Language": language})
    return post


def _complete_body(outcome: str, worker: User) -> dict:
    return {"outcome": outcome, "reason": "Tarve.", "completed_on": TODAY.isoformat(),
            "responsible_worker_id": worker.pk, "informed_on": TODAY.isoformat(),
            **RESULT_FIELDS}


def _messages(response) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in response.json()["error"]["fields"]:
        fields.setdefault(item["field"], []).append(item["message"])
    return fields


# --- the rules, through the API ---------------------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "ei ole kirjattu laillistetuksi sosiaalityöntekijäksi"),
    ("sv", "är inte registrerad som legitimerad socialarbetare"),
    ("en", "is not recorded as a licensed social worker"),
])
def test_api__a_counsellor_as_the_responsible_worker_of_a_child_welfare_client_is_refused(
        world, client, language, expected):
    assessment = _started(world)
    post = _api(client, world, "alice")

    response = post(f"/assessments/{assessment.pk}/complete",
                    _complete_body("child_welfare_client", world.extra["sonja"]), language)

    assert response.status_code == 422, response.content
    messages = _messages(response)
    assert set(messages) == {"responsible_worker_id"}
    assert expected in messages["responsible_worker_id"][0]
    assert "13 b §" in messages["responsible_worker_id"][0]
    assessment.refresh_from_db()
    assert (assessment.completed_on, assessment.outcome, assessment.responsible_worker) == (
        None, "", None)


def test_api__a_licensed_social_worker_is_accepted_without_a_warning_under_the_cap(
        world, client):
    assessment = _started(world)

    response = _api(client, world, "alice")(
        f"/assessments/{assessment.pk}/complete",
        _complete_body("child_welfare_client", world.sami), "en")

    assert response.status_code == 200, response.content
    assert response.json()["responsible_worker_id"] == world.sami.pk
    assert response.json()["warnings"] == []


def test_api__the_named_worker_of_family_services_is_a_social_welfare_professional(
        world, client):
    post = _api(client, world, "alice")
    nurse_named = _started(world)
    counsellor_named = _started(world)

    refused = post(f"/assessments/{nurse_named.pk}/complete",
                   _complete_body("family_social_services", world.extra["noora"]), "en")
    accepted = post(f"/assessments/{counsellor_named.pk}/complete",
                    _complete_body("family_social_services", world.extra["sonja"]), "en")

    assert refused.status_code == 422
    assert _messages(refused)["responsible_worker_id"] == [
        "Noora Hoitaja is not recorded as a social-welfare professional: the named worker "
        "(omatyöntekijä) must be one (SHL 42 §)."]
    assert accepted.status_code == 200, accepted.content
    nurse_named.refresh_from_db()
    assert nurse_named.completed_on is None


def test_api__a_child_needing_special_support_needs_a_social_worker_as_named_worker(
        world, client):
    post = _api(client, world, "alice")
    assessment = _started(world, kind=ContactKind.SHL_SPECIAL_SUPPORT_NOTIFICATION,
                          clock="shl_special_support_child")

    refused = post(f"/assessments/{assessment.pk}/complete",
                   _complete_body("family_social_services", world.extra["sonja"]), "en")
    accepted = post(f"/assessments/{assessment.pk}/complete",
                    _complete_body("family_social_services", world.sami), "en")

    assert refused.status_code == 422
    assert "child needing special support must be one (SHL 42 §)" in _messages(
        refused)["responsible_worker_id"][0]
    assert accepted.status_code == 200, accepted.content


def test_a_worker_without_a_recorded_qualification_is_refused(world):
    unrecorded = professional(username="uusi", first_name="Uusi", last_name="Työntekijä",
                              qualification="", teams=[world.east])
    assessment = _started(world)

    with pytest.raises(Exception) as refused:
        services.assessment_complete(
            actor=world.alice, assessment=assessment, outcome="child_welfare_client",
            reason="Tarve.", completed_on=TODAY, responsible_worker=unrecorded,
            informed_on=TODAY, result=RESULT)

    assert set(refused.value.message_dict) == {"responsible_worker"}


@override_settings(CHILDREN_PER_SOCIAL_WORKER=2)
def test_api__naming_a_social_worker_over_the_cap_is_warned_about_not_refused(world, client):
    _client_of(world, world.sami)
    _client_of(world, world.sami)
    assessment = _started(world)

    response = _api(client, world, "alice")(
        f"/assessments/{assessment.pk}/complete",
        _complete_body("child_welfare_client", world.sami), "en")

    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == [
        f"{world.sami} is now the responsible social worker of 3 children as child-welfare "
        "clients, over the cap of 2 per social worker (LSL 13 b §). Consider naming another "
        "social worker."]
    assert selectors.children_per_social_worker([world.sami.pk]) == {world.sami.pk: 3}


def test_a_later_completed_assessment_ends_the_count(world):
    earlier = _client_of(world, world.sami)
    later = _started(world, child=earlier.child)
    services.assessment_complete(actor=world.alice, assessment=later, outcome="closed",
                                 reason="Ei tarvetta.", completed_on=TODAY, result=RESULT)

    assert selectors.children_per_social_worker([world.sami.pk]) == {}


# --- the rules, through the form --------------------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "ei ole kirjattu laillistetuksi sosiaalityöntekijäksi"),
    ("sv", "är inte registrerad som legitimerad socialarbetare"),
])
def test_form__an_unqualified_responsible_worker_is_refused_naming_the_field(
        world, client, language, expected):
    assessment = _started(world)
    client.cookies["django_language"] = language
    client.force_login(world.alice)

    response = client.post(f"/intake/assessments/{assessment.pk}/", {
        "intent": "complete", "expected_version": assessment.version, "outcome":
        "child_welfare_client", "reason": "Tarve.", "completed_on": TODAY.isoformat(),
        "responsible_worker": world.extra["sonja"].pk, "informed_on": TODAY.isoformat(),
        **RESULT_FIELDS})

    assert response.status_code == 200
    form = response.context["complete_form"]
    assert list(form.errors) == ["responsible_worker"]
    assert expected in form.errors["responsible_worker"][0]
    assert 'href="#id_responsible_worker"' in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.completed_on is None


@override_settings(CHILDREN_PER_SOCIAL_WORKER=1)
def test_form__over_the_cap_completes_with_a_warning_and_the_choice_shows_the_caseload(
        world, client):
    _client_of(world, world.sami)
    assessment = _started(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.alice)

    page = client.get(f"/intake/assessments/{assessment.pk}/").content.decode()
    assert "Sami Työntekijä" in page and "1/1 children as child-welfare clients" in page
    assert "Sonja Ohjaaja (Social counsellor)" in page

    response = client.post(f"/intake/assessments/{assessment.pk}/", {
        "intent": "complete", "expected_version": assessment.version, "outcome":
        "child_welfare_client", "reason": "Tarve.", "completed_on": TODAY.isoformat(),
        "responsible_worker": world.sami.pk, "informed_on": TODAY.isoformat(),
        **RESULT_FIELDS}, follow=True)

    text = response.content.decode()
    assert "The assessment was completed." in text
    assert "over the cap of 1 per social worker (LSL 13 b §)" in text
    assessment.refresh_from_db()
    assert assessment.responsible_worker == world.sami


# --- the team lead's caseload page ------------------------------------------------------------

@override_settings(CHILDREN_PER_SOCIAL_WORKER=2)
def test_caseload_page_shows_each_social_worker_against_the_cap(world, client):
    for _i in range(3):
        _client_of(world, world.sami)
    _client_of(world, world.alice)
    client.cookies["django_language"] = "en"
    client.force_login(world.lead)

    response = client.get(CASELOAD)

    rows = [(row.worker.username, row.children, row.over, row.free)
            for row in response.context["social_workers"]]
    # Licensed social workers of the lead's team (the lead too); not the counsellor or nurse.
    assert rows == [("sami", 3, 1, 0), ("alice", 1, 0, 1), ("lead", 0, 0, 2)]
    text = response.content.decode()
    assert "Children per responsible social worker (LSL 13 b §)" in text
    assert "3 / 2" in text and "Over the cap by 1" in text and "1 place left" in text


def test_caseload_page_query_count_does_not_grow_with_workers_or_clients(
        world, client, django_assert_num_queries):
    client.force_login(world.lead)
    client.get(CASELOAD)  # the session and the caches

    def count() -> int:
        with django_assert_num_queries(QUERIES) as captured:
            response = client.get(CASELOAD)
        assert response.status_code == 200
        return len(captured)

    count()
    for n in range(4):
        worker = professional(username=f"social{n}", first_name="Sosiaali",
                              teams=[world.east])
        _client_of(world, worker)
        _client_of(world, world.sami)
    count()
    assert len(client.get(CASELOAD).context["social_workers"]) == 7


QUERIES = 9


def test_caseload_page_for_team_leads_only(world, client):
    client.force_login(world.alice)
    assert client.get(CASELOAD).status_code == 403


# --- where professionals are created and edited: the admin ----------------------------------

def _admin_post(client, user: User, **changes):
    admin = (User.objects.filter(username="root").first()
             or User.objects.create_superuser("root", password="x", email=""))
    client.force_login(admin)
    page = client.get(f"/admin/organisation/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"teams": [t.pk for t in user.teams.all()], "groups": [],
                 "user_permissions": [], **changes})
    return client.post(f"/admin/organisation/user/{user.pk}/change/", data)


def test_admin__a_licensed_qualification_needs_a_valid_registration_number(world, client):
    nurse = world.extra["noora"]
    client.cookies["django_language"] = "en"

    missing = _admin_post(client, nurse, qualification="licensed_social_worker",
                          registration_number="")
    malformed = _admin_post(client, nurse, qualification="licensed_social_worker",
                            registration_number="12345")
    nurse.refresh_from_db()
    assert nurse.qualification == Qualification.OTHER

    assert missing.status_code == malformed.status_code == 200
    assert "registration_number" in missing.context["adminform"].form.errors
    assert "has 11 digits" in str(malformed.context["adminform"].form.errors)

    saved = _admin_post(client, nurse, qualification="licensed_social_worker",
                        registration_number="10099123456")
    assert saved.status_code == 302
    nurse.refresh_from_db()
    assert (nurse.qualification, nurse.registration_number) == (
        Qualification.LICENSED_SOCIAL_WORKER, "10099123456")
    assert nurse.may_be_responsible_social_worker


def test_admin_lists_and_filters_professionals_by_qualification(world):
    admin = site._registry[User]
    assert "qualification" in admin.list_display and "qualification" in admin.list_filter


def test_admin__a_professional_is_added_with_a_qualification(world, client):
    admin = User.objects.create_superuser("root", password="x", email="")
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    form = {"username": "uusi.sosiaalityontekija", "usable_password": "false",
            "role": "social_worker", "qualification": "licensed_social_worker"}

    refused = client.post("/admin/organisation/user/add/", {**form, "registration_number": ""})
    assert refused.status_code == 200
    assert "registration_number" in refused.context["adminform"].form.errors
    assert not User.objects.filter(username="uusi.sosiaalityontekija").exists()

    added = client.post("/admin/organisation/user/add/",
                        {**form, "registration_number": "10099654321"})
    assert added.status_code == 302, added.context["adminform"].form.errors
    user = User.objects.get(username="uusi.sosiaalityontekija")
    assert user.may_be_responsible_social_worker and user.registration_number == "10099654321"


# --- moving a leaving worker's caseload moves the responsible-worker role too -----------------

def test_caseload_move__clients_go_to_a_qualified_worker_only(world, client):
    from luotsi.access.models import ClientRelationship

    assessment = _client_of(world, world.sami)
    client.cookies["django_language"] = "en"
    client.force_login(world.lead)

    refused = client.post(CASELOAD, {"intent": "preview", "from_user": world.sami.pk,
                                     "to_user": world.extra["sonja"].pk})
    assert "not recorded as a licensed social worker" in str(
        refused.context["form"].errors["to_user"])
    preview = client.post(CASELOAD, {"intent": "preview", "from_user": world.sami.pk,
                                     "to_user": world.alice.pk})
    assert "1 client whose responsible worker the leaving worker is" in preview.content.decode()
    assessment.refresh_from_db()
    assert assessment.responsible_worker == world.sami  # the preview moves nothing

    client.post(CASELOAD, {"intent": "confirm", "from_user": world.sami.pk,
                           "to_user": world.alice.pk,
                           "fingerprint": preview.context["fingerprint"]})

    assessment.refresh_from_db()
    assert assessment.responsible_worker == world.alice
    assert selectors.children_per_social_worker([world.sami.pk, world.alice.pk]) == {
        world.alice.pk: 1}
    source = f"intake.Assessment:{assessment.pk}"
    assert ClientRelationship.objects.filter(source=source, user=world.alice,
                                             ends_at__isnull=True).exists()
    assert not ClientRelationship.objects.filter(source=source, user=world.sami,
                                                 ends_at__isnull=True).exists()
