"""Integers above what a database integer holds (2^63−1) never reach the database: every integer
path, query and body parameter of the API is bounded in its schema (422 in the one error shape)
and every id in a page's URL uses the ``<id:…>`` converter (404)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from luotsi.api.models import ApiToken
from luotsi.api.schemas import MAX_INT
from luotsi.common.converters import IdConverter

pytestmark = pytest.mark.django_db

HUGE = 2**63 + 1


@pytest.fixture
def headers(alice, case):
    return {"Authorization": f"Bearer {ApiToken.issue(alice)[1]}"}


def _schema(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _is_integer(schema: dict) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "integer" for option in options)


def _integer_bounds(schema: dict) -> list[tuple]:
    return [(o.get("minimum"), o.get("maximum")) for o in schema.get("anyOf", [schema])
            if o.get("type") == "integer"]


def _resolve(schema: dict, spec: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return _resolve(spec["components"]["schemas"][ref.rsplit("/", 1)[1]], spec)
    return schema


def _body_integers(schema: dict, spec: dict, seen=()) -> list[tuple]:
    """(property name, bounds) of every integer in a request body, nested schemas too."""
    found = []
    schema = _resolve(schema, spec)
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, spec)
        options = [_resolve(o, spec) for o in prop.get("anyOf", [prop])]
        for option in options:
            if option.get("type") == "integer" and "enum" not in option:
                found.append((name, (option.get("minimum"), option.get("maximum"))))
            elif option.get("type") == "array":
                items = _resolve(option.get("items", {}), spec)
                if items.get("type") == "integer":
                    found.append((name + "[]", (items.get("minimum"), items.get("maximum"))))
                elif "properties" in items and id(items) not in seen:
                    found += _body_integers(items, spec, (*seen, id(items)))
            elif "properties" in option and id(option) not in seen:
                found += _body_integers(option, spec, (*seen, id(option)))
    return found


def test_every_integer_parameter_of_the_api_is_bounded(client):
    spec = _schema(client)
    unbounded = []
    for path, method, operation in _operations(spec):
        for param in operation.get("parameters", []):
            if _is_integer(param["schema"]):
                for low, high in _integer_bounds(param["schema"]):
                    if low is None or high is None or high > MAX_INT:
                        unbounded.append(f"{method} {path} {param['in']} {param['name']}")
        content = operation.get("requestBody", {}).get("content", {})
        for media in content.values():
            for name, (low, high) in _body_integers(media.get("schema", {}), spec):
                if low is None or high is None or high > MAX_INT:
                    unbounded.append(f"{method} {path} body {name}")
    assert unbounded == []


def test_huge_ids_and_offsets_answer_422_in_the_one_shape(client, headers):
    spec = _schema(client)
    tried = 0
    for path, method, operation in _operations(spec):
        params = operation.get("parameters", [])
        url = path
        for param in params:
            if param["in"] == "path":
                url = url.replace("{" + param["name"] + "}", str(HUGE))
        queries = [p for p in params if p["in"] == "query" and _is_integer(p["schema"])]
        cases = []
        if url != path:
            cases.append(url)
        # Path ids stay valid-looking (a real client's id would do too) when a query is tried.
        plain = re.sub(r"\{[^}]+\}", "1", path)
        cases += [f"{plain}?{q['name']}={HUGE}" for q in queries]
        for target in cases:
            full = "/api/v1" + target.removeprefix("/api/v1")
            if method == "get":
                response = client.get(full, headers=headers)
            else:
                response = getattr(client, method)(full, "{}", content_type="application/json",
                                                   headers=headers)
            tried += 1
            assert response.status_code in (404, 422), (method, full, response.content)
            body = response.json()
            assert set(body["error"]) == {"code", "message", "fields"}
    assert tried >= 20


def test_huge_ids_in_request_bodies_are_refused_with_the_field_named(client, headers,
                                                                     client_person):
    bodies = {
        "/api/v1/contacts": {
            "kind": "contact", "channel": "phone", "received_at": "2026-02-03T09:15:00+02:00",
            "reporter_kind": "guardian", "description": "Huoli.",
            "persons": [{"role": "child", "person_id": HUGE}]},
        f"/api/v1/shared-clients/{client_person.pk}/meetings": {
            "notes": "Muistio.", "professional_ids": [HUGE]},
        f"/api/v1/clients/{client_person.pk}/plan/steps": {"what": "Soita", "goal_id": HUGE},
    }
    for url, body in bodies.items():
        response = client.post(url, json.dumps(body), content_type="application/json",
                               headers=headers)
        assert response.status_code == 422, (url, response.content)
        fields = [f["field"] for f in response.json()["error"]["fields"]]
        assert any(name.split(".")[-1] in ("person_id", "professional_ids", "goal_id")
                   or name.split(".")[-2:-1] == ["professional_ids"] for name in fields), fields


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_page_routes_take_ids_with_the_bounded_converter():
    offenders = []
    for route, entry in _patterns():
        converters = getattr(entry.pattern, "converters", {})
        if any(type(c) is IntConverter for c in converters.values()):
            offenders.append(route)
    assert offenders == []
    assert any(isinstance(c, IdConverter) for _route, entry in _patterns()
               for c in getattr(entry.pattern, "converters", {}).values())


def test_huge_ids_in_page_urls_are_404_not_500(client, alice):
    client.force_login(alice)
    tried = 0
    for route, entry in _patterns():
        if not any(isinstance(c, IdConverter) for c in
                   getattr(entry.pattern, "converters", {}).values()):
            continue
        for value in (str(HUGE), "9" * 30, "0"):
            url = "/" + re.sub(r"<id:\w+>", value, route)
            response = client.get(url)
            tried += 1
            assert response.status_code == 404, (url, response.status_code)
    assert tried >= 3 * 40


def test_huge_ids_posted_in_a_page_form_are_refused_not_500(client):
    """The queue's bulk assignment posts contact ids: one beyond a database integer is refused
    like any id not on the list (the database is never asked)."""
    from luotsi.intake.tests.factories import build_world

    world = build_world()
    client.force_login(world.iris)
    response = client.post("/intake/queue/", {"intent": "assign", "ids": [str(HUGE)],
                                              "assignee": str(world.iris.pk)})
    assert response.status_code == 200
    assert "ids" in response.context["assign_form"].errors


@pytest.mark.parametrize("url", ["/intake/queue/", "/plans/", "/intake/my-work/",
                                 "/shared-clients/candidates/", "/persons/"])
def test_a_huge_page_number_shows_a_page_not_500(client, url):
    """A page number whose rows' offset would not fit a database integer is "past the end"."""
    from luotsi.intake.tests.factories import build_world

    world = build_world()
    client.force_login(world.iris)
    response = client.get(url, {"page": "9" * 20})
    assert response.status_code == 200
