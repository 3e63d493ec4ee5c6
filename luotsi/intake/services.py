"""Writes of family intake. Each checks permission, changes data and logs, in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luotsi.access import gateway, log
from luotsi.access import services as access_services
from luotsi.access.models import Basis, Category, ClientRelationship, LogAction, Outcome
from luotsi.common.formatting import format_date
from luotsi.common.validation import unknown_codes
from luotsi.deadlines.calendar import opening_day
from luotsi.deadlines.rules import (
    KINDS,
    clock_allowed,
    compute_deadlines,
    deadline_status,
    required_clock,
    weakened_obligations,
)
from luotsi.intake import queue_keys
from luotsi.intake.models import (
    CLOCK_CHOICES,
    OBLIGATION_LABELS,
    Assessment,
    AssessmentReferral,
    AssessmentSupport,
    Channel,
    ClockChange,
    Consultation,
    Contact,
    ContactKind,
    ContactPerson,
    ContactStatus,
    Deadline,
    DeadlineStatus,
    InitialAssessment,
    Meeting,
    NamedWorkerNeed,
    Notification,
    ReporterKind,
    ServiceCatalogueItem,
    SupportMeasure,
    SupportNeed,
    Urgency,
)
from luotsi.intake.selectors import (
    assessment_team_for,
    children_cap,
    children_per_social_worker,
    current_clienthood_of,
    current_clienthoods,
    intake_team_for,
)
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import Municipality, ServiceTask, Team, User
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people import services as people_services
from luotsi.people.lookup import find_by_hetu
from luotsi.people.models import Person

# A received time this far ahead of the server clock is tolerated (clock skew of devices).
FUTURE_TOLERANCE = timedelta(minutes=5)
# After a contact is closed the intake team keeps access this long, for follow-up questions.
CLOSED_ACCESS_DAYS = 30
DUPLICATE_WINDOW = timedelta(days=3)


def _fail(field_name: str, message: str):
    raise ValidationError({field_name: [message]})


# --- registering a contact -------------------------------------------------------------------

@dataclass
class PersonRef:
    """A person concerned by a contact: an existing person by id or hetu, or a new one."""

    role: str
    person_id: int | None = None
    hetu: str = ""
    first_name: str = ""
    last_name: str = ""
    temporary: bool = False
    expected_birth_date: date | None = None
    language: str = "fi"


@dataclass
class ContactInput:
    kind: str
    channel: str
    received_at: datetime | None
    reporter_kind: str
    description: str
    persons: list[PersonRef] = field(default_factory=list)
    clock: str = ""
    municipality_code: str = ""
    reporter_name: str = ""
    reporter_organisation: str = ""
    reporter_phone: str = ""
    reporter_protected: bool = False
    family_informed: bool = False

    def fingerprint(self) -> str:
        payload = asdict(self)
        return hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _resolve_person(actor, ref: PersonRef, index: int, errors: dict) -> Person | None:
    prefix = f"persons.{index}"
    if ref.role not in ContactPerson.Role.values:
        errors[f"{prefix}.role"] = [_("Unknown role of a person concerned.")]
        return None
    if ref.person_id:
        person = Person.objects.filter(pk=ref.person_id).first()
        # Registering a contact is the intake task: any person may be named, but a wrong id is
        # "not found" like everywhere else.
        if person is None:
            errors[f"{prefix}.person_id"] = [_("Person not found.")]
        return person
    if ref.hetu.strip():
        person = find_by_hetu(ref.hetu)
        if person is not None:
            return person
    try:
        return people_services.person_create(actor=actor, data=people_services.PersonInput(
            hetu=ref.hetu, temporary=ref.temporary or not ref.hetu.strip(),
            first_name=ref.first_name, last_name=ref.last_name or (
                _("Unborn child") if ref.role == ContactPerson.Role.UNBORN else ""),
            expected_birth_date=ref.expected_birth_date, language=ref.language,
        ))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors[f"{prefix}.{name}"] = messages
        return None


ADULT_AGE = 18


def _age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _role_age_error(role: str, person: Person, received_on: date) -> str | None:
    """Why ``person`` cannot have ``role`` in a contact received on ``received_on``, or None.

    A child is under 18 on the received date and a guardian is an adult (18 or older); an
    unborn child has no date of birth on or before it. An expectant parent may be of any age.
    When the person's date of birth is unknown (a temporary identifier without one) the role is
    accepted as given: the worker confirms it when the person is identified.
    """
    born = person.birth_date
    if born is None:
        return None
    if role == ContactPerson.Role.CHILD:
        if born > received_on:
            return _("The child was not yet born on the day the contact was received: name "
                     "them as an unborn child.")
        if _age_on(born, received_on) >= ADULT_AGE:
            return _("A child must be under 18 on the day the contact was received; this "
                     "person is an adult.")
    elif role == ContactPerson.Role.GUARDIAN:
        if _age_on(born, received_on) < ADULT_AGE:
            return _("A guardian must be an adult (18 or older) on the day the contact was "
                     "received.")
    elif role == ContactPerson.Role.UNBORN and born <= received_on:
        return _("This person was already born on the day the contact was received: name them "
                 "as a child.")
    return None


def _validate_contact(data: ContactInput) -> dict:
    errors = unknown_codes(data, (
        ("kind", ContactKind, _("Choose the kind of contact.")),
        ("channel", Channel, _("Choose the channel.")),
        ("reporter_kind", ReporterKind, _("Choose who made the contact."))))
    if data.clock and data.clock not in KINDS:
        errors["clock"] = [_("Unknown statutory clock.")]
    if data.received_at is None:
        errors["received_at"] = [_("Enter when the contact was received.")]
    elif timezone.is_naive(data.received_at):
        errors["received_at"] = [_("Give the time with its time zone.")]
    elif data.received_at > timezone.now() + FUTURE_TOLERANCE:
        errors["received_at"] = [_("The received time cannot be in the future.")]
    elif data.clock in KINDS and data.kind in ContactKind.values:
        problem = clock_problem(data.kind, data.clock, opening_day(data.received_at))
        if problem:
            errors["clock"] = [problem]
    if not data.description.strip():
        errors["description"] = [_("Write what was reported.")]
    children = [p for p in data.persons
                if p.role in (ContactPerson.Role.CHILD, ContactPerson.Role.UNBORN)]
    if not children:
        errors["persons"] = [_("Name at least one child (or the unborn child) concerned.")]
    if data.municipality_code and not Municipality.objects.filter(
            code=data.municipality_code.strip()).exists():
        errors["municipality_code"] = [
            _("There is no municipality with the code “%(code)s”.")
            % {"code": data.municipality_code}]
    return errors


def contact_register(*, actor, data: ContactInput) -> Contact:
    """Register a contact or notification; compute its deadlines; give the intake team access
    to the persons concerned. Nothing is saved when any field is invalid.

    A contact about a child with an open service-need assessment is attached to it. Callers
    that take a retry key (the API's ``Idempotency-Key``, the form's hidden key) run this under
    ``luotsi.api.idempotency`` with ``data.fingerprint()``, so a retry registers nothing.
    """
    require_action(actor, Action.CREATE_PERSON)
    errors = _validate_contact(data)
    if errors:
        raise ValidationError(errors)
    team = intake_team_for(actor)
    if team is None:
        raise ValidationError({"team": [_("The county has no central family intake team.")]})
    return _register(actor, data, team)


def _register(actor, data: ContactInput, team: Team) -> Contact:
    with transaction.atomic():
        persons: list[tuple[Person, str]] = []
        person_errors: dict = {}
        received_on = timezone.localtime(data.received_at).date()
        written: set[tuple[str, object]] = set()
        for index, ref in enumerate(data.persons):
            person = _resolve_person(actor, ref, index, person_errors)
            if person is None:
                continue
            # Only what the caller wrote twice (the same id or identity code) is refused as a
            # repetition: saying that an id and an identity code are the same person would tell
            # the caller something about a person they may not see. The first mention counts.
            reference = (("id", ref.person_id) if ref.person_id
                         else ("hetu", ref.hetu.strip().upper()) if ref.hetu.strip() else None)
            if reference is not None and reference in written:
                person_errors[f"persons.{index}"] = [_("This person is already listed.")]
                continue
            if reference is not None:
                written.add(reference)
            if any(p.pk == person.pk for p, _r in persons):
                continue
            problem = _role_age_error(ref.role, person, received_on)
            if problem:
                person_errors[f"persons.{index}.role"] = [problem]
                continue
            persons.append((person, ref.role))
        child = next((p for p, role in persons
                      if role in (ContactPerson.Role.CHILD, ContactPerson.Role.UNBORN)), None)
        if child is None and not person_errors:
            person_errors["persons"] = [
                _("Name at least one child (or the unborn child) concerned.")]
        if person_errors:
            raise ValidationError(person_errors)
        assert child is not None  # no child concerned is a person error above
        assert data.received_at is not None  # refused by _validate_contact
        municipality = None
        if data.municipality_code:
            municipality = Municipality.objects.get(code=data.municipality_code.strip())
        else:
            municipality = next((p.municipality for p, _r in persons if p.municipality_id), None)
        if municipality is None:
            raise ValidationError({"municipality_code": [
                _("Give the family's municipality; it decides the regional team.")]})
        clock = data.clock or required_clock(data.kind)
        open_assessment = (Assessment.objects.select_for_update()
                           .filter(child=child, completed_on__isnull=True).first())
        # A child who already is a client (child welfare or family services) goes to the
        # responsible worker and their team, not back to the central queue.
        clienthood = None if open_assessment else current_clienthood_of(child.pk)
        contact = Contact.objects.create(
            kind=data.kind, clock=clock, channel=data.channel, received_at=data.received_at,
            opened_on=opening_day(data.received_at), reporter_kind=data.reporter_kind,
            reporter_name=data.reporter_name.strip(),
            reporter_organisation=data.reporter_organisation.strip(),
            reporter_phone=data.reporter_phone.strip(), reporter_protected=data.reporter_protected,
            description=data.description.strip(), family_informed=data.family_informed,
            child=child, municipality=municipality,
            team=(open_assessment.team if open_assessment
                  else clienthood.team if clienthood else team),
            assignee=(open_assessment.worker if open_assessment
                      else clienthood.responsible_worker if clienthood else None),
            status=ContactStatus.ROUTED if open_assessment else ContactStatus.NEW,
            assessment=open_assessment, registered_by=actor, routing_team=team,
        )
        ContactPerson.objects.bulk_create(
            [ContactPerson(contact=contact, person=p, role=role) for p, role in persons])
        _create_deadlines(contact)
        if open_assessment is not None and open_assessment.started_on:
            _meet([contact.pk], "assessment_start", contact.opened_on)
        queue_keys.refresh([contact.pk])
        for person, _role in persons:
            access_services.relationship_open(
                actor=actor, person=person, basis=Basis.INTAKE, team=team,
                service_task=ServiceTask.FAMILY_SERVICES, source=f"intake.Contact:{contact.pk}")
        if clienthood is not None:
            _attach_to_clienthood(actor, contact, clienthood, [p for p, _r in persons])
        gateway.log_writes(actor, [
            log.Event(p.pk, Category.INTAKE, LogAction.CREATE, Basis.INTAKE, Outcome.ALLOWED,
                      f"contact {contact.pk}") for p, _role in persons], team_code=team.code)
    return contact


def _attach_to_clienthood(actor, contact: Contact, clienthood: Assessment,
                          persons: list[Person]) -> None:
    """A new contact about a child who already is a client: the responsible worker's team (and
    the worker, when not a member of it) gets access to the persons concerned until the contact
    closes, and the responsible worker an in-app notice in their own language. The notice names
    no client: the link leads through the access gateway."""
    worker = clienthood.responsible_worker
    assert worker is not None  # a current client relationship names its responsible worker
    task = (ServiceTask.CHILD_WELFARE
            if clienthood.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT
            else ServiceTask.FAMILY_SERVICES)
    source = f"intake.Contact:{contact.pk}"
    for person in persons:
        access_services.relationship_open(
            actor=actor, person=person, basis=Basis.INTAKE, team=clienthood.team,
            service_task=task, source=source, reason="client of the team")
        if not _member_of(worker, clienthood.team):
            access_services.relationship_open(
                actor=actor, person=person, basis=Basis.INTAKE, user=worker,
                service_task=task, source=source, reason="responsible worker")
    if not worker.is_active:
        return
    with translation.override(worker.language or settings.LANGUAGE_CODE):
        text = _("A new contact (%(kind)s, %(date)s) about a child whose responsible worker you "
                 "are was passed to you.") % {
            "kind": ContactKind(contact.kind).label,
            "date": format_date(timezone.localdate(contact.received_at))}
    Notification.objects.get_or_create(
        user=worker, key=f"intake:attached:{contact.pk}",
        defaults={"text": text[:300], "link": f"/intake/contacts/{contact.pk}/"})


def _clock_label(code: str) -> str:
    return str(dict(CLOCK_CHOICES).get(code, code))


def clock_problem(kind: str, clock: str, opened_on: date) -> str | None:
    """Why a contact of ``kind`` opened on ``opened_on`` may not carry ``clock``, or None. The
    kind's statutory clock can be made stricter, never dropped, postponed or replaced."""
    required = required_clock(kind)
    if clock_allowed(required, clock, opened_on):
        return None
    kind_label = str(ContactKind(kind).label)
    dropped = weakened_obligations(required, clock, opened_on)
    if dropped:
        return _("This kind of contact (%(kind)s) always carries the clock “%(required)s”. "
                 "The chosen clock would drop or postpone: %(obligations)s. Keep the required "
                 "clock or choose a stricter one.") % {
            "kind": kind_label, "required": _clock_label(required),
            "obligations": ", ".join(str(OBLIGATION_LABELS.get(code, code)) for code in dropped)}
    return _("This kind of contact (%(kind)s) always carries the clock “%(required)s”. The "
             "chosen clock adds nothing to it and would replace it: keep the required clock or "
             "choose a stricter one.") % {"kind": kind_label, "required": _clock_label(required)}


def _create_deadlines(contact: Contact) -> None:
    today = timezone.localdate()
    Deadline.objects.bulk_create([
        Deadline(contact=contact, code=d.code, due_on=d.due_on, target_on=d.target_on,
                 basis=d.basis, status=deadline_status(d.due_on, today, None, d.target_on))
        for d in compute_deadlines(contact.clock, contact.received_at)
    ])


def _meet(contact_ids, code: str, on: date) -> None:
    Deadline.objects.filter(contact_id__in=contact_ids, code=code, met_on__isnull=True).update(
        met_on=on, status=DeadlineStatus.MET)


def contact_change_clock(*, actor, contact: Contact, clock: str, reason: str,
                         expected_version: int | None = None) -> ClockChange:
    """Change the statutory clock of an open contact after registration: a recorded decision
    with its reason (who, when, from, to, why). The kind's statutory clock can be made stricter,
    never dropped or replaced. The deadlines are recomputed from the opening day: an obligation
    of the new clock replaces the old one's due date, an obligation already fulfilled keeps its
    date, an unmet obligation the new clock does not carry is removed."""
    require_action(actor, Action.VIEW_CLIENT)
    errors: dict[str, list[str]] = {}
    if clock not in KINDS:
        errors["clock"] = [_("Unknown statutory clock.")]
    elif clock == contact.clock:
        errors["clock"] = [_("The contact already carries this clock.")]
    else:
        problem = clock_problem(contact.kind, clock, contact.opened_on)
        if problem:
            errors["clock"] = [problem]
    if not reason.strip():
        errors["reason"] = [_("Write the reason for changing the clock.")]
    if errors:
        raise ValidationError(errors)
    _may_write_contact(actor, contact, "clock")
    with transaction.atomic():
        contact = _locked(contact, expected_version)
        if contact.status == ContactStatus.CLOSED:
            raise ValidationError(_("The contact is closed."))
        if contact.clock == clock:
            raise ValidationError({"clock": [_("The contact already carries this clock.")]})
        change = ClockChange.objects.create(
            contact=contact, from_clock=contact.clock, to_clock=clock, reason=reason.strip(),
            changed_by=actor, changed_at=timezone.now())
        contact.clock = clock
        contact.version += 1
        contact.save(update_fields=["clock", "version", "updated_at"])
        _recompute_deadlines(contact)
        queue_keys.refresh([contact.pk])
        _log_contact(actor, contact, LogAction.UPDATE,
                     f"clock {change.from_clock} -> {change.to_clock}")
    return change


def _fulfilled_on(contact: Contact, code: str) -> date | None:
    """When an obligation a newly carried clock adds was already fulfilled, from the records
    (the urgency assessment, the start of the service-need assessment)."""
    if code == "urgency_assessment" and contact.urgency_at:
        return timezone.localdate(contact.urgency_at)
    if code == "assessment_start" and contact.assessment_id:
        return Assessment.objects.filter(pk=contact.assessment_id).values_list(
            "started_on", flat=True).first()
    return None


def _recompute_deadlines(contact: Contact) -> None:
    today = timezone.localdate()
    stored = {d.code: d for d in contact.deadlines.select_for_update()}
    computed = compute_deadlines(contact.clock, contact.received_at)
    for d in computed:
        deadline = stored.pop(d.code, None)
        if deadline is None:
            met_on = _fulfilled_on(contact, d.code)
            Deadline.objects.create(
                contact=contact, code=d.code, due_on=d.due_on, target_on=d.target_on,
                basis=d.basis, met_on=met_on,
                status=deadline_status(d.due_on, today, met_on, d.target_on))
            continue
        deadline.due_on, deadline.target_on, deadline.basis = d.due_on, d.target_on, d.basis
        if deadline.met_on is None:
            deadline.status = deadline_status(d.due_on, today, None, d.target_on)
        deadline.save(update_fields=["due_on", "target_on", "basis", "status"])
    Deadline.objects.filter(pk__in=[d.pk for d in stored.values() if d.met_on is None]).delete()


def _may_write_contact(actor, contact: Contact, detail: str) -> None:
    """Before changing a contact: emergency access alone to its persons does not allow it (the
    refusal is logged); ``_log_contact`` refuses the same inside the transaction."""
    gateway.check_write(actor, contact.persons.values_list("person_id", flat=True),
                        category=Category.INTAKE, detail=f"contact {contact.pk}: {detail}")


def _log_contact(actor, contact: Contact, action: str, detail: str) -> None:
    person_ids = list(contact.persons.values_list("person_id", flat=True))
    gateway.log_writes(actor, [
        log.Event(pid, Category.INTAKE, action, Basis.INTAKE, Outcome.ALLOWED, detail)
        for pid in person_ids])


def _locked(contact: Contact, expected_version: int | None) -> Contact:
    fresh = Contact.objects.select_for_update().get(pk=contact.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ValidationError(_("Someone else changed this contact meanwhile. Reload the page "
                                "and check the changes before saving again."))
    return fresh


def urgency_open(contact: Contact) -> bool:
    """Whether the urgency of an open ``contact`` may be recorded or changed: recorded while it
    is not yet assessed; changed only until the initial assessment is recorded or the contact
    goes on (routed or attached) to a service-need assessment, which rest on it."""
    if contact.status == ContactStatus.CLOSED:
        return False
    if not contact.urgency:
        return True
    return (contact.status in (ContactStatus.NEW, ContactStatus.IN_ASSESSMENT)
            and contact.assessment_id is None and not hasattr(contact, "initial_assessment"))


def contact_assess_urgency(*, actor, contact: Contact, urgency: str, note: str = "",
                           expected_version: int | None = None) -> Contact:
    require_action(actor, Action.VIEW_CLIENT)
    if urgency not in Urgency.values:
        _fail("urgency", _("Choose whether the matter is urgent."))
    if urgency == Urgency.URGENT and not note.strip():
        _fail("urgency_note", _("Write what makes the matter urgent and what was done."))
    _may_write_contact(actor, contact, "urgency")
    with transaction.atomic():
        contact = _locked(contact, expected_version)
        if contact.status == ContactStatus.CLOSED:
            raise ValidationError(_("The contact is closed."))
        if not urgency_open(contact):
            # The initial assessment and the routing rested on the recorded urgency.
            raise ValidationError({"urgency": [_(
                "The urgency can no longer be changed: the contact has gone on to its initial "
                "assessment or to a service-need assessment.")]})
        now = timezone.now()
        contact.urgency, contact.urgency_note = urgency, note.strip()
        contact.urgency_by, contact.urgency_at = actor, now
        if contact.status == ContactStatus.NEW:
            contact.status = ContactStatus.IN_ASSESSMENT
        contact.version += 1
        contact.save(update_fields=["urgency", "urgency_note", "urgency_by", "urgency_at",
                                    "status", "version", "updated_at"])
        _meet([contact.pk], "urgency_assessment", timezone.localdate(now))
        queue_keys.refresh([contact.pk])
        _log_contact(actor, contact, LogAction.UPDATE, f"urgency {urgency}")
    return contact


def initial_assessment_record(*, actor, contact: Contact, outcome: str, reason: str = "",
                              referral_code: str = "", informed_on: date | None = None,
                              not_informed_reason: str = "",
                              expected_version: int | None = None) -> InitialAssessment:
    """The central team's initial assessment. Routes to the regional team of the family's
    municipality, refers to a catalogue service, or closes the contact.

    A contact carrying the LSL 26 § decision deadline needs the date the child and guardian were
    informed of the notification and what follows, or the reason why they were not: only then
    is the decision met."""
    require_action(actor, Action.VIEW_CLIENT)
    errors: dict[str, list[str]] = {}
    if (not informed_on and not not_informed_reason.strip()
            and contact.deadlines.filter(code="investigation_decision",
                                         met_on__isnull=True).exists()):
        errors["informed_on"] = [_(
            "Record when the child and guardian were informed of the notification and what "
            "follows (LSL 26 §), or write why they were not.")]
    if outcome not in InitialAssessment.Outcome.values:
        errors["outcome"] = [_("Choose the outcome of the initial assessment.")]
    if outcome in (InitialAssessment.Outcome.NO_ACTION, InitialAssessment.Outcome.ADVICE) \
            and not reason.strip():
        errors["reason"] = [_("Write the reason for this outcome.")]
    referral = None
    if outcome == InitialAssessment.Outcome.REFERRAL:
        referral = ServiceCatalogueItem.objects.filter(code=referral_code, active=True).first()
        if referral is None:
            errors["referral_code"] = [_("Choose the service the family is referred to.")]
        elif not referral.municipalities.filter(pk=contact.municipality_id).exists():
            errors["referral_code"] = [_("This service does not serve the family's municipality.")]
    today = timezone.localdate()
    if informed_on and informed_on > today:
        errors["informed_on"] = [_("The date the family was informed cannot be in the future.")]
    if informed_on and informed_on < contact.opened_on:
        errors["informed_on"] = [_("The family cannot have been informed before the contact.")]
    team = None
    if outcome == InitialAssessment.Outcome.SERVICE_NEED_ASSESSMENT:
        team = assessment_team_for(contact.municipality)
        if team is None:
            errors["outcome"] = [_("The family's municipality is not routed to a region with an "
                                   "assessment team; ask the administrator to fix the routing.")]
    if errors:
        raise ValidationError(errors)
    _may_write_contact(actor, contact, "initial assessment")
    with transaction.atomic():
        contact = _locked(contact, expected_version)
        if hasattr(contact, "initial_assessment"):
            raise ValidationError(_("The initial assessment is already recorded."))
        if not contact.urgency:
            raise ValidationError({"urgency": [_("Assess the urgency first.")]})
        assessment = InitialAssessment.objects.create(
            contact=contact, outcome=outcome, reason=reason.strip(), referral=referral,
            informed_on=informed_on, not_informed_reason=not_informed_reason.strip(),
            decided_by=actor, decided_on=today)
        _meet([contact.pk], "investigation_decision", today)
        contact.initial_outcome = outcome
        # The pilot's measure counts the contact for the team that decided, wherever it goes.
        contact.routing_team_id = contact.team_id
        if team is not None:
            contact.status = ContactStatus.ROUTED
            contact.team = team
            contact.assignee = None
            contact.assessment = _open_assessment(actor, contact, team)
        else:
            _close_contact(actor, contact, today)
        contact.version += 1
        contact.save(update_fields=["status", "team", "assignee", "assessment", "closed_on",
                                    "initial_outcome", "routing_team", "version",
                                    "updated_at"])
        queue_keys.refresh([contact.pk])
        _log_contact(actor, contact, LogAction.UPDATE, f"initial assessment {outcome}")
    return assessment


def _close_contact(actor, contact: Contact, on: date) -> None:
    contact.status = ContactStatus.CLOSED
    contact.closed_on = on
    # What the law asked of an open contact no longer applies once it is closed.
    Deadline.objects.filter(contact=contact, met_on__isnull=True).update(
        status=DeadlineStatus.NOT_NEEDED)
    until = timezone.now() + timedelta(days=CLOSED_ACCESS_DAYS)
    ClientRelationship.objects.filter(
        source=f"intake.Contact:{contact.pk}", basis=Basis.INTAKE
    ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=until)).update(ends_at=until)


def _open_assessment(actor, contact: Contact, team: Team) -> Assessment:
    assessment = (Assessment.objects.select_for_update()
                  .filter(child=contact.child, completed_on__isnull=True).first())
    if assessment is None:
        assessment = Assessment.objects.create(child=contact.child, team=team,
                                               opened_on=contact.opened_on)
    for link in contact.persons.select_related("person"):
        access_services.relationship_open(
            actor=actor, person=link.person, basis=Basis.CASE, team=assessment.team,
            service_task=ServiceTask.FAMILY_SERVICES, source=f"intake.Assessment:{assessment.pk}")
    return assessment


def _member_of(user: User, team: Team) -> bool:
    return user.teams.filter(pk=team.pk).exists()


def contacts_assign(*, actor, contact_ids: list[int], assignee: User,
                    pair_worker: User | None = None,
                    expected_versions: dict[int, int] | None = None) -> int:
    """Assign contacts (and their open assessments) to a worker or a work pair.

    ``expected_versions`` maps contact ids to the versions the worker saw; when another worker
    changed (e.g. assigned) any of them meanwhile, nothing is assigned."""
    require_action(actor, Action.VIEW_CLIENT)
    if pair_worker is not None and pair_worker.pk == assignee.pk:
        _fail("pair_worker", _("The pair worker must be another person."))
    with transaction.atomic():
        contacts = list(Contact.objects.select_for_update()
                        .filter(pk__in=contact_ids).exclude(status=ContactStatus.CLOSED)
                        .select_related("team"))
        changed = [c for c in contacts if expected_versions
                   and expected_versions.get(c.pk) not in (None, c.version)]
        if changed:
            raise ValidationError(ngettext(
                "Someone else changed %(count)s of the chosen contacts meanwhile. Reload the "
                "page and check the assignment before saving again.",
                "Someone else changed %(count)s of the chosen contacts meanwhile. Reload the "
                "page and check the assignments before saving again.",
                len(changed)) % {"count": len(changed)})
        handovers = []
        for contact in contacts:
            for worker in filter(None, (assignee, pair_worker)):
                if _member_of(worker, contact.team):
                    continue
                if not _leads_both(actor, contact.team, worker):
                    _fail("assignee", _("%(name)s is not a member of the team %(team)s.")
                          % {"name": worker, "team": contact.team})
                handovers.append((contact, worker))
        ids = [c.pk for c in contacts]
        Contact.objects.filter(pk__in=ids).update(assignee=assignee, pair_worker=pair_worker,
                                                  version=F("version") + 1,
                                                  updated_at=timezone.now())
        Assessment.objects.filter(contacts__pk__in=ids, completed_on__isnull=True).update(
            worker=assignee, pair_worker=pair_worker)
        for contact, worker in handovers:
            _hand_over(actor, contact, worker)
        gateway.log_writes(actor, [
            log.Event(c.child_id, Category.INTAKE, LogAction.UPDATE, Basis.INTAKE,
                      Outcome.ALLOWED, f"contact {c.pk} assigned to {assignee.username}")
            for c in contacts])
    return len(contacts)


def _leads_both(actor, team: Team, worker: User) -> bool:
    """A team lead may hand a contact of one of their teams to a worker of another of their
    teams."""
    if not has_permission(actor, Action.MANAGE_TEAM):
        return False
    led = set(actor.team_ids())
    return team.pk in led and bool(led & set(worker.team_ids()))


def _hand_over(actor, contact: Contact, worker: User) -> None:
    """A worker outside the contact's team, named by the team lead, gets a relationship of
    their own to the persons concerned, ending as the team's does when the contact closes."""
    for link in contact.persons.select_related("person"):
        access_services.relationship_open(
            actor=actor, person=link.person, basis=Basis.INTAKE, user=worker,
            service_task=ServiceTask.FAMILY_SERVICES, source=f"intake.Contact:{contact.pk}",
            reason=f"assigned by {actor.username}")


def caseload_check(*, actor, from_user: User, to_user: User) -> None:
    """The rules of moving a caseload, checked for the preview and again when it is moved."""
    require_action(actor, Action.MANAGE_TEAM)
    if not set(actor.team_ids()) & set(from_user.team_ids()):
        raise PermissionDenied
    if from_user.pk == to_user.pk:
        _fail("to_user", _("Choose another worker to take over the caseload."))
    if not set(to_user.team_ids()) & set(from_user.team_ids()):
        _fail("to_user", _("The new worker must share a team with the leaving worker."))
    for clienthood in current_clienthoods().filter(responsible_worker=from_user).order_by("pk"):
        problem = responsible_worker_problem(
            clienthood.outcome, to_user, special_support=needs_special_support(clienthood))
        if problem:
            _fail("to_user", problem)


def caseload_reassign(*, actor, from_user: User, to_user: User,
                      expected_ids: set[int] | None = None) -> int:
    """Move a leaving worker's whole open caseload to another worker in one transaction.

    ``expected_ids`` are the open contacts the team lead saw in the preview: when the caseload
    changed since, nothing moves. Contacts of a team the new worker is not a member of are
    handed over to them (a relationship of their own to the persons concerned)."""
    caseload_check(actor=actor, from_user=from_user, to_user=to_user)
    with transaction.atomic():
        open_contacts = Contact.objects.filter(assignee=from_user).exclude(
            status=ContactStatus.CLOSED)
        rows = list(open_contacts.select_for_update().values_list("pk", "child_id", "team_id"))
        if expected_ids is not None and {pk for pk, _c, _t in rows} != set(expected_ids):
            raise ValidationError(_("The caseload changed after the preview. Check the new "
                                    "preview before moving it."))
        own_teams = set(to_user.team_ids())
        outside = [pk for pk, _c, team_id in rows if team_id not in own_teams]
        moved = open_contacts.update(assignee=to_user, version=F("version") + 1,
                                     updated_at=timezone.now())
        Contact.objects.filter(pair_worker=from_user).exclude(
            status=ContactStatus.CLOSED).update(pair_worker=None)
        Assessment.objects.filter(worker=from_user, completed_on__isnull=True).update(
            worker=to_user)
        _move_clients(actor, from_user, to_user)
        for contact in Contact.objects.filter(pk__in=outside):
            _hand_over(actor, contact, to_user)
        gateway.log_writes(actor, [
            log.Event(child_id, Category.INTAKE, LogAction.UPDATE, Basis.INTAKE,
                      Outcome.ALLOWED, f"contact {pk} reassigned {from_user.username}"
                      f" -> {to_user.username}") for pk, child_id, _t in rows])
    return moved


def _move_clients(actor, from_user: User, to_user: User) -> None:
    """The leaving worker's clients (their current client relationships) get the new worker as
    their responsible worker, with the new worker's case relationship to the child; the leaving
    worker's own relationship from that assessment ends."""
    now = timezone.now()
    for clienthood in (current_clienthoods().filter(responsible_worker=from_user)
                       .select_related("child", "team").select_for_update(of=("self",))):
        source = f"intake.Assessment:{clienthood.pk}"
        ClientRelationship.objects.filter(source=source, basis=Basis.CASE, user=from_user).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)).update(ends_at=now)
        clienthood.responsible_worker = to_user
        clienthood.version += 1
        clienthood.save(update_fields=["responsible_worker", "version", "updated_at"])
        task = (ServiceTask.CHILD_WELFARE
                if clienthood.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT
                else ServiceTask.FAMILY_SERVICES)
        access_services.relationship_open(
            actor=actor, person=clienthood.child, basis=Basis.CASE, user=to_user,
            service_task=task, source=source, reason=f"caseload of {from_user.username}")
        _log_assessment(actor, clienthood, LogAction.UPDATE,
                        f"responsible worker {from_user.username} -> {to_user.username}")


# --- service-need assessment -----------------------------------------------------------------

def _assessment_contact_ids(assessment: Assessment) -> list[int]:
    return list(assessment.contacts.values_list("pk", flat=True))


def _require_team(actor, assessment: Assessment) -> None:
    """Service-need assessments are worked by the members of the assessment's regional team and
    by the workers named to it (a team lead may name a worker of another of their teams)."""
    if actor.pk in (assessment.worker_id, assessment.pair_worker_id):
        return
    if not actor.teams.filter(pk=assessment.team_id).exists():
        raise PermissionDenied


def _log_assessment(actor, assessment: Assessment, action: str, detail: str) -> None:
    gateway.record_write(actor, person_id=assessment.child_id, category=Category.INTAKE,
                         action=action, basis=Basis.CASE, detail=detail,
                         team_code=assessment.team.code)


def assessment_start(*, actor, assessment: Assessment, started_on: date,
                     pair_worker: User | None = None) -> Assessment:
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    today = timezone.localdate()
    if started_on > today:
        _fail("started_on", _("The start date cannot be in the future."))
    if started_on < assessment.opened_on:
        _fail("started_on", _("The assessment cannot start before the case was opened."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.started_on:
            raise ValidationError(_("The assessment has already started."))
        assessment.started_on = started_on
        assessment.worker = assessment.worker or actor
        if pair_worker is not None:
            assessment.pair_worker = pair_worker
        assessment.version += 1
        assessment.save(update_fields=["started_on", "worker", "pair_worker", "version",
                                       "updated_at"])
        contact_ids = _assessment_contact_ids(assessment)
        _meet(contact_ids, "assessment_start", started_on)
        queue_keys.refresh(contact_ids)
        Contact.objects.filter(assessment=assessment, assignee__isnull=True).update(
            assignee=assessment.worker)
        _log_assessment(actor, assessment, LogAction.UPDATE, "assessment started")
    return assessment


def meeting_add(*, actor, assessment: Assessment, kind: str, held_on: date, notes: str,
                participants: str = "") -> Meeting:
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    if kind not in Meeting.Kind.values:
        _fail("kind", _("Choose the kind of meeting."))
    if held_on > timezone.localdate():
        _fail("held_on", _("Record a meeting after it has been held."))
    if not notes.strip():
        _fail("notes", _("Write notes of the meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.create(assessment=assessment, kind=kind, held_on=held_on,
                                         notes=notes.strip(), participants=participants.strip(),
                                         recorded_by=actor)
        _log_assessment(actor, assessment, LogAction.CREATE, f"meeting {meeting.pk}")
    return meeting


def consultation_add(*, actor, assessment: Assessment, expert: str, question: str,
                     answer: str = "") -> Consultation:
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    if not expert.strip():
        _fail("expert", _("Name the professional consulted."))
    if not question.strip():
        _fail("question", _("Write the question."))
    with transaction.atomic():
        answered = bool(answer.strip())
        consultation = Consultation.objects.create(
            assessment=assessment, asked_by=actor, expert=expert.strip(),
            question=question.strip(), answer=answer.strip(),
            answered_at=timezone.now() if answered else None,
            answered_by=actor if answered else None)
        _log_assessment(actor, assessment, LogAction.DISCLOSE,
                        f"consultation {consultation.pk} with {expert.strip()}")
    return consultation


def consultation_answer(*, actor, consultation: Consultation, answer: str) -> Consultation:
    """Record the consulted professional's answer to a consultation asked during a service-need
    assessment, also after the assessment is completed (the answer often arrives later); logged,
    and noted as recorded after completion when it was."""
    require_action(actor, Action.VIEW_CLIENT)
    assessment = consultation.assessment
    _require_team(actor, assessment)
    if not answer.strip():
        _fail("answer", _("Write the answer."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.answer:
            raise ValidationError({"answer": [_("The answer is already recorded.")]})
        locked.answer = answer.strip()
        locked.answered_at, locked.answered_by = timezone.now(), actor
        locked.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
        after = "" if assessment.is_open else " after completion"
        _log_assessment(actor, assessment, LogAction.UPDATE,
                        f"consultation {locked.pk} answer recorded{after}")
    return locked


@dataclass
class AssessmentResult:
    """The content of the assessment's result (palvelutarpeen arvio, SHL 36 §) beside the
    summary (``reason``): the conclusions on the conditions for clienthood, the client's own
    view, the need for a named worker (SHL 42 §), for an adult the situation of any child in
    their care; for a child, when the child was met and heard (or why not) and the child's own
    view; whether the need for support is temporary, repeated or long-term."""

    conclusions: str = ""
    client_view: str = ""
    named_worker_need: str = ""
    children_situation: str = ""
    child_met_on: date | None = None
    child_not_met_reason: str = ""
    child_view: str = ""
    support_need: str = ""


RESULT_TEXT_FIELDS = ("conclusions", "client_view", "children_situation", "child_not_met_reason",
                      "child_view")


def is_adult(person: Person, on: date) -> bool:
    born = person.birth_date
    return born is not None and _age_on(born, on) >= ADULT_AGE


def _content_errors(assessment: Assessment, result: AssessmentResult) -> dict[str, list[str]]:
    """What is wrong in the content as written, whether or not the assessment is completed."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    met = result.child_met_on
    if met is not None and met > today:
        errors["child_met_on"] = [_("The date the child was met cannot be in the future.")]
    elif met is not None and met < assessment.opened_on:
        errors["child_met_on"] = [
            _("The child is met and heard during the assessment: the date cannot be before the "
              "case was opened (%(date)s).") % {"date": format_date(assessment.opened_on)}]
    if met is not None and result.child_not_met_reason.strip():
        errors["child_not_met_reason"] = [_(
            "The child was met: leave the reason why not empty, or remove the date.")]
    if result.support_need and result.support_need not in SupportNeed.values:
        errors["support_need"] = [_(
            "Choose whether the need for support is temporary, repeated or long-term.")]
    if result.named_worker_need and result.named_worker_need not in NamedWorkerNeed.values:
        errors["named_worker_need"] = [_(
            "Record whether a named worker (omatyöntekijä, SHL 42 §) is needed.")]
    return errors


def _result_errors(assessment: Assessment, result: AssessmentResult, completed_on: date,
                   outcome: str = "") -> dict[str, list[str]]:
    """The content and what the completed result requires (SHL 36 §, LSL 26–27 §)."""
    errors = _content_errors(assessment, result)
    if not result.conclusions.strip():
        errors["conclusions"] = [_("Write the conclusions on the conditions for clienthood.")]
    if not result.client_view.strip():
        errors["client_view"] = [_("Write the client's own view of their needs.")]
    if result.named_worker_need not in NamedWorkerNeed.values:
        errors["named_worker_need"] = [_(
            "Record whether a named worker (omatyöntekijä, SHL 42 §) is needed.")]
    if outcome != Assessment.Outcome.CLOSED and result.support_need not in SupportNeed.values:
        errors["support_need"] = [_(
            "Choose whether the need for support is temporary, repeated or long-term.")]
    if is_adult(assessment.child, completed_on):
        if not result.children_situation.strip():
            errors["children_situation"] = [_(
                "The person assessed is an adult: record the situation of any child in their "
                "care.")]
    elif "child_met_on" not in errors and "child_not_met_reason" not in errors:
        if result.child_met_on is None and not result.child_not_met_reason.strip():
            errors["child_met_on"] = [_(
                "Record when the child was met and heard, or why the child was not met.")]
        elif result.child_met_on is not None and not result.child_view.strip():
            errors["child_view"] = [_("The child was met: write the child's own view.")]
    return errors


# Clocks and kinds of contact that say the child needs special support (SHL 36 §, SHL 42 §).
SPECIAL_SUPPORT_CLOCKS = ("shl_special_support_child",)
SPECIAL_SUPPORT_KINDS = (ContactKind.SHL_SPECIAL_SUPPORT_NOTIFICATION,)


def needs_special_support(assessment: Assessment) -> bool:
    """Whether the assessed child needs special support: a contact of the assessment carries
    the special-support clock (SHL 36 §) or is a notification about such a child."""
    return assessment.contacts.filter(
        Q(clock__in=SPECIAL_SUPPORT_CLOCKS) | Q(kind__in=SPECIAL_SUPPORT_KINDS)).exists()


def responsible_worker_problem(outcome: str, worker: User, *, special_support: bool) -> str | None:
    """Why ``worker`` may not be named the responsible worker of a client relationship of
    ``outcome``, or None. The responsible social worker of a child-welfare client is a licensed
    social worker (LSL 13 b §); the named worker (omatyöntekijä, SHL 42 §) of a family-services
    client is a social-welfare professional, and a licensed social worker when the child needs
    special support. The qualification is the professional's record (``User.qualification``)."""
    name = str(worker)
    if outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT:
        if not worker.may_be_responsible_social_worker:
            return _("%(name)s is not recorded as a licensed social worker: the responsible "
                     "social worker of a child-welfare client must be one (LSL 13 b §).") % {
                "name": name}
    elif outcome == Assessment.Outcome.FAMILY_SOCIAL_SERVICES:
        if special_support and not worker.may_be_responsible_social_worker:
            return _("%(name)s is not recorded as a licensed social worker: the named worker "
                     "(omatyöntekijä) of a child needing special support must be one "
                     "(SHL 42 §).") % {"name": name}
        if not worker.is_social_welfare_professional:
            return _("%(name)s is not recorded as a social-welfare professional: the named "
                     "worker (omatyöntekijä) must be one (SHL 42 §).") % {"name": name}
    return None


def _responsible_worker_errors(assessment: Assessment, outcome: str,
                               worker: User | None) -> dict[str, list[str]]:
    if worker is None:
        return {"responsible_worker": [_("Name the responsible worker of the client.")]}
    problem = responsible_worker_problem(outcome, worker,
                                         special_support=needs_special_support(assessment))
    return {"responsible_worker": [problem]} if problem else {}


def _store_result(assessment: Assessment, result: AssessmentResult) -> list[str]:
    """Put ``result`` on ``assessment`` (not saved); the names of the fields changed."""
    for name in RESULT_TEXT_FIELDS:
        setattr(assessment, name, getattr(result, name).strip())
    assessment.named_worker_need = result.named_worker_need
    assessment.support_need = result.support_need
    assessment.child_met_on = result.child_met_on
    return [*RESULT_TEXT_FIELDS, "named_worker_need", "support_need", "child_met_on"]


def _locked_open(assessment: Assessment, expected_version: int | None) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("Someone else changed this assessment meanwhile. Reload the "
                                "page and check the changes before saving again."))
    if locked.completed_on:
        raise ValidationError(_("The assessment is already completed."))
    return locked


def assessment_result_save(*, actor, assessment: Assessment, reason: str,
                           result: AssessmentResult,
                           expected_version: int | None = None) -> Assessment:
    """Save the result's content while the assessment is open, without completing it: what is
    written is checked (dates, choices), what is missing is required only at completion."""
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    errors = _content_errors(assessment, result)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_open(assessment, expected_version)
        changed = _store_result(locked, result)
        locked.outcome_reason = reason.strip()
        locked.version += 1
        locked.save(update_fields=[*changed, "outcome_reason", "version", "updated_at"])
        _log_assessment(actor, locked, LogAction.UPDATE, "assessment result saved")
    return locked


def _open_assessment_date(assessment: Assessment, field_name: str, on: date | None,
                          *, missing: str) -> date:
    if on is None:
        _fail(field_name, missing)
    assert on is not None
    if on > timezone.localdate():
        _fail(field_name, _("The date cannot be in the future."))
    if on < assessment.opened_on:
        _fail(field_name, _("The date cannot be before the case was opened (%(date)s).")
              % {"date": format_date(assessment.opened_on)})
    return on


def _require_open(assessment: Assessment) -> None:
    if not assessment.is_open:
        raise ValidationError(_("The assessment is completed."))


def assessment_support_add(*, actor, assessment: Assessment, measure: str,
                           started_on: date | None, note: str = "") -> AssessmentSupport:
    """Record a support measure started during the assessment, and when it started."""
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    _require_open(assessment)
    if measure not in SupportMeasure.values:
        _fail("measure", _("Choose the support measure from the list."))
    if measure == SupportMeasure.OTHER and not note.strip():
        _fail("note", _("Describe the other support."))
    started = _open_assessment_date(assessment, "started_on", started_on,
                                    missing=_("Enter when the support started."))
    with transaction.atomic():
        Assessment.objects.select_for_update().get(pk=assessment.pk)
        if AssessmentSupport.objects.filter(assessment=assessment, measure=measure,
                                            started_on=started, note=note.strip()).exists():
            _fail("measure", _("This support measure is already recorded with this date."))
        row = AssessmentSupport.objects.create(assessment=assessment, measure=measure,
                                               started_on=started, note=note.strip(),
                                               recorded_by=actor)
        _log_assessment(actor, assessment, LogAction.UPDATE, f"support {row.pk} started: "
                        f"{measure}")
    return row


def assessment_referral_add(*, actor, assessment: Assessment,
                            service: ServiceCatalogueItem | None, referred_on: date | None,
                            note: str = "") -> AssessmentReferral:
    """Record a referral made during the assessment: to which service, and when."""
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    _require_open(assessment)
    if service is None or not service.active:
        _fail("service", _("Choose the service from the catalogue."))
    assert service is not None
    referred = _open_assessment_date(assessment, "referred_on", referred_on,
                                     missing=_("Enter when the referral was made."))
    with transaction.atomic():
        Assessment.objects.select_for_update().get(pk=assessment.pk)
        if AssessmentReferral.objects.filter(assessment=assessment, service=service,
                                             referred_on=referred).exists():
            _fail("service", _("This referral is already recorded with this date."))
        row = AssessmentReferral.objects.create(assessment=assessment, service=service,
                                                referred_on=referred, note=note.strip(),
                                                recorded_by=actor)
        _log_assessment(actor, assessment, LogAction.UPDATE,
                        f"referral {row.pk} to {service.code}")
    return row


def assessment_row_remove(*, actor, assessment: Assessment, kind: str, row_id: int) -> None:
    """Remove a support measure (``kind`` "support") or a referral ("referral") recorded by
    mistake, while the assessment is open."""
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    _require_open(assessment)
    model: type[AssessmentSupport] | type[AssessmentReferral] = (
        AssessmentSupport if kind == "support" else AssessmentReferral)
    with transaction.atomic():
        deleted, _rows = model.objects.filter(assessment=assessment, pk=row_id).delete()
        if not deleted:
            _fail("row", _("The row was not found; it may have been removed already."))
        _log_assessment(actor, assessment, LogAction.UPDATE, f"{kind} {row_id} removed")


def assessment_complete(*, actor, assessment: Assessment, outcome: str, reason: str,
                        completed_on: date, responsible_worker: User | None = None,
                        informed_on: date | None = None,
                        result: AssessmentResult | None = None,
                        expected_version: int | None = None) -> Assessment:
    """Complete the service-need assessment with its result's required content
    (``AssessmentResult``). A client relationship names the responsible worker (omatyöntekijä,
    SHL 42 §); a child-welfare client relationship (LSL 27 §) needs the date the child and
    guardian were informed. The completion deadline is met only with all of these."""
    require_action(actor, Action.VIEW_CLIENT)
    _require_team(actor, assessment)
    result = result or AssessmentResult()
    today = timezone.localdate()
    errors = _result_errors(assessment, result, min(completed_on, today), outcome)
    if outcome not in Assessment.Outcome.values:
        errors["outcome"] = [_("Choose the outcome of the assessment.")]
    if not reason.strip():
        errors["reason"] = [_("Write the summary and reasons of the assessment.")]
    if completed_on > today:
        errors["completed_on"] = [_("The completion date cannot be in the future.")]
    if not assessment.started_on:
        errors["completed_on"] = [_("Record the start of the assessment first.")]
    elif completed_on < assessment.started_on:
        errors["completed_on"] = [_("The assessment cannot be completed before it started.")]
    opens_client = outcome in (Assessment.Outcome.CHILD_WELFARE_CLIENT,
                               Assessment.Outcome.FAMILY_SOCIAL_SERVICES)
    if opens_client:
        errors.update(_responsible_worker_errors(assessment, outcome, responsible_worker))
    if outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT and informed_on is None:
        errors["informed_on"] = [_("Record when the child and guardian were informed of the "
                                   "child-welfare client relationship (LSL 27 §).")]
    if informed_on and informed_on > today:
        errors["informed_on"] = [_("The date the family was informed cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_open(assessment, expected_version)
        locked.completed_on, locked.outcome, locked.outcome_reason = (
            completed_on, outcome, reason.strip())
        locked.informed_on = informed_on
        changed = _store_result(locked, result)
        locked.responsible_worker = responsible_worker if opens_client else None
        locked.version += 1
        locked.save(update_fields=["completed_on", "outcome", "outcome_reason", "informed_on",
                                   *changed, "responsible_worker", "version", "updated_at"])
        contact_ids = _assessment_contact_ids(locked)
        _meet(contact_ids, "assessment_completion", completed_on)
        for contact in Contact.objects.select_for_update().filter(pk__in=contact_ids):
            _close_contact(actor, contact, completed_on)
            contact.save(update_fields=["status", "closed_on", "updated_at"])
        queue_keys.refresh(contact_ids)
        if not opens_client:
            # No client relationship: the regional team keeps access for follow-up questions
            # as long as the intake team does after closing, then it ends.
            until = timezone.now() + timedelta(days=CLOSED_ACCESS_DAYS)
            ClientRelationship.objects.filter(
                source=f"intake.Assessment:{locked.pk}", basis=Basis.CASE, user__isnull=True,
            ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=until)).update(ends_at=until)
        if opens_client:
            task = (ServiceTask.CHILD_WELFARE if outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT
                    else ServiceTask.FAMILY_SERVICES)
            access_services.relationship_open(
                actor=actor, person=locked.child, basis=Basis.CASE, user=responsible_worker,
                service_task=task, source=f"intake.Assessment:{locked.pk}")
        _log_assessment(actor, locked, LogAction.UPDATE, f"assessment completed: {outcome}")
    return locked


def caseload_warning(assessment: Assessment) -> str | None:
    """A warning, not a refusal, when the responsible social worker just named to a
    child-welfare client now has more children as child-welfare clients than the LSL 13 b § cap
    (``LUOTSI_CHILDREN_PER_SOCIAL_WORKER``), else None."""
    worker = assessment.responsible_worker
    if assessment.outcome != Assessment.Outcome.CHILD_WELFARE_CLIENT or worker is None:
        return None
    return worker_cap_warning(worker)


def worker_cap_warning(worker: User) -> str | None:
    """The warning of ``caseload_warning`` for ``worker``, or None under the cap."""
    children, cap = children_per_social_worker([worker.pk]).get(worker.pk, 0), children_cap()
    if children <= cap:
        return None
    return _("%(name)s is now the responsible social worker of %(children)s children as "
             "child-welfare clients, over the cap of %(cap)s per social worker (LSL 13 b §). "
             "Consider naming another social worker.") % {
        "name": worker, "children": children, "cap": cap}


def notifications_mark_read(*, actor, ids: list[int] | None = None) -> int:
    """Mark ``actor``'s own unread in-app notifications read: those of ``ids``, or all of them.
    Returns how many. A notification holds no client data beyond a contact number, so there is
    nothing to log."""
    with transaction.atomic():
        unread = Notification.objects.filter(user=actor, read_at__isnull=True)
        if ids:
            unread = unread.filter(pk__in=ids)
        return unread.update(read_at=timezone.now())
