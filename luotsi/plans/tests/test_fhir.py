"""FHIR R4 export and import of the client plan, validated with fhir.resources (R4B models)."""

import copy
import datetime as dt
import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from luotsi.access.models import AccessLogEntry, Category, LogAction, Outcome
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.api.models import ApiToken
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans import fhir, selectors
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, Plan, PlanSection

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def code(code_list, value) -> int:
    return CodeListItem.objects.get(version__current=True, code_list=code_list, code=value).pk


@pytest.fixture
def call(client, alice):
    _record, token = ApiToken.issue(alice)

    def call(method, path, data=None, headers=None):
        kwargs = {"headers": {"Authorization": f"Bearer {token}", **(headers or {})}}
        if data is not None:
            kwargs["data"] = data if isinstance(data, str | bytes) else json.dumps(data)
            kwargs["content_type"] = "application/fhir+json"
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


@pytest.fixture
def worker(db):
    return UserFactory(username="wanda", first_name="Wanda", last_name="Wikström",
                       teams=[TeamFactory(code="adult-sw", service_task="working_age")])


@pytest.fixture
def full_plan(alice, worker, case, client_person) -> Plan:
    """Two sectors: working-age social services (hidden from alice's family-services team)
    and family services; goals, services, steps and ratings in both; two consents."""
    plan, _ = s.plan_open(actor=alice, person_id=client_person.pk)
    s.plan_update(actor=alice, plan=plan, expected_revision=None, changes=s.PlanChanges(
        client_situation="Asun tuttavan luona.", client_view="Haluan oman kodin.",
        disagreement="En halua laitokseen."))
    adult = s.section_add(actor=alice, plan=plan, sector="working_age_social",
                          responsible_id=worker.pk)
    family = s.section_add(actor=alice, plan=plan, sector="family_services",
                           responsible_id=alice.pk)
    home = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=code("goal_area", "housing"), client_wording="Oma asunto keväällä",
        target_date=TODAY() + dt.timedelta(days=120), priority=1, section_id=adult.pk))
    school = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=code("goal_area", "children"), client_wording="Lapset kouluun ajoissa",
        section_id=family.pk))
    shared = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=code("goal_area", "finances"), client_wording="Laskut maksettu"))
    s.goal_factor_add(actor=alice, goal=school, factor_id=code("situation_factor", "motivation"),
                      effect="supports", note="Haluaa muutosta")
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=code("service", "housing_services"), sector="working_age_social",
        provider="Asumispalvelu Oy", status="planned"))
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=code("service", "family_work"), sector="family_services",
        provider="Itä-Uudenmaan hyvinvointialue", responsible_id=alice.pk, status="ongoing",
        starts_on=TODAY() - dt.timedelta(days=10), ends_on=TODAY() + dt.timedelta(days=80)))
    s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=code("service", "debt_counselling"), sector="family_services",
        provider="Talousneuvonta", status="ended"))
    s.step_add(actor=alice, plan=plan, data=s.StepInput(
        what="Soita kouluun", owner_kind="client", due_on=TODAY(), goal_id=school.pk))
    s.step_add(actor=alice, plan=plan, data=s.StepInput(
        what="Asuntohakemus", owner_kind="professional", owner_id=worker.pk,
        due_on=TODAY(), goal_id=home.pk))
    for goal, values in ((home, (2, 4)), (school, (1, 3)), (shared, (3,))):
        for i, value in enumerate(values):
            s.rating_add(actor=alice, plan=plan, data=s.RatingInput(
                goal_id=goal.pk, value=value, rated_by_kind="together",
                occasion="start" if i == 0 else "review",
                rated_on=TODAY() - dt.timedelta(days=30 * (len(values) - i))))
    s.consent_add(actor=alice, plan=plan, sector="employment", scope="Työnhakuun liittyvät",
                  valid_from=TODAY() - dt.timedelta(days=5))
    withdrawn = s.consent_add(actor=alice, plan=plan, sector="health", scope="Terveys",
                              valid_from=TODAY() - dt.timedelta(days=50))
    s.consent_withdraw(actor=alice, consent=withdrawn, on=TODAY() - dt.timedelta(days=1))
    return Plan.objects.get(pk=plan.pk)


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def references(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for value in node for r in references(value)]
    return []


def test_export__validates_and_holds_the_visible_plan(call, alice, full_plan, client_person):
    response = call("get", f"/clients/{client_person.pk}/plan/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["ETag"] == f'W/"{full_plan.pk}-{full_plan.revision}"'
    data = response.json()
    bundle = Bundle.model_validate(data)  # raises when the Bundle is not valid R4
    assert bundle.type == "collection"

    patient = resources(data, "Patient")[0]
    assert {"use": "official", "system": "urn:oid:1.2.246.21",
            "value": client_person.hetu} in patient["identifier"]
    assert patient["birthDate"] == client_person.birth_date.isoformat()

    care_plan = resources(data, "CarePlan")[0]
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    assert care_plan["description"] == "Asun tuttavan luona."
    assert care_plan["note"][0]["text"] == "Haluan oman kodin."
    assert "En halua laitokseen." in care_plan["note"][1]["text"]
    assert care_plan["period"]["start"] == \
        timezone.localtime(full_plan.created_at).date().isoformat()
    assert care_plan["meta"]["versionId"] == str(full_plan.revision)

    # Alice works in family services: the working-age section's goal, service and step are
    # left out; the plan-wide goal stays.
    goals = resources(data, "Goal")
    assert sorted(g["description"]["text"] for g in goals) == [
        "Lapset kouluun ajoissa", "Laskut maksettu"]
    school = next(g for g in goals if g["description"]["text"] == "Lapset kouluun ajoissa")
    coding = school["category"][0]["coding"][0]
    assert coding["system"] == "https://luotsi.fi/fhir/CodeSystem/avain-goal-area"
    assert coding["code"] == "children"
    assert coding["extension"] == [{"url": fhir.PROVISIONAL_EXTENSION, "valueBoolean": True}]
    assert school["priority"]["coding"][0]["code"] == "medium-priority"
    assert "Haluaa muutosta" in school["note"][0]["text"]

    services = resources(data, "ServiceRequest")
    assert sorted(r["status"] for r in services) == ["active", "completed"]
    ongoing = next(r for r in services if r["status"] == "active")
    assert ongoing["code"]["coding"][0]["code"] == "family_work"
    assert ongoing["performer"][0]["display"] == "Itä-Uudenmaan hyvinvointialue"
    assert ongoing["occurrencePeriod"]["end"] == (TODAY() + dt.timedelta(days=80)).isoformat()
    assert all(r["intent"] == "plan" for r in services)

    observations = resources(data, "Observation")
    assert len(observations) == 3  # 2 for the family goal, 1 for the plan-wide goal
    assert {o["code"]["coding"][0]["code"] for o in observations} == {"avain-rating"}
    assert sorted(o["valueInteger"] for o in observations) == [1, 3, 3]
    goal_urls = {e["fullUrl"] for e in data["entry"] if e["resource"]["resourceType"] == "Goal"}
    assert all(o["focus"][0]["reference"] in goal_urls for o in observations)
    assert all(len(o["performer"]) == 2 for o in observations)  # rated together

    consents = resources(data, "Consent")
    assert sorted(c["status"] for c in consents) == ["active", "inactive"]
    active = next(c for c in consents if c["status"] == "active")
    assert active["scope"]["text"] == "Työnhakuun liittyvät"
    assert active["provision"]["actor"][0]["reference"]["identifier"]["value"] == "employment"
    assert active["provision"]["period"]["start"] == (TODAY() - dt.timedelta(days=5)).isoformat()

    team = resources(data, "CareTeam")[0]
    roles = [p["role"][0]["coding"][0]["code"] for p in team["participant"]]
    assert roles[0] == "client" and "responsible" in roles

    # The CarePlan points at every Goal and ServiceRequest; every reference resolves.
    urls = {e["fullUrl"] for e in data["entry"]}
    assert {r["reference"] for r in care_plan["goal"]} == goal_urls
    service_urls = {e["fullUrl"] for e in data["entry"]
                    if e["resource"]["resourceType"] == "ServiceRequest"}
    assert {a["reference"]["reference"] for a in care_plan["activity"] if "reference" in a} \
        == service_urls
    steps = [a["detail"]["description"] for a in care_plan["activity"] if "detail" in a]
    assert steps == ["Soita kouluun"]
    assert set(references(data)) <= urls

    entry = AccessLogEntry.objects.get(person_id=client_person.pk, category=Category.PLAN,
                                       action=LogAction.EXPORT, user_id=alice.pk)
    assert entry.outcome == Outcome.ALLOWED and entry.detail == "api: plan FHIR export"


def test_export__the_meters_evaluations_as_observations_of_what_is_seen(
        call, alice, full_plan, client_person):
    """Services and methods evaluated, a factor reassessed and the client's own ratings are
    Observations with who rated; an evaluation of a hidden sector's service is left out."""
    family = full_plan.services.get(item__code="family_work")
    hidden = full_plan.services.get(item__code="housing_services")
    school = full_plan.goals.get(client_wording="Lapset kouluun ajoissa")
    factor = school.factors.get()
    method = s.method_add(actor=alice, plan=full_plan, goal_id=school.pk, method_id=CodeListItem
                          .objects.filter(version__current=True, code_list="method").first().pk)
    for subject, item_id, value, direction in (("service", family.pk, 4, ""),
                                               ("service", hidden.pk, 2, ""),
                                               ("method", method.pk, 3, ""),
                                               ("factor", factor.pk, None, "better")):
        s.evaluation_add(actor=alice, plan=full_plan, data=s.EvaluationInput(
            subject=subject, item_id=item_id, value=value, direction=direction, note="Huom"))
    s.record_client_rating(actor=alice, plan=full_plan, data=s.EvaluationInput(
        subject="goal", item_id=school.pk, value=5))
    response = call("get", f"/clients/{client_person.pk}/plan/fhir")
    data = response.json()
    Bundle.model_validate(data)
    evaluations = [o for o in resources(data, "Observation")
                   if o["code"]["coding"][0]["code"] == "avain-evaluation"]
    assert len(evaluations) == 4  # the hidden sector's service left out
    by_kind = {next(c["valueCodeableConcept"]["coding"][0]["code"] for c in o["component"]
                    if c["code"]["coding"][0]["code"] == "evaluated"): o for o in evaluations}
    assert set(by_kind) == {"service", "method", "factor", "goal"}
    assert by_kind["service"]["valueInteger"] == 4
    assert by_kind["service"]["focus"][0]["reference"] in {
        e["fullUrl"] for e in data["entry"] if e["resource"]["resourceType"] == "ServiceRequest"}
    assert by_kind["factor"]["valueCodeableConcept"]["coding"][0]["code"] == "better"
    assert by_kind["goal"]["method"]["coding"][0]["code"] == "client"
    assert by_kind["goal"]["performer"][0]["reference"].startswith("urn:uuid:")
    assert by_kind["service"]["method"]["coding"][0]["code"] == "professional"
    assert set(references(data)) <= {e["fullUrl"] for e in data["entry"]}


def test_export__the_coordinator_sees_every_sector(alice, worker, full_plan):
    s.coordinator_set(actor=alice, plan=full_plan, coordinator_id=worker.pk)
    plan = selectors.plan_for_export(full_plan.pk)
    data = json.loads(fhir.build_bundle(worker, plan).model_dump_json())
    Bundle.model_validate(data)
    assert len(resources(data, "Goal")) == 3
    assert len(resources(data, "ServiceRequest")) == 3
    assert len(resources(data, "Observation")) == 5
    planned = [r for r in resources(data, "ServiceRequest")
               if r["code"]["coding"][0]["code"] == "housing_services"]
    assert planned[0]["status"] == "draft"
    care_plan = resources(data, "CarePlan")[0]
    assert care_plan["author"]["display"] == "Wanda Wikström"
    assert [c["coding"][0]["code"] for c in care_plan["category"]] == [
        "family_services", "working_age_social"]


def test_export__a_consent_asked_from_the_client_is_proposed(alice, full_plan):
    """A consent a worker asked for and the client has not yet accepted is ``proposed``; once
    the client accepts it, ``active``."""
    asked = s.consent_request(actor=alice, plan=full_plan, sector="older_people",
                              scope="Kotihoito")

    def statuses() -> list[str]:
        plan = selectors.plan_for_export(full_plan.pk)
        data = json.loads(fhir.build_bundle(alice, plan).model_dump_json())
        Bundle.model_validate(data)
        return sorted(c["status"] for c in resources(data, "Consent"))

    assert statuses() == ["active", "inactive", "proposed"]
    s.consent_accept_by_client(client=full_plan.person, consent=asked)
    assert statuses() == ["active", "active", "inactive"]


def test_export__temporary_identifier(alice):
    person = PersonFactory(hetu_encrypted="", hetu_lookup=None, temporary_id="TMP-000123")
    RelationshipFactory(person=person, user=alice)
    plan, _ = s.plan_open(actor=alice, person_id=person.pk)
    bundle = fhir.build_bundle(alice, selectors.plan_for_export(plan.pk))
    data = json.loads(bundle.model_dump_json())
    Bundle.model_validate(data)
    patient = resources(data, "Patient")[0]
    assert patient["identifier"] == [{"use": "temp", "system": fhir.TEMPORARY_ID_SYSTEM,
                                      "value": "TMP-000123"}]
    assert "Goal" not in {e["resource"]["resourceType"] for e in data["entry"]}


@pytest.fixture
def other_client(alice):
    person = PersonFactory(first_name="Onni", last_name="Toinen")
    RelationshipFactory(person=person, user=alice)
    plan, _ = s.plan_open(actor=alice, person_id=person.pk)
    return person, plan


def _as_other_person(bundle: dict, person) -> dict:
    """The Bundle as the other system would send it for ``person``."""
    out = copy.deepcopy(bundle)
    for entry in out["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["identifier"] = [{"system": fhir.HETU_SYSTEM,
                                                "value": person.hetu}]
    return out


def test_import__round_trip_as_a_draft_section(call, alice, full_plan, client_person,
                                               other_client):
    person, plan = other_client
    exported = call("get", f"/clients/{client_person.pk}/plan/fhir").json()
    bundle = _as_other_person(exported, person)
    before = Plan.objects.get(pk=plan.pk).revision

    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=employment", bundle)
    assert response.status_code == 201, response.content
    body = response.json()
    section = PlanSection.objects.get(pk=body["id"])
    assert section.plan_id == plan.pk and section.status == PlanSection.Status.IMPORTED
    assert section.sector == "employment"
    imported = section.imported
    assert set(imported) == {"source", "goals", "services"}
    title = resources(exported, "CarePlan")[0]["title"]
    assert imported["source"] == f"{title} ({fhir.PLAN_SYSTEM}|{full_plan.pk})"
    assert sorted(imported["goals"], key=lambda g: g["goal_area_code"]) == [
        {"goal_area_code": "children", "client_wording": "Lapset kouluun ajoissa",
         "target_date": None},
        {"goal_area_code": "finances", "client_wording": "Laskut maksettu",
         "target_date": None},
    ]
    assert sorted(imported["services"], key=lambda r: r["item_code"]) == [
        {"item_code": "debt_counselling", "provider": "Talousneuvonta",
         "sector": "family_services"},
        {"item_code": "family_work", "provider": "Itä-Uudenmaan hyvinvointialue",
         "sector": "family_services"},
    ]
    assert body["imported"] == imported and body["plan_revision"] == before + 1
    # Nothing of the import became part of the plan itself: it is a draft beside it.
    assert plan.goals.count() == 0 and plan.services.count() == 0
    assert AccessLogEntry.objects.filter(
        person_id=person.pk, category=Category.PLAN, action=LogAction.CREATE,
        detail__contains="imported from FHIR").count() == 1

    # Without the sector parameter, the CarePlan's sector category decides.
    response = call("post", f"/clients/{person.pk}/plan/fhir", bundle)
    assert response.status_code == 201
    assert response.json()["sector"] == "family_services"

    # The import shows in the plan as a section, with the shape the merge button reads.
    sections = call("get", f"/clients/{person.pk}/plan").json()["sections"]
    assert {x["status"] for x in sections} == {"imported"}


def test_import__goal_target_date_survives(call, alice, full_plan, client_person,
                                           other_client):
    person, _plan = other_client
    s.coordinator_set(actor=alice, plan=full_plan, coordinator_id=alice.pk)
    bundle = _as_other_person(call("get", f"/clients/{client_person.pk}/plan/fhir").json(),
                              person)
    response = call("post", f"/clients/{person.pk}/plan/fhir", bundle)
    goals = response.json()["imported"]["goals"]
    housing = next(g for g in goals if g["goal_area_code"] == "housing")
    assert housing["target_date"] == (TODAY() + dt.timedelta(days=120)).isoformat()


def _nothing_saved(plan, revision):
    assert PlanSection.objects.filter(plan=plan).count() == 0
    assert Plan.objects.get(pk=plan.pk).revision == revision


@pytest.mark.parametrize("mutate, field", [
    (lambda b: b["entry"][3]["resource"].pop("subject"), "Bundle.entry[3].resource.subject"),
    (lambda b: b["entry"][3]["resource"].update({"target": [{"dueDate": "2026-13-40"}]}),
     "Bundle.entry[3].resource.target[0].dueDate"),
    (lambda b: b.update({"type": "nonsense"}), "Bundle.type"),
    (lambda b: b.update({"resourceType": "Patient"}), "Bundle.resourceType"),
    (lambda b: b.update({"entry": [e for e in b["entry"]
                                   if e["resource"]["resourceType"] != "CarePlan"]}),
     "Bundle.entry"),
    (lambda b: b["entry"][3]["resource"].update({"description": {"text": " "}}),
     "Bundle.entry[3].resource.description.text"),
])
def test_import__invalid_bundle_is_422_and_nothing_saved(call, full_plan, client_person,
                                                         other_client, mutate, field):
    person, plan = other_client
    bundle = _as_other_person(call("get", f"/clients/{client_person.pk}/plan/fhir").json(),
                              person)
    assert bundle["entry"][3]["resource"]["resourceType"] == "Goal"
    mutate(bundle)
    before = Plan.objects.get(pk=plan.pk).revision
    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=employment", bundle,
                    headers={"Idempotency-Key": "import-1"})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in [f["field"] for f in error["fields"]]
    _nothing_saved(plan, before)


def _service_coding_version(bundle: dict, version: str) -> int:
    """Set the code-list version of the first ServiceRequest's service coding; its entry index."""
    for index, entry in enumerate(bundle["entry"]):
        if entry["resource"]["resourceType"] == "ServiceRequest":
            entry["resource"]["code"]["coding"][0]["version"] = version
            return index
    raise AssertionError("no ServiceRequest")


def test_import__a_code_list_version_not_loaded_is_refused_naming_the_element(
        call, full_plan, client_person, other_client):
    """A service coded in a version of the service code list that Luotsi has not loaded is
    refused on that element, nothing saved; a loaded older version is taken, its codes matched
    by code when the draft is merged."""
    person, plan = other_client
    exported = call("get", f"/clients/{client_person.pk}/plan/fhir").json()
    bundle = _as_other_person(exported, person)
    index = _service_coding_version(bundle, "kunta-9.9")
    before = Plan.objects.get(pk=plan.pk).revision
    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=employment", bundle)
    assert response.status_code == 422, response.content
    [problem] = [f for f in response.json()["error"]["fields"]
                 if f["field"] == f"Bundle.entry[{index}].resource.code"]
    assert "kunta-9.9" in problem["message"] and "load_code_list" in problem["message"]
    _nothing_saved(plan, before)

    from luotsi.plans.models import CodeListVersion

    older = CodeListVersion.objects.filter(code_list="service").exclude(current=True).first()
    assert older is not None  # the provisional list kept beside the shipped one
    _service_coding_version(bundle, older.version)
    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=employment", bundle)
    assert response.status_code == 201, response.content


def test_import__refuses_another_persons_plan_and_bad_requests(call, full_plan, client_person,
                                                               other_client):
    person, plan = other_client
    exported = call("get", f"/clients/{client_person.pk}/plan/fhir").json()
    before = Plan.objects.get(pk=plan.pk).revision

    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=employment", exported)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "Bundle.entry[0].resource.identifier"

    bundle = _as_other_person(exported, person)
    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=nowhere", bundle)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "sector"

    for care_plan in resources(bundle, "CarePlan"):
        care_plan.pop("category")
    response = call("post", f"/clients/{person.pk}/plan/fhir", bundle)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "sector"

    response = call("post", f"/clients/{person.pk}/plan/fhir", "{not json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body"
    _nothing_saved(plan, before)


def test_import__non_ascii_identity_code_refused(call, full_plan, client_person, other_client):
    """The Patient's code passes the one identity-code check: the same code written in
    Arabic-Indic digits is refused as not ASCII, not taken for another person."""
    person, plan = other_client
    exported = call("get", f"/clients/{client_person.pk}/plan/fhir").json()
    before = Plan.objects.get(pk=plan.pk).revision
    bundle = _as_other_person(exported, person)
    foreign = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in person.hetu)
    for patient in resources(bundle, "Patient"):
        patient["identifier"][0]["value"] = foreign
    response = call("post", f"/clients/{person.pk}/plan/fhir?sector=employment", bundle)
    assert response.status_code == 422
    field = response.json()["error"]["fields"][0]
    assert field["field"] == "Bundle.entry[0].resource.identifier"
    assert "U+066" in field["message"]
    _nothing_saved(plan, before)


def test_import__idempotent(call, full_plan, client_person, other_client):
    person, plan = other_client
    bundle = _as_other_person(call("get", f"/clients/{client_person.pk}/plan/fhir").json(),
                              person)
    key = {"Idempotency-Key": "fhir-import-1"}
    url = f"/clients/{person.pk}/plan/fhir?sector=employment"
    first = call("post", url, bundle, headers=key)
    again = call("post", url, bundle, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert PlanSection.objects.filter(plan=plan).count() == 1
    assert call("post", f"/clients/{person.pk}/plan/fhir?sector=health", bundle,
                headers=key).status_code == 409


def test_import__needs_a_plan_and_access(client, call, bob, full_plan, client_person):
    bundle = call("get", f"/clients/{client_person.pk}/plan/fhir").json()
    _record, token = ApiToken.issue(bob)
    response = client.post(f"/api/v1/clients/{client_person.pk}/plan/fhir",
                           data=json.dumps(bundle), content_type="application/fhir+json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(person_id=client_person.pk, user_id=bob.pk,
                                         action=LogAction.CREATE,
                                         outcome=Outcome.REFUSED).exists()
    assert PlanSection.objects.filter(status="imported").count() == 0
