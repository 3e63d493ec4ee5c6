"""Role × action: what each role may do. docs/permissions.md is generated from the same table.

Client data is further limited by the access gateway (luotsi.access.gateway): a permission here
says what a role may do *at all*; the gateway says *for which clients*.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from luotsi.organisation.models import Role


class Action(models.TextChoices):
    VIEW_CLIENT = "view_client", pgettext_lazy("action", "View client data (with a client relationship)")
    SEARCH_PERSONS = "search_persons", pgettext_lazy("action", "Search persons")
    CREATE_PERSON = "create_person", pgettext_lazy("action", "Register a person")
    VIEW_PROTECTED_ADDRESS = "view_protected_address", pgettext_lazy(
        "action", "See the address of a person with a safety ban (with a case or care-team relationship)"
    )
    BREAK_GLASS = "break_glass", pgettext_lazy("action", "Open emergency access (break the glass)")
    REVIEW_BREAK_GLASS = "review_break_glass", pgettext_lazy("action", "Review emergency accesses")
    ACCESS_LOG_REPORT = "access_log_report", pgettext_lazy("action", "Produce a person's access-log report")
    MANAGE_TEAM = "manage_team", pgettext_lazy(
        "action", "Reassign a caseload; see the team's queues and KPIs")
    ADMINISTER = "administer", pgettext_lazy("action", "Administer organisation and code lists")
    USE_API = "use_api", pgettext_lazy("action", "Use the API with a token")


_PROFESSIONAL = {
    Action.VIEW_CLIENT,
    Action.SEARCH_PERSONS,
    Action.CREATE_PERSON,
    Action.BREAK_GLASS,
    Action.USE_API,
}
_SOCIAL = _PROFESSIONAL | {Action.VIEW_PROTECTED_ADDRESS}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.INTAKE_WORKER: frozenset(_SOCIAL),
    Role.SOCIAL_WORKER: frozenset(_SOCIAL),
    Role.SOCIAL_COUNSELLOR: frozenset(_SOCIAL),
    Role.TEAM_LEAD: frozenset(_SOCIAL | {Action.REVIEW_BREAK_GLASS, Action.MANAGE_TEAM}),
    Role.EMPLOYMENT_COORDINATOR: frozenset(_PROFESSIONAL),
    Role.NURSE: frozenset(_PROFESSIONAL),
    Role.MHS_WORKER: frozenset(_PROFESSIONAL),
    Role.DPO: frozenset({Action.ACCESS_LOG_REPORT, Action.REVIEW_BREAK_GLASS}),
    Role.ADMIN: frozenset({Action.ADMINISTER}),
}


def has_permission(user, action: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return action in ROLE_PERMISSIONS.get(user.role, frozenset())


def markdown_table() -> str:
    """The role × action table as Markdown, as it stands in docs/permissions.md."""
    from django.utils import translation

    with translation.override("en"):
        roles = list(Role)
        header = "| action | " + " | ".join(f"`{role.value}`" for role in roles) + " |"
        rule = "|---|" + "---|" * len(roles)
        lines = [header, rule]
        for action in Action:
            marks = " | ".join("✓" if action in ROLE_PERMISSIONS[role] else "" for role in roles)
            lines.append(f"| {action.label} (`{action.value}`) | {marks} |")
    return "\n".join(lines)
