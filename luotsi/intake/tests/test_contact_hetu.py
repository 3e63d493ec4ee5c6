"""A contact names its persons by identity code through the one ASCII-only check: the same
child written in Arabic-Indic digits is refused (field persons.0.hetu), never registered again."""

from __future__ import annotations

import json

import pytest

from luotsi.api.models import ApiToken
from luotsi.intake.models import Contact
from luotsi.intake.tests.factories import build_world
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db


def test_contact_api__non_ascii_identity_code_refused(client):
    world = build_world()
    token = ApiToken.issue(world.iris)[1]
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in world.child.hetu)
    persons = Person.objects.count()
    response = client.post("/api/v1/contacts", json.dumps({
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": "2026-02-03T09:15:00+02:00", "reporter_kind": "education",
        "description": "Huoli lapsesta.", "municipality_code": "638",
        "persons": [{"role": "child", "hetu": arabic, "first_name": "Eino",
                     "last_name": "Lapsi"}]}),
        content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422, response.content
    fields = {f["field"]: f["message"] for f in response.json()["error"]["fields"]}
    assert "U+066" in fields["persons.0.hetu"]
    assert Person.objects.count() == persons and not Contact.objects.exists()
