"""The intake services: registering a contact once, urgency, the initial assessment, the
service-need assessment, and access following the work from the intake team to the region."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from luotsi.access import gateway
from luotsi.access.gateway import PersonNotFound
from luotsi.access.models import AccessLogEntry, Basis, Category, ClientRelationship
from luotsi.deadlines.calendar import HELSINKI
from luotsi.deadlines.rules import compute_deadlines
from luotsi.intake import selectors, services
from luotsi.intake.models import (
    Assessment,
    Contact,
    ContactPerson,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
)
from luotsi.intake.services import PersonRef
from luotsi.intake.tests.factories import (
    RESULT,
    ServiceCatalogueItemFactory,
    build_world,
    child_hetu,
    contact_input,
    professional,
)
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import TeamFactory
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def world(db):
    return build_world()


def _stored(contact: Contact) -> list[tuple[str, dt.date, str]]:
    return list(Deadline.objects.filter(contact=contact).order_by("pk")
                .values_list("code", "due_on", "basis"))


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Contact, ContactPerson, Deadline, Person, ClientRelationship,
                          AccessLogEntry, Assessment, InitialAssessment)}


def _fields(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


def _register(world, **overrides) -> Contact:
    return services.contact_register(actor=world.iris, data=contact_input(**overrides))


def _route(world, contact: Contact) -> Assessment:
    """Urgency and an initial assessment that routes the contact to the regional team."""
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment", informed_on=TODAY)
    contact.refresh_from_db()
    return contact.assessment


# --- registration and its deadlines -----------------------------------------------------------

def test_child_welfare_notification_stores_four_deadlines_with_their_bases(world):
    contact = _register(world)

    assert _stored(contact) == [
        ("urgency_assessment", TODAY, "LSL 26 § 2 mom."),
        ("investigation_decision", dt.date(2026, 2, 12), "LSL 26 § 5 mom."),
        ("assessment_start", dt.date(2026, 2, 12), "LSL 26 § 5 mom.; SHL 36 §"),
        ("assessment_completion", dt.date(2026, 5, 4),
         "LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5"),
    ]
    assert [(d.code, d.due_on, d.basis) for d in
            compute_deadlines("child_welfare_notification", contact.received_at)] \
        == _stored(contact)
    assert contact.clock == "child_welfare_notification"
    assert contact.opened_on == TODAY
    # Urgency is due at once; the rest are days away.
    assert dict(Deadline.objects.filter(contact=contact).values_list("code", "status")) == {
        "urgency_assessment": DeadlineStatus.DUE_SOON,
        "investigation_decision": DeadlineStatus.ON_TIME,
        "assessment_start": DeadlineStatus.ON_TIME,
        "assessment_completion": DeadlineStatus.ON_TIME,
    }


def test_shl_contact_has_only_the_urgency_clock(world):
    contact = _register(world, kind="shl_contact", reporter_kind="guardian",
                        reporter_organisation="")

    assert contact.clock == "shl_contact"
    assert _stored(contact) == [("urgency_assessment", TODAY, "SHL 36 § 1 mom.")]


def test_special_support_clock_stores_three_deadlines(world):
    contact = _register(world, kind="guardian_application", clock="shl_special_support_child",
                        reporter_kind="guardian")

    assert _stored(contact) == [
        ("urgency_assessment", TODAY, "SHL 36 § 1 mom."),
        ("assessment_start", dt.date(2026, 2, 12), "SHL 36 § 3 mom."),
        ("assessment_completion", dt.date(2026, 5, 4),
         "SHL 36 § 4 mom.; Act 150/1930 § 3 and § 5"),
    ]


def test_pre_birth_notification_about_an_unborn_child_without_hetu(world):
    contact = _register(world, kind="pre_birth_notification", persons=[
        PersonRef(role="unborn", temporary=True, expected_birth_date=dt.date(2026, 5, 1)),
        PersonRef(role="expectant_parent", temporary=True, first_name="Maija",
                  last_name="Odottaja")])

    assert _stored(contact) == [("urgency_assessment", TODAY, "LSL 26 § 2 mom.; LSL 25 c §")]
    unborn = contact.child
    assert unborn.hetu == "" and unborn.temporary_id.startswith("TMP-")
    assert unborn.expected_birth_date == dt.date(2026, 5, 1)
    assert sorted(contact.persons.values_list("role", flat=True)) == [
        "expectant_parent", "unborn"]


def test_received_at_23_30_utc_opens_on_the_next_helsinki_day(world):
    received = dt.datetime(2026, 2, 2, 23, 30, tzinfo=UTC)  # 01:30 on Tuesday in Helsinki

    contact = _register(world, received_at=received)

    assert contact.opened_on == dt.date(2026, 2, 3)
    assert Deadline.objects.get(contact=contact, code="urgency_assessment").due_on \
        == dt.date(2026, 2, 3)
    assert Deadline.objects.get(contact=contact, code="investigation_decision").due_on \
        == dt.date(2026, 2, 12)


def test_registration_gives_the_intake_team_access_and_logs(world):
    before = AccessLogEntry.objects.count()

    contact = _register(world, child=world.child)

    assert contact.team == world.intake
    assert contact.status == ContactStatus.NEW and contact.assessment is None
    assert contact.registered_by == world.iris
    assert ClientRelationship.objects.filter(
        person=world.child, team=world.intake, basis=Basis.INTAKE,
        source=f"intake.Contact:{contact.pk}").exists()
    created = AccessLogEntry.objects.filter(seq__gt=before, person_id=world.child.pk,
                                            category=Category.INTAKE, action="create")
    assert created.count() == 1


def test_a_contact_about_a_child_with_an_open_assessment_is_attached(world):
    first = _register(world, child=world.child)
    assessment = _route(world, first)
    services.assessment_start(actor=world.alice, assessment=assessment, started_on=TODAY)

    second = _register(world, child=world.child, reporter_kind="police",
                       reporter_name="Konstaapeli Koo", reporter_organisation="Itä-Uusimaa")

    assert Assessment.objects.filter(child=world.child).count() == 1
    assert second.assessment == assessment
    assert second.team == world.east and second.status == ContactStatus.ROUTED
    assert second.assignee == world.alice
    # The assessment is already under way: its start obligation is fulfilled for this contact.
    start = Deadline.objects.get(contact=second, code="assessment_start")
    assert (start.status, start.met_on) == (DeadlineStatus.MET, TODAY)


def test_a_probable_duplicate_is_shown_not_merged(world):
    first = _register(world, child=world.child)
    second = _register(world, child=world.child, received_at=NOW - dt.timedelta(minutes=10),
                       description="Sama huoli, soitettu uudelleen.")
    other_reporter = _register(world, child=world.child, reporter_name="Terveydenhoitaja Tea",
                               reporter_kind="health_care")

    assert first.pk != second.pk
    assert list(selectors.probable_duplicates(second)) == [first]
    assert other_reporter not in selectors.probable_duplicates(second)
    assert Contact.objects.filter(child=world.child).count() == 3


def test_only_professionals_who_may_register_persons_register_contacts(world):
    dpo = professional(username="dpo", role=Role.DPO)

    with pytest.raises(PermissionDenied):
        services.contact_register(actor=dpo, data=contact_input(child=world.child))


# --- bad input: refused with the field named, nothing saved -----------------------------------

def _no_child(world):
    return {"persons": [PersonRef(role="guardian", temporary=True, last_name="Huoltaja")]}


BAD_REGISTRATIONS = {
    "future received_at": (lambda w: {"received_at": NOW + dt.timedelta(hours=1)},
                           {"received_at"}),
    "naive received_at": (lambda w: {"received_at": dt.datetime(2026, 2, 3, 9, 0)},
                          {"received_at"}),
    "no child": (_no_child, {"persons"}),
    "invalid child hetu": (lambda w: {"persons": [
        PersonRef(role="child", hetu="010116A9991", last_name="Lapsi")]}, {"persons.0.hetu"}),
    "unknown municipality": (lambda w: {"municipality_code": "999"}, {"municipality_code"}),
    "no description, unknown kind": (lambda w: {"description": " ", "kind": "rumour"},
                                     {"description", "kind"}),
    "valid child, then a guardian with an invalid hetu": (lambda w: {"persons": [
        PersonRef(role="child", hetu=child_hetu(), last_name="Lapsi"),
        PersonRef(role="guardian", hetu="311299-999X", last_name="Huoltaja")]},
        {"persons.1.hetu"}),
    "the same person twice": (lambda w: {"persons": [
        PersonRef(role="child", person_id=w.child.pk),
        PersonRef(role="child", person_id=w.child.pk)]}, {"persons.1"}),
    "unknown person id": (lambda w: {"persons": [PersonRef(role="child", person_id=987654)]},
                          {"persons.0.person_id"}),
}


@pytest.mark.parametrize("case", BAD_REGISTRATIONS, ids=list(BAD_REGISTRATIONS))
def test_bad_registration_is_refused_naming_the_field_and_nothing_is_saved(world, case):
    overrides, expected = BAD_REGISTRATIONS[case]
    before = _counts()

    with pytest.raises(ValidationError) as exc:
        _register(world, **overrides(world))

    assert _fields(exc) == expected
    assert all(messages for messages in exc.value.message_dict.values())
    assert _counts() == before


def test_no_action_and_advice_need_a_reason(world):
    contact = _register(world, child=world.child)
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    before = _counts()

    for outcome in ("no_action", "advice"):
        with pytest.raises(ValidationError) as exc:
            services.initial_assessment_record(actor=world.iris, contact=contact,
                                               outcome=outcome, reason="  ",
                                               informed_on=contact.opened_on)
        assert _fields(exc) == {"reason"}

    assert _counts() == before
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_ASSESSMENT


def test_referral_to_a_service_not_serving_the_municipality_is_refused(world):
    ServiceCatalogueItemFactory(code="family-counselling", municipalities=[world.lohja])
    contact = _register(world, child=world.child)
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    before = _counts()

    with pytest.raises(ValidationError) as exc:
        services.initial_assessment_record(actor=world.iris, contact=contact, outcome="referral",
                                           referral_code="family-counselling",
                                           informed_on=contact.opened_on)

    assert _fields(exc) == {"referral_code"}
    assert _counts() == before


def test_referral_to_a_service_serving_the_municipality_closes_the_contact(world):
    service = ServiceCatalogueItemFactory(code="family-work", municipalities=[world.porvoo])
    contact = _register(world, child=world.child)
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")

    initial = services.initial_assessment_record(actor=world.iris, contact=contact,
                                                 outcome="referral", referral_code="family-work",
                                                 informed_on=contact.opened_on)

    contact.refresh_from_db()
    assert initial.referral == service
    assert contact.status == ContactStatus.CLOSED and contact.closed_on == TODAY
    # The intake team keeps access for follow-up questions, time-boxed.
    relationship = ClientRelationship.objects.get(source=f"intake.Contact:{contact.pk}")
    assert relationship.ends_at == timezone.now() + dt.timedelta(days=services.CLOSED_ACCESS_DAYS)


def test_initial_assessment_needs_the_urgency_first(world):
    contact = _register(world, child=world.child)

    with pytest.raises(ValidationError) as exc:
        services.initial_assessment_record(actor=world.iris, contact=contact,
                                           outcome="no_action", reason="Ei huolta.",
                                           informed_on=contact.opened_on)

    assert _fields(exc) == {"urgency"}
    assert not InitialAssessment.objects.exists()


@pytest.fixture
def started(world):
    contact = _register(world, child=world.child)
    assessment = _route(world, contact)
    return services.assessment_start(actor=world.alice, assessment=assessment, started_on=TODAY)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"informed_on": None}, {"informed_on"}),
    ({"responsible_worker": None}, {"responsible_worker"}),
    ({"informed_on": None, "responsible_worker": None}, {"informed_on", "responsible_worker"}),
    ({"reason": ""}, {"reason"}),
    ({"completed_on": TODAY + dt.timedelta(days=1)}, {"completed_on"}),
])
def test_child_welfare_client_needs_informed_on_and_a_responsible_worker(
        world, started, changes, expected):
    arguments = {"outcome": "child_welfare_client", "reason": "Tarve lastensuojelulle.",
                 "completed_on": TODAY, "responsible_worker": world.alice,
                 "informed_on": TODAY, **changes}
    before = _counts()

    with pytest.raises(ValidationError) as exc:
        services.assessment_complete(actor=world.alice, assessment=started, **arguments,
                                     result=RESULT)

    assert _fields(exc) == expected
    assert _counts() == before
    started.refresh_from_db()
    assert started.completed_on is None


def test_completion_before_the_start_is_refused(world, time_machine):
    contact = _register(world, child=world.child)
    assessment = _route(world, contact)
    arguments = {"outcome": "closed", "reason": "Ei tarvetta.", "completed_on": TODAY}

    with pytest.raises(ValidationError) as not_started:
        services.assessment_complete(actor=world.alice, assessment=assessment, **arguments,
                                     result=RESULT)
    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    started = services.assessment_start(actor=world.alice, assessment=assessment,
                                        started_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as before_start:
        services.assessment_complete(actor=world.alice, assessment=started, **arguments,
                                     result=RESULT)

    assert _fields(not_started) == _fields(before_start) == {"completed_on"}
    assessment.refresh_from_db()
    assert assessment.completed_on is None


# --- concurrency --------------------------------------------------------------------------------

def test_a_stale_version_is_refused(world):
    contact = _register(world, child=world.child)
    seen = contact.version
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent",
                                    expected_version=seen)

    with pytest.raises(ValidationError):
        services.contact_assess_urgency(actor=world.ilona, contact=contact, urgency="urgent",
                                        note="Väkivaltaa.", expected_version=seen)
    with pytest.raises(ValidationError):
        services.initial_assessment_record(actor=world.ilona, contact=contact,
                                           outcome="no_action", reason="Ei huolta.",
                                           expected_version=seen,
                                           informed_on=contact.opened_on)

    contact.refresh_from_db()
    assert (contact.urgency, contact.version) == ("not_urgent", seen + 1)
    assert not InitialAssessment.objects.exists()


def test_a_stale_assessment_version_is_refused(world, started):
    seen = started.version - 1

    with pytest.raises(ValidationError):
        services.assessment_complete(actor=world.alice, assessment=started, outcome="closed",
                                     reason="Ei tarvetta.", completed_on=TODAY,
                                     expected_version=seen,
                                     result=RESULT)

    started.refresh_from_db()
    assert started.completed_on is None


# --- the work and its deadlines ---------------------------------------------------------------

def _deadline(contact: Contact, code: str) -> Deadline:
    return Deadline.objects.get(contact=contact, code=code)


def test_urgency_meets_the_urgency_deadline_and_urgent_needs_a_note(world):
    contact = _register(world, child=world.child)
    with pytest.raises(ValidationError) as exc:
        services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="urgent")
    assert _fields(exc) == {"urgency_note"}

    contact = services.contact_assess_urgency(actor=world.iris, contact=contact,
                                              urgency="urgent", note="Lapsi yksin kotona.")

    urgency = _deadline(contact, "urgency_assessment")
    assert (urgency.status, urgency.met_on) == (DeadlineStatus.MET, TODAY)
    assert (contact.urgency, contact.urgency_by, contact.status) == (
        "urgent", world.iris, ContactStatus.IN_ASSESSMENT)
    assert _deadline(contact, "investigation_decision").met_on is None


def test_initial_assessment_meets_the_investigation_decision_and_routes(world):
    contact = _register(world, child=world.child)

    assessment = _route(world, contact)

    decision = _deadline(contact, "investigation_decision")
    assert (decision.status, decision.met_on) == (DeadlineStatus.MET, TODAY)
    assert _deadline(contact, "assessment_start").met_on is None
    contact.refresh_from_db()
    assert (contact.status, contact.team, contact.assignee) == (
        ContactStatus.ROUTED, world.east, None)
    assert (assessment.team, assessment.child, assessment.opened_on) == (
        world.east, world.child, contact.opened_on)
    assert contact.initial_assessment.informed_on == TODAY


def test_start_meets_the_assessment_start(world):
    contact = _register(world, child=world.child)
    assessment = _route(world, contact)

    assessment = services.assessment_start(actor=world.alice, assessment=assessment,
                                           started_on=TODAY, pair_worker=world.sami)

    start = _deadline(contact, "assessment_start")
    assert (start.status, start.met_on) == (DeadlineStatus.MET, TODAY)
    assert (assessment.worker, assessment.pair_worker) == (world.alice, world.sami)
    contact.refresh_from_db()
    assert contact.assignee == world.alice


def test_meeting_is_recorded_after_it_was_held(world, started):
    with pytest.raises(ValidationError) as exc:
        services.meeting_add(actor=world.alice, assessment=started, kind="home_visit",
                             held_on=TODAY + dt.timedelta(days=1), notes="Kotikäynti")
    assert _fields(exc) == {"held_on"}

    meeting = services.meeting_add(actor=world.alice, assessment=started, kind="network",
                                   held_on=TODAY, notes="Verkostopalaveri koululla.",
                                   participants="opettaja, kuraattori")

    assert list(started.meetings.all()) == [meeting]


def test_completion_meets_its_deadline_opens_a_case_for_the_named_worker_and_closes(
        world, started):
    child_welfare = TeamFactory(code="child-welfare-east", kind=TeamKind.UNIT)
    carl = professional(username="carl", first_name="Carl", teams=[child_welfare])
    with pytest.raises(PersonNotFound):
        gateway.access_person_by_id(carl, world.child.pk, category=Category.INTAKE)

    done = services.assessment_complete(
        actor=world.alice, assessment=started, outcome="child_welfare_client",
        reason="Lastensuojelun tarve.", completed_on=TODAY, responsible_worker=carl,
        informed_on=TODAY,
                                        result=RESULT)

    contact = done.contacts.get()
    completion = _deadline(contact, "assessment_completion")
    assert (completion.status, completion.met_on) == (DeadlineStatus.MET, TODAY)
    assert set(contact.deadlines.values_list("status", flat=True)) == {DeadlineStatus.MET}
    assert (contact.status, contact.closed_on) == (ContactStatus.CLOSED, TODAY)
    assert (done.outcome, done.responsible_worker, done.completed_on) == (
        "child_welfare_client", carl, TODAY)
    access = gateway.access_person_by_id(carl, world.child.pk, category=Category.INTAKE)
    assert access.basis == Basis.CASE
    assert access.relationship.service_task == "child_welfare"


# --- access follows the work --------------------------------------------------------------------

def test_access_moves_from_the_intake_team_to_the_regional_team(world):
    contact = _register(world, child=world.child)

    def sees(user) -> bool:
        return selectors.visible_contacts(user).filter(pk=contact.pk).exists()

    assert sees(world.iris) and sees(world.ilona)
    assert not sees(world.alice) and not sees(world.bob)

    assessment = _route(world, contact)

    assert sees(world.alice) and sees(world.lead) and sees(world.iris)
    assert not sees(world.bob)
    assert selectors.visible_assessments(world.alice).filter(pk=assessment.pk).exists()
    assert not selectors.visible_assessments(world.bob).exists()


def test_assignment_needs_members_of_the_contacts_team(world):
    contact = _register(world, child=world.child)

    with pytest.raises(ValidationError) as exc:
        services.contacts_assign(actor=world.ilona, contact_ids=[contact.pk],
                                 assignee=world.alice)
    assert _fields(exc) == {"assignee"}

    assert services.contacts_assign(actor=world.ilona, contact_ids=[contact.pk],
                                    assignee=world.iris) == 1
    contact.refresh_from_db()
    assert contact.assignee == world.iris


def test_the_queue_puts_urgent_first_then_unassessed_then_by_due_date(world):
    nothing_due = _register(world, kind="shl_contact", received_at=NOW - dt.timedelta(days=1))
    services.contact_assess_urgency(actor=world.iris, contact=nothing_due, urgency="not_urgent")
    calm = _register(world, child=world.child)
    services.contact_assess_urgency(actor=world.iris, contact=calm, urgency="not_urgent")
    unassessed = _register(world, kind="shl_contact")
    urgent = _register(world)
    services.contact_assess_urgency(actor=world.iris, contact=urgent, urgency="urgent",
                                    note="Välitön vaara.")

    queue = selectors.queue(world.iris, selectors.QueueFilters())

    # A contact with every deadline met comes after those with deadlines, on every database.
    assert list(queue) == [urgent, unassessed, calm, nothing_due]
