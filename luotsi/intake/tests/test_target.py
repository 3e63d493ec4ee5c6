"""The team's internal target through the interfaces: stored with the deadline, shown on the
contact and assessment pages, given by the API, warned about by the sweeper and printed by
``manage.py deadlines --json`` where it differs from the legal final day."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Deadline, Notification
from luotsi.intake.sweeper import sweep
from luotsi.intake.tests.factories import build_world, contact_input

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _body(world, received_at: str) -> dict:
    return {"kind": "child_welfare_notification", "channel": "phone",
            "received_at": received_at, "reporter_kind": "education",
            "description": "Huoli lapsesta.", "municipality_code": "638",
            "persons": [{"role": "child", "person_id": world.child.pk}]}


def test_api_gives_the_target_where_it_differs(world, client):
    token = ApiToken.issue(world.iris)[1]
    response = client.post("/api/v1/contacts", json.dumps(_body(world, "2025-11-30T10:00+02:00")),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 201, response.content
    assert [(d["code"], d["due_on"], d["target_on"]) for d in response.json()["deadlines"]] == [
        ("urgency_assessment", "2025-11-30", None),
        ("investigation_decision", "2025-12-09", None),
        ("assessment_start", "2025-12-09", None),
        ("assessment_completion", "2026-03-02", "2026-02-28"),
    ]
    assert Deadline.objects.get(code="assessment_completion").target_on == dt.date(2026, 2, 28)


def test_contact_page_shows_the_target_beside_the_moved_date(world, client):
    contact = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, received_at=dt.datetime(2025, 11, 30, 10, tzinfo=HELSINKI)))
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)

    text = client.get(f"/intake/contacts/{contact.pk}/").content.decode()

    assert text.count("team's target") == 1
    assert "2 Mar 2026 <span class=\"target\">(team's target 28 Feb 2026)</span>" in text


def test_contact_page_in_finnish(world, client):
    contact = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, received_at=dt.datetime(2025, 11, 30, 10, tzinfo=HELSINKI)))
    client.force_login(world.iris)

    text = client.get(f"/intake/contacts/{contact.pk}/").content.decode()

    assert "tiimin tavoite 28.2.2026" in text


def test_sweeper_warns_against_the_target(world, time_machine):
    """Due Monday 2.3.2026, target Saturday 28.2.: on Wednesday 25.2. two working days remain to
    the target (three to the final day), so the deadline is due soon already."""
    contact = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, received_at=dt.datetime(2025, 11, 30, 10, tzinfo=HELSINKI)))
    services.contacts_assign(actor=world.iris, contact_ids=[contact.pk], assignee=world.iris)
    time_machine.move_to(dt.datetime(2026, 2, 25, 7, 0, tzinfo=HELSINKI), tick=False)

    sweep(dt.date(2026, 2, 25), send_email=False)

    completion = Deadline.objects.get(contact=contact, code="assessment_completion")
    assert completion.status == "due_soon"
    note = Notification.objects.get(user=world.iris, key=f"deadline:{completion.pk}:due_soon")
    assert note.text == ("Erääntymässä: Palvelutarpeen arvioinnin valmistuminen (tiimin tavoite "
                         f"28.2.2026, määräaika 2.3.2026), yhteydenotto {contact.pk}.")


def test_command_json_adds_target_on_where_it_differs():
    out = StringIO()
    call_command("deadlines", "--kind", "child_welfare_notification",
                 "--received", "2026-03-19T12:00", "--json", stdout=out)
    deadlines = {d["code"]: d for d in json.loads(out.getvalue())["deadlines"]}
    assert deadlines["assessment_completion"]["due_on"] == "2026-06-22"
    assert deadlines["assessment_completion"]["target_on"] == "2026-06-19"
    assert all("target_on" not in d for code, d in deadlines.items()
               if code != "assessment_completion")

    table = StringIO()
    call_command("deadlines", "--kind", "child_welfare_notification",
                 "--received", "2026-03-19T12:00", stdout=table)
    assert "team's target 2026-06-19 Fri" in table.getvalue()


def test_api_gives_the_seven_working_day_target_over_midsummer(world, client):
    """Received Tuesday 17.6.2025, Midsummer Eve Friday 20.6. inside the window: the decision
    and the start are due Friday 27.6., the team's target Thursday 26.6. (the eve counted)."""
    token = ApiToken.issue(world.iris)[1]
    response = client.post("/api/v1/contacts", json.dumps(_body(world, "2025-06-17T10:00+03:00")),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 201, response.content
    assert [(d["code"], d["due_on"], d["target_on"]) for d in response.json()["deadlines"]] == [
        ("urgency_assessment", "2025-06-17", None),
        ("investigation_decision", "2025-06-27", "2025-06-26"),
        ("assessment_start", "2025-06-27", "2025-06-26"),
        ("assessment_completion", "2025-09-17", None),
    ]
    assert Deadline.objects.get(code="investigation_decision").target_on == dt.date(2025, 6, 26)


def test_sweeper_warns_against_the_seven_working_day_target(world, client, time_machine):
    """Received Monday 15.6.2026: due Thursday 25.6., target Wednesday 24.6. (Midsummer Eve
    counted). On Monday 22.6. two working days remain to the target (three to the final day):
    due soon already, and the contact page shows the target beside the final day."""
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, 0, tzinfo=HELSINKI), tick=False)
    contact = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, received_at=dt.datetime(2026, 6, 15, 10, tzinfo=HELSINKI)))
    services.contacts_assign(actor=world.iris, contact_ids=[contact.pk], assignee=world.iris)
    time_machine.move_to(dt.datetime(2026, 6, 22, 7, 0, tzinfo=HELSINKI), tick=False)

    sweep(dt.date(2026, 6, 22), send_email=False)

    decision = Deadline.objects.get(contact=contact, code="investigation_decision")
    assert (decision.due_on, decision.target_on, decision.status) == (
        dt.date(2026, 6, 25), dt.date(2026, 6, 24), "due_soon")
    note = Notification.objects.get(user=world.iris, key=f"deadline:{decision.pk}:due_soon")
    assert "(tiimin tavoite 24.6.2026, määräaika 25.6.2026)" in note.text
    client.force_login(world.iris)
    text = client.get(f"/intake/contacts/{contact.pk}/").content.decode()
    assert text.count("tiimin tavoite 24.6.2026") == 2  # the decision and the start
