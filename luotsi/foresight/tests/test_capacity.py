"""The team lead edits the team's capacity on its page: staff by role and working time, the
expected efforts, absences and vacancies. Bad input is refused naming the field and nothing is
saved; only a lead of the team may open the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luotsi.foresight.models import CapacityGap, StaffCapacity, TeamCapacity, WorkEffort
from luotsi.foresight.tests.world import build_world

pytestmark = pytest.mark.django_db

CAPACITY = {"intent": "capacity", "weekly_hours": "38.25", "client_work_share": "70",
            "fte_social_worker": "2.6", "fte_social_counsellor": "3", "fte_other": "0"}
EFFORTS = {"intent": "efforts", "effort_urgency_assessment": "0.5",
           "effort_initial_assessment": "4", "effort_assessment_start": "3",
           "effort_service_need_assessment": "16", "effort_network_meeting": "3",
           "effort_plan_review": "2"}


@pytest.fixture
def world():
    return build_world(starts=0)


def _url(world):
    return f"/foresight/capacity/{world.east.code}/"


def test_capacity_page__lead_of_the_team_sees_it_others_do_not(client, world):
    client.force_login(world.lead)
    response = client.get(_url(world))
    assert response.status_code == 200
    assert 'id="capacity-form"' in response.content.decode()
    client.force_login(world.other_lead)
    assert client.get(_url(world)).status_code == 404
    client.force_login(world.worker)
    assert client.get(_url(world)).status_code == 403


def test_capacity_set__saved(client, world):
    client.force_login(world.lead)
    response = client.post(_url(world), CAPACITY)
    assert response.status_code == 302
    fte = dict(StaffCapacity.objects.filter(team=world.east).values_list("role", "fte"))
    assert fte == {"social_worker": Decimal("2.6"), "social_counsellor": Decimal(3),
                   "other": Decimal(0)}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("fte_social_worker", "-1", "cannot be negative"),
    ("fte_social_counsellor", "101", "At most 100"),
    ("weekly_hours", "0", "A full-time week"),
    ("weekly_hours", "61", "A full-time week"),
    ("client_work_share", "0", "percentage from 1 to 100"),
    ("client_work_share", "101", "percentage from 1 to 100"),
], ids=["negative-fte", "impossible-fte", "zero-week", "long-week", "no-share", "over-share"])
def test_capacity_set__impossible_refused_naming_the_field(client, world, field, value,
                                                           message):
    client.force_login(world.lead)
    response = client.post(_url(world), {**CAPACITY, field: value},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert StaffCapacity.objects.get(team=world.east, role="social_worker").fte == Decimal(1)
    assert TeamCapacity.objects.get(team=world.east).client_work_share == 70


def test_efforts_set__saved_and_zero_refused(client, world):
    client.force_login(world.lead)
    assert client.post(_url(world), EFFORTS).status_code == 302
    assert WorkEffort.objects.get(team=world.east, kind="initial_assessment").hours == 4
    response = client.post(_url(world), {**EFFORTS, "effort_initial_assessment": "0",
                                         "effort_plan_review": "5"})
    assert response.status_code == 400
    assert 'id="id_effort_initial_assessment-error"' in response.content.decode()
    # nothing half-saved: the valid change beside the refused one is not stored either
    assert WorkEffort.objects.get(team=world.east, kind="plan_review").hours == 2


def test_gap_add_and_remove(client, world):
    client.force_login(world.lead)
    form = {"intent": "gap", "kind": "absence", "role": "social_worker", "fte": "1",
            "starts_on": "2026-12-21", "ends_on": "2027-01-06", "note": "Vuosiloma",
            "idempotency_key": "a" * 32}
    assert client.post(_url(world), form).status_code == 302
    assert client.post(_url(world), form).status_code == 302  # the same post again
    gap = CapacityGap.objects.get(team=world.east)
    assert (gap.starts_on, gap.ends_on) == (date(2026, 12, 21), date(2027, 1, 6))
    response = client.post(f"{_url(world)}gaps/{gap.pk}/remove/")
    assert response.status_code == 302
    assert not CapacityGap.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"fte": "2"}, "fte"),  # more than the one social worker the team has
    ({"fte": "0"}, "fte"),
    ({"fte": "-0.5"}, "fte"),
    ({"ends_on": "2026-12-20"}, "ends_on"),
    ({"starts_on": "1899-12-31"}, "starts_on"),
], ids=["more-than-staffed", "zero", "negative", "ends-before-start", "before-1900"])
def test_gap_add__impossible_refused(client, world, changes, field):
    client.force_login(world.lead)
    form = {"intent": "gap", "kind": "vacancy", "role": "social_worker", "fte": "1",
            "starts_on": "2026-12-21", "ends_on": "2027-01-06", "note": "",
            "idempotency_key": "b" * 32, **changes}
    response = client.post(_url(world), form)
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not CapacityGap.objects.exists()


def test_gap_remove__another_teams_lead_gets_not_found(client, world):
    gap = CapacityGap.objects.create(team=world.east, role="social_worker", kind="absence",
                                     fte=1, starts_on=date(2026, 12, 21),
                                     ends_on=date(2026, 12, 24), created_by=world.lead)
    client.force_login(world.other_lead)
    response = client.post(f"/foresight/capacity/{world.east.code}/gaps/{gap.pk}/remove/")
    assert response.status_code == 404
    assert CapacityGap.objects.filter(pk=gap.pk).exists()
