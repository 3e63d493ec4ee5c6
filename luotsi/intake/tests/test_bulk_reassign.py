"""Bulk reassignment of a leaving worker's whole caseload: one step, one transaction."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.intake import services
from luotsi.intake.models import Assessment, Contact, ContactStatus
from luotsi.intake.tests.factories import build_world, bulk_contacts

pytestmark = pytest.mark.django_db

CASELOAD = 2000


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def caseload(world):
    """Alice's 2,000 open contacts, one of them closed, an open assessment of hers, a contact
    where she is the pair worker, and Sami's own work."""
    contacts = bulk_contacts(world, CASELOAD + 1, team=world.east, assignee=world.alice)
    Contact.objects.filter(pk=contacts[-1].pk).update(status=ContactStatus.CLOSED,
                                                      closed_on=timezone.localdate())
    assessment = Assessment.objects.create(child=contacts[0].child, team=world.east,
                                           worker=world.alice,
                                           opened_on=timezone.localdate())
    Contact.objects.filter(pk=contacts[0].pk).update(assessment=assessment, status="routed")
    paired = bulk_contacts(world, 3, team=world.east, assignee=world.lead)
    Contact.objects.filter(pk__in=[c.pk for c in paired]).update(pair_worker=world.alice)
    bulk_contacts(world, 5, team=world.east, assignee=world.sami)
    return {"closed": contacts[-1], "assessment": assessment, "paired": paired}


def _open_of(user) -> int:
    return Contact.objects.filter(assignee=user).exclude(status=ContactStatus.CLOSED).count()


def test_a_leaving_workers_whole_caseload_moves_in_one_call(world, caseload):
    log_before = AccessLogEntry.objects.count()

    with CaptureQueriesContext(connection) as queries:
        moved = services.caseload_reassign(actor=world.lead, from_user=world.alice,
                                           to_user=world.sami)

    assert moved == CASELOAD
    # Set-based: a fixed number of statements, plus the access-log rows inserted in batches
    # (one statement on PostgreSQL; SQLite caps the parameters of one statement).
    log_inserts = [q for q in queries.captured_queries
                   if q["sql"].startswith('INSERT INTO "access_accesslogentry"')]
    # Two of them read the leaving worker's current clients (checked, then moved): none here.
    assert len(queries) - len(log_inserts) <= 17
    assert 1 <= len(log_inserts) <= CASELOAD // 50
    assert _open_of(world.alice) == 0
    assert _open_of(world.sami) == CASELOAD + 5
    # The closed contact stays as it was; the open assessment follows; the pair is undone.
    assert Contact.objects.get(pk=caseload["closed"].pk).assignee == world.alice
    assert Assessment.objects.get(pk=caseload["assessment"].pk).worker == world.sami
    assert not Contact.objects.filter(pair_worker=world.alice).exists()
    # Each moved contact is in the access log, on its child.
    assert AccessLogEntry.objects.count() - log_before == CASELOAD
    assert AccessLogEntry.objects.filter(detail__endswith="reassigned alice -> sami").count() \
        == CASELOAD


def test_nothing_moves_when_it_fails_midway(world, caseload):
    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with mock.patch.object(services.log, "append", side_effect=fail), \
            pytest.raises(RuntimeError):
        services.caseload_reassign(actor=world.lead, from_user=world.alice, to_user=world.sami)

    assert _open_of(world.alice) == CASELOAD
    assert _open_of(world.sami) == 5
    assert Assessment.objects.get(pk=caseload["assessment"].pk).worker == world.alice
    assert Contact.objects.filter(pair_worker=world.alice).count() == 3


@pytest.mark.parametrize("actor", ["alice", "sami", "iris", "wendy"])
def test_only_the_team_lead_reassigns(world, actor):
    """Workers may not; nor may the lead of another team."""
    bulk_contacts(world, 5, team=world.east, assignee=world.alice)

    with pytest.raises(PermissionDenied):
        services.caseload_reassign(actor=getattr(world, actor), from_user=world.alice,
                                   to_user=world.sami)

    assert _open_of(world.alice) == 5


@pytest.mark.parametrize("to_user", ["bob", "alice"])
def test_the_new_worker_is_another_member_of_the_team(world, to_user):
    with pytest.raises(ValidationError) as exc:
        services.caseload_reassign(actor=world.lead, from_user=world.alice,
                                   to_user=getattr(world, to_user))

    assert set(exc.value.message_dict) == {"to_user"}

