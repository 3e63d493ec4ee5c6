"""The persons API: bearer tokens, and one error shape for 401, 404 and 422."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Outcome
from luotsi.api.models import ApiToken, hash_token
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(user) -> str:
    return ApiToken.issue(user)[1]


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], list)
    for item in body["error"]["fields"]:
        assert set(item) == {"field", "message"}
    return body["error"]


# --- 401 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("get", "/{id}"), ("post", "")])
@pytest.mark.parametrize("headers", [
    {},
    {"HTTP_AUTHORIZATION": "Bearer lts_not-a-real-token"},
    {"HTTP_AUTHORIZATION": "Bearer "},
    {"HTTP_AUTHORIZATION": "Basic YWxpY2U6c2VjcmV0"},
    {"HTTP_AUTHORIZATION": "lts_missing-scheme"},
], ids=["none", "unknown", "empty", "basic", "no-scheme"])
def test_api__without_valid_token_unauthorised(client, client_person, case, method, path,
                                               headers):
    url = PERSONS + path.format(id=client_person.pk)
    before = Person.objects.count(), AccessLogEntry.objects.count()
    response = getattr(client, method)(url, {"last_name": "X"} if method == "post" else None,
                                       content_type="application/json", **headers)
    error = assert_error_shape(response, 401, "unauthenticated")
    assert error["fields"] == []
    assert response["WWW-Authenticate"] == "Bearer"
    assert (Person.objects.count(), AccessLogEntry.objects.count()) == before


def test_api__session_login_is_not_enough(client, alice, client_person, case):
    client.force_login(alice)
    assert_error_shape(client.get(f"{PERSONS}/{client_person.pk}"), 401, "unauthenticated")


def test_api__revoked_token_refused(client, alice, client_person, case):
    record, token = ApiToken.issue(alice)
    assert client.get(f"{PERSONS}/{client_person.pk}", **bearer(token)).status_code == 200
    record.revoked_at = timezone.now()
    record.save()
    assert_error_shape(client.get(f"{PERSONS}/{client_person.pk}", **bearer(token)), 401,
                       "unauthenticated")


def test_api__inactive_user_token_refused(client, alice, client_person, case):
    token = token_for(alice)
    alice.is_active = False
    alice.save()
    assert_error_shape(client.get(f"{PERSONS}/{client_person.pk}", **bearer(token)), 401,
                       "unauthenticated")


def test_api__demo_user_token_refused_outside_demo_mode(client, team, client_person):
    demo = UserFactory(username="demo-sw", is_demo=True, teams=[team])
    from luotsi.access.tests.factories import RelationshipFactory

    RelationshipFactory(person=client_person, user=demo)
    token = token_for(demo)
    with override_settings(DEMO_MODE=True):
        assert client.get(f"{PERSONS}/{client_person.pk}", **bearer(token)).status_code == 200
    with override_settings(DEMO_MODE=False):
        assert_error_shape(client.get(f"{PERSONS}/{client_person.pk}", **bearer(token)), 401,
                           "unauthenticated")


def test_api__administrator_token_refused(client, client_person):
    admin = UserFactory(username="admin-user", role=Role.ADMIN)
    assert_error_shape(client.get(f"{PERSONS}/{client_person.pk}", **bearer(token_for(admin))),
                       401, "unauthenticated")


def test_api__only_the_token_hash_is_stored(alice):
    record, token = ApiToken.issue(alice)
    assert token.startswith("lts_")
    assert record.token_hash == hash_token(token)
    assert token not in record.token_hash


# --- 404 and 422 ---------------------------------------------------------------------------


def test_api__not_found_shape(client, alice):
    response = client.get(f"{PERSONS}/987654", **bearer(token_for(alice)))
    error = assert_error_shape(response, 404, "not_found")
    assert error["fields"] == []


def test_api__refused_person_same_shape_as_missing(client, bob, client_person, case):
    token = token_for(bob)
    refused = client.get(f"{PERSONS}/{client_person.pk}", **bearer(token))
    missing = client.get(f"{PERSONS}/987654", **bearer(token))
    assert_error_shape(refused, 404, "not_found")
    assert refused.json() == missing.json()
    assert AccessLogEntry.objects.filter(user_id=bob.pk, outcome=Outcome.REFUSED).count() == 2


def test_api__unknown_route_not_found_shape(client, alice):
    assert_error_shape(client.get("/api/v1/no-such-thing", **bearer(token_for(alice))), 404,
                       "not_found")


def test_api__validation_error_shape_names_the_field(client, alice):
    response = client.post(PERSONS, {"hetu": "131052-308X", "last_name": "Testinen"},
                           content_type="application/json", **bearer(token_for(alice)))
    error = assert_error_shape(response, 422, "invalid")
    assert [item["field"] for item in error["fields"]] == ["hetu"]
    assert error["fields"][0]["message"]


def test_api__schema_error_shape_names_the_field(client, alice):
    response = client.post(PERSONS, {"hetu": "", "last_name": "x" * 151},
                           content_type="application/json", **bearer(token_for(alice)))
    error = assert_error_shape(response, 422, "invalid")
    assert [item["field"] for item in error["fields"]] == ["last_name"]


def test_api__malformed_json_refused_in_the_error_shape(client, alice):
    response = client.post(PERSONS, "{not json", content_type="application/json",
                           **bearer(token_for(alice)))
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert Person.objects.count() == 0


def test_api__dpo_may_not_register_persons(client, charlie):
    response = client.post(PERSONS, {"temporary": True, "last_name": "Testinen"},
                           content_type="application/json", **bearer(token_for(charlie)))
    assert_error_shape(response, 403, "forbidden")
    assert Person.objects.count() == 0


def test_api__openapi_schema_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/persons" in paths
    assert "/api/v1/persons/{person_id}" in paths


# --- manage.py create_api_token ------------------------------------------------------------


def test_create_api_token__prints_a_working_token(client, alice, client_person, case):
    out = io.StringIO()
    call_command("create_api_token", "alice", "--name", "integration", stdout=out)
    lines = out.getvalue().strip().splitlines()
    token = lines[-1]
    assert token.startswith("lts_")
    assert token not in "\n".join(lines[:-1])
    record = ApiToken.objects.get(user=alice)
    assert record.name == "integration"
    assert record.token_hash == hash_token(token)
    response = client.get(f"{PERSONS}/{client_person.pk}", **bearer(token))
    assert response.status_code == 200
    assert response.json()["id"] == client_person.pk
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_create_api_token__unknown_user_refused(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_api__overlong_token_refused_before_it_is_looked_up(client, alice, client_person, case,
                                                            caplog):
    token = token_for(alice)
    with caplog.at_level("WARNING", logger="luotsi.security"):
        response = client.get(f"{PERSONS}/{client_person.pk}",
                              **bearer(token + "x" * 1_048_576))
    assert_error_shape(response, 401, "unauthenticated")
    assert [r.reason for r in caplog.records if getattr(r, "event", "") == "api_token_refused"
            ] == ["too long"]
