"""Writes of advice, guidance and professional consultations at the one door (seed 004's
"neuvonta, ohjaus ja ammattilaiskonsultaatio"): recorded without a named child and without any
person data, no statutory clock; converted into a named contact when names are given.

An advice record names no one, so it is visible to its team (``selectors.access_advice_by_id``);
its writes and reads are still logged as intake records, on no person.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway, log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.common.validation import unknown_codes
from luotsi.intake import services
from luotsi.intake.models import (
    AdviceKind,
    AdviceOutcome,
    AdviceRecord,
    AdviceTopic,
    AskerGroup,
    Channel,
    Contact,
)
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import ServiceTask, Team, TeamKind
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people import hetu

MAX_DURATION_MINUTES = 8 * 60
# The free-text fields of an advice record, checked for identity codes.
FREE_TEXT = ("summary",)


@dataclass
class AdviceInput:
    kind: str
    topic: str
    channel: str
    asker_group: str
    received_at: datetime | None
    duration_minutes: int | None
    outcome: str
    summary: str = ""

    def fingerprint(self) -> str:
        """What makes two recordings the same: the entries as they are saved (the received time
        in UTC, the summary stripped), so a record's own fields give it again."""
        return entries_fingerprint(
            kind=self.kind, topic=self.topic, channel=self.channel,
            asker_group=self.asker_group, received_at=self.received_at,
            duration_minutes=self.duration_minutes, outcome=self.outcome, summary=self.summary)


def entries_fingerprint(*, kind: str, topic: str, channel: str, asker_group: str,
                        received_at: datetime | None, duration_minutes: int | None,
                        outcome: str, summary: str) -> str:
    entries = {"kind": kind, "topic": topic, "channel": channel, "asker_group": asker_group,
               "received_at": (received_at.astimezone(UTC).isoformat()
                               if received_at is not None and not timezone.is_naive(received_at)
                               else str(received_at)),
               "duration_minutes": duration_minutes, "outcome": outcome,
               "summary": summary.strip()}
    return hashlib.sha256(json.dumps(entries, sort_keys=True).encode("utf-8")).hexdigest()


def advice_team_for(actor) -> Team | None:
    """The central family intake team ``actor`` works in: advice and consultations are its own
    work, recorded by its members."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return next((team for team in actor.member_teams() if team.kind == TeamKind.INTAKE
                 and team.service_task == ServiceTask.FAMILY_SERVICES), None)


def may_record_advice(actor) -> bool:
    """Whether ``actor`` may record advice and consultations and see their list: a worker of
    the central family intake team (no query beyond the actor's teams, read once a request)."""
    return has_permission(actor, Action.VIEW_CLIENT) and advice_team_for(actor) is not None


def person_data_errors(values: dict[str, str]) -> dict[str, list[str]]:
    """Each free-text field of ``values`` that holds something shaped like a personal identity
    code, with the refusal naming it."""
    return {name: [_("An advice record holds no person data: remove the personal identity "
                     "code. Convert the record into a named contact to name the persons.")]
            for name, value in values.items() if hetu.appears_in_text(value)}


def _errors(data: AdviceInput) -> dict[str, list[str]]:
    errors = unknown_codes(data, (
        ("kind", AdviceKind, _("Choose advice and guidance or a professional's consultation.")),
        ("topic", AdviceTopic, _("Choose the topic.")),
        ("channel", Channel, _("Choose the channel.")),
        ("asker_group", AskerGroup, _("Choose who asked."))))
    if data.outcome == AdviceOutcome.CONVERTED:
        errors["outcome"] = [_("A record becomes converted only when it is converted into a "
                               "named contact.")]
    elif data.outcome not in AdviceOutcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    if data.duration_minutes is None or not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [
            _("Give the duration in whole minutes, 1–%(max)s.") % {"max": MAX_DURATION_MINUTES}]
    if data.received_at is None:
        errors["received_at"] = [_("Enter when the contact was received.")]
    elif timezone.is_naive(data.received_at):
        errors["received_at"] = [_("Give the time with its time zone.")]
    elif data.received_at > timezone.now() + services.FUTURE_TOLERANCE:
        errors["received_at"] = [_("The received time cannot be in the future.")]
    errors.update(person_data_errors({"summary": data.summary}))
    return errors


def _log(actor, record: AdviceRecord, action: str, detail: str) -> None:
    gateway.log_writes(actor, [log.Event(None, Category.INTAKE, action, Basis.INTAKE,
                                         Outcome.ALLOWED, detail)],
                       team_code=record.team.code)


def log_listed(actor, records) -> None:
    """One access-log entry for a list of advice records shown to ``actor``: they name no one,
    so the entry is on no person and names the records."""
    records = list(records)
    ids = ",".join(str(r.pk) for r in records)
    log.record(actor, person_id=None, category=Category.INTAKE, action=LogAction.VIEW,
               basis=Basis.INTAKE, outcome=Outcome.ALLOWED, detail=f"advice list {ids}"[:500],
               team_code=records[0].team.code)


def advice_record(*, actor, data: AdviceInput) -> AdviceRecord:
    """Record advice or a consultation of ``actor``'s intake team; nothing is saved when any
    field is invalid. Callers that take a retry key (the API's ``Idempotency-Key``, the form's
    hidden key) run this under ``luotsi.api.idempotency``, so a retry records nothing."""
    require_action(actor, Action.VIEW_CLIENT)
    team = advice_team_for(actor)
    if team is None:
        raise PermissionDenied
    errors = _errors(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = AdviceRecord.objects.create(
            kind=data.kind, topic=data.topic, channel=data.channel,
            asker_group=data.asker_group, received_at=data.received_at,
            duration_minutes=data.duration_minutes, outcome=data.outcome,
            summary=data.summary.strip(), team=team, recorded_by=actor)
        _log(actor, record, LogAction.CREATE, f"advice {record.pk}")
    return record


def advice_convert(*, actor, record: AdviceRecord, data: services.ContactInput) -> Contact:
    """Convert an advice record into a named contact once names are given: the contact is
    registered as any other (``services.contact_register``), received when the advice record
    was, so its statutory clocks start at the original received time; the record links to it
    and its outcome becomes converted. Nothing is saved when the contact is refused."""
    require_action(actor, Action.CREATE_PERSON)
    if record.team_id not in actor.team_ids():
        raise PermissionDenied
    with transaction.atomic():
        locked = AdviceRecord.objects.select_for_update().select_related("team").get(
            pk=record.pk)
        if locked.converted_to_id is not None:
            raise ValidationError(_("This record was already converted into a named contact."))
        contact = services.contact_register(
            actor=actor, data=replace(data, received_at=locked.received_at))
        locked.converted_to = contact
        locked.converted_at = timezone.now()
        locked.outcome = AdviceOutcome.CONVERTED
        locked.version += 1
        locked.save(update_fields=["converted_to", "converted_at", "outcome", "version",
                                   "updated_at"])
        _log(actor, locked, LogAction.UPDATE,
             f"advice {locked.pk} converted into contact {contact.pk}")
    return contact
