"""Client relationships (the basis of every access) and the append-only access log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.common.formatting import format_datetime
from luotsi.organisation.models import ServiceTask, Team
from luotsi.people.models import Person

if TYPE_CHECKING:
    from luotsi.access.selectors import WindowRecords


class Basis(models.TextChoices):
    """Why a professional may process a person's data (the law's IT-verified relationship)."""

    INTAKE = "intake", pgettext_lazy("basis", "Intake task of the team")
    CASE = "case", pgettext_lazy("basis", "Open case (responsible worker or team)")
    CARE_TEAM = "care_team", pgettext_lazy("basis", "Member of the care team")
    REGISTRATION = "registration", pgettext_lazy("basis", "Registered the person")
    EMERGENCY = "emergency", pgettext_lazy("basis", "Emergency access")
    DPO_TASK = "dpo_task", pgettext_lazy("basis", "Data-protection officer's statutory task")
    # Secondary use of client data (Act 552/2019): statistics, research and the county's own
    # knowledge management. Used by exports about many people that name none of them.
    RESEARCH = "research", pgettext_lazy(
        "basis", "Secondary use: statistics and research (Act 552/2019)")
    # Changes of professionals' roles, teams and flags (who may reach which clients).
    ADMINISTRATION = "administration", pgettext_lazy(
        "basis", "Administration of professionals' roles and teams")
    # The client reading their own data in their own area (``luotsi.oma``).
    OWN_DATA = "own_data", pgettext_lazy("basis", "Own data: the client themself")
    NONE = "none", pgettext_lazy("basis", "No basis")


class ClientRelationship(models.Model):
    """A record that a professional or a team may process a person's data, and why, for how long.

    Written only through ``luotsi.access.services``; read only by ``luotsi.access.gateway``.
    """

    # Set on the emergency accesses of the lead's review page: what was read and changed.
    window: WindowRecords

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships",
                               verbose_name=_("person"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="client_relationships",
                             verbose_name=_("professional"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="client_relationships", verbose_name=_("team"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    service_task = models.CharField(_("service task"), max_length=40,
                                    choices=ServiceTask.choices, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("The record that opened the relationship."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Review of an emergency access by a team lead or the data-protection officer.
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    review_finding = models.CharField(
        _("finding"), max_length=20, blank=True,
        choices=[("justified", pgettext_lazy("review", "Justified")),
                 ("unjustified", pgettext_lazy("review", "Not justified"))],
    )

    class Meta:
        verbose_name = _("client relationship")
        verbose_name_plural = _("client relationships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(team__isnull=False),
                name="relationship_has_user_or_team",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "user"], name="rel_person_user"),
            models.Index(fields=["person", "team"], name="rel_person_team"),
            models.Index(fields=["user", "ends_at"], name="rel_user_ends"),
            models.Index(fields=["team", "ends_at"], name="rel_team_ends"),
            models.Index(fields=["basis", "reviewed_at"], name="rel_basis_review"),
        ]

    def __str__(self) -> str:
        holder = self.user or self.team
        return f"{holder} → {self.person_id} ({self.basis})"


class Category(models.TextChoices):
    BASIC_DATA = "basic_data", pgettext_lazy("data category", "Basic data")
    CONTACT_DETAILS = "contact_details", pgettext_lazy("data category", "Contact details")
    PROTECTED_ADDRESS = "protected_address", pgettext_lazy("data category", "Protected address")
    FAMILY = "family", pgettext_lazy("data category", "Guardians and household")
    RELATIONSHIPS = "relationships", pgettext_lazy("data category", "Client relationships")
    ACCESS_LOG = "access_log", pgettext_lazy("data category", "Access log")
    INTAKE = "intake", pgettext_lazy("data category", "Contacts and assessments")
    PLAN = "plan", pgettext_lazy("data category", "Client plan")
    SHARED_CARE = "shared_care", pgettext_lazy("data category", "Shared care")
    PROFESSIONAL_ACCESS = "professional_access", pgettext_lazy(
        "data category", "A professional's role, teams and rights")


class LogAction(models.TextChoices):
    VIEW = "view", pgettext_lazy("log action", "View")
    LIST = "list", pgettext_lazy("log action", "Listed in search results")
    CREATE = "create", pgettext_lazy("log action", "Create")
    UPDATE = "update", pgettext_lazy("log action", "Update")
    PRINT = "print", pgettext_lazy("log action", "Print")
    EXPORT = "export", pgettext_lazy("log action", "Export")
    DISCLOSE = "disclose", pgettext_lazy("log action", "Disclosure")
    EMERGENCY = "emergency", pgettext_lazy("log action", "Emergency access opened")
    SEARCH = "search", pgettext_lazy("log action", "Person search")
    REGISTER_EXISTING = "register_existing", pgettext_lazy(
        "log action", "Registration of an already registered person")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", pgettext_lazy("log outcome", "Allowed")
    REFUSED = "refused", pgettext_lazy("log outcome", "Refused")


class AccessLogEntry(models.Model):
    """One processing of a person's data. Append-only and keyed-hash-chained (see
    luotsi.access.log).

    Plain ids rather than foreign keys: a log record must outlive and never change with the
    records it speaks of.
    """

    # Set on the records shown in an emergency access's window (access.selectors, views).
    is_write: bool

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150)
    user_name = models.CharField(max_length=300, blank=True)
    team = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=40, blank=True)
    person_id = models.BigIntegerField(null=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    action = models.CharField(max_length=20, choices=LogAction.choices)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # 1: plain SHA-256, records written before the chain was keyed; 2: HMAC-SHA256 (keyed).
    chain_version = models.SmallIntegerField(default=1)

    class Meta:
        verbose_name = _("access log record")
        verbose_name_plural = _("access log records")
        indexes = [
            models.Index(fields=["person_id", "at"], name="log_person_at"),
            models.Index(fields=["user_id", "at"], name="log_user_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {format_datetime(self.at)} {self.username} {self.action}"
