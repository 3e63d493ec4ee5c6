"""One harmonised client plan per person, shared by every sector that works with them, built on
the national AVAIN contents (goals, situation factors, services, methods) and the AVAIN meter."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.common.legal_bases import LegalBasis, offered_field
from luotsi.common.models import LocalisedNameModel, TimeStampedModel
from luotsi.organisation.models import ServiceTask
from luotsi.people.models import Person


class Sector(models.TextChoices):
    """The codes of the sectors Luotsi ships (their API values never change). The sectors a plan
    offers are data, ``PlanSector``: a county adds one in the admin without a release, so no
    check or choice list is built from this enumeration (``luotsi.plans.sectors``)."""

    WORKING_AGE_SOCIAL = "working_age_social", pgettext_lazy(
        "sector", "Working-age social services")
    EMPLOYMENT = "employment", pgettext_lazy("sector", "Employment services")
    HEALTH = "health", pgettext_lazy("sector", "Health care")
    MENTAL_HEALTH_SUBSTANCE = "mental_health_substance", pgettext_lazy(
        "sector", "Mental-health and substance services")
    FAMILY_SERVICES = "family_services", pgettext_lazy("sector", "Family services")
    OLDER_PEOPLE = "older_people", pgettext_lazy("sector", "Services for older people")
    DISABILITY = "disability", pgettext_lazy("sector", "Disability services")


class PlanSector(LocalisedNameModel):
    """A sector whose part of the one plan is a section: its code (stable: the API's value), its
    names, its place in lists, whether it is offered, and the service tasks of the teams whose
    professionals work in it (they see its sections and may hold them)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True,
        help_text=_("An inactive sector is no longer offered; the sections it has keep it."))
    service_tasks = models.JSONField(
        _("service tasks"), default=list, blank=True,
        help_text=_("The service tasks of the teams whose professionals work in this sector, "
                    "as a list of codes."))

    class Meta:
        verbose_name = _("plan sector")
        verbose_name_plural = _("plan sectors")
        ordering = ["sort_order", "code"]

    def clean(self) -> None:
        super().clean()
        tasks = self.service_tasks
        if not isinstance(tasks, list) or any(t not in ServiceTask.values for t in tasks):
            raise ValidationError({"service_tasks": _(
                "List service tasks from: %(tasks)s.") % {"tasks": ", ".join(ServiceTask.values)}})


class SectorLabelled:
    """``get_sector_display`` for a model whose ``sector`` holds a ``PlanSector`` code."""

    sector: str

    def get_sector_display(self) -> str:
        from luotsi.plans.sectors import sector_label

        return sector_label(self.sector)


class CodeList(models.TextChoices):
    GOAL_AREA = "goal_area", pgettext_lazy("code list", "AVAIN goal areas")
    SITUATION_FACTOR = "situation_factor", pgettext_lazy("code list", "AVAIN situation factors")
    SERVICE = "service", pgettext_lazy("code list", "Services")
    METHOD = "method", pgettext_lazy("code list", "AVAIN methods")
    SUPPORT_NEED = "support_need", pgettext_lazy("code list", "Support needs (SHL 11 §)")


class CodeListVersion(models.Model):
    """One loaded version of a code list (``manage.py load_code_list``, docs/code-lists.md). The
    newest loaded version of a list is its current one and its codes are offered; the codes of
    older versions stay where plans recorded them and are shown, no longer chosen."""

    code_list = models.CharField(_("code list"), max_length=30, choices=CodeList.choices)
    version = models.CharField(_("version"), max_length=40)
    source = models.CharField(_("source"), max_length=300, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("Built for Luotsi until the national list is loaded."))
    current = models.BooleanField(_("in use"), default=False)
    loaded_at = models.DateTimeField(_("loaded"))

    class Meta:
        verbose_name = _("code-list version")
        verbose_name_plural = _("code-list versions")
        ordering = ["code_list", "-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "version"],
                                    name="codelist_version_unique"),
            models.UniqueConstraint(fields=["code_list"], condition=models.Q(current=True),
                                    name="codelist_one_current_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_list_display()} {self.version}"


class CodeListItem(LocalisedNameModel):
    """A code of one version of a code list. A plan's row points at the code of the version it
    was recorded with, so a later version changes what is offered, never what was recorded. A
    code is offered (``choosable``) while its version is the list's current one, it is active
    and today lies in its validity; otherwise it is retired: still shown, no longer chosen. No
    logic depends on a literal code."""

    code_list = models.CharField(_("code list"), max_length=30, choices=CodeList.choices)
    version = models.ForeignKey(CodeListVersion, on_delete=models.PROTECT, related_name="items",
                                verbose_name=_("version"))
    code = models.CharField(_("code"), max_length=40)
    parent_code = models.CharField(_("parent code"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["code_list", "-version__current", "sort_order", "code", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"],
                                               name="codelist_item_unique_in_version")]

    def choosable(self, today: date | None = None) -> bool:
        """Offered today: active, in the list's current version and within its validity."""
        today = today or timezone.localdate()
        return (self.active and self.version.current
                and (self.valid_from is None or self.valid_from <= today)
                and (self.valid_until is None or today <= self.valid_until))

    @property
    def retired(self) -> bool:
        return not self.choosable()


class RatingScale(models.Model):
    """A scale of the AVAIN meter (default 1–5 with labels)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    minimum = models.SmallIntegerField(_("lowest value"))
    maximum = models.SmallIntegerField(_("highest value"))
    is_default = models.BooleanField(_("default scale"), default=False)

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        constraints = [models.CheckConstraint(condition=models.Q(maximum__gt=models.F("minimum")),
                                              name="rating_scale_range")]

    def __str__(self) -> str:
        return f"{self.name} ({self.minimum}–{self.maximum})"


class RatingLevel(LocalisedNameModel):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.SmallIntegerField(_("value"))

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"],
                                               name="rating_level_unique")]


class PlainLanguageTerm(models.Model):
    """Office jargon and its plain alternative, per language, for the clear-language check."""

    language = models.CharField(_("language"), max_length=5,
                                choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")])
    term = models.CharField(_("term"), max_length=100)
    alternative = models.CharField(_("plain alternative"), max_length=200)

    class Meta:
        verbose_name = _("office-jargon term")
        verbose_name_plural = _("office-jargon terms")
        ordering = ["language", "term"]
        constraints = [models.UniqueConstraint(fields=["language", "term"],
                                               name="plain_term_unique")]

    def __str__(self) -> str:
        return f"{self.term} → {self.alternative}"


class WithholdingGround(LocalisedNameModel):
    """A statutory ground on which a part of the plan or a meeting's minutes is not shown to the
    client in their own area, with its source in law. The rows are data (loaded by a data
    migration, editable by an administrator): a part is withheld only on one of them, and the
    ground stays recorded with the part; ``offered`` false keeps an older ground readable."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    source = models.CharField(_("legal source"), max_length=300)
    offered = models.BooleanField(_("offered for new markings"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ground for not showing to the client")
        verbose_name_plural = _("grounds for not showing to the client")
        ordering = ["order", "code"]


class Plan(TimeStampedModel):
    """The one living client plan of a person. Sector parts are its sections."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="plan",
                                  verbose_name=_("client"))
    language = models.CharField(_("language of the plan"), max_length=5,
                                choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
                                default="fi")
    client_situation = models.TextField(_("the client's situation in their own words"),
                                        blank=True)
    client_view = models.TextField(_("the client's view"), blank=True)
    disagreement = models.TextField(_("disagreement and its reasons"), blank=True)
    # Two roles (docs/permissions.md): the plan's coordinator or case manager, from any sector, who
    # holds the whole together and whom the client contacts first; and the statutory named
    # worker (omatyöntekijä, SHL 42 §), a social-welfare professional (a licensed social worker
    # when the client needs special support), checked by ``services.named_worker_set``.
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="coordinated_plans", verbose_name=_("coordinator (case manager)"))
    named_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="named_worker_plans",
        verbose_name=_("named worker (omatyöntekijä, SHL 42 §)"))
    needs_special_support = models.BooleanField(
        _("the client needs special support (SHL 3 §)"), default=False,
        help_text=_("The named worker of a client who needs special support is a licensed "
                    "social worker (SHL 42 §)."))
    review_on = models.DateField(_("next review"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    revision = models.PositiveIntegerField(
        default=1, help_text="Raised on every change; the ETag and the edit check use it.")
    accepted_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("client plan")
        verbose_name_plural = _("client plans")
        indexes = [models.Index(fields=["coordinator", "review_on"], name="plan_coord_review"),
                   models.Index(fields=["named_worker", "review_on"],
                                name="plan_named_worker_review")]

    def __str__(self) -> str:
        return str(self.person)


class PlanSection(SectorLabelled, TimeStampedModel):
    """A sector's part of the plan, with its responsible professional. An imported plan from
    another system is a draft section until the team merges it in."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("section status", "Part of the plan")
        IMPORTED = "imported", pgettext_lazy("section status", "Imported draft")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    sector = models.CharField(_("sector"), max_length=30)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="plan_sections",
                                    verbose_name=_("responsible professional"))
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    imported = models.JSONField(_("imported content"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["sector", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["plan", "sector"], condition=models.Q(status="active"),
            name="plan_section_one_active_per_sector")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.get_sector_display()}"


class Goal(TimeStampedModel):
    class Priority(models.IntegerChoices):
        HIGH = 1, pgettext_lazy("priority", "High")
        MEDIUM = 2, pgettext_lazy("priority", "Medium")
        LOW = 3, pgettext_lazy("priority", "Low")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    section = models.ForeignKey(PlanSection, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="goals", verbose_name=_("sector"))
    goal_area = models.ForeignKey(CodeListItem, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("AVAIN goal area"))
    client_wording = models.TextField(_("the goal in the client's own words"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices,
                                                default=Priority.MEDIUM)
    achieved_on = models.DateField(_("achieved"), null=True, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.client_wording[:60]


class GoalFactor(models.Model):
    class Effect(models.TextChoices):
        SUPPORTS = "supports", pgettext_lazy("factor effect", "Supports")
        HINDERS = "hinders", pgettext_lazy("factor effect", "Hinders")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="factors")
    factor = models.ForeignKey(CodeListItem, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("situation factor"))
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("situation factor")
        verbose_name_plural = _("situation factors")

    def __str__(self) -> str:
        return f"{self.factor} ({self.effect})"


class PlanService(SectorLabelled, TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("service status", "Planned")
        ONGOING = "ongoing", pgettext_lazy("service status", "Ongoing")
        ENDED = "ended", pgettext_lazy("service status", "Ended")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="services")
    section = models.ForeignKey(PlanSection, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="services")
    item = models.ForeignKey(CodeListItem, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("service"))
    provider = models.CharField(_("provider organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=30)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("responsible professional"))
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)

    class Meta:
        verbose_name = _("service in the plan")
        verbose_name_plural = _("services in the plan")
        ordering = ["sector", "pk"]

    def __str__(self) -> str:
        return str(self.item)


class PlanMethod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="methods")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="methods")
    method = models.ForeignKey(CodeListItem, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("method"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("method")
        verbose_name_plural = _("methods")

    def __str__(self) -> str:
        return str(self.method)


class PlanSupportNeed(TimeStampedModel):
    """A support need of the client (SHL 11 §) recorded in the plan (SHL 39 §): a code of the
    support-needs code list, with an optional short note, by whom and when. One need at most
    once per plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="support_needs")
    need = models.ForeignKey(CodeListItem, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("support need"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("support need")
        verbose_name_plural = _("support needs")
        ordering = ["need__sort_order", "need__code", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "need"],
                                               name="plan_support_need_once")]

    def __str__(self) -> str:
        return str(self.need)


class Step(TimeStampedModel):
    """A concrete step: what, who (the client or a named professional), by when, done."""

    class Owner(models.TextChoices):
        CLIENT = "client", pgettext_lazy("step owner", "The client")
        PROFESSIONAL = "professional", pgettext_lazy("step owner", "A professional")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="steps")
    what = models.CharField(_("what"), max_length=300)
    owner_kind = models.CharField(_("who"), max_length=20, choices=Owner.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="plan_steps",
                              verbose_name=_("professional"))
    due_on = models.DateField(_("by when"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    # Not shown to the client in their own area, on this statutory ground (none: shown).
    withheld_ground = models.ForeignKey(
        WithholdingGround, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("not shown to the client, on the ground"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what


class Participant(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", pgettext_lazy("participant", "Client")
        CLOSE_PERSON = "close_person", pgettext_lazy("participant", "Close person")
        PROFESSIONAL = "professional", pgettext_lazy("participant", "Professional")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="plan_participations")
    name = models.CharField(_("name"), max_length=200, blank=True)
    role_text = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return str(self.user or self.name)


class Consent(SectorLabelled, TimeStampedModel):
    """The client's consent to share the plan with a named sector (SHL 41 §).

    A consent recorded by a professional is ``given``; one a professional asks the client for
    is ``requested`` until the client accepts it in their own area (then ``given`` from that
    day, ``answered_at`` when). Only a given consent is ever in force (``in_force_on``)."""

    class Status(models.TextChoices):
        GIVEN = "given", pgettext_lazy("consent status", "Given")
        REQUESTED = "requested", pgettext_lazy("consent status", "Asked from the client")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.GIVEN)
    answered_at = models.DateTimeField(_("accepted by the client"), null=True, blank=True)
    sector = models.CharField(_("shared with"), max_length=30)
    scope = models.CharField(_("scope"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["sector", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.get_sector_display()}: {self.scope}"

    def in_force_on(self, day) -> bool:
        return (self.status == self.Status.GIVEN and self.withdrawn_on is None
                and self.valid_from <= day and (self.valid_until is None
                                                or self.valid_until >= day))


class DisclosureBasis(LegalBasis):
    """A legal basis on which another sector's section of a plan may be shown to a professional
    (the consultation bases, ``sharedcare.ConsultationBasis``, are the same shape): data with its
    legal source, kept by the administrator. A basis that requires consent is accepted only with
    the client's consent in force covering the professional's sector."""

    offered = offered_field(_("offered for showing a section"))

    class Meta(LegalBasis.Meta):
        verbose_name = _("basis for showing another sector's section")
        verbose_name_plural = _("bases for showing another sector's section")


class SectionDisclosure(models.Model):
    """Another sector's section of a plan shown to one professional, on a basis: the section is
    on their plan page until ``valid_until`` (and, on a basis that requires consent, while the
    consent relied on is in force). The disclosure is in the access log with its basis."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="disclosures")
    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("section"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("shown to"))
    basis = models.ForeignKey(DisclosureBasis, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("basis for disclosure"))
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("consent relied on"))
    disclosed_at = models.DateTimeField(_("shown"), auto_now_add=True)
    valid_until = models.DateField(_("shown until"))

    class Meta:
        verbose_name = _("section shown to another sector")
        verbose_name_plural = _("sections shown to other sectors")
        ordering = ["-disclosed_at"]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.section_id} → {self.recipient_id} ({self.basis_id})"


class PlanVersion(models.Model):
    """An accepted version: an immutable snapshot of the whole plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    accepted_at = models.DateTimeField(_("accepted"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    client_took_part = models.BooleanField(_("the client took part"), default=False)
    snapshot = models.JSONField()
    changes = models.JSONField(default=list, help_text="What changed since the previous version.")

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class Review(TimeStampedModel):
    """A plan review (suunnitelman arvio): scheduled, then held with the client."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    scheduled_on = models.DateField(_("scheduled"))
    held_on = models.DateField(_("held"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["scheduled_on", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.scheduled_on}"


class Rating(models.Model):
    """An AVAIN meter rating of one goal at the start or at a review."""

    class Occasion(models.TextChoices):
        START = "start", pgettext_lazy("rating occasion", "Start")
        REVIEW = "review", pgettext_lazy("rating occasion", "Review")

    class RatedBy(models.TextChoices):
        CLIENT = "client", pgettext_lazy("rated by", "The client")
        PROFESSIONAL = "professional", pgettext_lazy("rated by", "The professional")
        TOGETHER = "together", pgettext_lazy("rated by", "Together")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="ratings")
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    rated_on = models.DateField(_("date"))
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("rating"))
    rated_by_kind = models.CharField(_("rated by"), max_length=20, choices=RatedBy.choices)
    client_took_part = models.BooleanField(_("the client took part"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("AVAIN rating")
        verbose_name_plural = _("AVAIN ratings")
        ordering = ["goal", "rated_on", "pk"]
        indexes = [models.Index(fields=["goal", "rated_on"], name="rating_goal_date")]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.value} ({self.rated_on})"


class Evaluation(TimeStampedModel):
    """One evaluation of the AVAIN meter beside the goals' ratings, at the start or at a review:
    a service or a working method of the plan (did it help, on the plan's rating scale, with a
    note), a situation factor assessed again (better, the same, worse), or the client's own
    rating of a goal.

    Who rated is a field of its own, never implied: ``rater`` is the professional or the client.
    The client's own rating of every rated item (goals included; the professional's goal ratings
    are ``Rating`` rows) is a row with ``rater = client``, written by
    ``services.record_client_rating``: recorded by a professional with the client
    (``recorded_by`` the professional) or entered by the client in their own area
    (``entered_by = client``, ``recorded_by`` empty)."""

    class Subject(models.TextChoices):
        GOAL = "goal", pgettext_lazy("evaluated", "Goal")
        SERVICE = "service", pgettext_lazy("evaluated", "Service")
        METHOD = "method", pgettext_lazy("evaluated", "Method")
        FACTOR = "factor", pgettext_lazy("evaluated", "Situation factor")

    class Rater(models.TextChoices):
        PROFESSIONAL = "professional", pgettext_lazy("rater", "The professional")
        CLIENT = "client", pgettext_lazy("rater", "The client")

    class EnteredBy(models.TextChoices):
        PROFESSIONAL = "professional", pgettext_lazy(
            "entered by", "Recorded by a professional")
        CLIENT = "client", pgettext_lazy("entered by", "Entered by the client")

    class Direction(models.TextChoices):
        BETTER = "better", pgettext_lazy("factor direction", "Better")
        SAME = "same", pgettext_lazy("factor direction", "The same")
        WORSE = "worse", pgettext_lazy("factor direction", "Worse")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations")
    subject = models.CharField(_("evaluated"), max_length=10, choices=Subject.choices)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="evaluations", verbose_name=_("goal"))
    service = models.ForeignKey(PlanService, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="evaluations", verbose_name=_("service"))
    method = models.ForeignKey(PlanMethod, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="evaluations", verbose_name=_("method"))
    factor = models.ForeignKey(GoalFactor, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="evaluations", verbose_name=_("situation factor"))
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="evaluations")
    occasion = models.CharField(_("occasion"), max_length=10, choices=Rating.Occasion.choices)
    rated_on = models.DateField(_("date"))
    rater = models.CharField(_("rated by"), max_length=20, choices=Rater.choices)
    # On the scale (goals, services, methods) ...
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    value = models.SmallIntegerField(_("rating"), null=True, blank=True)
    # ... or as a direction (situation factors).
    direction = models.CharField(_("change"), max_length=10, choices=Direction.choices,
                                 blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.CharField(_("entered by"), max_length=20, choices=EnteredBy.choices,
                                  default=EnteredBy.PROFESSIONAL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("AVAIN evaluation")
        verbose_name_plural = _("AVAIN evaluations")
        ordering = ["plan", "rated_on", "pk"]
        indexes = [models.Index(fields=["plan", "subject", "rated_on"], name="evaluation_plan"),
                   models.Index(fields=["service", "rated_on"], name="evaluation_service"),
                   models.Index(fields=["method", "rated_on"], name="evaluation_method")]
        constraints = [
            # exactly the row the subject names
            models.CheckConstraint(name="evaluation_subject_row", condition=(
                models.Q(subject="goal", goal__isnull=False, service__isnull=True,
                         method__isnull=True, factor__isnull=True)
                | models.Q(subject="service", goal__isnull=True, service__isnull=False,
                           method__isnull=True, factor__isnull=True)
                | models.Q(subject="method", goal__isnull=True, service__isnull=True,
                           method__isnull=False, factor__isnull=True)
                | models.Q(subject="factor", goal__isnull=True, service__isnull=True,
                           method__isnull=True, factor__isnull=False))),
            # a factor has a direction, the rest a value on a scale
            models.CheckConstraint(name="evaluation_value_or_direction", condition=(
                models.Q(subject="factor", value__isnull=True, scale__isnull=True,
                         direction__in=["better", "same", "worse"])
                | (~models.Q(subject="factor") & models.Q(
                    value__isnull=False, scale__isnull=False, direction="")))),
            # the professional's goal ratings are ``Rating`` rows; here only the client's own
            models.CheckConstraint(name="evaluation_goal_by_client", condition=(
                ~models.Q(subject="goal") | models.Q(rater="client"))),
            # who entered it is explicit: a professional is named, the client only for their own
            models.CheckConstraint(name="evaluation_entered_by", condition=(
                models.Q(entered_by="professional", recorded_by__isnull=False)
                | models.Q(entered_by="client", rater="client", recorded_by__isnull=True))),
        ]

    def __str__(self) -> str:
        shown = self.direction or self.value
        return f"{self.plan_id} {self.subject}: {shown} ({self.rater}, {self.rated_on})"


class PlanFeedback(models.Model):
    """The client's short answer after a review or a network meeting: did the plan help? Read
    only as an anonymous summary (the effectiveness report, small cells suppressed); one answer
    per occasion. ``occasion_id`` is the review's or the meeting's id (a meeting belongs to the
    shared clients above this app, so it is named by its id)."""

    class Occasion(models.TextChoices):
        REVIEW = "review", pgettext_lazy("feedback occasion", "Review")
        MEETING = "meeting", pgettext_lazy("feedback occasion", "Network meeting")

    class Answer(models.TextChoices):
        YES = "yes", pgettext_lazy("did the plan help", "Yes")
        PARTLY = "partly", pgettext_lazy("did the plan help", "Partly")
        NO = "no", pgettext_lazy("did the plan help", "No")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="feedback")
    occasion = models.CharField(_("after"), max_length=10, choices=Occasion.choices)
    occasion_id = models.PositiveBigIntegerField()
    occasion_on = models.DateField(_("date of the occasion"))
    answer = models.CharField(_("did the plan help"), max_length=10, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("client's feedback")
        verbose_name_plural = _("clients' feedback")
        constraints = [models.UniqueConstraint(fields=["plan", "occasion", "occasion_id"],
                                               name="plan_feedback_once")]
        indexes = [models.Index(fields=["occasion_on"], name="plan_feedback_on")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.occasion} {self.occasion_id}: {self.answer}"
