"""Persons in the API: register and read, through the access gateway."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.http import HttpResponse
from ninja import Field, Router, Schema

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.api import idempotency
from luotsi.api.errors import responses
from luotsi.api.schemas import Id, StrictInput, choice
from luotsi.organisation.decorators import require_action
from luotsi.organisation.permissions import Action
from luotsi.people.models import Language
from luotsi.people.services import PersonInput, person_create

router = Router(tags=["persons"])

if TYPE_CHECKING:
    LanguageCode = str  # a language code; the service checks it
else:
    LanguageCode = choice(Language)


class PersonCreateIn(StrictInput):
    hetu: str = Field("", description=(
        "Personal identity code in ASCII (digits 0-9, the century sign, the check character); "
        "empty with temporary=true. A code already registered is answered as a new one: the "
        "person's id and the same time-boxed registration access, logged."))
    temporary: bool = Field(False, description="Give a temporary identifier instead of a hetu.")
    first_name: str = Field("", max_length=150)
    last_name: str = Field(..., max_length=150)
    municipality_code: str = Field("", description="Official three-digit municipality code.")
    language: LanguageCode = Field("fi", description="Language code.")
    interpreter_needed: bool = Field(False, description="The client needs an interpreter.")
    interpreter_language: str = Field(
        "", max_length=5, description="The interpreter's language (a language code of "
        "`language`, or `fse` Finnish or `fss` Finland-Swedish Sign Language); required when "
        "`interpreter_needed` is true, empty otherwise.")
    expected_birth_date: date | None = None


class PersonCreatedOut(Schema):
    id: int


class MunicipalityOut(Schema):
    code: str
    name: str


class PersonOut(Schema):
    id: int
    hetu: str | None
    temporary_id: str | None
    first_name: str
    last_name: str
    birth_date: date | None
    language: LanguageCode
    interpreter_needed: bool
    interpreter_language: str
    municipality: MunicipalityOut | None
    safety_ban: bool
    address_protected: bool
    street_address: str | None
    postal_code: str | None
    post_office: str | None


@router.post("", response=responses({201: PersonCreatedOut}, 400, 403, 409),
             summary="Register a person",
             description=("Registers a person, or answers with the id of the person already "
                          "registered with the code (the same status and shape). Unknown fields "
                          "are refused (422 naming the field)." + idempotency.DOCUMENTED))
def create_person(request, response: HttpResponse, payload: PersonCreateIn,
                  idempotency_key: str | None = idempotency.header()):
    user = request.auth

    def write(_checked) -> tuple[int, dict]:
        person = person_create(actor=user, data=PersonInput(
            hetu=payload.hetu, temporary=payload.temporary, first_name=payload.first_name,
            last_name=payload.last_name, municipality_code=payload.municipality_code,
            language=payload.language, expected_birth_date=payload.expected_birth_date,
            interpreter_needed=payload.interpreter_needed,
            interpreter_language=payload.interpreter_language,
        ))
        return 201, {"id": person.pk}

    # The answer is the new person's id only; a retry is answered to who may still register.
    return idempotency.respond(
        request, response, access=lambda: require_action(user, Action.CREATE_PERSON),
        handler=write)


@router.get("/{person_id}", response=responses({200: PersonOut}, 404),
            summary="Read a person (needs a client relationship)")
def get_person(request, person_id: Id):
    access = gateway.access_person_by_id(request.auth, person_id, category=Category.BASIC_DATA)
    person = access.person
    show_address = access.sees_protected_address
    municipality = person.municipality if show_address else None
    return {
        "id": person.pk,
        "hetu": person.hetu or None,
        "temporary_id": person.temporary_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
        "language": person.language,
        "interpreter_needed": person.interpreter_needed,
        "interpreter_language": person.interpreter_language,
        "municipality": {"code": municipality.code, "name": municipality.name} if municipality else None,
        "safety_ban": person.safety_ban,
        "address_protected": not show_address,
        "street_address": person.street_address if show_address else None,
        "postal_code": person.postal_code if show_address else None,
        "post_office": person.post_office if show_address else None,
    }
