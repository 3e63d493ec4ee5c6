"""A contact names its persons by identity code through the one ASCII-only check: the same
child written in Arabic-Indic digits is refused (field persons.0.hetu in the API, the child's
identity code on the registration page), never registered again."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

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


def test_contact_page__non_ascii_identity_code_refused(client):
    """The registration page names the child's identity code field and registers nothing."""
    world = build_world()
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in world.child.hetu)
    persons = Person.objects.count()
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)
    now = timezone.localtime(timezone.now() - dt.timedelta(minutes=30))
    response = client.post("/intake/contacts/new/", {
        "intent": "register", "kind": "child_welfare_notification", "clock": "",
        "channel": "phone", "received_date": now.strftime("%Y-%m-%d"),
        "received_time": now.strftime("%H:%M"), "reporter_kind": "education",
        "description": "Huoli lapsesta.", "municipality_code": "638",
        "child-0-hetu": arabic, "child-0-first_name": "", "child-0-last_name": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="error-summary" role="alert"' in text
    summary = text[text.find("error-summary"):][:1500]
    assert 'href="#id_child-0-hetu"' in summary
    assert "Child 1 – Personal identity code:" in summary and "U+066" in summary, summary
    assert Person.objects.count() == persons and not Contact.objects.exists()
