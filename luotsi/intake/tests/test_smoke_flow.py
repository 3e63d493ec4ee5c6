import datetime as dt

import pytest
from django.utils import timezone

from luotsi.intake import services as s
from luotsi.intake.models import Deadline, ServiceCatalogueItem
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import RegionFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_flow(municipality, client_person):
    region = municipality.region
    intake_team = TeamFactory(code="family-intake", kind=TeamKind.INTAKE, region=None)
    east = TeamFactory(code="assessment-x", kind=TeamKind.ASSESSMENT, region=region)
    worker = UserFactory(username="iw", role=Role.INTAKE_WORKER, teams=[intake_team])
    sw = UserFactory(username="sw", teams=[east])
    c = s.contact_register(actor=worker, data=s.ContactInput(
        kind="child_welfare_notification", channel="phone",
        received_at=timezone.now() - dt.timedelta(hours=1), reporter_kind="education",
        description="Huoli lapsesta", persons=[s.PersonRef(role="child", hetu=client_person.hetu)]))
    assert Deadline.objects.filter(contact=c).count() == 4
    s.contact_assess_urgency(actor=worker, contact=c, urgency="not_urgent")
    s.initial_assessment_record(actor=worker, contact=c, outcome="service_need_assessment",
                                informed_on=timezone.localdate())
    c.refresh_from_db()
    assert c.team == east and c.assessment
    a = s.assessment_start(actor=sw, assessment=c.assessment, started_on=timezone.localdate())
    a = s.assessment_complete(actor=sw, assessment=a, outcome="child_welfare_client",
                              reason="Tarve", completed_on=timezone.localdate(),
                              responsible_worker=sw, informed_on=timezone.localdate())
    assert set(Deadline.objects.filter(contact=c).values_list("status", flat=True)) == {"met"}
    assert ServiceCatalogueItem.objects.count() == 0
    assert RegionFactory
