"""One Idempotency-Key mechanism for the whole API (``luotsi.api.idempotency``): registering a
contact keeps its key in the same table as the plan operations, scoped per professional; a key is
one request, whatever the operation; expired keys are purged for every operation alike."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from luotsi.api import idempotency
from luotsi.api.models import ApiToken, IdempotencyRecord
from luotsi.intake.models import Contact
from luotsi.intake.tests.factories import build_world
from luotsi.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _post(client, user, path: str, body: dict, key: str):
    token = ApiToken.issue(user)[1]
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def _contact(world) -> dict:
    return {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "reporter_kind": "education", "description": "Poissa koulusta.",
        "municipality_code": "638", "persons": [{"role": "child", "person_id": world.child.pk}],
    }


def test_contact_keys_live_with_the_other_operations_keys(client, world):
    response = _post(client, world.iris, "/contacts", _contact(world), key="one-key")
    assert response.status_code == 201, response.content
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.path, record.response_status) == (
        world.iris, "one-key", "/api/v1/contacts", 201)
    assert record.response_body["id"] == response.json()["id"]


def test_a_key_is_one_request_whatever_the_operation(client, world):
    assert _post(client, world.iris, "/contacts", _contact(world), key="k-1").status_code == 201
    # the same caller's key on another operation is another request: refused, nothing written
    response = _post(client, world.iris, f"/clients/{world.child.pk}/plan", {}, key="k-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert not Plan.objects.exists()


def test_another_callers_key_never_collides(client, world):
    assert _post(client, world.iris, "/contacts", _contact(world), key="same").status_code == 201
    response = _post(client, world.ilona, "/contacts", _contact(world), key="same")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert Contact.objects.count() == 2
    assert IdempotencyRecord.objects.filter(key="same").count() == 2


def test_expired_contact_keys_are_purged(client, world, time_machine):
    _post(client, world.iris, "/contacts", _contact(world), key="old")
    time_machine.move_to(timezone.now() + idempotency.RETENTION + dt.timedelta(minutes=1))
    assert idempotency.purge_expired() == 1
    assert not IdempotencyRecord.objects.exists()
