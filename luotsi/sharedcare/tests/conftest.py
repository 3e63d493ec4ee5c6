import pytest

from luotsi.organisation.models import Role, ServiceTask
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.sharedcare.tests import factories


@pytest.fixture
def checklist(db):
    return factories.checklist()


@pytest.fixture
def health_team(db):
    return TeamFactory(code="health-team", name_fi="Terveysasema", service_task=ServiceTask.HEALTH)


@pytest.fixture
def nurse(health_team):
    return UserFactory(username="nina", first_name="Nina", last_name="Nurmi", role=Role.NURSE,
                       title="sairaanhoitaja", teams=[health_team])


@pytest.fixture
def flagged(case, client_person):
    """``client_person`` (alice's client) flagged by the multi-sector rule, with events."""
    factories.events(client_person)
    factories.flag(client_person)
    return client_person
