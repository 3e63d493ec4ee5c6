"""Fixtures shared by every test: the healthchecks-style Alice/Bob/Charlie of client access.

- ``alice``: a social worker with an open case for ``client``;
- ``bob``: a social worker in another team, no relationship with ``client``;
- ``charlie``: the data-protection officer.
"""

import pytest

from luotsi.access.tests.factories import RelationshipFactory
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import MunicipalityFactory, TeamFactory, UserFactory
from luotsi.people.tests.factories import PersonFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", name_en="Porvoo")


@pytest.fixture
def team(db):
    return TeamFactory(code="east-assessment", name_fi="Itäinen arviointitiimi")


@pytest.fixture
def other_team(db):
    return TeamFactory(code="west-assessment", name_fi="Läntinen arviointitiimi")


@pytest.fixture
def alice(team):
    return UserFactory(username="alice", first_name="Alice", last_name="Aalto", teams=[team])


@pytest.fixture
def bob(other_team):
    return UserFactory(username="bob", first_name="Bob", last_name="Berg", teams=[other_team])


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", first_name="Charlie", last_name="Cederberg",
                       role=Role.DPO)


@pytest.fixture
def lead(team):
    return UserFactory(username="lead", first_name="Leena", last_name="Lahti",
                       role=Role.TEAM_LEAD, teams=[team])


@pytest.fixture
def client_person(municipality):
    return PersonFactory(first_name="Aino", last_name="Asiakas", municipality=municipality,
                         street_address="Kotikatu 1", postal_code="06100", post_office="Porvoo")


@pytest.fixture
def case(alice, client_person):
    return RelationshipFactory(person=client_person, user=alice)


@pytest.fixture(autouse=True)
def _steady_session_writes(settings):
    """Sessions are written again when ``SESSION_REFRESH_SECONDS`` have passed since the last
    write. In tests that is ten minutes, so a query count measured after a slow set-up does not
    gain a session write now and then; the session tests set the minute themselves."""
    settings.SESSION_REFRESH_SECONDS = 600


@pytest.fixture(autouse=True)
def _avain_code_lists(request):
    """Browser tests empty every table after each test, data migrations included. Put the
    AVAIN code lists, the rating scale, the identification rules and the shared-client checklist
    back for the ordinary (rolled-back) database tests
    that run after them on the same worker. Transactional tests set up their own data and are
    left alone, so their fixtures keep their own set-up and tear-down order."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"}
        & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction")))
    if not transactional and (marker or "db" in request.fixturenames):
        request.getfixturevalue("db")
        from importlib import import_module

        from django.apps import apps

        from luotsi.plans.models import RatingScale
        from luotsi.sharedcare.models import ChecklistItem
        from luotsi.usage.models import IdentificationRule

        if not RatingScale.objects.exists():
            import_module("luotsi.plans.migrations.0002_avain_code_lists").load(apps, None)
            import_module("luotsi.plans.migrations.0004_plain_language_terms_seeded").load(
                apps, None)
        if not IdentificationRule.objects.exists():
            import_module("luotsi.usage.migrations.0002_default_identification_rules").load(
                apps, None)
        if not ChecklistItem.objects.exists():
            import_module("luotsi.sharedcare.migrations.0002_default_checklist").add_items(
                apps, None)
    yield
