"""Intervention points and early-warning rules, as data.

A ``SignalDefinition`` names one kind of earlier signal on a person's service path (the first
month with services in two sectors, repeated emergency visits below the identification
threshold, a family-intake contact closed with advice only, a sector's service period that ended
without a client plan, the first event in a sector) with its parameters; adding a signal is
adding a row. The code looks at a definition's ``kind`` and ``parameters``, never at its code.

An ``EarlyWarningRule`` is a rule with lower thresholds than the identification rules
(``luotsi.usage.IdentificationRule``): it marks *early* candidates and never flags anyone as a
possible shared client, so the identification runs never read it. Its measures are the
identification rules' own (``usage.Measure``). ``Backtest`` stores the figures of one backtest of
the early rules on an as-of date (``luotsi.signals.backtest``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.usage.models import EventKind, EventSector, ExplainedCode, Measure, measure_errors


class SignalKind(models.TextChoices):
    SECTORS_IN_MONTH = "sectors_in_month", pgettext_lazy(
        "signal kind", "First month with services in N sectors")
    REPEATED_EVENTS = "repeated_events", pgettext_lazy(
        "signal kind", "Repeated events of one kind within a window")
    INTAKE_CLOSED = "intake_closed", pgettext_lazy(
        "signal kind", "Family-intake contact closed with a given outcome")
    PERIOD_ENDED_WITHOUT_PLAN = "period_ended_without_plan", pgettext_lazy(
        "signal kind", "A sector's service period ended without a client plan")
    FIRST_IN_SECTOR = "first_in_sector", pgettext_lazy(
        "signal kind", "First event in a sector")


# The parameters each kind reads, with their bounds (integers) or allowed values (texts).
INTAKE_OUTCOMES = ("advice", "referral", "no_action")
PARAMETERS: dict[str, dict[str, object]] = {
    SignalKind.SECTORS_IN_MONTH: {"sectors": (2, len(EventSector.values))},
    SignalKind.REPEATED_EVENTS: {"event_kind": tuple(EventKind.values), "count": (2, 100),
                                 "window_days": (1, 3660)},
    SignalKind.INTAKE_CLOSED: {"outcome": INTAKE_OUTCOMES},
    SignalKind.PERIOD_ENDED_WITHOUT_PLAN: {"sector": tuple(EventSector.values),
                                           "gap_days": (30, 730)},
    SignalKind.FIRST_IN_SECTOR: {"sector": tuple(EventSector.values)},
}


def parameter_errors(kind: str, parameters) -> list[str]:
    """What is wrong with ``parameters`` for ``kind`` (empty when nothing)."""
    expected = PARAMETERS.get(kind)
    if expected is None:
        return []
    if not isinstance(parameters, dict):
        return [str(_("The parameters must be an object of names and values."))]
    errors = []
    unknown = sorted(set(parameters) - set(expected))
    if unknown:
        errors.append(str(_("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)}))
    for name, allowed in expected.items():
        value = parameters.get(name)
        if isinstance(allowed, tuple) and allowed and isinstance(allowed[0], int):
            low, high = allowed
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors.append(str(_("“%(name)s” must be a whole number from %(low)s to "
                                    "%(high)s.") % {"name": name, "low": low, "high": high}))
        elif value not in allowed:
            errors.append(str(_("“%(name)s” must be one of %(values)s.")
                              % {"name": name, "values": ", ".join(map(str, allowed))}))
    return errors


class SignalDefinition(ExplainedCode):
    """One kind of earlier signal on a service path, with its parameters."""

    kind = models.CharField(_("kind"), max_length=40, choices=SignalKind.choices)
    parameters = models.JSONField(
        _("parameters"), default=dict, blank=True,
        help_text=_("The kind's parameters, e.g. {\"sectors\": 2} or {\"event_kind\": "
                    "\"emergency_visit\", \"count\": 2, \"window_days\": 365}."))
    ordering = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("signal definition")
        verbose_name_plural = _("signal definitions")
        ordering = ["ordering", "code"]

    def clean(self) -> None:
        errors = parameter_errors(self.kind, self.parameters)
        if errors:
            raise ValidationError({"parameters": errors})


class EarlyWarningRule(ExplainedCode):
    """A rule with lower thresholds that marks early candidates, measured by its backtest."""

    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    threshold = models.IntegerField(
        _("threshold"), help_text=_("The smallest count (of sectors or events) that marks a "
                                    "person as an early candidate."))
    event_kind = models.CharField(_("event kind"), max_length=40, blank=True)
    sector = models.CharField(_("sector"), max_length=30, blank=True,
                              choices=EventSector.choices)
    window_days = models.IntegerField(_("window (days)"), default=365)

    class Meta:
        verbose_name = _("early-warning rule")
        verbose_name_plural = _("early-warning rules")
        ordering = ["code"]

    def clean(self) -> None:
        errors = measure_errors(self)
        if self.measure == Measure.EVENTS_OF_KIND and self.event_kind not in EventKind.values:
            errors["event_kind"] = _("Choose the kind of event this rule counts, one of "
                                     "%(kinds)s.") % {"kinds": ", ".join(EventKind.values)}
        if errors:
            raise ValidationError(errors)


class Backtest(models.Model):
    """The figures of one backtest of the early rules on an as-of date (aggregates only)."""

    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("computed by"))
    seconds = models.FloatField(_("seconds"), default=0)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("backtest")
        verbose_name_plural = _("backtests")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.as_of}"
