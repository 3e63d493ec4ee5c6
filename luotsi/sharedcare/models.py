"""Shared clients: the decision on a flagged person, the checklist gone through with the client,
network meetings and consultations between experts.

A ``SharedClient`` row exists for every person a professional has decided on (confirmed as a
shared client, declined, or whose coordination ended); flagged persons without one are
*candidates*. The client's consent, coordinator and care team live on the person's harmonised plan
(``luotsi.plans``); this app records the decision and links to the plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from luotsi.common.formatting import format_datetime
from luotsi.common.legal_bases import LegalBasis, offered_field
from luotsi.common.models import TimeStampedModel
from luotsi.deadlines.rules import working_days_late
from luotsi.organisation.models import Team
from luotsi.people.models import Person
from luotsi.plans.models import Plan, SectorLabelled, Step, WithholdingGround


def _localised(obj, prefix: str) -> str:
    language = (get_language() or "fi")[:2]
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_fi")


class SharedClient(models.Model):
    """The decision on one person: confirmed as a shared client, declined, or ended."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("shared client", "Confirmed")
        DECLINED = "declined", pgettext_lazy("shared client", "Declined")
        ENDED = "ended", pgettext_lazy("shared client", "Coordination ended")

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="shared_client",
                                  verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("shared plan"))
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="coordinated_clients",
                                    verbose_name=_("coordinator"))
    coordination_started_on = models.DateField(_("coordination started"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    hidden_until = models.DateField(
        _("not shown as a candidate until"), null=True, blank=True,
        help_text=_("A declined person is not shown as a candidate again before this date."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("shared client")
        verbose_name_plural = _("shared clients")
        indexes = [
            models.Index(fields=["status", "hidden_until"], name="shared_client_status_hidden"),
            models.Index(fields=["coordinator", "status"], name="shared_client_coordinator"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.status})"


class ChecklistItem(models.Model):
    """One question of the help list gone through with the client. Editable by an admin."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    text_fi = models.CharField(_("question in Finnish"), max_length=300)
    text_sv = models.CharField(_("question in Swedish"), max_length=300, blank=True)
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)
    help_fi = models.TextField(_("guidance in Finnish"), blank=True)
    help_sv = models.TextField(_("guidance in Swedish"), blank=True)
    help_en = models.TextField(_("guidance in English"), blank=True)
    ordering = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["ordering", "pk"]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        return _localised(self, "text")

    def guidance(self) -> str:
        return _localised(self, "help")


class Decision(models.Model):
    """One entry of a person's confirmation history: who decided what, when, and why."""

    shared_client = models.ForeignKey(SharedClient, on_delete=models.CASCADE,
                                      related_name="decisions")
    status = models.CharField(_("decision"), max_length=20, choices=SharedClient.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.shared_client_id}: {self.status}"


class ChecklistAnswer(models.Model):
    """The answer to one checklist question, recorded with a confirmation."""

    class Answer(models.TextChoices):
        YES = "yes", pgettext_lazy("checklist answer", "Yes")
        NO = "no", pgettext_lazy("checklist answer", "No")
        UNSURE = "unsure", pgettext_lazy("checklist answer", "Cannot say")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [models.UniqueConstraint(fields=["decision", "item"],
                                               name="checklist_answer_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer}"


class Meeting(TimeStampedModel):
    """A network meeting held for a shared client."""

    class Kind(models.TextChoices):
        IN_PERSON = "in_person", pgettext_lazy("meeting kind", "In person")
        REMOTE = "remote", pgettext_lazy("meeting kind", "Video meeting")
        PHONE = "phone", pgettext_lazy("meeting kind", "Phone meeting")

    shared_client = models.ForeignKey(SharedClient, on_delete=models.CASCADE,
                                      related_name="meetings")
    held_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.IN_PERSON)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The minutes (notes and decisions) are not shown to the client in their own area, on this
    # statutory ground (none: shown); the meeting's time, place and agenda still are.
    minutes_withheld_ground = models.ForeignKey(
        WithholdingGround, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("minutes not shown to the client, on the ground"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.shared_client_id} {format_datetime(self.held_at)}"


class MeetingParticipant(SectorLabelled, models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", pgettext_lazy("participant", "Client")
        CLOSE_PERSON = "close_person", pgettext_lazy("participant", "Close person")
        PROFESSIONAL = "professional", pgettext_lazy("participant", "Professional")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name=_("professional"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    relation = models.CharField(_("relation to the client"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.user or self.name)


class MeetingDecision(models.Model):
    """A decision of a network meeting; each becomes a step of the shared plan."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    what = models.CharField(_("decision"), max_length=300)
    owner_kind = models.CharField(_("who"), max_length=20, choices=Step.Owner.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("professional"))
    due_on = models.DateField(_("by when"))
    step = models.OneToOneField(Step, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="meeting_decision", verbose_name=_("plan step"))

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what


class ConsultationBasis(LegalBasis):
    """A legal basis on which a consultation may disclose a client's data to another sector's
    expert, with its source in law. The rows are data (loaded by a data migration), not code:
    ``requires_consent`` bases need the client's consent in force covering the expert's sector
    and name it; ``offered`` is false for a code kept only so that older consultations still read
    with the basis they were recorded on."""

    offered = offered_field(_("offered for new consultations"))

    class Meta(LegalBasis.Meta):
        verbose_name = _("consultation basis")
        verbose_name_plural = _("consultation bases")


# The codes offered as a consultation's basis (the rows with ``offered``): the API documents
# them as the enumeration of ``basis``; a test keeps the two equal.
OFFERED_BASIS_CODES = ("consent", "shl_41", "patient_act_13", "client_data_act")


class Consultation(SectorLabelled, TimeStampedModel):
    """A professional's question about a client to an expert of another sector."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consultations",
                               verbose_name=_("person"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="consultations_asked", verbose_name=_("asked by"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="consultations_received",
                               verbose_name=_("expert"))
    expert_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="consultations", verbose_name=_("expert team"))
    sector = models.CharField(_("sector of the expert"), max_length=30)
    question = models.TextField(_("question"))
    basis = models.ForeignKey(ConsultationBasis, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("basis for disclosure"))
    consent = models.ForeignKey("plans.Consent", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("consent"))
    due_on = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("answered by"))

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expert__isnull=False) | models.Q(expert_team__isnull=False),
                name="consultation_has_expert"),
        ]
        indexes = [
            models.Index(fields=["expert", "answered_at", "due_on"], name="consult_expert_open"),
            models.Index(fields=["expert_team", "answered_at", "due_on"],
                         name="consult_team_open"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.question[:40]}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def late_working_days(self) -> int | None:
        """Working days after the answer's due date it was answered (0 in time, ``None`` not
        answered): an answer given late stays late."""
        if self.answered_at is None:
            return None
        return working_days_late(self.due_on, timezone.localdate(self.answered_at))
