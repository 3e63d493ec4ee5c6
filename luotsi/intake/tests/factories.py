"""Factories for intake tests: a small county with one door, plus direct row builders for the
tests that need many contacts fast (lists, bulk reassignment)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from luotsi.access.models import Basis, ClientRelationship
from luotsi.deadlines.calendar import opening_day
from luotsi.deadlines.rules import compute_deadlines, deadline_status
from luotsi.intake import queue_keys, services
from luotsi.intake.models import (
    Contact,
    ContactKind,
    ContactPerson,
    Deadline,
    ServiceCatalogueItem,
)
from luotsi.organisation.models import (
    LICENSED_QUALIFICATIONS,
    Municipality,
    Qualification,
    Role,
    Team,
    TeamKind,
    User,
)
from luotsi.organisation.tests.factories import (
    QUALIFICATION_OF_ROLE,
    MunicipalityFactory,
    RegionFactory,
    TeamFactory,
)
from luotsi.people import hetu
from luotsi.people.models import Person
from luotsi.people.tests.factories import PersonFactory

_numbers = itertools.count()


@dataclass
class World:
    """The county of the intake tests.

    - ``intake``: the central family intake team; ``iris`` works in it, ``ilona`` leads it;
    - ``east``: the regional assessment team of Porvoo (``porvoo``); ``alice`` works in it,
      ``lead`` leads it; ``sami`` is her colleague;
    - ``west``: another region's assessment team (Lohja); ``bob`` works there, ``wendy`` leads it;
    - ``child``: a child of Porvoo, registered but not yet known to the teams.
    """

    porvoo: Municipality
    lohja: Municipality
    intake: Team
    east: Team
    west: Team
    iris: User
    ilona: User
    alice: User
    sami: User
    lead: User
    bob: User
    wendy: User
    child: Person
    extra: dict = field(default_factory=dict)


def professional(*, teams: list[Team] = (), **values) -> User:
    """A professional without a usable password: the tests sign in with tokens or not at all,
    and hashing a password with Argon2 is slow on purpose."""
    values.setdefault("role", Role.SOCIAL_WORKER)
    values.setdefault("last_name", f"Työntekijä{next(_numbers)}")
    values.setdefault("qualification", QUALIFICATION_OF_ROLE.get(values["role"],
                                                                 Qualification.OTHER))
    if values["qualification"] in LICENSED_QUALIFICATIONS:
        values.setdefault("registration_number", f"{20000000000 + next(_numbers)}")
    user = User.objects.create(password="!", **values)  # "!" is unusable
    user.teams.set(teams)
    return user


def build_world() -> World:
    east_region = RegionFactory(code="east", name_fi="Itäinen alue")
    west_region = RegionFactory(code="west", name_fi="Läntinen alue")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå",
                                 name_en="Porvoo", region=east_region)
    lohja = MunicipalityFactory(code="444", name_fi="Lohja", name_sv="Lojo", name_en="Lohja",
                                region=west_region)
    intake = TeamFactory(code="family-intake", kind=TeamKind.INTAKE, region=None,
                         name_fi="Perhepalvelujen vastaanotto")
    east = TeamFactory(code="assessment-east", kind=TeamKind.ASSESSMENT, region=east_region,
                       name_fi="Itäinen arviointitiimi")
    west = TeamFactory(code="assessment-west", kind=TeamKind.ASSESSMENT, region=west_region,
                       name_fi="Läntinen arviointitiimi")
    return World(
        porvoo=porvoo, lohja=lohja, intake=intake, east=east, west=west,
        iris=professional(username="iris", first_name="Iris", role=Role.INTAKE_WORKER,
                         email="iris@example.org", teams=[intake]),
        ilona=professional(username="ilona", first_name="Ilona", role=Role.TEAM_LEAD,
                          email="ilona@example.org", teams=[intake]),
        alice=professional(username="alice", first_name="Alice", email="alice@example.org",
                          teams=[east]),
        sami=professional(username="sami", first_name="Sami", email="", teams=[east]),
        lead=professional(username="lead", first_name="Leena", role=Role.TEAM_LEAD,
                         email="leena@example.org", teams=[east]),
        bob=professional(username="bob", first_name="Bob", teams=[west]),
        wendy=professional(username="wendy", first_name="Wendy", role=Role.TEAM_LEAD,
                          teams=[west]),
        child=PersonFactory(first_name="Eino", last_name="Lapsi", birth_date=dt.date(2015, 5, 5),
                            municipality=porvoo),
    )


def child_hetu() -> str:
    """A new valid test-range hetu (individual numbers 900–999) of a child born in 2016."""
    n = next(_numbers)
    return hetu.build(dt.date(2016, 1, 1) + dt.timedelta(days=n // 100), 900 + n % 100)


#: The required content of a service-need assessment's result (SHL 36 §), for tests that
#: complete one: through the services (``RESULT``), the API or the form (``RESULT_FIELDS``).
RESULT_FIELDS = {
    "conclusions": "Lapsen kasvuolot eivät vaaranna kehitystä; perhe tarvitsee tukea arkeen.",
    "client_view": "Perhe toivoo perhetyötä ja kokee sen auttavan.",
    "named_worker_need": "needed",
    "support_need": "repeated",
    "child_not_met_reason": "Lapsi oli leirikoulussa; hänen näkemyksensä kysytään myöhemmin.",
}
RESULT = services.AssessmentResult(**RESULT_FIELDS)


def contact_input(*, persons: list[services.PersonRef] | None = None,
                  child: Person | None = None, **overrides) -> services.ContactInput:
    """A valid child-welfare notification received an hour ago; override any field."""
    if persons is None:
        persons = [services.PersonRef(role="child", person_id=child.pk)] if child else [
            services.PersonRef(role="child", hetu=child_hetu(), first_name="Eeva",
                               last_name="Lapsi")]
    values = {
        "kind": ContactKind.CHILD_WELFARE_NOTIFICATION,
        "channel": "phone",
        "received_at": timezone.now() - dt.timedelta(hours=1),
        "reporter_kind": "education",
        "reporter_name": "Opettaja Olli",
        "reporter_organisation": "Kevätkummun koulu",
        "description": "Lapsi on ollut poissa koulusta kaksi viikkoa.",
        "municipality_code": "638",
        "persons": persons,
    }
    values.update(overrides)
    return services.ContactInput(**values)


class ServiceCatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCatalogueItem
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"service-{n}")
    name_fi = factory.LazyAttribute(lambda o: f"Palvelu {o.code}")
    provider = "Itä-Uudenmaan hyvinvointialue"
    provider_kind = "public"

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


def bulk_contacts(world: World, count: int, *, team: Team, assignee: User | None = None,
                  received_at: dt.datetime | None = None,
                  kind: str = ContactKind.CHILD_WELFARE_NOTIFICATION) -> list[Contact]:
    """``count`` open contacts, each about its own child, created directly in a few queries
    (with their deadlines, the persons concerned and the team's access to the children)."""
    if received_at is None:  # earlier today in Helsinki, whatever the hour in UTC
        now = timezone.localtime()
        received_at = max(now - dt.timedelta(hours=2), now.replace(hour=0, minute=0, second=0,
                                                                   microsecond=0))
    stamp = timezone.now()
    numbers = [next(_numbers) for _i in range(count)]
    children = Person.objects.bulk_create([
        Person(first_name="Lapsi", last_name=f"Joukko{n}", search_name=f"lapsi joukko{n}",
               temporary_id=f"TMP-B{n:08d}", municipality=world.porvoo)
        for n in numbers])
    clock = kind if kind in ("child_welfare_notification", "pre_birth_notification") \
        else "shl_contact"
    contacts = Contact.objects.bulk_create([
        Contact(kind=kind, clock=clock, channel="phone", received_at=received_at,
                opened_on=opening_day(received_at), reporter_kind="health_care",
                description="Huoli", child=child, municipality=world.porvoo, team=team,
                assignee=assignee, registered_by=world.iris, urgency="not_urgent",
                status="in_assessment")
        for child in children])
    computed = compute_deadlines(clock, received_at)
    today = timezone.localdate()
    Deadline.objects.bulk_create([
        Deadline(contact=contact, code=d.code, due_on=d.due_on, target_on=d.target_on,
                 basis=d.basis, status=deadline_status(d.due_on, today, None, d.target_on))
        for contact in contacts for d in computed])
    ContactPerson.objects.bulk_create([
        ContactPerson(contact=contact, person=contact.child, role="child")
        for contact in contacts])
    ClientRelationship.objects.bulk_create([
        ClientRelationship(person=child, team=team, basis=Basis.INTAKE,
                           service_task="family_services", starts_at=stamp,
                           source="test") for child in children])
    queue_keys.refresh([c.pk for c in contacts])  # as the services keep them
    return contacts
