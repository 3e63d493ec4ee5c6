"""One door for families with children: contacts and notifications, urgency, the initial
assessment by the central team, the service-need assessment by a regional team, and the
statutory deadlines that hang off them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from luotsi.common.formatting import format_date
from luotsi.common.models import LocalisedNameModel, TimeStampedModel
from luotsi.deadlines.rules import working_days_late
from luotsi.organisation.models import Municipality, Team
from luotsi.people.models import Person


class ContactKind(models.TextChoices):
    GUARDIAN_APPLICATION = "guardian_application", pgettext_lazy(
        "contact kind", "Application by a guardian")
    CHILD_APPLICATION = "child_application", pgettext_lazy("contact kind", "Application by a child")
    SHL_CONTACT = "shl_contact", pgettext_lazy(
        "contact kind", "Contact with consent (SHL 35 §)")
    SHL_NOTIFICATION = "shl_notification", pgettext_lazy(
        "contact kind", "Notification without consent (SHL 35 §)")
    SHL_SPECIAL_SUPPORT_NOTIFICATION = "shl_special_support_notification", pgettext_lazy(
        "contact kind", "Notification about a child who may need special support (SHL 35 §)")
    CHILD_WELFARE_NOTIFICATION = "child_welfare_notification", pgettext_lazy(
        "contact kind", "Child-welfare notification (LSL 25 §)")
    PRE_BIRTH_NOTIFICATION = "pre_birth_notification", pgettext_lazy(
        "contact kind", "Pre-birth notification (LSL 25 c §)")
    AUTHORITY_REQUEST = "authority_request", pgettext_lazy(
        "contact kind", "Request from the police or another authority")
    SOCIAL_EMERGENCY = "social_emergency", pgettext_lazy(
        "contact kind", "Contact through the social emergency service")


# The statutory clock each kind carries is luotsi.deadlines.rules.required_clock(kind); the
# worker may choose a stricter one (e.g. the special-support clock, SHL 36 §, for a child needing
# special support), never a weaker one. Codes are luotsi.deadlines.rules.KINDS.
CLOCK_CHOICES = [
    ("child_welfare_notification", pgettext_lazy("clock", "Child welfare (LSL 26 §)")),
    ("shl_special_support_child", pgettext_lazy(
        "clock", "Child needing special support (SHL 36 §)")),
    ("shl_contact", pgettext_lazy("clock", "Support need under SHL (SHL 35–36 §)")),
    ("pre_birth_notification", pgettext_lazy("clock", "Pre-birth notification (LSL 25 c §)")),
    ("shl_priority_adult", pgettext_lazy(
        "clock", "Person over 75 or with the highest care allowance (SHL 36 §)")),
]


class Channel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    ELECTRONIC = "electronic", pgettext_lazy("channel", "Electronic form")
    WRITTEN = "written", pgettext_lazy("channel", "Letter")
    IN_PERSON = "in_person", pgettext_lazy("channel", "In person")
    EMERGENCY_SERVICE = "emergency_service", pgettext_lazy("channel", "Social emergency service")


class ReporterKind(models.TextChoices):
    HEALTH_CARE = "health_care", pgettext_lazy("reporter", "Health care")
    EDUCATION = "education", pgettext_lazy("reporter", "School or education")
    EARLY_CHILDHOOD = "early_childhood", pgettext_lazy("reporter", "Early childhood education")
    POLICE = "police", pgettext_lazy("reporter", "Police")
    SOCIAL_SERVICES = "social_services", pgettext_lazy("reporter", "Social services")
    OTHER_AUTHORITY = "other_authority", pgettext_lazy("reporter", "Other authority")
    GUARDIAN = "guardian", pgettext_lazy("reporter", "Guardian")
    CHILD = "child", pgettext_lazy("reporter", "The child")
    RELATIVE = "relative", pgettext_lazy("reporter", "Relative or close person")
    PRIVATE_PERSON = "private_person", pgettext_lazy("reporter", "Other private person")
    ANONYMOUS = "anonymous", pgettext_lazy("reporter", "Anonymous")


class ContactStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("contact status", "New")
    IN_ASSESSMENT = "in_assessment", pgettext_lazy("contact status", "Initial assessment")
    ROUTED = "routed", pgettext_lazy("contact status", "Routed to service-need assessment")
    CLOSED = "closed", pgettext_lazy("contact status", "Closed")


class Urgency(models.TextChoices):
    URGENT = "urgent", pgettext_lazy("urgency", "Urgent")
    NOT_URGENT = "not_urgent", pgettext_lazy("urgency", "Not urgent")


class ProviderKind(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("provider", "Public")
    PRIVATE = "private", pgettext_lazy("provider", "Private")
    THIRD_SECTOR = "third_sector", pgettext_lazy("provider", "Third sector")


class ServiceCatalogueItem(LocalisedNameModel):
    """A service the central team can refer a family to, with the municipalities it serves."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    provider = models.CharField(_("provider"), max_length=200)
    provider_kind = models.CharField(_("provider kind"), max_length=20,
                                     choices=ProviderKind.choices)
    municipalities = models.ManyToManyField(Municipality, related_name="catalogue_items",
                                            blank=True, verbose_name=_("municipalities served"))
    contact_info = models.CharField(_("how to reach"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service in the catalogue")
        verbose_name_plural = _("service catalogue")
        ordering = ["name_fi"]


class NamedWorkerNeed(models.TextChoices):
    """The assessment's view of the need for a named worker (omatyöntekijä, SHL 42 §)."""

    NEEDED = "needed", pgettext_lazy("named worker need", "Needed")
    NOT_NEEDED = "not_needed", pgettext_lazy(
        "named worker need", "Not needed (obviously unnecessary, SHL 42 §)")


class SupportNeed(models.TextChoices):
    """How long the need for support is expected to last (THL: temporary, repeated or
    continuous, long-term)."""

    TEMPORARY = "temporary", pgettext_lazy("support need", "Temporary")
    REPEATED = "repeated", pgettext_lazy("support need", "Repeated")
    LONG_TERM = "long_term", pgettext_lazy("support need", "Long-term")


class SupportMeasure(models.TextChoices):
    """The code list of support started during a service-need assessment (SHL 14 and 18–19 §,
    LSL 36 §)."""

    SOCIAL_GUIDANCE = "social_guidance", pgettext_lazy("support measure", "Social guidance")
    FAMILY_WORK = "family_work", pgettext_lazy("support measure", "Family work")
    INTENSIVE_FAMILY_WORK = "intensive_family_work", pgettext_lazy(
        "support measure", "Intensive family work")
    HOME_HELP = "home_help", pgettext_lazy(
        "support measure", "Home help for families with children")
    FAMILY_COUNSELLING = "family_counselling", pgettext_lazy(
        "support measure", "Child and family guidance clinic")
    SUPPORT_PERSON = "support_person", pgettext_lazy(
        "support measure", "Support person or support family")
    PEER_GROUP = "peer_group", pgettext_lazy("support measure", "Peer group activity")
    SOCIAL_REHABILITATION = "social_rehabilitation", pgettext_lazy(
        "support measure", "Social rehabilitation")
    SUBSTANCE_ABUSE_WORK = "substance_abuse_work", pgettext_lazy(
        "support measure", "Substance abuse work")
    MENTAL_HEALTH_WORK = "mental_health_work", pgettext_lazy(
        "support measure", "Mental health work")
    PREVENTIVE_ASSISTANCE = "preventive_assistance", pgettext_lazy(
        "support measure", "Preventive social assistance")
    CHILD_WELFARE_OPEN_CARE = "child_welfare_open_care", pgettext_lazy(
        "support measure", "Child-welfare open-care support (LSL 36 §)")
    OTHER = "other", pgettext_lazy("support measure", "Other support")


class Assessment(TimeStampedModel):
    """A service-need assessment (palvelutarpeen arviointi, SHL 36 §) of a child and family by a
    regional team. It may hold several contacts about the same child."""

    class Outcome(models.TextChoices):
        CHILD_WELFARE_CLIENT = "child_welfare_client", pgettext_lazy(
            "assessment outcome", "Child-welfare client relationship (LSL 27 §)")
        FAMILY_SOCIAL_SERVICES = "family_social_services", pgettext_lazy(
            "assessment outcome", "Client of family social services (SHL)")
        REFERRAL = "referral", pgettext_lazy("assessment outcome", "Referral to a service")
        CLOSED = "closed", pgettext_lazy("assessment outcome", "Closed, no need for services")

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments",
                              verbose_name=_("child"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments",
                             verbose_name=_("team"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="assessments",
                               verbose_name=_("responsible worker"))
    pair_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="pair_assessments",
                                    verbose_name=_("pair worker"))
    opened_on = models.DateField(_("case opened"))
    started_on = models.DateField(_("assessment started"), null=True, blank=True)
    completed_on = models.DateField(_("assessment completed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("summary and reasons"), blank=True)
    informed_on = models.DateField(_("child and guardian informed"), null=True, blank=True)
    # The required content of the result (palvelutarpeen arvio, SHL 36 §; domain spec § 3.2).
    conclusions = models.TextField(_("conclusions on the conditions for clienthood"), blank=True)
    client_view = models.TextField(_("the client's own view of their needs"), blank=True)
    named_worker_need = models.CharField(_("need for a named worker (omatyöntekijä)"),
                                         max_length=20, choices=NamedWorkerNeed.choices,
                                         blank=True)
    children_situation = models.TextField(
        _("situation of any child in the adult's care"), blank=True)
    child_met_on = models.DateField(_("child met and heard"), null=True, blank=True)
    child_not_met_reason = models.TextField(_("why the child was not met"), blank=True)
    child_view = models.TextField(_("the child's own view"), blank=True)
    support_need = models.CharField(_("need for support"), max_length=20,
                                    choices=SupportNeed.choices, blank=True)
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="client_cases", verbose_name=_("named worker (omatyöntekijä)"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("service-need assessment")
        verbose_name_plural = _("service-need assessments")
        indexes = [models.Index(fields=["team", "completed_on"], name="assessment_team_open")]

    def __str__(self) -> str:
        return f"{self.child} {format_date(self.opened_on)}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None


class AssessmentSupport(models.Model):
    """A support measure started during a service-need assessment, and when."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="support_measures")
    measure = models.CharField(_("support measure"), max_length=40,
                               choices=SupportMeasure.choices)
    started_on = models.DateField(_("started"))
    note = models.CharField(_("details"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("support measure started")
        verbose_name_plural = _("support measures started")
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {format_date(self.started_on)}"


class AssessmentReferral(models.Model):
    """A referral made during a service-need assessment: to which service, and when."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="referrals")
    service = models.ForeignKey(ServiceCatalogueItem, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("service"))
    referred_on = models.DateField(_("referred"))
    note = models.CharField(_("details"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["referred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.service} {format_date(self.referred_on)}"


class Contact(TimeStampedModel):
    """A contact or notification about a child or family, registered once."""

    kind = models.CharField(_("kind"), max_length=40, choices=ContactKind.choices)
    clock = models.CharField(_("statutory clock"), max_length=40, choices=CLOCK_CHOICES)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), db_index=True)
    opened_on = models.DateField(_("opening day"))
    reporter_kind = models.CharField(_("reporter"), max_length=30, choices=ReporterKind.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_organisation = models.CharField(_("reporter's organisation"), max_length=200,
                                             blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, blank=True)
    reporter_protected = models.BooleanField(
        _("reporter's identity protected from the family"), default=False,
        help_text=_("When telling the family would endanger the child's interest or the "
                    "reporter's safety."))
    description = models.TextField(_("what was reported"))
    family_informed = models.BooleanField(
        _("the reporter has told the family"), default=False)
    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="contacts_as_child",
        verbose_name=_("child"),
        help_text=_("The first child concerned; access to the contact follows access to them."))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="contacts",
                                     verbose_name=_("family's municipality"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="contacts",
                             verbose_name=_("team"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="assigned_contacts",
                                 verbose_name=_("worker"))
    pair_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="pair_contacts",
                                    verbose_name=_("pair worker"))
    status = models.CharField(_("status"), max_length=20, choices=ContactStatus.choices,
                              default=ContactStatus.NEW)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, blank=True)
    urgency_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    urgency_at = models.DateTimeField(_("urgency assessed"), null=True, blank=True)
    urgency_note = models.TextField(_("urgency note"), blank=True)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="contacts",
                                   verbose_name=_("service-need assessment"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+")
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The queue's ordering keys, kept by luotsi.intake.queue_keys in the same transaction as
    # every change to the urgency, the status or the deadlines (services and the sweeper):
    # the queues read one index in order instead of aggregating deadlines per request.
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True, editable=False)
    deadline_status = models.CharField(_("deadline status"), max_length=20, blank=True,
                                       editable=False)
    queue_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    # The initial assessment's outcome, copied when it is recorded: the key figures count
    # routed contacts by month from one index, without joining the initial assessments.
    initial_outcome = models.CharField(max_length=30, blank=True, editable=False)
    # The team that made (or is to make) the routing decision: the registering intake team,
    # then the team that recorded the initial assessment. It stays when the contact moves on to
    # a regional team, so the pilot's measure is filtered by the deciding team.
    routing_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False,
                                     verbose_name=_("team that made the routing decision"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["team", "status"], name="contact_team_status"),
            models.Index(fields=["assignee", "status"], name="contact_assignee_status"),
            models.Index(fields=["status", "opened_on"], name="contact_status_opened"),
            # Open contacts only (a few thousand among hundreds of thousands of closed ones):
            # the queues, "my work" and the open-item counts read through it (bench_intake.py).
            models.Index(fields=["team", "assignee"], condition=~models.Q(status="closed"),
                         name="contact_open_team"),
            # The queue's WHERE + ORDER BY: a team's open contacts (or all of them) in the order
            # the work should be done, so a page is the first rows of one index range.
            models.Index(fields=["team", "queue_rank", "next_due_on", "received_at", "id"],
                         condition=~models.Q(status="closed"), name="contact_queue_team"),
            models.Index(fields=["queue_rank", "next_due_on", "received_at", "id"],
                         condition=~models.Q(status="closed"), name="contact_queue_all"),
            # "My work": a worker's open contacts in queue order, and by the nearest deadline.
            models.Index(fields=["assignee", "queue_rank", "next_due_on", "received_at", "id"],
                         condition=~models.Q(status="closed"), name="contact_queue_assignee"),
            models.Index(fields=["assignee", "next_due_on"],
                         condition=~models.Q(status="closed"), name="contact_due_assignee"),
            models.Index(fields=["opened_on", "initial_outcome"], name="contact_opened_outcome"),
            # Open items by municipality (key figures) from the open contacts only.
            models.Index(fields=["municipality", "next_due_on"],
                         condition=~models.Q(status="closed"), name="contact_open_municipality"),
            # Median days to outcome: closed contacts by closing day, with their opening day.
            models.Index(fields=["closed_on", "opened_on"], name="contact_closed_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_date(self.opened_on)}"

    @property
    def is_urgent_open(self) -> bool:
        return self.urgency == Urgency.URGENT and self.status != ContactStatus.CLOSED


class AdviceKind(models.TextChoices):
    """Work of the one door that names no child: advice and guidance to families and
    consultations from other professionals ("should I notify?")."""

    ADVICE = "advice", pgettext_lazy("contact kind", "Advice and guidance")
    PROFESSIONAL_CONSULTATION = "professional_consultation", pgettext_lazy(
        "contact kind", "Consultation from a professional")


class AdviceTopic(models.TextChoices):
    PARENTING = "parenting", pgettext_lazy("advice topic", "Parenting and upbringing")
    CHILD_DEVELOPMENT = "child_development", pgettext_lazy(
        "advice topic", "Child's development or health")
    SCHOOL_DAYCARE = "school_daycare", pgettext_lazy(
        "advice topic", "School or early childhood education")
    MENTAL_HEALTH = "mental_health", pgettext_lazy("advice topic", "Mental health")
    SUBSTANCE_USE = "substance_use", pgettext_lazy("advice topic", "Substance use")
    VIOLENCE = "violence", pgettext_lazy("advice topic", "Violence or its threat")
    SEPARATION = "separation", pgettext_lazy(
        "advice topic", "Separation, custody and contact")
    LIVELIHOOD = "livelihood", pgettext_lazy("advice topic", "Livelihood and housing")
    SERVICES = "services", pgettext_lazy("advice topic", "Services and how to apply")
    NOTIFICATION_DUTY = "notification_duty", pgettext_lazy(
        "advice topic", "Whether to notify (duty to notify)")
    OTHER = "other", pgettext_lazy("advice topic", "Other")


class AskerGroup(models.TextChoices):
    PARENT = "parent", pgettext_lazy("asker", "Parent or guardian")
    CHILD = "child", pgettext_lazy("asker", "Child or young person")
    RELATIVE = "relative", pgettext_lazy("asker", "Other relative")
    SCHOOL = "professional_school", pgettext_lazy("asker", "Professional: school")
    DAYCARE = "professional_daycare", pgettext_lazy(
        "asker", "Professional: early childhood education")
    HEALTH = "professional_health", pgettext_lazy("asker", "Professional: health care")
    POLICE = "professional_police", pgettext_lazy("asker", "Professional: police")
    OTHER_PROFESSIONAL = "professional_other", pgettext_lazy("asker", "Professional: other")
    ANONYMOUS = "anonymous", pgettext_lazy("asker", "Anonymous")


class AdviceOutcome(models.TextChoices):
    ADVICE_GIVEN = "advice_given", pgettext_lazy("advice outcome", "Advice given")
    REFERRED = "referred", pgettext_lazy("advice outcome", "Referred elsewhere")
    NOTIFICATION_ADVISED = "notification_advised", pgettext_lazy(
        "advice outcome", "Advised to notify")
    CONVERTED = "converted", pgettext_lazy("advice outcome", "Converted into a named contact")


class AdviceRecord(TimeStampedModel):
    """Advice, guidance or a professional's consultation at the one door, without a named child
    and without any person data: what it was about, through which channel, who asked (a group,
    never a name), how long it took and how it ended. No statutory clock runs. When names are
    given it is converted into a named contact (``converted_to``), whose clocks start at this
    record's received time."""

    kind = models.CharField(_("kind"), max_length=40, choices=AdviceKind.choices)
    topic = models.CharField(_("topic"), max_length=30, choices=AdviceTopic.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    asker_group = models.CharField(_("who asked"), max_length=30, choices=AskerGroup.choices)
    received_at = models.DateTimeField(_("received"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    outcome = models.CharField(_("outcome"), max_length=30, choices=AdviceOutcome.choices)
    summary = models.TextField(
        _("summary"), blank=True,
        help_text=_("What was asked and advised, without names or identity codes."))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="advice_records",
                             verbose_name=_("team"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    converted_to = models.OneToOneField(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="advice_record",
        verbose_name=_("named contact"))
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("advice or consultation")
        verbose_name_plural = _("advice and consultations")
        indexes = [models.Index(fields=["received_at", "kind"], name="advice_received_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ContactPerson(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", pgettext_lazy("contact role", "Child")
        UNBORN = "unborn", pgettext_lazy("contact role", "Unborn child")
        GUARDIAN = "guardian", pgettext_lazy("contact role", "Guardian")
        EXPECTANT_PARENT = "expectant_parent", pgettext_lazy("contact role", "Expectant parent")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("person concerned")
        verbose_name_plural = _("persons concerned")
        constraints = [models.UniqueConstraint(fields=["contact", "person"],
                                               name="contact_person_unique")]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.person_id} ({self.role})"


class InitialAssessment(TimeStampedModel):
    """The central team's initial assessment (alkuarviointi) of one contact."""

    class Outcome(models.TextChoices):
        ADVICE = "advice", pgettext_lazy("initial outcome", "Advice and guidance given (closed)")
        REFERRAL = "referral", pgettext_lazy("initial outcome", "Referral to a service")
        SERVICE_NEED_ASSESSMENT = "service_need_assessment", pgettext_lazy(
            "initial outcome", "Service-need assessment by the regional team")
        NO_ACTION = "no_action", pgettext_lazy("initial outcome", "No action")

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT,
                                   related_name="initial_assessment")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    reason = models.TextField(_("summary and reasons"), blank=True)
    referral = models.ForeignKey(ServiceCatalogueItem, on_delete=models.PROTECT, null=True,
                                 blank=True, verbose_name=_("referred to"))
    informed_on = models.DateField(_("child and guardian informed (LSL 26 §)"), null=True,
                                   blank=True)
    not_informed_reason = models.TextField(
        _("why the child and guardian were not informed"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(_("decided"))

    class Meta:
        verbose_name = _("initial assessment")
        verbose_name_plural = _("initial assessments")


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        OFFICE = "office", pgettext_lazy("meeting", "Office meeting")
        NETWORK = "network", pgettext_lazy("meeting", "Network meeting")
        HOME_VISIT = "home_visit", pgettext_lazy("meeting", "Home visit")
        REMOTE = "remote", pgettext_lazy("meeting", "Remote meeting")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_on", "pk"]


class Consultation(TimeStampedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="consultations")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    expert = models.CharField(_("consulted professional"), max_length=200)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answer recorded"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answer recorded by"))

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["created_at", "pk"]


class ClockChange(models.Model):
    """A decision, after registration, to change a contact's statutory clock: who, when, from
    which clock to which, and why. Its deadlines were recomputed in the same transaction."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="clock_changes")
    from_clock = models.CharField(_("from clock"), max_length=40, choices=CLOCK_CHOICES)
    to_clock = models.CharField(_("to clock"), max_length=40, choices=CLOCK_CHOICES)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("change of the statutory clock")
        verbose_name_plural = _("changes of the statutory clock")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.from_clock} -> {self.to_clock}"


class ResponsibleWorkerChange(models.Model):
    """A team lead's change of a client's responsible worker (the responsible social worker of
    a child-welfare client, LSL 13 b §; the named worker of a family-services client, SHL 42 §):
    who, when, from whom to whom, and why."""

    assessment = models.ForeignKey("Assessment", on_delete=models.CASCADE,
                                   related_name="responsible_worker_changes")
    from_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("from"))
    to_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("to"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("change of the responsible worker")
        verbose_name_plural = _("changes of the responsible worker")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_worker_id} -> {self.to_worker_id}"


class DeadlineStatus(models.TextChoices):
    ON_TIME = "on_time", pgettext_lazy("deadline status", "On time")
    DUE_SOON = "due_soon", pgettext_lazy("deadline status", "Due soon")
    OVERDUE = "overdue", pgettext_lazy("deadline status", "Overdue")
    MET = "met", pgettext_lazy("deadline status", "Met")
    NOT_NEEDED = "not_needed", pgettext_lazy("deadline status", "Not needed")


class Deadline(models.Model):
    """A statutory deadline computed by luotsi.deadlines for a contact; never typed in."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(_("obligation"), max_length=40)
    due_on = models.DateField(_("due"))
    target_on = models.DateField(
        _("team's target"), null=True, blank=True,
        help_text=_("Earlier than the legal final day: the unmoved final day of a three-month "
                    "period that Act 150/1930 § 5 moved to the next working day, or the "
                    "seventh working day counting Midsummer Eve and Christmas Eve as working "
                    "days."))
    basis = models.CharField(_("legal basis"), max_length=120)
    status = models.CharField(_("status"), max_length=20, choices=DeadlineStatus.choices,
                              default=DeadlineStatus.ON_TIME)
    met_on = models.DateField(_("met"), null=True, blank=True)
    notified_status = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [models.UniqueConstraint(fields=["contact", "code"],
                                               name="deadline_contact_code")]
        indexes = [
            models.Index(fields=["status", "due_on"], name="deadline_status_due"),
            # Deadline compliance per clock over a period: an index range, no table rows.
            models.Index(fields=["due_on", "code", "met_on", "status"], name="deadline_due_code"),
        ]
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {format_date(self.due_on)}"

    @property
    def basis_label(self) -> str:
        """The legal basis in the active language: the stored citation is the msgid the
        statutory clock (``luotsi.deadlines.rules``) marked for translation."""
        return gettext(self.basis)

    @property
    def late_working_days(self) -> int | None:
        """Working days after the final day it was met (0 in time, ``None`` not met)."""
        return working_days_late(self.due_on, self.met_on)


OBLIGATION_LABELS = {
    "urgency_assessment": pgettext_lazy("obligation", "Assess urgency"),
    "investigation_decision": pgettext_lazy(
        "obligation", "Decide on the assessment and inform the family"),
    "assessment_start": pgettext_lazy("obligation", "Start the service-need assessment"),
    "assessment_completion": pgettext_lazy("obligation", "Complete the service-need assessment"),
}


class Notification(models.Model):
    """An in-app notice to a professional (deadlines due soon or overdue, new assignments),
    written in the professional's own language."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=120, help_text="Deduplication key.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="notification_user_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text

