"""The OpenAPI document is exact: codes are enumerations, every status an operation answers is
documented with the one error shape, and each schema name means one schema."""

from __future__ import annotations

import importlib
import inspect

import pytest
from ninja import Schema

from luotsi.api import errors

pytestmark = pytest.mark.django_db

API_MODULES = ["luotsi.people.api", "luotsi.intake.api", "luotsi.plans.api",
               "luotsi.sharedcare.api"]


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _error_schema_ok(spec, schema: dict) -> bool:
    """The one shape: ErrorOut, or a schema whose `error` extends ErrorDetail."""
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    if name == "ErrorOut":
        return True
    body = spec["components"]["schemas"].get(name, {})
    detail_ref = body.get("properties", {}).get("error", {}).get("$ref", "")
    detail = spec["components"]["schemas"].get(detail_ref.rsplit("/", 1)[-1], {})
    return {"code", "message", "fields"} <= set(detail.get("properties", {}))


def test_every_operation_documents_the_statuses_it_may_answer(spec):
    missing = []
    for name, operation in _operations(spec):
        documented = set(operation["responses"])
        needed = {"401", "422", "429"}
        if "requestBody" in operation:
            needed.add("400")
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            needed.add("404")
        if operation.get("requestBody") and name.startswith("POST"):
            needed.add("403")
        missing += [f"{name}: {status}" for status in sorted(needed - documented)]
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema = answer["content"]["application/json"]["schema"]
                assert _error_schema_ok(spec, schema), (name, status, schema)
    assert missing == []


def test_codes_are_enumerations(spec):
    schemas = spec["components"]["schemas"]

    def enum_of(schema_name, prop):
        node = schemas[schema_name]["properties"][prop]
        for option in node.get("anyOf", [node]):
            if "enum" in option:
                return option["enum"]
        raise AssertionError(f"{schema_name}.{prop} is not an enumeration: {node}")

    assert "child_welfare_notification" in enum_of("ContactCreateIn", "kind")
    assert "" in enum_of("ContactCreateIn", "clock")
    assert set(enum_of("ContactPersonIn", "role")) == {"child", "unborn", "guardian",
                                                       "expectant_parent"}
    assert set(enum_of("PersonCreateIn", "language")) >= {"fi", "sv", "en"}
    assert set(enum_of("UrgencyIn", "urgency")) >= {"urgent", "not_urgent"}
    assert set(enum_of("ContactListItemOut", "deadline_status")) >= {"overdue", "met"}
    assert set(enum_of("StepIn", "owner_kind")) == {"", "client", "professional"}
    assert set(enum_of("GoalIn", "priority")) == {1, 2, 3}
    assert set(enum_of("RatingIn", "occasion")) == {"start", "review"}
    # The bases offered for a consultation, exactly: the child-welfare duty to notify is none.
    assert enum_of("ConsultationIn", "basis") == ["consent", "shl_41", "patient_act_13",
                                                  "client_data_act"]
    assert "confirmed" in enum_of("SharedClientOut", "status")
    # No code is left described only in words.
    described = [f"{name}.{prop}" for name, schema in schemas.items()
                 for prop, node in schema.get("properties", {}).items()
                 if "One of:" in node.get("description", "")]
    assert described == []


def test_each_schema_name_is_one_schema():
    """The document names schemas by their class: two different classes of one name would
    describe one operation with the other's fields."""
    seen: dict[str, type] = {}
    clashes = []
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Schema) or cls.__module__ != module_name:
                continue
            if name in seen and seen[name] is not cls:
                clashes.append(f"{seen[name].__module__}.{name} / {module_name}.{name}")
            seen.setdefault(name, cls)
    assert clashes == []


def test_the_error_shape_lives_in_the_api_package():
    people_api = importlib.import_module("luotsi.people.api")
    assert not hasattr(people_api, "ErrorOut")
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        for name in ("ErrorOut", "error_body"):
            if hasattr(module, name):
                assert getattr(module, name) is getattr(errors, name), (module_name, name)


def test_the_fhir_operations_document_their_media_type(spec):
    fhir = spec["paths"]["/api/v1/clients/{person_id}/plan/fhir"]
    assert "application/fhir+json" in fhir["get"]["responses"]["200"]["content"]
    assert "application/fhir+json" in fhir["post"]["requestBody"]["content"]


def test_a_body_that_is_not_json_is_400_in_the_one_shape(client, alice):
    from luotsi.api.models import ApiToken

    token = ApiToken.issue(alice)[1]
    response = client.post("/api/v1/persons", "{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}",
                                    "Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert response.json()["error"]["message"] == "The request body is not valid JSON."


def test_registering_a_contact_from_an_advice_record_documents_its_404(spec):
    """``advice_id`` names an advice record: a missing one, or one not the caller's to see,
    answers 404, so the operation documents it."""
    responses = spec["paths"]["/api/v1/contacts"]["post"]["responses"]
    assert "404" in responses


def test_the_plans_support_needs_are_documented(spec):
    """The client's support needs (SHL 11 §): read in the plan, added with a retry key and an
    optional If-Match, removed under a required If-Match."""
    plan = spec["components"]["schemas"]["PlanOut"]
    assert "support_needs" in plan["required"]
    assert set(spec["components"]["schemas"]["SupportNeedOut"]["properties"]) == {
        "id", "need", "note", "recorded_by", "recorded_at"}
    add = spec["paths"]["/api/v1/clients/{person_id}/plan/support-needs"]["post"]
    assert {"201", "409", "412"} <= set(add["responses"])
    assert "Idempotency-Key" in {p["name"] for p in add["parameters"] if p["in"] == "header"}
    remove = spec["paths"]["/api/v1/clients/{person_id}/plan/support-needs/{need_id}"]["delete"]
    assert {"200", "404", "412", "428"} <= set(remove["responses"])
    assert "Idempotency-Key" not in {p["name"] for p in remove.get("parameters", [])}
