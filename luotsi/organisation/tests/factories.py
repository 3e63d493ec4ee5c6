import factory

from luotsi.organisation.models import (
    LICENSED_QUALIFICATIONS,
    County,
    Municipality,
    Qualification,
    Region,
    Role,
    Team,
    TeamKind,
    User,
)

# The qualification a professional of each role usually has (a factory user gets it unless the
# test names another).
QUALIFICATION_OF_ROLE = {
    Role.SOCIAL_WORKER: Qualification.LICENSED_SOCIAL_WORKER,
    Role.TEAM_LEAD: Qualification.LICENSED_SOCIAL_WORKER,
    Role.SOCIAL_COUNSELLOR: Qualification.SOCIAL_COUNSELLOR,
    Role.INTAKE_WORKER: Qualification.SOCIAL_COUNSELLOR,
}


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["code"]

    code = "itu"
    name_fi = "Itä-Uudenmaan hyvinvointialue"
    name_sv = "Östra Nylands välfärdsområde"
    name_en = "Eastern Uusimaa wellbeing services county"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    county = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"region-{n}")
    name_fi = factory.LazyAttribute(lambda o: f"Alue {o.code}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 900) + 100:03d}")
    name_fi = factory.LazyAttribute(lambda o: f"Kunta {o.code}")
    region = factory.SubFactory(RegionFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"team-{n}")
    county = factory.SubFactory(CountyFactory)
    name_fi = factory.LazyAttribute(lambda o: f"Tiimi {o.code}")
    service_task = "family_services"
    kind = TeamKind.ASSESSMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"worker{n}")
    first_name = "Sanna"
    last_name = factory.Sequence(lambda n: f"Työntekijä{n}")
    role = Role.SOCIAL_WORKER
    qualification = factory.LazyAttribute(
        lambda o: QUALIFICATION_OF_ROLE.get(o.role, Qualification.OTHER))
    registration_number = factory.LazyAttributeSequence(
        lambda o, n: f"{10000000000 + n}" if o.qualification in LICENSED_QUALIFICATIONS else "")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)
