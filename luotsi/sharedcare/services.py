"""Writes of shared-client work: confirming and declining, network meetings, consultations.

Each service checks permission and access (through the gateway), validates everything before it
writes, and changes data and the access log in one transaction: bad input raises
``ValidationError`` with the field's name and nothing is saved. The consent, the coordinator, the
care team and the steps are written to the person's harmonised plan through
``luotsi.plans.services``; relationships to the person only through ``luotsi.access.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access import services as access_services
from luotsi.access.models import Basis, Category, LogAction
from luotsi.common.formatting import format_date
from luotsi.intake.models import Notification
from luotsi.organisation.models import Team, User
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans import sectors as plan_sectors
from luotsi.plans import services as plan_services
from luotsi.plans.models import Consent, Participant, Step
from luotsi.plans.services.common import withholding_ground
from luotsi.sharedcare import selectors
from luotsi.sharedcare.models import (
    ChecklistAnswer,
    ChecklistItem,
    Consultation,
    ConsultationBasis,
    Decision,
    Meeting,
    MeetingDecision,
    MeetingParticipant,
    SharedClient,
)
from luotsi.sharedcare.selectors import decline_hide_days, valid_consent

# How long an expert keeps access to the person after the answer is due.
CONSULTATION_ACCESS_DAYS = 30


def _fail(errors: dict[str, str]) -> NoReturn:
    raise ValidationError({name: [message] for name, message in errors.items()})


def _writable(actor, person_id, detail: str) -> gateway.Access:
    """The person, for a write service: seen through ``selectors.access_shared_client_by_id``
    (logged), and refused when emergency access is the only basis (``gateway.check_write``,
    logged)."""
    access = selectors.access_shared_client_by_id(actor, person_id, detail=detail)
    gateway.check_write(actor, [access.person.pk], category=Category.SHARED_CARE, detail=detail)
    return access


def _log(actor, person_id: int, action: str, basis: str, detail: str) -> None:
    gateway.record_write(actor, person_id=person_id, category=Category.SHARED_CARE,
                         action=action, basis=basis, detail=detail[:500])


def _professionals(ids, field_name: str) -> list[User]:
    """Active professionals who may do client work, in the order given; unknown ids refused."""
    wanted = []
    for value in ids or []:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            _fail({field_name: _("Choose active professionals from the list.")})
        if pk not in wanted:
            wanted.append(pk)
    found = {user.pk: user for user in User.objects.filter(pk__in=wanted, is_active=True)}
    if len(found) != len(wanted) or not all(has_permission(u, Action.VIEW_CLIENT)
                                            for u in found.values()):
        _fail({field_name: _("Choose active professionals from the list.")})
    return [found[pk] for pk in wanted]


# --- Confirming and declining ------------------------------------------------------------------

@dataclass
class ConfirmInput:
    answers: dict[int, str]
    consent_given: bool
    consent_sectors: list[str]
    consent_scope: str
    consent_from: date | None
    consent_until: date | None
    coordinator_id: int | None
    care_team_ids: list[int] = field(default_factory=list)
    # The client agrees to a consent without an end date (in force until they withdraw it).
    consent_open_ended: bool = False


def _decision(shared: SharedClient, actor, status: str, at: datetime, reason: str = "",
              coordinator: User | None = None) -> Decision:
    return Decision.objects.create(shared_client=shared, status=status, reason=reason,
                                   coordinator=coordinator, decided_by=actor, decided_at=at)


def shared_client_confirm(*, actor, person_id: int, data: ConfirmInput) -> SharedClient:  # noqa: C901, PLR0912 -- to split
    """Confirm a person as a shared client with the checklist gone through with them, their
    consent to multi-sector cooperation (SHL 41 §), a coordinator and a care team."""
    access = _writable(actor, person_id, "shared client: confirm")
    person = access.person
    existing = SharedClient.objects.filter(person=person).first()
    errors: dict[str, str] = {}
    if existing is not None and existing.status == SharedClient.Status.CONFIRMED:
        errors["person"] = _("This person is already a confirmed shared client.")
    items = list(ChecklistItem.objects.filter(active=True))
    for item in items:
        if data.answers.get(item.pk) not in ChecklistAnswer.Answer.values:
            errors[f"answer_{item.pk}"] = _("Answer this question with the client.")
    if not data.consent_given:
        errors["consent_given"] = _("The client's consent to multi-sector cooperation is needed "
                                    "to confirm a shared client.")
    sectors = list(dict.fromkeys(data.consent_sectors or []))
    if not sectors or any(not plan_sectors.is_active(sector) for sector in sectors):
        errors["consent_sectors"] = _("Choose the sectors the consent covers.")
    if not (data.consent_scope or "").strip():
        errors["consent_scope"] = _("Write what the consent covers.")
    today = timezone.localdate()
    if data.consent_from is None:
        errors["consent_from"] = _("Give the date the consent starts.")
    if data.consent_until is None:
        if not data.consent_open_ended:
            errors["consent_until"] = _("Give the date the consent ends, or record that the "
                                        "client agrees to a consent until they withdraw it.")
    elif data.consent_open_ended:
        errors["consent_until"] = _("A consent until the client withdraws it has no end date: "
                                    "remove the date or the choice.")
    elif data.consent_from and data.consent_until < data.consent_from:
        errors["consent_until"] = _("The consent cannot end before it starts.")
    elif data.consent_until < today:
        errors["consent_until"] = _("The consent cannot end in the past.")
    if not data.coordinator_id:
        errors["coordinator"] = _("Name the coordinator the client can contact.")
    if errors:
        _fail(errors)
    coordinator = _professionals([data.coordinator_id], "coordinator")[0]
    team = [u for u in _professionals(data.care_team_ids, "care_team") if u.pk != coordinator.pk]
    now = timezone.now()
    with transaction.atomic():
        plan, _created = plan_services.plan_open(actor=actor, person_id=person.pk)
        scope = data.consent_scope.strip()
        for sector in sectors:
            plan_services.consent_add(actor=actor, plan=plan, sector=sector, scope=scope,
                                      valid_from=data.consent_from,
                                      valid_until=data.consent_until)
        plan = plan_services.coordinator_set(actor=actor, plan=plan,
                                             coordinator_id=coordinator.pk)
        present = set(plan.participants.filter(kind=Participant.Kind.PROFESSIONAL)
                      .values_list("user_id", flat=True))
        for member in team:
            if member.pk not in present:
                plan_services.participant_add(actor=actor, plan=plan,
                                              kind=Participant.Kind.PROFESSIONAL,
                                              user_id=member.pk, role_text=member.title)
        shared, _created = SharedClient.objects.update_or_create(
            person=person,
            defaults={"status": SharedClient.Status.CONFIRMED, "plan": plan,
                      "coordinator": coordinator, "coordination_started_on": today,
                      "decline_reason": "", "hidden_until": None, "decided_by": actor,
                      "decided_at": now})
        decision = _decision(shared, actor, SharedClient.Status.CONFIRMED, now,
                             coordinator=coordinator)
        ChecklistAnswer.objects.bulk_create(
            ChecklistAnswer(decision=decision, item=item, answer=data.answers[item.pk])
            for item in items)
        _log(actor, person.pk, LogAction.UPDATE, access.basis,
             f"shared client confirmed; coordinator {coordinator.username}; consent to "
             + ", ".join(sectors))
    return shared


def shared_client_decline(*, actor, person_id: int, reason: str) -> SharedClient:
    """Record that the person is not taken on as a shared client now; the flag stays hidden from
    the candidate list for ``decline_hide_days()`` days."""
    access = _writable(actor, person_id, "shared client: decline")
    reason = (reason or "").strip()
    existing = SharedClient.objects.filter(person=access.person).first()
    errors = {}
    if existing is not None and existing.status == SharedClient.Status.CONFIRMED:
        errors["person"] = _("This person is already a confirmed shared client.")
    if len(reason) < 5:
        errors["reason"] = _("Write the reason for declining.")
    if errors:
        _fail(errors)
    now = timezone.now()
    hidden_until = timezone.localdate() + timedelta(days=decline_hide_days())
    with transaction.atomic():
        shared, _created = SharedClient.objects.update_or_create(
            person=access.person,
            defaults={"status": SharedClient.Status.DECLINED, "decline_reason": reason,
                      "hidden_until": hidden_until, "decided_by": actor, "decided_at": now})
        _decision(shared, actor, SharedClient.Status.DECLINED, now, reason=reason)
        _log(actor, access.person.pk, LogAction.UPDATE, access.basis,
             f"shared client declined until {hidden_until.isoformat()}")
    return shared


def may_end_coordination(user, shared: SharedClient | None) -> bool:
    """Only the client's coordinator, or a team lead, ends the coordination: a member of the
    care team asks the coordinator instead."""
    if shared is None or not has_permission(user, Action.VIEW_CLIENT):
        return False
    return shared.coordinator_id == user.pk or has_permission(user, Action.MANAGE_TEAM)


def _notify_coordinator_of_end(shared: SharedClient, actor, decision: Decision) -> None:
    """Tell the coordinator (in the app, in their own language) that someone else ended the
    coordination. The notice names no client: the link leads through the access gateway."""
    coordinator = shared.coordinator
    if coordinator is None or coordinator.pk == actor.pk or not coordinator.is_active:
        return
    with translation.override(coordinator.language or settings.LANGUAGE_CODE):
        text = _("%(by)s ended the coordination of a shared client you coordinate "
                 "(%(date)s).") % {"by": actor.get_full_name() or actor.username,
                                   "date": format_date(timezone.localdate())}
    Notification.objects.get_or_create(
        user=coordinator, key=f"sharedcare:ended:{decision.pk}",
        defaults={"text": text[:300], "link": f"/shared-clients/persons/{shared.person_id}/"})


def shared_client_end(*, actor, person_id: int, reason: str) -> SharedClient:
    """End the coordination of a confirmed shared client (the plan and its consents stay). Only
    the coordinator or a team lead may; when someone else than the coordinator ends it, the
    coordinator is notified."""
    access = _writable(actor, person_id, "shared client: end coordination")
    reason = (reason or "").strip()
    shared = SharedClient.objects.filter(person=access.person).first()
    errors = {}
    if shared is None or shared.status != SharedClient.Status.CONFIRMED:
        errors["person"] = _("Only the coordination of a confirmed shared client can be ended.")
    elif not may_end_coordination(actor, shared):
        raise PermissionDenied(_("Only the coordinator or a team lead can end the coordination."))
    if len(reason) < 5:
        errors["reason"] = _("Write why the coordination ends.")
    if errors or shared is None:
        _fail(errors)
    now = timezone.now()
    with transaction.atomic():
        shared.status = SharedClient.Status.ENDED
        shared.decided_by = actor
        shared.decided_at = now
        shared.save(update_fields=["status", "decided_by", "decided_at"])
        decision = _decision(shared, actor, SharedClient.Status.ENDED, now, reason=reason)
        _notify_coordinator_of_end(shared, actor, decision)
        _log(actor, access.person.pk, LogAction.UPDATE, access.basis,
             "shared client coordination ended")
    return shared


# --- Network meetings --------------------------------------------------------------------------

@dataclass
class DecisionInput:
    what: str
    owner_kind: str
    owner_id: int | None
    due_on: date | None


@dataclass
class MeetingInput:
    held_at: datetime | None
    kind: str
    place: str = ""
    agenda: str = ""
    notes: str = ""
    client_present: bool = False
    professional_ids: list[int] = field(default_factory=list)
    close_persons: list[tuple[str, str]] = field(default_factory=list)
    decisions: list[DecisionInput] = field(default_factory=list)
    # The statutory ground the minutes are not shown to the client on: a ground's code, "" to
    # show them, ``None`` to leave it as it is (the API's writes).
    minutes_withheld_ground: str | None = None


def _sectors_of(users: list[User]) -> dict[int, str]:
    rows = Team.objects.filter(members__in=users).values_list("members", "service_task") \
        .order_by("pk")
    out: dict[int, str] = {}
    for user_id, task in rows:
        out.setdefault(user_id, plan_sectors.sector_of_service_task(task))
    return out


def _all_sectors_of(user: User) -> set[str]:
    """Every plan sector ``user`` works in, from all their teams' service tasks."""
    tasks = Team.objects.filter(members=user).values_list("service_task", flat=True)
    return set().union(*(plan_sectors.sectors_of_service_task(task) for task in tasks))


def _shared_writable(actor, shared: SharedClient, detail: str) -> gateway.Access:
    access = _writable(actor, shared.person_id, detail)
    if shared.status != SharedClient.Status.CONFIRMED or shared.plan_id is None:
        _fail({"person": _("Network meetings are held for confirmed shared clients.")})
    return access


def meeting_save(*, actor, shared_client: SharedClient, data: MeetingInput,  # noqa: C901, PLR0912 -- to split
                 meeting: Meeting | None = None) -> Meeting:
    """Create or edit a network meeting. New decisions become steps of the shared plan; decisions
    already recorded are steps and are changed in the plan."""
    access = _shared_writable(actor, shared_client, "network meeting")
    errors: dict[str, str] = {}
    if data.held_at is None:
        errors["held_at"] = _("Give the date and time of the meeting.")
    if data.kind not in Meeting.Kind.values:
        errors["kind"] = _("Choose how the meeting is held.")
    close = [(name.strip(), relation.strip()) for name, relation in data.close_persons
             if name.strip() or relation.strip()]
    for index, (name, relation) in enumerate(data.close_persons, start=1):
        if relation.strip() and not name.strip():
            errors[f"close_name_{index}"] = _("Write the close person's name.")
        if name.strip() and not relation.strip():
            errors[f"close_relation_{index}"] = _("Write how the close person is related to "
                                                  "the client.")
    today = timezone.localdate()
    decisions: list[tuple[int, DecisionInput, date]] = []
    for index, row in enumerate(data.decisions, start=1):
        if not row.what.strip() and not row.owner_id and row.due_on is None \
                and row.owner_kind in ("", Step.Owner.CLIENT):
            continue
        if not row.what.strip():
            errors[f"what_{index}"] = _("Write what was decided.")
        if row.owner_kind not in Step.Owner.values or (
                row.owner_kind == Step.Owner.PROFESSIONAL and not row.owner_id):
            errors[f"owner_{index}"] = _("Choose who does it: the client or a professional.")
        if row.due_on is None:
            errors[f"due_{index}"] = _("Give the date by when it is done.")
            continue
        if row.due_on < today:
            errors[f"due_{index}"] = _("The date cannot be in the past.")
        decisions.append((index, row, row.due_on))
    if errors or data.held_at is None:
        _fail(errors)
    withheld = (getattr(meeting, "minutes_withheld_ground_id", None)
                if data.minutes_withheld_ground is None
                else getattr(withholding_ground(data.minutes_withheld_ground,
                                                "minutes_withheld_ground"), "pk", None))
    plan = shared_client.plan
    if plan is None:
        _fail({"person": _("Network meetings are held for confirmed shared clients.")})
    professionals = _professionals(data.professional_ids, "professionals")
    for index, row, _due_on in decisions:
        if row.owner_kind == Step.Owner.PROFESSIONAL:
            _professionals([row.owner_id], f"owner_{index}")
    sectors = _sectors_of(professionals)
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting(shared_client=shared_client, created_by=actor)
        meeting.held_at = data.held_at
        meeting.kind = data.kind
        meeting.place = data.place.strip()
        meeting.agenda = data.agenda.strip()
        meeting.notes = data.notes.strip()
        meeting.minutes_withheld_ground_id = withheld
        meeting.save()
        meeting.participants.all().delete()
        rows = []
        if data.client_present:
            rows.append(MeetingParticipant(meeting=meeting, kind=MeetingParticipant.Kind.CLIENT,
                                           name=access.person.full_name))
        rows += [MeetingParticipant(meeting=meeting, kind=MeetingParticipant.Kind.PROFESSIONAL,
                                    user=user, sector=sectors.get(user.pk, ""))
                 for user in professionals]
        rows += [MeetingParticipant(meeting=meeting, kind=MeetingParticipant.Kind.CLOSE_PERSON,
                                    name=name, relation=relation) for name, relation in close]
        MeetingParticipant.objects.bulk_create(rows)
        for _index, row, due_on in decisions:
            owner_id = row.owner_id if row.owner_kind == Step.Owner.PROFESSIONAL else None
            step = plan_services.step_add(
                actor=actor, plan=plan,
                data=plan_services.StepInput(what=row.what.strip(), owner_kind=row.owner_kind,
                                             due_on=due_on, owner_id=owner_id))
            MeetingDecision.objects.create(meeting=meeting, what=row.what.strip(),
                                           owner_kind=row.owner_kind, owner_id=owner_id,
                                           due_on=due_on, step=step)
        _log(actor, shared_client.person_id, LogAction.UPDATE, access.basis,
             f"network meeting {meeting.pk} saved, {len(decisions)} decisions"
             + (f"; minutes not shown to the client on the ground {withheld}" if withheld
                else ""))
    return meeting


def meeting_create(*, actor, person_id: int, data: MeetingInput) -> Meeting:
    """A new network meeting of the person's shared-client record, found by the person (the
    API's way in; the page has the record already). Without a confirmed record the meeting is
    refused as ``meeting_save`` refuses it."""
    shared = SharedClient.objects.select_related("plan").filter(person_id=person_id).first()
    if shared is None:
        _writable(actor, person_id, "network meeting")
        _fail({"person": _("Network meetings are held for confirmed shared clients.")})
    return meeting_save(actor=actor, shared_client=shared, data=data)


# --- Consultations -----------------------------------------------------------------------------

@dataclass
class ConsultationInput:
    sector: str
    question: str
    basis: str
    due_on: date | None
    expert_id: int | None = None
    expert_team_id: int | None = None


def _disclosure_to(expert: User | None, team: Team | None) -> str:
    """Whom a checked consultation discloses to: the expert, else the expert team."""
    if expert is not None:
        return expert.username
    if team is not None:
        return f"team {team.code}"
    _fail({"expert": _("Choose the expert or the expert team.")})


def _check_basis(data: ConsultationInput, person_id: int, today: date,
                 errors: dict[str, str]) -> tuple[ConsultationBasis | None, Consent | None]:
    """The basis chosen, if it is offered, and the consent it relies on: a basis that requires
    the client's recorded consent (the consent itself, SHL 41 § contact with another authority)
    needs a consent in force covering the expert's sector. A basis not offered (the child-welfare
    duty to notify is not a consultation basis) is refused as an unknown one."""
    basis = ConsultationBasis.objects.filter(code=data.basis or "", offered=True).first()
    if basis is None:
        errors["basis"] = _("Choose the basis for disclosing the client's data from the list: "
                            "the client's consent or a statutory basis.")
        return None, None
    if not basis.requires_consent or "sector" in errors:
        return basis, None
    consent = valid_consent(person_id, data.sector, today)
    if consent is None:
        errors["basis"] = _("%(basis)s requires the client's consent, and the client has no "
                            "consent in force that covers this sector. Record the consent in "
                            "the client plan or choose a statutory basis.") % {
                                "basis": basis.name}
    return basis, consent


def consultation_ask(*, actor, person_id: int, data: ConsultationInput) -> Consultation:
    """Ask an expert of another sector about a client. The disclosure needs an offered basis
    (``ConsultationBasis``); one that requires consent needs the client's consent covering the
    expert's sector; it is logged as a disclosure and the
    expert gets time-boxed access to the person."""
    access = _writable(actor, person_id, "consultation: ask")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    shared = SharedClient.objects.filter(person=access.person).only("status").first()
    if shared is not None and shared.status == SharedClient.Status.ENDED:
        errors["person"] = _("The coordination of this shared client has ended: no new "
                             "consultations are asked. Go through the checklist with the client "
                             "again to start a new coordination.")
    if not plan_sectors.is_active(data.sector):
        errors["sector"] = _("Choose the expert's sector.")
    if not data.expert_id and not data.expert_team_id:
        errors["expert"] = _("Choose the expert or the expert team.")
    if not (data.question or "").strip():
        errors["question"] = _("Write the question.")
    if data.due_on is None:
        errors["due_on"] = _("Give the date by when the answer is needed.")
    elif data.due_on < today:
        errors["due_on"] = _("The answer cannot be due in the past.")
    basis, consent = _check_basis(data, access.person.pk, today, errors)
    expert = team = None
    if data.expert_id and "expert" not in errors:
        expert = User.objects.filter(pk=data.expert_id, is_active=True).first()
        if expert is None or not has_permission(expert, Action.VIEW_CLIENT):
            errors["expert"] = _("Choose an active professional as the expert.")
        elif expert.pk == actor.pk:
            errors["expert"] = _("Ask an expert other than yourself.")
        elif "sector" not in errors and data.sector not in _all_sectors_of(expert):
            errors["expert"] = _("The expert does not work in the sector chosen "
                                 "(%(sector)s): choose an expert of that sector or change the "
                                 "sector.") % {"sector": plan_sectors.sector_label(data.sector)}
    if data.expert_team_id and "expert" not in errors:
        team = Team.objects.filter(pk=data.expert_team_id).first()
        if team is None:
            errors["expert_team"] = _("Choose a team from the list.")
        elif "sector" not in errors \
                and data.sector not in plan_sectors.sectors_of_service_task(team.service_task):
            errors["expert_team"] = _("The team does not work in the sector chosen "
                                      "(%(sector)s): choose a team of that sector or change "
                                      "the sector.") % {"sector": plan_sectors.sector_label(data.sector)}
    if errors or data.due_on is None or basis is None:
        _fail(errors)
    to = _disclosure_to(expert, team)
    why = f"{basis.code} ({basis.source})" + (f", consent {consent.pk}" if consent else "")
    with transaction.atomic():
        consultation = Consultation.objects.create(
            person=access.person, asked_by=actor, expert=expert, expert_team=team,
            sector=data.sector, question=data.question.strip(), basis=basis,
            consent=consent, due_on=data.due_on)
        ends = timezone.make_aware(datetime.combine(
            data.due_on + timedelta(days=CONSULTATION_ACCESS_DAYS), time(23, 59)))
        access_services.relationship_open(
            actor=actor, person=access.person, basis=Basis.CARE_TEAM, user=expert, team=team,
            source=f"sharedcare.Consultation:{consultation.pk}",
            reason=_("Consultation about the client"), ends_at=ends)
        _log(actor, access.person.pk, LogAction.DISCLOSE, access.basis,
             f"consultation {consultation.pk} to {to} ({data.sector}); basis {why}")
    return consultation


def consultation_answer(*, actor, consultation_id: int, answer: str) -> Consultation:
    """The expert's answer; it stays with the client's record and is logged as a disclosure to
    the professional who asked."""
    consultation, access = selectors.access_consultation_by_id(
        actor, consultation_id, asked_of_user=True,
        detail=f"consultation {consultation_id} answer")
    gateway.check_write(actor, [access.person.pk], category=Category.SHARED_CARE,
                        action=LogAction.DISCLOSE, detail=f"consultation {consultation_id} answer")
    errors = {}
    if consultation.answered_at is not None:
        errors["answer"] = _("This consultation has already been answered.")
    elif not (answer or "").strip():
        errors["answer"] = _("Write the answer.")
    if errors:
        _fail(errors)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.answered_at is not None:
            _fail({"answer": _("This consultation has already been answered.")})
        locked.answer = answer.strip()
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
        _log(actor, locked.person_id, LogAction.DISCLOSE, access.basis,
             f"consultation {locked.pk} answered to {locked.asked_by.username}")
    return locked
