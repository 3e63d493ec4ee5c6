"""The demo county's shared clients: seeded by ``seed_demo`` after the usage flow, at several
stages, and visible to the demo professionals."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from luotsi.organisation.models import User
from luotsi.sharedcare import selectors
from luotsi.sharedcare.models import Consultation, Meeting, MeetingDecision, SharedClient
from luotsi.usage.models import Flag

pytestmark = pytest.mark.django_db

PERSONS = 1000


@pytest.fixture(autouse=True)
def demo(settings):
    settings.DEMO_MODE = True


def test_demo_sharedcare__stages_and_who_sees_them(client):
    started = time.monotonic()
    call_command("seed_demo", persons=PERSONS, seed=5, stdout=StringIO())
    assert time.monotonic() - started < 300  # whole seed; the flow itself is a small part
    flagged = Flag.objects.values("person_id").distinct().count()
    assert flagged > 5
    statuses = set(SharedClient.objects.values_list("status", flat=True))
    assert statuses == {"confirmed", "declined"}
    confirmed = SharedClient.objects.filter(status="confirmed")
    assert all(s.plan_id and s.coordinator_id and s.coordination_started_on for s in confirmed)
    assert Meeting.objects.exists()
    assert MeetingDecision.objects.filter(step__isnull=False).count() == \
        MeetingDecision.objects.count() > 0

    adult_sw = User.objects.get(username="adult-sw")
    candidates = list(selectors.candidates(adult_sw))
    assert candidates and not any(
        SharedClient.objects.filter(person=p, status="confirmed").exists() for p in candidates)
    client.force_login(adult_sw)
    assert client.get("/shared-clients/candidates/").status_code == 200
    shared = confirmed.first()
    assert client.get(f"/shared-clients/persons/{shared.person_id}/").status_code == 200

    # every open consultation is on its expert's work list (the access starts at the asking)
    open_ones = list(Consultation.objects.filter(answered_at__isnull=True))
    for expert in {c.expert for c in open_ones}:
        assert set(selectors.work_list(expert)) == {c for c in open_ones if c.expert == expert}
    if open_ones:
        client.force_login(open_ones[0].expert)
        response = client.get("/shared-clients/consultations/")
        assert open_ones[0] in response.context["open_rows"]

    # a second run finds the flow done and writes nothing more
    before = SharedClient.objects.count()
    call_command("seed_demo", persons=PERSONS, seed=5, if_empty=True, stdout=StringIO())
    assert SharedClient.objects.count() == before
