"""The statutory named worker (omatyöntekijä, SHL 42 §) and the plan's coordinator (case
manager, any sector) are two roles: both named on the plan page, the client's memo, the API and
the FHIR care team; the named worker's qualification is checked (a social-welfare professional;
a licensed social worker when the client needs special support), refused naming the field."""

import json

import pytest

from luotsi.api.models import ApiToken
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.plans import services as s
from luotsi.plans.models import Participant, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    return plan


@pytest.fixture
def nurse(db):
    team = TeamFactory(code="health-team", service_task="health")
    return UserFactory(username="nina", first_name="Nina", last_name="Nurmi", role=Role.NURSE,
                       title="sairaanhoitaja", phone="040 111 2222", email="nina@example.fi",
                       teams=[team])


@pytest.fixture
def counsellor(team):
    return UserFactory(username="sakari", first_name="Sakari", last_name="Sosionomi",
                       role=Role.SOCIAL_COUNSELLOR, title="sosiaaliohjaaja", teams=[team])


def fresh(plan) -> Plan:
    return Plan.objects.get(pk=plan.pk)


def test_two_roles__shown_apart_on_the_page_and_the_memo(client, alice, nurse, plan):
    alice.phone, alice.email = "040 123 4567", "alice@example.fi"
    alice.save()
    Plan.objects.filter(pk=plan.pk).update(language="en")  # the memo is in the plan's language
    client.force_login(alice)
    url = f"/plans/{plan.pk}/"
    assert client.post(url + "coordinator/", {"coordinator-coordinator": nurse.pk}
                       ).status_code == 302
    assert client.post(url + "named-worker/", {"named_worker-named_worker": alice.pk}
                       ).status_code == 302
    plan = fresh(plan)
    assert (plan.coordinator, plan.named_worker) == (nurse, alice)
    assert set(plan.participants.filter(kind=Participant.Kind.PROFESSIONAL)
               .values_list("user__username", flat=True)) == {"nina", "alice"}
    page = client.get(url).content.decode()
    assert "Coordinator (case manager)" in page and "Named worker (omatyöntekijä)" in page
    assert "Licensed social worker" in page
    memo = client.get(url + "memo/").content.decode()
    assert "Your contact person (coordinator)" in memo and "040 111 2222" in memo
    assert "Your named worker (omatyöntekijä)" in memo and "040 123 4567" in memo


def test_named_worker__a_nurse_is_refused_naming_the_field(client, alice, nurse, plan):
    client.force_login(alice)
    response = client.post(f"/plans/{plan.pk}/named-worker/",
                           {"named_worker-named_worker": nurse.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Named worker (omatyöntekijä): Nina Nurmi cannot be the named worker" in body
    assert "social-welfare professional (SHL 42 §)" in body
    assert fresh(plan).named_worker is None and fresh(plan).revision == plan.revision


def test_named_worker__special_support_needs_a_licensed_social_worker(alice, counsellor, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        s.named_worker_set(actor=alice, plan=plan, named_worker_id=counsellor.pk,
                           needs_special_support=True)
    assert "licensed social worker" in refused.value.message_dict["named_worker"][0]
    assert fresh(plan).named_worker is None and not fresh(plan).needs_special_support
    # a social counsellor may be the named worker of a client without special support
    s.named_worker_set(actor=alice, plan=fresh(plan), named_worker_id=counsellor.pk,
                       needs_special_support=False)
    assert fresh(plan).named_worker == counsellor
    # marking special support later while the counsellor is named is refused as well
    with pytest.raises(ValidationError):
        s.named_worker_set(actor=alice, plan=fresh(plan), named_worker_id=counsellor.pk,
                           needs_special_support=True)
    s.named_worker_set(actor=alice, plan=fresh(plan), named_worker_id=alice.pk,
                       needs_special_support=True)
    assert (fresh(plan).named_worker, fresh(plan).needs_special_support) == (alice, True)


def test_named_worker__sees_every_section_like_the_coordinator(alice, counsellor, nurse, plan):
    from luotsi.plans import selectors

    s.section_add(actor=alice, plan=plan, sector="health", responsible_id=nurse.pk)
    assert selectors.visible_sectors(counsellor, fresh(plan)) is not None
    s.named_worker_set(actor=alice, plan=fresh(plan), named_worker_id=counsellor.pk,
                       needs_special_support=False)
    assert selectors.visible_sectors(counsellor, fresh(plan)) is None


def test_named_worker__in_the_versions_and_the_fhir_care_team(alice, nurse, plan):
    from luotsi.plans import fhir

    s.coordinator_set(actor=alice, plan=plan, coordinator_id=nurse.pk)
    s.named_worker_set(actor=alice, plan=fresh(plan), named_worker_id=alice.pk,
                       needs_special_support=True)
    from luotsi.plans.selectors import plan_snapshot

    snapshot = plan_snapshot(fresh(plan))
    assert snapshot["named_worker"] == alice.get_full_name()
    assert snapshot["needs_special_support"] is True
    changes = s.version_changes({**snapshot, "named_worker": ""}, snapshot)
    assert {"part": "named_worker", "change": "changed", "text": alice.get_full_name()} in changes
    bundle = json.loads(fhir.plan_bundle_json(alice, plan.pk))
    team = next(e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "CareTeam")
    roles = [p["role"][0]["coding"][0]["code"] for p in team["participant"]]
    assert "coordinator" in roles and "named-worker" in roles


# --- API -----------------------------------------------------------------------------------------

def _api(client, user):
    _record, token = ApiToken.issue(user)
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, data=None, extra_headers=None):
        kwargs = {"headers": {**headers, **(extra_headers or {})}}
        if data is not None:
            kwargs["data"], kwargs["content_type"] = data, "application/json"
        return getattr(client, method)(f"/api/v1{path}", **kwargs)
    return call


def test_api__reads_and_writes_both_roles(client, alice, nurse, plan, client_person):
    call = _api(client, alice)
    path = f"/clients/{client_person.pk}/plan"
    got = call("get", path)
    assert got.json()["coordinator"] is None and got.json()["named_worker"] is None
    response = call("patch", path, {"coordinator_id": nurse.pk, "named_worker_id": alice.pk,
                                    "needs_special_support": True},
                    extra_headers={"If-Match": got["ETag"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["coordinator"]["name"] == "Nina Nurmi" and body["coordinator"]["phone"]
    assert body["named_worker"]["id"] == alice.pk and body["needs_special_support"] is True


def test_api__unqualified_named_worker_refused_naming_the_field_nothing_saved(
        client, alice, nurse, plan, client_person):
    call = _api(client, alice)
    path = f"/clients/{client_person.pk}/plan"
    tag = call("get", path)["ETag"]
    response = call("patch", path, {"client_view": "Haluan oman työntekijän",
                                    "coordinator_id": alice.pk, "named_worker_id": nurse.pk},
                    extra_headers={"If-Match": tag})
    assert response.status_code in (400, 422)
    assert "named_worker_id" in response.content.decode()
    plan = fresh(plan)
    assert (plan.client_view, plan.coordinator, plan.named_worker) == ("", None, None)


def test_migration_keeps_todays_coordinators(alice, plan):
    """The coordinator field is kept as it was; the named worker starts empty."""
    s.coordinator_set(actor=alice, plan=plan, coordinator_id=alice.pk)
    assert fresh(plan).coordinator == alice and fresh(plan).named_worker is None
