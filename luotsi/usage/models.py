"""Service-usage events, the configurable rules that identify shared clients, and their results.

A ``ServiceEvent`` is one use of a service (a visit, a decision, a contact) in one of four sectors,
imported from the registers of the county's services. ``IdentificationRule`` rows say which
pattern of use marks a person as a possible shared client; a rule is a *measure* (distinct sectors,
events of a kind, …) with parameters, so no code depends on a rule's code. ``Flag`` holds each
person's current matches; ``IdentificationRun`` records every evaluation.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from luotsi.common.models import TimeStampedModel
from luotsi.people.models import Person


class EventSector(models.TextChoices):
    SOCIAL = "social", pgettext_lazy("service sector", "Social services")
    HEALTH = "health", pgettext_lazy("service sector", "Health care")
    MENTAL_HEALTH_SUBSTANCE = "mental_health_substance", pgettext_lazy(
        "service sector", "Mental health and substance services")
    EMPLOYMENT = "employment", pgettext_lazy("service sector", "Employment services")


class EventKind(models.TextChoices):
    """The kinds of event the county's registers deliver. Imports accept other kinds as well."""

    VISIT = "visit", pgettext_lazy("event kind", "Visit")
    DOCTOR_VISIT = "doctor_visit", pgettext_lazy("event kind", "Doctor's visit")
    EMERGENCY_VISIT = "emergency_visit", pgettext_lazy("event kind", "Emergency visit")
    DECISION = "decision", pgettext_lazy("event kind", "Decision")
    CONTACT = "contact", pgettext_lazy("event kind", "Contact")


class ImportBatch(models.Model):
    """One committed batch of an import: the bookkeeping the daily identification run reads."""

    source = models.CharField(_("source file"), max_length=500)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"


KEY_EPOCH = date(1900, 1, 1)


def event_keys(rows) -> list[str]:
    """The dedup key (32 hex digits, a UUID) of each (person id, sector, service code,
    organisation, date, kind): equal exactly when the six fields are.

    The first three bytes are the day number since 1900-01-01 (so that the key's index is
    ordered by date, like the registers' extracts, and identical events, which have the same
    date, can only meet within one day); the other 13 bytes are the start of the SHA-256 of an
    unambiguous encoding of the person id and the other five fields (the two free-text fields
    before the last carry their length). Migration 0004 computes the same key in SQL on
    PostgreSQL; keep the two in step.
    """
    sha256 = hashlib.sha256
    days: dict[date, tuple[str, str]] = {}
    keys = []
    append = keys.append
    for person_id, sector, service_code, organisation, event_date, kind in rows:
        day = days.get(event_date)
        if day is None:
            day = days[event_date] = (f"{(event_date - KEY_EPOCH).days:06x}",
                                      event_date.isoformat())
        append(day[0] + sha256(
            f"{person_id}|{day[1]}|{sector}|{len(kind)}:{kind}|{len(service_code)}:"
            f"{service_code}|{organisation}".encode()).hexdigest()[:26])
    return keys


def day_key(day: date) -> uuid.UUID:
    """The smallest key of the events of ``day``: the events of the days ``first`` to ``last``
    are exactly those with ``day_key(first) <= row_key < day_key(last + 1 day)``, so the key's
    index serves date ranges as well."""
    return uuid.UUID(f"{(day - KEY_EPOCH).days:06x}{0:026x}")


def event_key(person_id: int, sector: str, service_code: str, organisation: str,
              event_date: date, kind: str) -> str:
    """The key of one event (see ``event_keys``)."""
    return event_keys([(person_id, sector, service_code, organisation, event_date, kind)])[0]


class ServiceEventManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for event in objs:
            event.fill_row_key()
        return super().bulk_create(objs, *args, **kwargs)


class ServiceEvent(models.Model):
    """One use of a service. Identical in all six business fields means the same event.

    ``row_key`` (see ``event_key``) stands for the six fields in the only unique index: it is
    filled on ``save`` and ``bulk_create``, and by the importer.
    """

    # On PostgreSQL the reference is checked once per statement instead of once per row (the
    # foreign key is replaced by triggers in migration 0005): the same guarantee, a fraction of
    # the cost for an import's batch.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="service_events",
                               verbose_name=_("person"), db_index=False)
    sector = models.CharField(_("sector"), max_length=30, choices=EventSector.choices)
    service_code = models.CharField(_("service code"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=200)
    event_date = models.DateField(_("event date"))
    kind = models.CharField(_("kind"), max_length=40)
    # Bookkeeping only (which import stored the event): no index and no database constraint,
    # so that the bulk insert of an import checks one foreign key per row, not two.
    batch = models.ForeignKey(ImportBatch, on_delete=models.DO_NOTHING, null=True, blank=True,
                              related_name="events", verbose_name=_("import batch"),
                              db_index=False, db_constraint=False)
    # The six business fields as one 16-byte key: its unique index decides duplicates (a
    # fraction of the size of an index over the six fields, which made imports slow).
    row_key = models.UUIDField(_("event key"), unique=True, editable=False)

    objects = ServiceEventManager()

    class Meta:
        verbose_name = _("service event")
        verbose_name_plural = _("service events")
        indexes = [
            # A person's service path and the why of their flags (and the indicators'
            # per-person counts): the person's events in a range of dates, counted by sector,
            # month and kind. The index holds every column those counts read, so the database
            # answers them from the index alone (an index-only range scan) instead of fetching
            # each of a heavy user's tens of thousands of rows from wherever the imports put
            # them in the table.
            models.Index(fields=["person", "event_date", "sector", "kind"],
                         name="service_event_path"),
            # No index on the date: the key starts with the day (``day_key``), so the key's
            # index serves the daily identification's day ranges; the rules' windows of months
            # are read with a (parallel) scan of the table in any case.
        ]

    def __str__(self) -> str:
        return f"{self.event_date} {self.sector} {self.kind}"

    def save(self, *args, **kwargs):
        self.fill_row_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "row_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "row_key"]
        return super().save(*args, **kwargs)

    keys_for = staticmethod(event_keys)

    @staticmethod
    def key_for(person_id: int, sector: str, service_code: str, organisation: str,
                event_date: date, kind: str) -> str:
        return event_key(person_id, sector, service_code, organisation, event_date, kind)

    def fill_row_key(self) -> None:
        """Set ``row_key`` from the six fields (always: they may have changed)."""
        event_date = self.event_date
        if isinstance(event_date, str):
            event_date = date.fromisoformat(event_date)
        self.row_key = uuid.UUID(event_key(self.person_id, self.sector, self.service_code,
                                           self.organisation, event_date, self.kind))


class Measure(models.TextChoices):
    DISTINCT_SECTORS = "distinct_sectors", pgettext_lazy(
        "rule measure", "Events in at least N different sectors")
    EVENTS_OF_KIND = "events_of_kind", pgettext_lazy(
        "rule measure", "At least N events of one kind")
    EVENTS_IN_SECTOR = "events_in_sector", pgettext_lazy(
        "rule measure", "At least N events in one sector")
    EVENTS_TOTAL = "events_total", pgettext_lazy(
        "rule measure", "At least N events in any sector")


# The oldest age a rule may name: an age range beyond it cannot match anyone.
MAX_AGE = 120


def measure_errors(rule) -> dict[str, str]:
    """What is wrong with the measure of a counting rule (the conditions of an identification
    rule, an early-warning rule): its threshold, window and sector, by field. The kind of event
    counted is checked by each rule itself."""
    errors: dict[str, str] = {}
    if rule.threshold is not None and rule.threshold < 1:
        errors["threshold"] = _("The threshold must be at least 1.")
    if rule.window_days is not None and not 1 <= rule.window_days <= 3660:
        errors["window_days"] = _("The window must be between 1 and 3,660 days.")
    if rule.measure == Measure.DISTINCT_SECTORS and rule.threshold is not None \
            and rule.threshold > len(EventSector.values):
        errors["threshold"] = _("There are only %(count)s sectors; the threshold cannot be "
                                "higher.") % {"count": len(EventSector.values)}
    if rule.measure == Measure.EVENTS_IN_SECTOR and not rule.sector:
        errors["sector"] = _("Choose the sector this rule counts.")
    return errors


class RuleConditions(models.Model):
    """What a rule counts and on whom: the conditions of an identification rule's version.

    A person matches when, in the window ending on the date of the run, the measure reaches the
    threshold over the events counted (only the ``event_kinds`` if any are named), the person's
    age on that date is in ``min_age`` … ``max_age`` (when either is given) and the person has
    events in every one of the ``sectors_together`` (when named). ``clean`` refuses conditions
    that cannot match anyone, naming the field.
    """

    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    threshold = models.IntegerField(
        _("threshold"), help_text=_("The smallest count (of sectors or events) that flags a "
                                    "person."))
    event_kind = models.CharField(
        _("event kind"), max_length=40, blank=True,
        help_text=_("For “events of one kind”: the kind counted, e.g. doctor_visit."))
    sector = models.CharField(
        _("sector"), max_length=30, blank=True, choices=EventSector.choices,
        help_text=_("For “events in one sector”: the sector counted."))
    window_days = models.IntegerField(
        _("window (days)"), default=365,
        help_text=_("Events count when they fall within this many days ending on the date of "
                    "the run."))
    min_age = models.PositiveSmallIntegerField(
        _("age at least"), null=True, blank=True,
        help_text=_("The person's age in full years on the date of the run; empty: no lower "
                    "limit."))
    max_age = models.PositiveSmallIntegerField(
        _("age at most"), null=True, blank=True,
        help_text=_("The person's age in full years on the date of the run; empty: no upper "
                    "limit."))
    sectors_together = models.JSONField(
        _("sectors used together"), default=list, blank=True,
        help_text=_("The person must have events in every one of these sectors within the "
                    "window (at least two; none: no such condition)."))
    event_kinds = models.JSONField(
        _("service kinds counted"), default=list, blank=True,
        help_text=_("Only events of these kinds count, for the measure and the sectors alike "
                    "(none: every kind)."))

    CONDITION_FIELDS = ("measure", "threshold", "event_kind", "sector", "window_days",
                        "min_age", "max_age", "sectors_together", "event_kinds")

    class Meta:
        abstract = True

    def conditions(self) -> dict:
        return {name: getattr(self, name) for name in self.CONDITION_FIELDS}

    def clean(self) -> None:
        errors = measure_errors(self)
        if self.measure == Measure.EVENTS_OF_KIND:
            if not self.event_kind:
                errors["event_kind"] = _("Choose the kind of event this rule counts.")
            elif self.event_kind not in EventKind.values:
                errors["event_kind"] = _("“%(kind)s” is not a known kind of event; use one of "
                                         "%(kinds)s.") % {"kind": self.event_kind,
                                                          "kinds": ", ".join(EventKind.values)}
        self._clean_ages(errors)
        self._clean_lists(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_ages(self, errors: dict) -> None:
        for name in ("min_age", "max_age"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_AGE:
                errors[name] = _("An age must be between 0 and %(max)s years; no one is "
                                 "older.") % {"max": MAX_AGE}
        if "min_age" not in errors and "max_age" not in errors and self.min_age is not None \
                and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The highest age is lower than the lowest (%(min)s): the rule "
                                  "could not match anyone.") % {"min": self.min_age}

    def _clean_lists(self, errors: dict) -> None:
        together = self.sectors_together
        if together is None:
            together = self.sectors_together = []
        if not isinstance(together, list) or any(s not in EventSector.values for s in together):
            errors["sectors_together"] = _("Choose the sectors from the list.")
        elif len(set(together)) == 1:
            errors["sectors_together"] = _("Choose at least two sectors used together, or "
                                           "none.")
        kinds = self.event_kinds
        if kinds is None:
            kinds = self.event_kinds = []
        if not isinstance(kinds, list) or any(k not in EventKind.values for k in kinds):
            errors["event_kinds"] = _("Choose the kinds from the list.")
        elif kinds and self.measure == Measure.EVENTS_OF_KIND and self.event_kind \
                and "event_kind" not in errors and self.event_kind not in kinds:
            errors["event_kinds"] = _(
                "The rule counts “%(kind)s” but only the kinds chosen here are counted: the "
                "rule could not match anyone.") % {"kind": self.event_kind}


class ExplainedCode(TimeStampedModel):
    """A code the administrator keeps, with its name and explanation in Finnish, Swedish and
    English and whether it is in use: an identification rule here, a signal definition and an
    early-warning rule (``luotsi.signals``)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    explanation_fi = models.TextField(_("explanation in Finnish"), blank=True)
    explanation_sv = models.TextField(_("explanation in Swedish"), blank=True)
    explanation_en = models.TextField(_("explanation in English"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label()

    def _localised(self, prefix: str) -> str:
        language = (get_language() or "fi")[:2]
        return getattr(self, f"{prefix}_{language}", "") or getattr(self, f"{prefix}_fi")

    def label(self) -> str:
        return self._localised("name")

    def text(self) -> str:
        return self._localised("explanation")


class IdentificationRule(ExplainedCode, RuleConditions):
    """A configurable rule that flags a person as a possible shared client.

    Its conditions are those of its active version (``version``; 0 until one is activated, and
    a rule without an active version is not evaluated). They change only by activating a draft
    (``RuleVersion``), so that every flag can name the version that raised it.
    """

    version = models.PositiveIntegerField(
        _("active version"), default=1,
        help_text=_("The number of the version whose conditions are in use; 0: none yet."))

    class Meta:
        verbose_name = _("identification rule")
        verbose_name_plural = _("identification rules")
        ordering = ["code"]


class RuleVersion(TimeStampedModel, RuleConditions):
    """One version of a rule's conditions: a draft being edited, the active one, or one
    superseded. A draft is previewed (how many it would flag, against the active version) and
    activated (``luotsi.usage.services.rule_version_activate``); only then does it count.

    The preview is computed when asked for (``luotsi.usage.services.rule_version_preview``),
    not on every opening of the draft's page, and kept here with what it was computed over:
    the day counted on, the draft's conditions, the active version and the latest import."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("rule version", "Draft")
        ACTIVE = "active", pgettext_lazy("rule version", "Active")
        SUPERSEDED = "superseded", pgettext_lazy("rule version", "Superseded")

    rule = models.ForeignKey(IdentificationRule, on_delete=models.CASCADE,
                             related_name="versions", verbose_name=_("rule"))
    number = models.PositiveIntegerField(_("version"), null=True, blank=True,
                                         help_text=_("Given on activation."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("drafted by"))
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("activated by"))
    preview_computed_at = models.DateTimeField(_("preview computed"), null=True, blank=True,
                                               editable=False)
    preview_figures = models.JSONField(
        _("preview"), null=True, blank=True, editable=False,
        help_text=_("The last computed preview: its figures, the day counted on, the "
                    "conditions, the active version and the latest import it was computed "
                    "over."))

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["rule__code", "-status", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="usage_rule_version_number"),
            models.UniqueConstraint(fields=["rule"], condition=models.Q(status="draft"),
                                    name="usage_rule_one_draft"),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return _("%(rule)s: draft") % {"rule": self.rule}
        return _("%(rule)s: version %(number)s") % {"rule": self.rule, "number": self.number}


class RunMode(models.TextChoices):
    FULL = "full", pgettext_lazy("identification run", "Full")
    INCREMENTAL = "incremental", pgettext_lazy("identification run", "Daily (new events only)")


class IdentificationRun(models.Model):
    """One evaluation of the rules on an as-of date."""

    as_of = models.DateField(_("as of"))
    mode = models.CharField(_("mode"), max_length=20, choices=RunMode.choices)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    event_watermark = models.BigIntegerField(
        _("last event included"), default=0,
        help_text=_("The highest service-event id present when the run started."))
    rules_signature = models.CharField(max_length=64, blank=True)
    persons_evaluated = models.PositiveIntegerField(_("persons evaluated"), default=0)
    flagged = models.PositiveIntegerField(_("persons flagged"), default=0)
    flags_added = models.PositiveIntegerField(_("flags added"), default=0)
    flags_removed = models.PositiveIntegerField(_("flags removed"), default=0)

    class Meta:
        verbose_name = _("identification run")
        verbose_name_plural = _("identification runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_mode_display()})"


class Flag(models.Model):
    """A person's current match of one rule."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="usage_flags",
                               verbose_name=_("person"))
    rule = models.ForeignKey(IdentificationRule, on_delete=models.CASCADE, related_name="flags",
                             verbose_name=_("rule"))
    as_of = models.DateField(_("last confirmed on"))
    first_flagged_on = models.DateField(_("first flagged on"))
    run = models.ForeignKey(IdentificationRun, on_delete=models.SET_NULL, null=True,
                            related_name="flags", verbose_name=_("run"))
    rule_version = models.PositiveIntegerField(
        _("rule version"), default=1,
        help_text=_("The version of the rule that raised the flag (and last confirmed it)."))

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["person", "rule"], name="usage_flag_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.rule_id}"


class EventMonth(models.Model):
    """The generation of each month's events: raised by the database itself (triggers of
    migration 0009) in the same transaction as every insert, update or delete of events of that
    month, so that the analytical copy (``luotsi.usage.analytics``) knows exactly which of its
    month partitions are behind the events table."""

    month = models.CharField(_("month"), max_length=7, primary_key=True)  # YYYY-MM
    generation = models.PositiveBigIntegerField(_("generation"), default=1)

    class Meta:
        verbose_name = _("month of events")
        verbose_name_plural = _("months of events")

    def __str__(self) -> str:
        return f"{self.month} ({self.generation})"


class EventStore(models.Model):
    """The events table's identity: a copy names the database it was made from, so a copy made
    from another database is never taken for this one's (after a restore from a backup the copy
    is rebuilt: docs/operations.md)."""

    token = models.UUIDField(_("identity"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("event store")
        verbose_name_plural = _("event stores")

    def __str__(self) -> str:
        return str(self.token)
