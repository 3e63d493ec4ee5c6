"""The county's organisation: regions, municipalities, teams and the professionals in them."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.models import Device, TimestampMixin

from luotsi.common.models import LocalisedNameModel
from luotsi.organisation.open_work import unqualified_work_of


class ServiceTask(models.TextChoices):
    """Service tasks (palvelutehtävät): the unit in which access rights and records are kept."""

    FAMILY_SERVICES = "family_services", pgettext_lazy("service task", "Family services")
    CHILD_WELFARE = "child_welfare", pgettext_lazy("service task", "Child welfare")
    WORKING_AGE = "working_age", pgettext_lazy("service task", "Working-age services")
    EMPLOYMENT = "employment", pgettext_lazy("service task", "Employment services")
    HEALTH = "health", pgettext_lazy("service task", "Health care")
    MENTAL_HEALTH_SUBSTANCE = "mental_health_substance", pgettext_lazy(
        "service task", "Mental-health and substance services"
    )
    OLDER_PEOPLE = "older_people", pgettext_lazy("service task", "Services for older people")
    DISABILITY = "disability", pgettext_lazy("service task", "Disability services")


class Role(models.TextChoices):
    INTAKE_WORKER = "intake_worker", pgettext_lazy("role", "Intake worker")
    SOCIAL_WORKER = "social_worker", pgettext_lazy("role", "Social worker")
    SOCIAL_COUNSELLOR = "social_counsellor", pgettext_lazy("role", "Social counsellor")
    TEAM_LEAD = "team_lead", pgettext_lazy("role", "Team lead")
    EMPLOYMENT_COORDINATOR = "employment_coordinator", pgettext_lazy(
        "role", "Employment coordinator"
    )
    NURSE = "nurse", pgettext_lazy("role", "Nurse")
    MHS_WORKER = "mhs_worker", pgettext_lazy("role", "Mental-health and substance worker")
    DPO = "dpo", pgettext_lazy("role", "Data-protection officer")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")


class Qualification(models.TextChoices):
    """A professional's qualification under the Act on social-welfare professionals (817/2015),
    as registered by Valvira (JulkiSuosikki). Who may be named to what follows from it
    (``User.may_be_responsible_social_worker``, ``User.is_social_welfare_professional``)."""

    LICENSED_SOCIAL_WORKER = "licensed_social_worker", pgettext_lazy(
        "qualification", "Licensed social worker")
    SOCIAL_COUNSELLOR = "social_counsellor", pgettext_lazy(
        "qualification", "Social counsellor")
    OTHER_SOCIAL_WELFARE = "other_social_welfare", pgettext_lazy(
        "qualification", "Other social-welfare professional")
    OTHER = "other", pgettext_lazy("qualification", "Other")


# Licensed professions (817/2015 § 7 and 8): their registration number is required.
LICENSED_QUALIFICATIONS = (Qualification.LICENSED_SOCIAL_WORKER, Qualification.SOCIAL_COUNSELLOR)
SOCIAL_WELFARE_QUALIFICATIONS = (*LICENSED_QUALIFICATIONS, Qualification.OTHER_SOCIAL_WELFARE)
REGISTRATION_NUMBER = r"^\d{11}$"


class County(LocalisedNameModel):
    """A wellbeing services county (hyvinvointialue): one deployment, one data controller."""

    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")


class Region(LocalisedNameModel):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="regions",
                               verbose_name=_("county"))
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class Municipality(LocalisedNameModel):
    """A municipality with its official three-digit code, routed to one region of the county."""

    code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("A municipality code has three digits."))],
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Contacts about residents of this municipality are routed to this region."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_fi"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TeamKind(models.TextChoices):
    INTAKE = "intake", pgettext_lazy("team kind", "Central intake team")
    ASSESSMENT = "assessment", pgettext_lazy("team kind", "Service-need assessment team")
    UNIT = "unit", pgettext_lazy("team kind", "Service unit")
    ADMINISTRATION = "administration", pgettext_lazy("team kind", "Administration")


class Team(LocalisedNameModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="teams",
                               verbose_name=_("county"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="teams", null=True, blank=True,
        verbose_name=_("region"), help_text=_("Empty for a team that serves the whole county."),
    )
    service_task = models.CharField(_("service task"), max_length=40, choices=ServiceTask.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices,
                            default=TeamKind.UNIT)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]


class LuotsiUserManager(UserManager):
    """``createsuperuser`` makes an administrator (role ``admin``), not a social worker."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A professional (or an administrator) who signs in to Luotsi."""

    objects = LuotsiUserManager()

    title = models.CharField(_("title"), max_length=120, blank=True)
    role = models.CharField(_("role"), max_length=40, choices=Role.choices,
                            default=Role.SOCIAL_WORKER)
    teams = models.ManyToManyField(Team, related_name="members", blank=True,
                                   verbose_name=_("teams"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, default="fi",
                                choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")])
    is_demo = models.BooleanField(
        _("demo login"), default=False,
        help_text=_("Demo logins can sign in only when the server runs in demo mode."),
    )
    qualification = models.CharField(
        _("qualification"), max_length=30, choices=Qualification.choices, blank=True,
        help_text=_("As registered by Valvira (JulkiSuosikki). Only a licensed social worker "
                    "may be the responsible social worker of a child-welfare client "
                    "(LSL 13 b §)."))
    registration_number = models.CharField(
        _("registration number"), max_length=11, blank=True,
        validators=[RegexValidator(REGISTRATION_NUMBER, _(
            "A registration number (Valvira, JulkiSuosikki) has 11 digits."))],
        help_text=_("Valvira's registration number of the professional (11 digits); required "
                    "for a licensed social worker and a social counsellor."))

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        constraints = [
            models.UniqueConstraint(fields=["registration_number"],
                                    condition=~models.Q(registration_number=""),
                                    name="user_registration_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(qualification__in=LICENSED_QUALIFICATIONS)
                | ~models.Q(registration_number=""),
                name="user_licensed_registration_number"),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.qualification in LICENSED_QUALIFICATIONS and not self.registration_number:
            errors["registration_number"] = [_(
                "Enter the registration number (Valvira, JulkiSuosikki) of a licensed "
                "professional.")]
        work = self._work_the_qualification_would_not_allow()
        if work:
            errors["qualification"] = [_(
                "%(name)s is the responsible worker of clients whose worker must hold the "
                "present qualification (LSL 13 b §, SHL 42 §). Hand them over to a qualified "
                "worker first: %(work)s.") % {"name": self.get_username(), "work": "; ".join(
                    item.description for item in work)}]
        if errors:
            raise ValidationError(errors)

    def _work_the_qualification_would_not_allow(self) -> list:
        """A changed qualification is not saved while a client relationship or a plan names
        this professional a worker the new one does not allow (``open_work``)."""
        if self.pk is None:
            return []
        stored = (type(self).objects.filter(pk=self.pk)
                  .values_list("qualification", flat=True).first())
        if stored is None or stored == self.qualification:
            return []
        return unqualified_work_of({self.pk: self.qualification})

    @property
    def may_be_responsible_social_worker(self) -> bool:
        """A licensed social worker (LSL 13 b §; SHL 42 § for a client needing special
        support)."""
        return self.qualification == Qualification.LICENSED_SOCIAL_WORKER

    @property
    def is_social_welfare_professional(self) -> bool:
        """A social-welfare professional (817/2015): may be a named worker (SHL 42 §)."""
        return self.qualification in SOCIAL_WELFARE_QUALIFICATIONS

    def _teams_cached(self) -> list[Team]:
        """This professional's teams by id, read once per instance (one query per request)."""
        cached = getattr(self, "_teams", None)
        if cached is None:
            cached = list(self.teams.order_by("id")) if self.pk else []
            self._teams = cached
        return cached

    def member_teams(self) -> list[Team]:
        """This professional's teams by id, cached on the instance for the request."""
        return list(self._teams_cached())

    def team_ids(self) -> list[int]:
        """The ids of this professional's teams, cached on the instance for the request."""
        return [team.pk for team in self._teams_cached()]

    def primary_team(self) -> Team | None:
        """The professional's first team (by id), the default for queues and new work."""
        teams = self._teams_cached()
        return teams[0] if teams else None


# Recovery codes: 12 characters of an alphabet without look-alikes (no i, l, o, 0, 1), about
# 59 bits each, shown as three groups of four.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12


def normalise_recovery_code(value: str) -> str:
    """A recovery code as typed, without spaces or hyphens, in lower case."""
    return "".join(value.split()).replace("-", "").lower()


def _recovery_code_digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class RecoveryCodeSet(TimestampMixin, Device):
    """A professional's one-time recovery codes, a django-otp device beside the authenticator
    (``TOTPDevice``): a code stands in for the authenticator's code once and is then deleted.

    Only a salted SHA-256 digest of each code is stored (``RecoveryCode``). The codes are random
    (about 59 bits each), so a fast hash is enough: no dictionary to guess from, and a code is
    worth nothing without the account's password."""

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def replace_codes(self, count: int = 10) -> list[str]:
        """Delete this set's codes and make ``count`` new ones; returns them, formatted, the
        only time they exist in clear."""
        codes = ["".join(secrets.choice(RECOVERY_CODE_ALPHABET)
                         for _position in range(RECOVERY_CODE_LENGTH)) for _code in range(count)]
        self.codes.all().delete()
        stored = []
        for code in codes:
            salt = secrets.token_hex(8)
            stored.append(RecoveryCode(device=self,
                                       digest=f"{salt}${_recovery_code_digest(salt, code)}"))
        RecoveryCode.objects.bulk_create(stored)
        return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))
                for code in codes]

    def verify_token(self, token) -> bool:
        """Whether ``token`` is one of the unused codes; a matching code is used up."""
        code = normalise_recovery_code(str(token))
        if len(code) != RECOVERY_CODE_LENGTH:
            return False
        for stored in self.codes.all():
            salt, _sep, digest = stored.digest.partition("$")
            if hmac.compare_digest(digest, _recovery_code_digest(salt, code)):
                stored.delete()
                self.set_last_used_timestamp()
                return True
        return False


class RecoveryCode(models.Model):
    """One unused recovery code, as ``salt$sha256(salt:code)``; deleted when it is used."""

    device = models.ForeignKey(RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes",
                               verbose_name=_("recovery codes"))
    digest = models.CharField(_("digest"), max_length=100)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.device_id}"  # never the code
