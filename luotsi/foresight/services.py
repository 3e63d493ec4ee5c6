"""The team lead's writes of a team's capacity: working time and staff by role, the expected
effort of each kind of work, absences and vacancies. Each checks the permission (a team lead of
the team), validates every figure (a refusal names the field; nothing is saved) and writes in
one transaction. Capacity is no client data: nothing goes to the access log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _

from luotsi.common import validation
from luotsi.foresight import defaults
from luotsi.foresight.models import (
    CapacityGap,
    GapKind,
    StaffCapacity,
    StaffRole,
    TeamCapacity,
    WorkEffort,
    WorkKind,
)
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import Team, User
from luotsi.organisation.permissions import Action


def may_edit(actor: User, team: Team) -> bool:
    """A team lead (``manage_team``) who is a member of ``team``."""
    from luotsi.organisation.permissions import has_permission

    return has_permission(actor, Action.MANAGE_TEAM) and team.pk in actor.team_ids()


def _check_actor(actor: User, team: Team) -> None:
    require_action(actor, Action.MANAGE_TEAM)
    if team.pk not in actor.team_ids():
        raise PermissionDenied


def fte_problem(value: Decimal | None) -> str | None:
    """Why ``value`` is not a possible number of full-time equivalents, or None."""
    if value is None:
        return _("Enter the full-time equivalents (0 or more).")
    if value < 0:
        return _("Full-time equivalents cannot be negative.")
    if value > defaults.MAX_FTE:
        return _("At most %(max)s full-time equivalents.") % {"max": defaults.MAX_FTE}
    return None


def effort_problem(value: Decimal | None) -> str | None:
    """Why ``value`` is not a possible effort of one item in hours, or None."""
    if value is None or value <= 0:
        return _("The effort must be more than zero hours.")
    if value > defaults.MAX_EFFORT_HOURS:
        return _("At most %(max)s hours for one item.") % {"max": defaults.MAX_EFFORT_HOURS}
    return None


def _per_code_errors(values: dict[str, Decimal], codes: type[TextChoices], prefix: str,
                     problem: Callable[[Decimal], str | None], *,
                     unknown: tuple[str, str]) -> dict[str, list[str]]:
    """The errors of figures by code (``values``: code → figure): an unknown code under
    ``unknown``'s field with its message, a figure ``problem`` refuses under
    ``<prefix>_<code>``."""
    errors: dict[str, list[str]] = {}
    for code, value in values.items():
        if code not in codes.values:
            errors[unknown[0]] = [unknown[1]]
            continue
        refused = problem(value)
        if refused:
            errors[f"{prefix}_{code}"] = [refused]
    return errors


@transaction.atomic
def capacity_set(*, actor: User, team: Team, weekly_hours: Decimal, client_work_share: int,
                 fte: dict[str, Decimal]) -> TeamCapacity:
    """Set the team's working time and its staff by role (``fte``: role → full-time
    equivalents; a role left out keeps its figure)."""
    _check_actor(actor, team)
    errors: dict[str, list[str]] = {}
    if weekly_hours is None or weekly_hours <= 0 or weekly_hours > defaults.MAX_WEEKLY_HOURS:
        errors["weekly_hours"] = [_("A full-time week has more than 0 and at most %(max)s "
                                    "hours.") % {"max": defaults.MAX_WEEKLY_HOURS}]
    if client_work_share is None or not 1 <= client_work_share <= 100:
        errors["client_work_share"] = [_("The share is a percentage from 1 to 100.")]
    errors.update(_per_code_errors(fte, StaffRole, "fte", fte_problem, unknown=(
        "role", _("Choose one of the roles."))))
    if errors:
        raise ValidationError(errors)
    capacity, _created = TeamCapacity.objects.select_for_update().get_or_create(team=team)
    capacity.weekly_hours = weekly_hours
    capacity.client_work_share = client_work_share
    capacity.updated_by = actor
    capacity.save()
    for role, value in fte.items():
        StaffCapacity.objects.update_or_create(team=team, role=role, defaults={"fte": value})
    return capacity


@transaction.atomic
def efforts_set(*, actor: User, team: Team, hours: dict[str, Decimal]) -> None:
    """Set the expected effort of each kind of work in ``hours`` (kind → hours, more than 0)."""
    _check_actor(actor, team)
    errors = _per_code_errors(hours, WorkKind, "effort", effort_problem, unknown=(
        "kind", _("Choose one of the kinds of work.")))
    if errors:
        raise ValidationError(errors)
    for kind, value in hours.items():
        WorkEffort.objects.update_or_create(team=team, kind=kind, defaults={"hours": value})


@transaction.atomic
def gap_add(*, actor: User, team: Team, role: str, kind: str, fte: Decimal, starts_on: date,
            ends_on: date, note: str = "") -> CapacityGap:
    """Record an absence or a vacancy of ``fte`` of ``role`` from ``starts_on`` to ``ends_on``
    (both included). More than the role's staff cannot be away."""
    _check_actor(actor, team)
    errors: dict[str, list[str]] = {}
    if role not in StaffRole.values:
        errors["role"] = [_("Choose one of the roles.")]
    if kind not in GapKind.values:
        errors["kind"] = [_("Choose absence or vacancy.")]
    problem = fte_problem(fte)
    if problem is None and fte == 0:
        problem = _("An absence or a vacancy is more than 0 full-time equivalents.")
    if problem is None and role in StaffRole.values:
        staffed = (StaffCapacity.objects.filter(team=team, role=role)
                   .values_list("fte", flat=True).first()) or Decimal(0)
        if fte > staffed:
            problem = _("The team has only %(fte)s full-time equivalents of this role.") % {
                "fte": staffed}
    if problem:
        errors["fte"] = [problem]
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            validation.check_date(value, field=name)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
    if starts_on and ends_on and ends_on < starts_on and "ends_on" not in errors:
        errors["ends_on"] = [_("The last day cannot be before the first day.")]
    try:
        validation.check_text(note, field="note", max_length=200)
    except ValidationError as exc:
        errors.setdefault("note", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return CapacityGap.objects.create(team=team, role=role, kind=kind, fte=fte,
                                      starts_on=starts_on, ends_on=ends_on, note=note,
                                      created_by=actor)


@transaction.atomic
def gap_remove(*, actor: User, gap: CapacityGap) -> None:
    _check_actor(actor, gap.team)
    gap.delete()
