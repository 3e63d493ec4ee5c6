"""A team lead changes a client's responsible worker: the responsible social worker of a
child-welfare client (LSL 13 b §, a licensed social worker) or the named worker (omatyöntekijä,
SHL 42 §) of a family-services client (a social-welfare professional; a licensed social worker
for a child needing special support).

The client relationship is the child's current one (``selectors.current_clienthoods``: the
latest completed assessment that opened it). The change is refused naming ``responsible_worker``
when the new worker does not qualify; over the LSL 13 b § cap of children it is warned about,
not refused. It is recorded (``ResponsibleWorkerChange``: who, when, from, to, why), logged on
the child, moves the case relationship to the child from the old worker to the new one, and
notifies the new worker in the app in their own language, naming no client.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access import services as access_services
from luotsi.access.models import Basis, Category, LogAction
from luotsi.intake.models import Assessment, Notification, ResponsibleWorkerChange
from luotsi.intake.selectors import current_clienthoods
from luotsi.intake.services import (
    needs_special_support,
    responsible_worker_problem,
    worker_cap_warning,
)
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import ServiceTask, User
from luotsi.organisation.permissions import Action, has_permission


@dataclass(frozen=True)
class Changed:
    assessment: Assessment
    change: ResponsibleWorkerChange
    warning: str | None  # over the LSL 13 b § cap of children (not a refusal)


def may_change(actor, assessment: Assessment) -> bool:
    """Whether ``actor`` leads the team of the client relationship (``manage_team`` and a
    member of the assessment's team)."""
    return (has_permission(actor, Action.MANAGE_TEAM)
            and assessment.team_id in actor.team_ids())


def is_current_clienthood(assessment: Assessment) -> bool:
    return current_clienthoods().filter(pk=assessment.pk).exists()


def _errors(assessment: Assessment, to_user: User | None, reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if to_user is None:
        errors["responsible_worker"] = [_("Choose the new responsible worker.")]
    elif to_user.pk == assessment.responsible_worker_id:
        errors["responsible_worker"] = [_("%(name)s already is the responsible worker.") % {
            "name": to_user}]
    elif not to_user.is_active or not has_permission(to_user, Action.VIEW_CLIENT):
        errors["responsible_worker"] = [_("%(name)s cannot work with clients.") % {
            "name": to_user}]
    else:
        problem = responsible_worker_problem(
            assessment.outcome, to_user, special_support=needs_special_support(assessment))
        if problem:
            errors["responsible_worker"] = [problem]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the change.")]
    return errors


def responsible_worker_change(*, actor, assessment: Assessment, to_user: User | None,
                              reason: str, expected_version: int | None = None) -> Changed:
    """Name ``to_user`` the responsible worker of the client relationship ``assessment``
    opened; nothing is saved when any field is refused."""
    require_action(actor, Action.MANAGE_TEAM)
    if not may_change(actor, assessment):
        raise PermissionDenied
    if not is_current_clienthood(assessment):
        raise ValidationError(_("This assessment is not the child's current client "
                                "relationship: its responsible worker cannot be changed."))
    errors = _errors(assessment, to_user, reason)
    if errors:
        raise ValidationError(errors)
    assert to_user is not None
    with transaction.atomic():
        locked = (Assessment.objects.select_for_update(of=("self",))
                  .select_related("child", "team", "responsible_worker").get(pk=assessment.pk))
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError(_("Someone else changed this assessment meanwhile. Reload "
                                    "the page and check the changes before saving again."))
        from_user = locked.responsible_worker
        if from_user is None or from_user.pk == to_user.pk:
            raise ValidationError({"responsible_worker": [
                _("%(name)s already is the responsible worker.") % {"name": to_user}]})
        now = timezone.now()
        source = f"intake.Assessment:{locked.pk}"
        access_services.relationships_end(actor=actor, source=source, basis=Basis.CASE,
                                          user=from_user, at=now)
        locked.responsible_worker = to_user
        locked.version += 1
        locked.save(update_fields=["responsible_worker", "version", "updated_at"])
        task = (ServiceTask.CHILD_WELFARE
                if locked.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT
                else ServiceTask.FAMILY_SERVICES)
        access_services.relationship_open(
            actor=actor, person=locked.child, basis=Basis.CASE, user=to_user,
            service_task=task, source=source, reason=f"responsible worker by {actor.username}")
        change = ResponsibleWorkerChange.objects.create(
            assessment=locked, from_worker=from_user, to_worker=to_user,
            reason=reason.strip(), changed_by=actor, changed_at=now)
        gateway.record_write(
            actor, person_id=locked.child_id, category=Category.INTAKE, action=LogAction.UPDATE,
            basis=Basis.CASE, team_code=locked.team.code,
            detail=(f"responsible worker {from_user.username} -> {to_user.username} "
                    f"(change {change.pk})"))
        _notify(to_user, locked)
    warning = (worker_cap_warning(to_user)
               if locked.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT else None)
    return Changed(locked, change, warning)


def _notify(worker: User, assessment: Assessment) -> None:
    """An in-app notice to the new responsible worker in their own language; it names no
    client, the link leads through the access gateway."""
    with translation.override(worker.language or settings.LANGUAGE_CODE):
        text = _("You were named the responsible worker of a client (service-need assessment "
                 "%(number)s).") % {"number": assessment.pk}
    Notification.objects.get_or_create(
        user=worker, key=f"intake:responsible:{assessment.pk}:{assessment.version}",
        defaults={"text": text[:300], "link": f"/intake/assessments/{assessment.pk}/"})
