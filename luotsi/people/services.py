"""Writes of person data. Each checks permission, changes data and logs, in one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway, log
from luotsi.access import services as access_services
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.organisation.decorators import require_action
from luotsi.organisation.models import Municipality
from luotsi.organisation.permissions import Action
from luotsi.people import crypto, hetu
from luotsi.people.lookup import find_by_hetu
from luotsi.people.models import (
    INTERPRETER_LANGUAGE_CODES,
    Language,
    LinkKind,
    Person,
    PersonLink,
    search_key,
)

# How long the registering team keeps access to a person it registered, before a contact, case
# or care team gives a lasting basis.
REGISTRATION_ACCESS_DAYS = 30


@dataclass
class PersonInput:
    last_name: str
    first_name: str = ""
    hetu: str = ""
    temporary: bool = False
    birth_date: date | None = None
    expected_birth_date: date | None = None
    language: str = Language.FI
    interpreter_needed: bool = False
    interpreter_language: str = ""
    municipality_code: str = ""
    street_address: str = ""
    postal_code: str = ""
    post_office: str = ""
    phone: str = ""
    email: str = ""
    safety_ban: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


def _new_temporary_id() -> str:
    return f"TMP-{secrets.token_hex(5).upper()}"


def _validate(data: PersonInput) -> tuple[dict, hetu.Hetu | None, Municipality | None]:
    errors: dict[str, list[str]] = {}
    parsed = None
    if data.temporary:
        if data.hetu.strip():
            errors["hetu"] = [_("Leave the personal identity code empty when using a temporary "
                                "identifier.")]
    else:
        try:
            parsed = hetu.parse(data.hetu)
        except hetu.HetuError as exc:
            errors["hetu"] = [str(exc.message)]
    if not data.last_name.strip():
        errors["last_name"] = [_("Enter the last name.")]
    if len(data.last_name) > 150:
        errors["last_name"] = [_("The last name can have at most 150 characters.")]
    if len(data.first_name) > 150:
        errors["first_name"] = [_("The first names can have at most 150 characters.")]
    if data.language not in Language.values:
        errors["language"] = [_("“%(value)s” is not a language Luotsi knows; use one of %(choices)s.")
                              % {"value": data.language, "choices": ", ".join(Language.values)}]
    errors.update(interpreter_errors(data.interpreter_needed, data.interpreter_language))
    municipality = None
    if data.municipality_code:
        municipality = Municipality.objects.filter(code=data.municipality_code.strip()).first()
        if municipality is None:
            errors["municipality_code"] = [
                _("There is no municipality with the code “%(code)s”.")
                % {"code": data.municipality_code}
            ]
    today = timezone.localdate()
    if data.birth_date and data.birth_date > today:
        errors["birth_date"] = [_("The date of birth cannot be in the future; use the expected "
                                  "date of birth for a child not yet born.")]
    if parsed and parsed.birth_date > today:
        errors["hetu"] = [_("The birth date in the personal identity code is in the future.")]
    if data.expected_birth_date and data.expected_birth_date < today - timedelta(days=60):
        errors["expected_birth_date"] = [_("The expected date of birth is too far in the past.")]
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    return errors, parsed, municipality


def interpreter_errors(needed: bool, language: str) -> dict[str, list[str]]:
    """An interpreter's language is given exactly when the client needs an interpreter."""
    if language and language not in INTERPRETER_LANGUAGE_CODES:
        return {"interpreter_language": [
            _("“%(value)s” is not a language Luotsi knows; use one of %(choices)s.")
            % {"value": language, "choices": ", ".join(INTERPRETER_LANGUAGE_CODES)}]}
    if needed and not language:
        return {"interpreter_language": [
            _("Choose the language the interpreter speaks with the client.")]}
    if language and not needed:
        return {"interpreter_language": [
            _("Give the interpreter's language only when the client needs an interpreter.")]}
    return {}


def person_create(*, actor, data: PersonInput) -> Person:
    """Register a person. Nothing is saved when any field is invalid.

    The registering professional's team gets a time-boxed ``registration`` relationship so that
    they can go on with the work that made them register the person.

    A code that is already registered is answered exactly as a new one (no existence oracle):
    the existing person is returned, nothing stored about them is changed, the same
    registration relationship is opened, and the attempt is logged as a registration of an
    already registered person (docs/personal-data.md).
    """
    require_action(actor, Action.CREATE_PERSON)
    errors, parsed, municipality = _validate(data)
    if errors:
        raise ValidationError(errors)
    if parsed:
        with transaction.atomic():
            existing = (Person.objects.select_for_update()
                        .filter(hetu_lookup=crypto.lookup_hash(parsed.value)).first())
            if existing is not None:
                _grant_registration(actor, existing, LogAction.REGISTER_EXISTING,
                                    "registered again: nothing changed")
                return existing
    person = Person(
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        search_name=search_key(data.first_name.strip(), data.last_name.strip()),
        birth_date=parsed.birth_date if parsed else data.birth_date,
        expected_birth_date=data.expected_birth_date,
        language=data.language,
        interpreter_needed=data.interpreter_needed,
        interpreter_language=data.interpreter_language if data.interpreter_needed else "",
        municipality=municipality,
        street_address=data.street_address.strip(),
        postal_code=data.postal_code.strip(),
        post_office=data.post_office.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        safety_ban=data.safety_ban,
    )
    if parsed:
        person.hetu_encrypted = crypto.encrypt(parsed.value)
        person.hetu_lookup = crypto.lookup_hash(parsed.value)
    else:
        person.temporary_id = _new_temporary_id()
    try:
        with transaction.atomic():
            person.save()
            _grant_registration(actor, person, LogAction.CREATE, "")
    except IntegrityError:
        # Registered by someone else between the check and the save: answered as above.
        existing = find_by_hetu(parsed.value) if parsed else None
        if existing is None:
            raise
        with transaction.atomic():
            _grant_registration(actor, existing, LogAction.REGISTER_EXISTING,
                                "registered again: nothing changed")
        return existing
    return person


def _grant_registration(actor, person: Person, action: str, detail: str) -> None:
    """The registering team's time-boxed relationship and the log record of the registration."""
    team = actor.primary_team()
    now = timezone.now()
    access_services.relationship_open(
        actor=actor, person=person, basis=Basis.REGISTRATION,
        user=None if team else actor, team=team,
        source=f"people.Person:{person.pk}", starts_at=now,
        ends_at=now + timedelta(days=REGISTRATION_ACCESS_DAYS),
    )
    log.record(actor, person_id=person.pk, category=Category.BASIC_DATA, action=action,
               basis=Basis.REGISTRATION, outcome=Outcome.ALLOWED, detail=detail)


@transaction.atomic
def person_link(*, actor, person: Person, other: Person, kind: str,
                basis: str = Basis.REGISTRATION) -> PersonLink:
    """Record that ``person`` is the guardian of ``other`` or lives in the same household."""
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("Unknown kind of link.")})
    if person.pk == other.pk:
        raise ValidationError({"other": _("A person cannot be linked to themselves.")})
    link, _created = PersonLink.objects.get_or_create(person=person, other=other, kind=kind)
    # The gateway's write path: refused (and rolled back) where emergency access is the basis.
    gateway.record_write(actor, person_id=other.pk, category=Category.FAMILY,
                         action=LogAction.UPDATE, basis=basis, detail=f"{kind} {person.pk}")
    return link
