from types import SimpleNamespace

import pytest

from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import (
    MunicipalityFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
)
from luotsi.people.tests.factories import PersonFactory


@pytest.fixture
def world(db):
    """Two regions, three municipalities, the central intake team and two regional teams, a team
    lead, two workers and one child (the figures never look at who the child is)."""
    east_region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området",
                                name_en="Eastern region")
    west_region = RegionFactory(code="west", name_fi="Läntinen alue", name_sv="Västra området",
                                name_en="Western region")
    porvoo = MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå",
                                 region=east_region)
    loviisa = MunicipalityFactory(code="434", name_fi="Loviisa", name_sv="Lovisa",
                                  region=east_region)
    sipoo = MunicipalityFactory(code="753", name_fi="Sipoo", name_sv="Sibbo", region=west_region)
    intake = TeamFactory(code="family-intake", name_fi="Asiakasohjaus", kind=TeamKind.INTAKE,
                         region=None)
    east = TeamFactory(code="east-assessment", name_fi="Itäinen arviointi", region=east_region)
    west = TeamFactory(code="west-assessment", name_fi="Läntinen arviointi", region=west_region)
    lead = UserFactory(username="lead", first_name="Leena", last_name="Lahti",
                       role=Role.TEAM_LEAD, teams=[intake, east, west])
    anna = UserFactory(username="anna", first_name="Anna", last_name="Aho", teams=[east])
    ville = UserFactory(username="ville", first_name="Ville", last_name="Virta", teams=[east])
    child = PersonFactory(first_name="Aino", last_name="Asiakas", municipality=porvoo)
    return SimpleNamespace(east_region=east_region, west_region=west_region, porvoo=porvoo,
                           loviisa=loviisa, sipoo=sipoo, intake=intake, east=east, west=west,
                           lead=lead, anna=anna, ville=ville, child=child)
