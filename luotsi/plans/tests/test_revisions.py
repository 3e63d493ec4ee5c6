"""Every plan write takes the editor's expected revision: a write based on an older revision is
refused with ``PlanConflict`` and saves nothing; each change is logged with the writer's own
basis."""

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction
from luotsi.plans import fhir, services
from luotsi.plans.models import (
    CodeListItem,
    Consent,
    Goal,
    GoalFactor,
    Participant,
    Plan,
    PlanMethod,
    PlanSection,
    Rating,
    Review,
    Step,
)

pytestmark = pytest.mark.django_db


def _item(code_list: str) -> CodeListItem:
    return CodeListItem.objects.filter(version__current=True, code_list=code_list, active=True).order_by(
        "sort_order", "pk").first()


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = services.plan_open(actor=alice, person_id=client_person.pk)
    return plan


@pytest.fixture
def parts(alice, plan) -> dict:
    """A goal, a step, a consent, a review and an imported draft section to write on."""
    goal = services.goal_add(actor=alice, plan=plan, data=services.GoalInput(
        goal_area_id=_item("goal_area").pk, client_wording="Löydän oman asunnon"))
    step = services.step_add(actor=alice, plan=plan, data=services.StepInput(
        what="Haen asuntoa", owner_kind="client", due_on=timezone.localdate(), goal_id=goal.pk))
    consent = services.consent_add(actor=alice, plan=plan, sector="health", scope="Suunnitelma",
                                   valid_from=timezone.localdate())
    review = services.review_schedule(actor=alice, plan=plan,
                                      scheduled_on=timezone.localdate() + dt.timedelta(days=30))
    bundle = fhir.plan_bundle_json(alice, plan.pk).encode()
    draft = services.section_import(actor=alice, plan=plan, body=bundle, sector="employment")
    return {"goal": goal, "step": step, "consent": consent, "review": review, "draft": draft}


def _today():
    return timezone.localdate()


# name: (the write, given the revision it is based on; a count of the rows it adds or changes)
WRITES = {
    "goal_factor_add": (lambda actor, plan, p, rev: services.goal_factor_add(
        actor=actor, goal=p["goal"], factor_id=_item("situation_factor").pk,
        effect=GoalFactor.Effect.SUPPORTS, expected_revision=rev),
        lambda: GoalFactor.objects.count()),
    "method_add": (lambda actor, plan, p, rev: services.method_add(
        actor=actor, plan=plan, method_id=_item("method").pk, expected_revision=rev),
        lambda: PlanMethod.objects.count()),
    "step_mark_done": (lambda actor, plan, p, rev: services.step_mark_done(
        actor=actor, step=p["step"], expected_revision=rev),
        lambda: Step.objects.filter(done_on__isnull=False).count()),
    "participant_add": (lambda actor, plan, p, rev: services.participant_add(
        actor=actor, plan=plan, kind=Participant.Kind.CLOSE_PERSON, name="Mummo",
        expected_revision=rev),
        lambda: Participant.objects.count()),
    "consent_add": (lambda actor, plan, p, rev: services.consent_add(
        actor=actor, plan=plan, sector="employment", scope="Tavoitteet",
        valid_from=_today(), expected_revision=rev),
        lambda: Consent.objects.count()),
    "consent_withdraw": (lambda actor, plan, p, rev: services.consent_withdraw(
        actor=actor, consent=p["consent"], expected_revision=rev),
        lambda: Consent.objects.filter(withdrawn_on__isnull=False).count()),
    "review_schedule": (lambda actor, plan, p, rev: services.review_schedule(
        actor=actor, plan=plan, scheduled_on=_today() + dt.timedelta(days=60),
        expected_revision=rev),
        lambda: Review.objects.count()),
    "review_record": (lambda actor, plan, p, rev: services.review_record(
        actor=actor, review=p["review"], held_on=_today(), notes="Pidetty",
        next_review_on=_today() + dt.timedelta(days=90), expected_revision=rev),
        lambda: Review.objects.filter(held_on__isnull=False).count()),
    "rating_add": (lambda actor, plan, p, rev: services.rating_add(
        actor=actor, plan=plan, expected_revision=rev, data=services.RatingInput(
            goal_id=p["goal"].pk, value=3, rated_by_kind=Rating.RatedBy.CLIENT)),
        lambda: Rating.objects.count()),
    "section_merge": (lambda actor, plan, p, rev: services.section_merge(
        actor=actor, section=p["draft"], expected_revision=rev),
        lambda: PlanSection.objects.filter(status=PlanSection.Status.IMPORTED).count()),
    "section_import": (lambda actor, plan, p, rev: services.section_import(
        actor=actor, plan=plan, body=fhir.plan_bundle_json(actor, plan.pk).encode(),
        sector="health", expected_revision=rev),
        lambda: PlanSection.objects.count()),
    "goal_add": (lambda actor, plan, p, rev: services.goal_add(
        actor=actor, plan=plan, expected_revision=rev, data=services.GoalInput(
            goal_area_id=_item("goal_area").pk, client_wording="Toinen")),
        lambda: Goal.objects.count()),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_plan_write__older_revision_refused_and_nothing_saved(alice, plan, parts, name):
    write, count = WRITES[name]
    current = Plan.objects.get(pk=plan.pk).revision
    before = count()
    with pytest.raises(services.PlanConflict):
        write(alice, Plan.objects.get(pk=plan.pk), parts, current - 1)
    assert count() == before
    assert Plan.objects.get(pk=plan.pk).revision == current
    write(alice, Plan.objects.get(pk=plan.pk), parts, current)
    assert count() != before
    assert Plan.objects.get(pk=plan.pk).revision == current + 1


def test_plan_write__logged_with_the_writers_own_basis(alice, bob, plan, client_person):
    """Alice works on her case; Bob, named the plan's coordinator, on the care team."""
    services.coordinator_set(actor=alice, plan=plan, coordinator_id=bob.pk)
    services.participant_add(actor=bob, plan=Plan.objects.get(pk=plan.pk),
                             kind=Participant.Kind.CLOSE_PERSON, name="Mummo")
    writes = AccessLogEntry.objects.filter(person_id=client_person.pk, category=Category.PLAN,
                                           action=LogAction.UPDATE).order_by("pk")
    assert [(entry.username, entry.basis) for entry in writes] == [
        (alice.username, Basis.CASE), (bob.username, Basis.CARE_TEAM)]
