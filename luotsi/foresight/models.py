"""Capacity as data (each team's staff by role, working time, absences and vacancies, the
expected effort of each kind of work) and the stored arrivals forecast of each team.

A team with no rows of its own has the defaults of ``luotsi.foresight.defaults``
(docs/foresight.md). None of this is client data.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.organisation.models import Team


class StaffRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", pgettext_lazy("staff role", "Social worker")
    SOCIAL_COUNSELLOR = "social_counsellor", pgettext_lazy("staff role", "Social counsellor")
    OTHER = "other", pgettext_lazy("staff role", "Other professional")


class WorkKind(models.TextChoices):
    URGENCY_ASSESSMENT = "urgency_assessment", pgettext_lazy("work", "Urgency assessment")
    INITIAL_ASSESSMENT = "initial_assessment", pgettext_lazy("work", "Initial assessment")
    ASSESSMENT_START = "assessment_start", pgettext_lazy(
        "work", "Start of a service-need assessment (first meeting)")
    SERVICE_NEED_ASSESSMENT = "service_need_assessment", pgettext_lazy(
        "work", "Service-need assessment (the rest of it)")
    NETWORK_MEETING = "network_meeting", pgettext_lazy("work", "Network meeting")
    PLAN_REVIEW = "plan_review", pgettext_lazy("work", "Client plan review")


class GapKind(models.TextChoices):
    ABSENCE = "absence", pgettext_lazy("capacity gap", "Absence")
    VACANCY = "vacancy", pgettext_lazy("capacity gap", "Vacancy")


class TeamCapacity(models.Model):
    """A team's working time: hours of a full-time week and the share of it that goes to
    client work (the rest: meetings, training, supervision, administration)."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="capacity",
                                verbose_name=_("team"))
    weekly_hours = models.DecimalField(_("hours of a full-time week"), max_digits=4,
                                       decimal_places=2, default=Decimal("38.25"))
    client_work_share = models.PositiveSmallIntegerField(
        _("share of working time for client work (%)"), default=70)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("changed by"))

    class Meta:
        verbose_name = _("team capacity")
        verbose_name_plural = _("team capacities")
        constraints = [
            models.CheckConstraint(condition=models.Q(weekly_hours__gt=0, weekly_hours__lte=60),
                                   name="capacity_weekly_hours_range"),
            models.CheckConstraint(condition=models.Q(client_work_share__gte=1,
                                                      client_work_share__lte=100),
                                   name="capacity_client_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.team}"


class StaffCapacity(models.Model):
    """How many full-time equivalents of a role a team has (e.g. 2.6 social workers)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="staff_capacity",
                             verbose_name=_("team"))
    role = models.CharField(_("role"), max_length=30, choices=StaffRole.choices)
    fte = models.DecimalField(_("full-time equivalents"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("staff of a role")
        verbose_name_plural = _("staff by role")
        ordering = ["team", "role"]
        constraints = [
            models.UniqueConstraint(fields=["team", "role"], name="staff_capacity_team_role"),
            models.CheckConstraint(condition=models.Q(fte__gte=0, fte__lte=100),
                                   name="staff_capacity_fte_range"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_role_display()} {self.fte}"


class CapacityGap(models.Model):
    """A period when some of a role's working time is not there: an absence (leave, sickness,
    training) or a vacancy (a post without a worker)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="capacity_gaps",
                             verbose_name=_("team"))
    role = models.CharField(_("role"), max_length=30, choices=StaffRole.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=GapKind.choices)
    fte = models.DecimalField(_("full-time equivalents"), max_digits=5, decimal_places=2)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("absence or vacancy")
        verbose_name_plural = _("absences and vacancies")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fte__gt=0, fte__lte=100),
                                   name="capacity_gap_fte_range"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="capacity_gap_period"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class WorkEffort(models.Model):
    """The expected effort of one item of a kind of work in a team, in hours."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="work_efforts",
                             verbose_name=_("team"))
    kind = models.CharField(_("work"), max_length=40, choices=WorkKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("expected effort")
        verbose_name_plural = _("expected efforts")
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="work_effort_team_kind"),
            models.CheckConstraint(condition=models.Q(hours__gt=0, hours__lte=500),
                                   name="work_effort_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_kind_display()} {self.hours} h"


class ArrivalForecast(models.Model):
    """A team's arrivals forecast made at the start of a week (``origin``, a Monday) from the
    weeks before it: the weekly figures with their prediction interval, the shares by kind and
    municipality, and the backtest of the model against the seasonal-naive baseline
    (``luotsi.foresight.arrivals``). Made once a week per team; the pages read it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="arrival_forecasts",
                             verbose_name=_("team"))
    origin = models.DateField(_("first week"))
    made_at = models.DateTimeField(_("made"), auto_now_add=True)
    figures = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("arrivals forecast")
        verbose_name_plural = _("arrivals forecasts")
        constraints = [models.UniqueConstraint(fields=["team", "origin"],
                                               name="arrival_forecast_team_origin")]

    def __str__(self) -> str:
        return f"{self.team} {self.origin}"
