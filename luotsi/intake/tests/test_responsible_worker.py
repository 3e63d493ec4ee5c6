"""A team lead changes a client's responsible worker (LSL 13 b §, SHL 42 §), on the page and
through the API: only a worker who qualifies may be named (refused naming the field, nothing
saved), a social worker over the cap of children is warned about, and the change is recorded
(who, when, from, to, why) in the assessment's history and the access log, moves the case
relationship to the child, and notifies the new worker."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from luotsi.access import gateway
from luotsi.access.models import AccessLogEntry, Basis, ClientRelationship, LogAction, Outcome
from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Assessment, ContactKind, Notification, ResponsibleWorkerChange
from luotsi.intake.tests.factories import RESULT, build_world, contact_input, professional
from luotsi.organisation.models import Qualification, Role, User
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    world = build_world()
    world.extra["sonja"] = professional(username="sonja", first_name="Sonja",
                                        last_name="Ohjaaja", role=Role.SOCIAL_COUNSELLOR,
                                        teams=[world.east])
    world.extra["noora"] = professional(username="noora", first_name="Noora",
                                        last_name="Hoitaja", role=Role.NURSE,
                                        qualification=Qualification.OTHER, teams=[world.east])
    return world


def _client(world, outcome: str = "child_welfare_client", worker=None, **contact) -> Assessment:
    """A child who is a client of the east team with ``worker`` (Alice) responsible."""
    child = PersonFactory(birth_date=dt.date(2016, 3, 3), municipality=world.porvoo)
    registered = services.contact_register(actor=world.iris,
                                           data=contact_input(child=child, **contact))
    services.contact_assess_urgency(actor=world.iris, contact=registered, urgency="not_urgent")
    services.initial_assessment_record(actor=world.iris, contact=registered,
                                       outcome="service_need_assessment", informed_on=TODAY)
    registered.refresh_from_db()
    started = services.assessment_start(actor=world.alice, assessment=registered.assessment,
                                        started_on=TODAY)
    return services.assessment_complete(
        actor=world.alice, assessment=started, outcome=outcome, reason="Tarve.",
        completed_on=TODAY, responsible_worker=worker or world.alice, informed_on=TODAY,
        result=RESULT)


def _post(client, user: User, path: str, body: dict, language: str = "fi"):
    token = ApiToken.issue(user)[1]
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}",
                                "Accept-Language": language})


def _fields(response) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def _case_workers(assessment: Assessment) -> set[str]:
    now = timezone.now()
    return {r.user.username for r in ClientRelationship.objects.filter(
        source=f"intake.Assessment:{assessment.pk}", basis=Basis.CASE, user__isnull=False,
        starts_at__lte=now).exclude(ends_at__lte=now).select_related("user")}


# --- through the API ---------------------------------------------------------------------------

def test_api__a_licensed_social_worker_takes_over_recorded_logged_and_notified(world, client):
    assessment = _client(world)
    assert _case_workers(assessment) == {"alice"}

    response = _post(client, world.lead, f"/assessments/{assessment.pk}/responsible-worker",
                     {"responsible_worker_id": world.sami.pk, "reason": "Alice jää vapaalle.",
                      "expected_version": assessment.version})

    assert response.status_code == 200, response.content
    assert response.json()["responsible_worker_id"] == world.sami.pk
    assert response.json()["warnings"] == []
    change = ResponsibleWorkerChange.objects.get()
    assert (change.assessment_id, change.from_worker, change.to_worker, change.reason,
            change.changed_by, change.changed_at) == (
        assessment.pk, world.alice, world.sami, "Alice jää vapaalle.", world.lead, NOW)
    assert _case_workers(assessment) == {"sami"}
    assert gateway.visible_persons(world.sami).filter(pk=assessment.child_id).exists()
    note = Notification.objects.get(user=world.sami)
    assert note.link == f"/intake/assessments/{assessment.pk}/"
    assert str(assessment.pk) in note.text
    entry = AccessLogEntry.objects.filter(user_id=world.lead.pk,
                                          action=LogAction.UPDATE).order_by("-seq").first()
    assert (entry.person_id, entry.outcome) == (assessment.child_id, Outcome.ALLOWED)
    assert "responsible worker alice -> sami" in entry.detail
    # The history: in the assessment's API read.
    token = ApiToken.issue(world.lead)[1]
    read = client.get(f"/api/v1/assessments/{assessment.pk}",
                      headers={"Authorization": f"Bearer {token}"}).json()
    assert read["responsible_worker_changes"] == [{
        "from_worker_id": world.alice.pk, "to_worker_id": world.sami.pk,
        "reason": "Alice jää vapaalle.", "changed_by_id": world.lead.pk,
        "changed_at": "2026-02-03T08:00:00Z"}]


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "ei ole kirjattu laillistetuksi sosiaalityöntekijäksi"),
    ("sv", "är inte registrerad som legitimerad socialarbetare"),
])
def test_api__a_counsellor_for_a_child_welfare_client_refused_naming_the_field(
        world, client, language, expected):
    assessment = _client(world)
    response = _post(client, world.lead, f"/assessments/{assessment.pk}/responsible-worker",
                     {"responsible_worker_id": world.extra["sonja"].pk, "reason": "Muutos."},
                     language)
    assert response.status_code == 422, response.content
    fields = _fields(response)
    assert set(fields) == {"responsible_worker_id"}
    assert expected in fields["responsible_worker_id"] and "13 b §" in fields[
        "responsible_worker_id"]
    assessment.refresh_from_db()
    assert assessment.responsible_worker == world.alice
    assert not ResponsibleWorkerChange.objects.exists()
    assert _case_workers(assessment) == {"alice"}
    assert not Notification.objects.filter(user=world.extra["sonja"]).exists()


def test_api__the_named_worker_of_family_services(world, client):
    """SHL 42 §: a social counsellor may be the named worker of a family-services client, a
    nurse may not; a child needing special support needs a licensed social worker."""
    plain = _client(world, "family_social_services")
    path = f"/assessments/{plain.pk}/responsible-worker"
    refused = _post(client, world.lead, path, {"responsible_worker_id": world.extra["noora"].pk,
                                               "reason": "Muutos."}, "en")
    assert refused.status_code == 422
    assert "social-welfare professional" in _fields(refused)["responsible_worker_id"]
    accepted = _post(client, world.lead, path, {"responsible_worker_id": world.extra["sonja"].pk,
                                                "reason": "Sonja jatkaa perhetyössä."})
    assert accepted.status_code == 200, accepted.content

    special = _client(world, "family_social_services",
                      kind=ContactKind.SHL_SPECIAL_SUPPORT_NOTIFICATION)
    refused = _post(client, world.lead, f"/assessments/{special.pk}/responsible-worker",
                    {"responsible_worker_id": world.extra["sonja"].pk, "reason": "Muutos."},
                    "en")
    assert refused.status_code == 422
    assert "needing special support" in _fields(refused)["responsible_worker_id"]


@override_settings(CHILDREN_PER_SOCIAL_WORKER=1)
def test_api__over_the_cap_is_warned_about_not_refused(world, client):
    _client(world, worker=world.sami)
    assessment = _client(world)
    response = _post(client, world.lead, f"/assessments/{assessment.pk}/responsible-worker",
                     {"responsible_worker_id": world.sami.pk, "reason": "Muutos."}, "en")
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == [
        f"{world.sami} is now the responsible social worker of 2 children as child-welfare "
        "clients, over the cap of 1 per social worker (LSL 13 b §). Consider naming another "
        "social worker."]


def test_api__reason_and_the_same_worker_refused_naming_the_field(world, client):
    assessment = _client(world)
    path = f"/assessments/{assessment.pk}/responsible-worker"
    response = _post(client, world.lead, path, {"responsible_worker_id": world.alice.pk,
                                                "reason": " "})
    assert response.status_code == 422
    assert set(_fields(response)) == {"responsible_worker_id", "reason"}
    response = _post(client, world.lead, path, {"responsible_worker_id": 2**62,
                                                "reason": "Muutos."})
    assert response.status_code == 422 and "responsible_worker_id" in _fields(response)
    assert not ResponsibleWorkerChange.objects.exists()


def test_api__only_the_lead_of_the_team_and_only_the_current_client_relationship(
        world, client):
    assessment = _client(world)
    path = f"/assessments/{assessment.pk}/responsible-worker"
    body = {"responsible_worker_id": world.sami.pk, "reason": "Muutos."}
    assert _post(client, world.alice, path, body).status_code == 403  # not a team lead
    assert _post(client, world.ilona, path, body).status_code == 403  # lead of intake
    assert _post(client, world.wendy, path, body).status_code == 404  # cannot see the child
    assert _post(client, world.lead, path, {**body, "expected_version": 1}).status_code == 409
    # A later assessment of the child closed without a client relationship: no longer current.
    Assessment.objects.create(child=assessment.child, team=world.east, opened_on=TODAY,
                              started_on=TODAY, completed_on=TODAY, outcome="closed")
    response = _post(client, world.lead, path, body)
    assert response.status_code == 422, response.content
    assert not ResponsibleWorkerChange.objects.exists()


# --- on the page -------------------------------------------------------------------------------

def test_page__the_lead_changes_the_worker_and_sees_the_history(world, client):
    assessment = _client(world)
    client.force_login(world.lead)
    page = client.get(f"/intake/assessments/{assessment.pk}/")
    assert f'href="/intake/assessments/{assessment.pk}/responsible-worker/"' in \
        page.content.decode()
    url = f"/intake/assessments/{assessment.pk}/responsible-worker/"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"responsible_worker": world.extra["sonja"].pk,
                                "reason": "Muutos.", "expected_version": assessment.version},
                          HTTP_ACCEPT_LANGUAGE="fi")
    assert refused.status_code == 200
    assert "13 b §" in refused.context["form"].errors["responsible_worker"][0]
    assert not ResponsibleWorkerChange.objects.exists()

    response = client.post(url, {"responsible_worker": world.sami.pk,
                                 "reason": "Alice siirtyy toiseen tiimiin.",
                                 "expected_version": assessment.version})
    assert response.status_code == 302 and response["Location"] == url
    assessment.refresh_from_db()
    assert assessment.responsible_worker == world.sami
    text = client.get(url).content.decode()
    assert "Alice siirtyy toiseen tiimiin." in text and str(world.alice) in text


def test_page__not_for_a_worker_nor_the_lead_of_another_team(world, client):
    assessment = _client(world)
    url = f"/intake/assessments/{assessment.pk}/responsible-worker/"
    client.force_login(world.alice)
    assert client.get(url).status_code == 403
    assert 'responsible-worker/"' not in client.get(
        f"/intake/assessments/{assessment.pk}/").content.decode()
    client.force_login(world.ilona)
    assert client.get(url).status_code in (403, 404)
