"""Persons: clients, guardians, household members and children not yet born."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.common.models import TimeStampedModel
from luotsi.organisation.models import Municipality
from luotsi.people import crypto


class Language(models.TextChoices):
    FI = "fi", pgettext_lazy("language", "Finnish")
    SV = "sv", pgettext_lazy("language", "Swedish")
    EN = "en", pgettext_lazy("language", "English")
    SE = "se", pgettext_lazy("language", "Northern Sámi")
    RU = "ru", pgettext_lazy("language", "Russian")
    ET = "et", pgettext_lazy("language", "Estonian")
    UK = "uk", pgettext_lazy("language", "Ukrainian")
    AR = "ar", pgettext_lazy("language", "Arabic")
    SO = "so", pgettext_lazy("language", "Somali")
    FA = "fa", pgettext_lazy("language", "Persian")


DOCUMENT_LANGUAGES = ("fi", "sv", "en")

# The languages an interpreter may be booked for: the spoken ones above and Finland's two sign
# languages (the Sign Language Act 359/2015; the Act on the Interpretation Services for Persons
# with Disabilities 133/2010).
INTERPRETER_LANGUAGES = [
    *Language.choices,
    ("fse", pgettext_lazy("language", "Finnish Sign Language")),
    ("fss", pgettext_lazy("language", "Finland-Swedish Sign Language")),
]
INTERPRETER_LANGUAGE_CODES = [code for code, _label in INTERPRETER_LANGUAGES]


def search_key(first_name: str, last_name: str) -> str:
    return f"{last_name} {first_name}".strip().casefold()


class Person(TimeStampedModel):
    """A person known to the county. The hetu is stored only encrypted, with a keyed lookup hash."""

    hetu_encrypted = models.TextField(_("personal identity code (encrypted)"), blank=True,
                                      editable=False)
    hetu_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                   editable=False)
    temporary_id = models.CharField(
        _("temporary identifier"), max_length=20, unique=True, null=True, blank=True,
        help_text=_("Used when the person has no personal identity code (e.g. a newly arrived "
                    "person or a child not yet born)."),
    )
    first_name = models.CharField(_("first names"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150)
    search_name = models.CharField(max_length=310, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, db_index=True)
    expected_birth_date = models.DateField(_("expected date of birth"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices,
                                default=Language.FI)
    interpreter_needed = models.BooleanField(
        _("needs an interpreter"), default=False,
        help_text=_("The client needs an interpreter to take part (the authority arranges it; "
                    "Administrative Procedure Act 26 §)."))
    interpreter_language = models.CharField(
        _("interpreter's language"), max_length=5, blank=True, choices=INTERPRETER_LANGUAGES,
        help_text=_("The language the interpreter speaks with the client."))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="residents",
                                     verbose_name=_("municipality of residence"))
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    safety_ban = models.BooleanField(
        _("safety ban (turvakielto)"), default=False,
        help_text=_("Hides the address and municipality from everyone without a need to know."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hetu_lookup__isnull=False) | models.Q(temporary_id__isnull=False),
                name="person_has_hetu_or_temporary_id",
            ),
            models.CheckConstraint(
                condition=models.Q(interpreter_needed=False) | ~models.Q(interpreter_language=""),
                name="person_interpreter_has_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}".strip(", ")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def hetu(self) -> str:
        return crypto.decrypt(self.hetu_encrypted) if self.hetu_encrypted else ""

    @property
    def identifier(self) -> str:
        return self.hetu or self.temporary_id or ""

    @property
    def document_language(self) -> str:
        """The language of documents given to the person: their own where Luotsi has it."""
        return self.language if self.language in DOCUMENT_LANGUAGES else "fi"


class LinkKind(models.TextChoices):
    GUARDIAN = "guardian", pgettext_lazy("person link", "Guardian")
    HOUSEHOLD = "household", pgettext_lazy("person link", "Household member")


class PersonLink(TimeStampedModel):
    """``person`` is the guardian of ``other`` (GUARDIAN) or lives in the same household."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links_from")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)

    class Meta:
        verbose_name = _("person link")
        verbose_name_plural = _("person links")
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"], name="person_link_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("other")),
                                   name="person_link_not_self"),
        ]


class KeyRotation(models.Model):
    """The progress of re-encrypting the identity codes from one personal-data key to another
    (``manage.py rotate_personal_data_key``): persons are done in order of id, a batch at a
    time, each batch committed with ``last_person_id``, so an interrupted run continues where it
    stopped. The keys are named by fingerprints (``crypto.KeyRing``), never stored."""

    old_fingerprint = models.CharField(max_length=16)
    new_fingerprint = models.CharField(max_length=16)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_person_id = models.BigIntegerField(default=0)
    persons_done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("personal-data key rotation")
        verbose_name_plural = _("personal-data key rotations")

    def __str__(self) -> str:
        return f"{self.old_fingerprint} -> {self.new_fingerprint}"


class PreviousSearchKey(models.Model):
    """A hashed search term of a person under a personal-data key rotated away since: the
    access log's records written before the rotation name the searches that found nobody by
    these (``hetu <lookup hash>``, ``name <term hash>``), so the data-protection officer's
    report of a person (``access.reports.search_keys``) still finds them. Written by
    ``rotate_personal_data_key`` before the person's hashes change."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    rotation = models.ForeignKey(KeyRotation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("previous search key")
        verbose_name_plural = _("previous search keys")
        indexes = [models.Index(fields=["person"], name="previous_search_key_person")]

    def __str__(self) -> str:
        return self.key
