"""Checks shared by the plan's write services: a refusal as a ``ValidationError`` naming the
field, a code of the AVAIN code lists, an active professional, and the care team a professional
named in the plan joins."""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import services as access_services
from luotsi.access.models import Basis, ClientRelationship
from luotsi.organisation.models import User
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans.models import CodeListItem, Plan, WithholdingGround


def fail(errors: dict[str, str]) -> NoReturn:
    raise ValidationError({name: [message] for name, message in errors.items()})


def code_item(code_list: str, item_id, field_name: str) -> CodeListItem:
    """The code ``item_id`` of ``code_list``, if it may be chosen today (docs/code-lists.md): a
    retired code (of an older version of the list, inactive, or outside its validity) stays on
    the rows that recorded it but is refused for a new choice."""
    item = CodeListItem.objects.select_related("version").filter(
        pk=item_id, code_list=code_list).first() if item_id else None
    if item is None:
        fail({field_name: _("Choose a value from the list.")})
    if not item.choosable():
        fail({field_name: _("The code %(code)s (%(name)s) is retired in version %(version)s of "
                            "the code list: choose a code in use.") % {
            "code": item.code, "name": item.name, "version": item.version.version}})
    return item


def withholding_ground(code: str | None, field_name: str) -> WithholdingGround | None:
    """The statutory ground a part is not shown to the client on (``""``: shown to them): one of
    the grounds offered, else refused naming the field."""
    if not code:
        return None
    ground = WithholdingGround.objects.filter(pk=code, offered=True).first()
    if ground is None:
        fail({field_name: _("Choose one of the grounds in law for not showing this to the "
                            "client, or show it.")})
    return ground


def choosable_items(code_list: str, codes) -> dict[str, CodeListItem]:
    """The codes of ``codes`` that may be chosen today in ``code_list``, by code."""
    today = timezone.localdate()
    rows = CodeListItem.objects.select_related("version").filter(
        code_list=code_list, code__in=list(codes), version__current=True, active=True)
    return {item.code: item for item in rows if item.choosable(today)}


def active_professional(user_id, field_name: str) -> User | None:
    if not user_id:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not has_permission(user, Action.VIEW_CLIENT):
        fail({field_name: _("Choose an active professional.")})
    return user


def care_team_grant(actor, plan: Plan, user: User | None) -> None:
    """A professional named in the plan joins the care team and may see the client."""
    if user is None:
        return
    source = f"plans.Plan:{plan.pk}"
    if ClientRelationship.objects.filter(person_id=plan.person_id, user=user,
                                         basis=Basis.CARE_TEAM, source=source,
                                         ends_at__isnull=True).exists():
        return
    access_services.relationship_open(actor=actor, person=plan.person, basis=Basis.CARE_TEAM,
                                      user=user, source=source)
