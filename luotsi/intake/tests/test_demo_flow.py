"""The demo county's intake flow: a year of contacts (and the year before) that leaves queues,
deadlines and key figures looking like a real team's Monday morning. The county is seeded once
for the module (``demo_county`` in the root conftest); each test's writes are rolled back."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from luotsi.access.models import Basis, ClientRelationship
from luotsi.deadlines.rules import deadline_status
from luotsi.demo.flows import intake as flow
from luotsi.intake import queue_keys, selectors
from luotsi.intake.models import (
    Assessment,
    Contact,
    ContactKind,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
)
from luotsi.organisation.models import User

pytestmark = pytest.mark.django_db

PERSONS = 1000
DEMO_COUNTY = {"persons": PERSONS, "seed": 3}


@pytest.fixture
def county(demo_county):
    assert "intake (" in demo_county  # the flow ran in this seed, not before it
    return demo_county


def test_two_years_of_every_kind_and_outcome(county):
    assert flow.done()
    today = timezone.localdate()
    contacts = Contact.objects.all()
    assert contacts.count() >= 2 * flow.contacts_per_year(PERSONS)
    assert set(contacts.values_list("kind", flat=True)) == set(ContactKind.values)
    oldest = contacts.order_by("opened_on").first().opened_on
    assert (today - oldest).days > 600  # the year earlier has data for the key figures
    assert set(InitialAssessment.objects.values_list("outcome", flat=True)) == set(
        InitialAssessment.Outcome.values)
    completed = set(Assessment.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert completed == set(Assessment.Outcome.values)
    # Service-need assessments are done by the regional team of the family's municipality.
    for assessment in Assessment.objects.select_related("team", "child__municipality"):
        assert assessment.team.region_id == assessment.child.municipality.region_id


def test_open_work_with_mixed_deadlines_consistent_with_the_rules(county):
    today = timezone.localdate()
    open_contacts = Contact.objects.exclude(status="closed")
    assert open_contacts.filter(status="routed").exists()
    assert open_contacts.filter(status__in=["new", "in_assessment"]).exists()
    unmet_open = Deadline.objects.filter(met_on__isnull=True).exclude(contact__status="closed")
    statuses = set(unmet_open.values_list("status", flat=True))
    assert len(statuses & {DeadlineStatus.ON_TIME, DeadlineStatus.DUE_SOON,
                           DeadlineStatus.OVERDUE}) >= 2
    for deadline in Deadline.objects.filter(met_on__isnull=True).select_related("contact"):
        if deadline.contact.status == "closed":
            assert deadline.status == DeadlineStatus.NOT_NEEDED
        else:
            assert deadline.status == deadline_status(deadline.due_on, today, None)
    # The stored queue keys are what the services would have left.
    before = list(Contact.objects.order_by("pk").values_list(
        "next_due_on", "deadline_status", "queue_rank"))
    queue_keys.refresh()
    assert list(Contact.objects.order_by("pk").values_list(
        "next_due_on", "deadline_status", "queue_rank")) == before


def test_demo_workers_have_queues_and_open_what_they_see(county, client):
    intake = User.objects.get(username="intake")
    client.force_login(intake)
    response = client.get("/intake/queue/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows
    response = client.get(f"/intake/contacts/{rows[0]['contact'].pk}/")
    assert response.status_code == 200
    my_work = client.get("/intake/my-work/")
    assert my_work.status_code == 200 and my_work.context["contacts"]

    # Each open service-need assessment's contacts are in the regional team's queue, and its
    # worker can open them.
    workers = User.objects.filter(username__in=["sw-east", "sw-central", "sw-west"])
    seen = 0
    for worker in workers:
        team = worker.primary_team()
        queue = selectors.queue(worker, selectors.QueueFilters(team_id=team.pk))
        expected = Contact.objects.filter(team=team).exclude(status="closed")
        assert queue.count() == expected.count()
        for contact in queue[:3]:
            client.force_login(worker)
            assert client.get(f"/intake/contacts/{contact.pk}/").status_code == 200
            seen += 1
    assert seen


def test_relationships_follow_the_services(county):
    open_ids = Contact.objects.exclude(status="closed").values_list("pk", flat=True)
    for pk in open_ids:
        assert ClientRelationship.objects.filter(
            source=f"intake.Contact:{pk}", basis=Basis.INTAKE, ends_at__isnull=True).exists()
    for assessment in Assessment.objects.exclude(outcome=""):
        case = ClientRelationship.objects.filter(
            source=f"intake.Assessment:{assessment.pk}", team=assessment.team)
        if assessment.outcome in ("child_welfare_client", "family_social_services"):
            assert case.filter(ends_at__isnull=True).exists()
            assert ClientRelationship.objects.filter(
                source=f"intake.Assessment:{assessment.pk}",
                user=assessment.responsible_worker, person=assessment.child).exists()
        else:
            assert not case.filter(Q(ends_at__isnull=True)).exists()


def test_key_figures_have_both_years(county, client):
    client.force_login(User.objects.get(username="lead"))
    response = client.get("/reports/kpis/")
    assert response.status_code == 200
    routing = response.context["tables"][0]
    assert routing.slug == "routing"
    assert sum(row[1] for row in routing.rows) > 100  # assessed this year
    assert sum(row[4] for row in routing.rows) > 100  # and the same months a year earlier


def test_seeding_again_keeps_the_flow(county):
    before = Contact.objects.count()
    out = StringIO()
    call_command("seed_demo", persons=PERSONS, seed=3, if_empty=True, stdout=out)
    assert Contact.objects.count() == before


def test_advice_and_consultations_of_the_central_team(county, client):
    """Seed 004's central team spends much of its day on advice and consultations without a
    named child: one and a half times as many as the named contacts, both kinds, on working
    days' office hours; a few professionals' notifications began as a consultation, converted
    into the named contact at its received time."""
    from luotsi.deadlines.calendar import is_working_day
    from luotsi.intake.models import AdviceRecord

    records = AdviceRecord.objects.select_related("team", "converted_to")
    named = Contact.objects.count()
    assert records.count() >= named
    assert set(records.values_list("kind", flat=True)) == {"advice", "professional_consultation"}
    assert {r.team.code for r in records} == {"family-intake"}
    converted = [r for r in records if r.converted_to_id]
    assert converted
    for record in converted:
        assert record.outcome == "converted" and record.kind == "professional_consultation"
        assert record.received_at == record.converted_to.received_at
    for record in records:
        if not record.converted_to_id:
            local = timezone.localtime(record.received_at)
            assert is_working_day(local.date()) and 8 <= local.hour <= 15
    assert not Contact.objects.exclude(routing_team__code="family-intake").exists()
    client.force_login(User.objects.get(username="intake"))
    response = client.get("/intake/advice/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == records.count()


def test_every_responsible_worker_of_the_demo_qualifies(county):
    """The demo's client relationships name workers who qualify (LSL 13 b §, SHL 42 §), as the
    services require wherever a responsible worker is set."""
    from luotsi.intake.services import needs_special_support, responsible_worker_problem

    clienthoods = list(selectors.current_clienthoods().select_related("responsible_worker"))
    assert clienthoods
    for clienthood in clienthoods:
        assert responsible_worker_problem(
            clienthood.outcome, clienthood.responsible_worker,
            special_support=needs_special_support(clienthood)) is None, clienthood.pk
