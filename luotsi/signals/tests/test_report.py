"""Intervention points across clients: the report for team leads, and the early candidates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.organisation.tests.factories import MunicipalityFactory, RegionFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.sharedcare.models import SharedClient
from luotsi.signals.tests.helpers import emergencies, events, only_rules

pytestmark = pytest.mark.django_db

URL = "/service-usage/intervention-points/"


def _shared(person, started: date, decided_by) -> SharedClient:
    return SharedClient.objects.create(
        person=person, status=SharedClient.Status.CONFIRMED, coordination_started_on=started,
        decided_by=decided_by,
        decided_at=timezone.make_aware(datetime.combine(started, time(12))))


@pytest.fixture
def area(lead):
    """Region A: Big (6 shared clients, all with two sectors in a month 14 months before the
    start), Middle (5) and Small (2) without signals; region B: Other (1)."""
    region_a = RegionFactory(code="a-region", name_fi="Alue A")
    region_b = RegionFactory(code="b-region", name_fi="Alue B")
    big = MunicipalityFactory(code="101", name_fi="Iso", region=region_a)
    small = MunicipalityFactory(code="102", name_fi="Pieni", region=region_a)
    other = MunicipalityFactory(code="201", name_fi="Muu", region=region_b)
    middle = MunicipalityFactory(code="103", name_fi="Keski", region=region_a)
    start = date(2025, 3, 31)
    for _i in range(5):
        _shared(PersonFactory(municipality=middle), start, lead)
    for _i in range(6):
        person = PersonFactory(municipality=big)
        events(person, [(date(2024, 1, 10), "social", "visit"),
                        (date(2024, 1, 20), "health", "visit")])
        _shared(person, start, lead)
    for _i in range(2):
        _shared(PersonFactory(municipality=small), start, lead)
    _shared(PersonFactory(municipality=other), date(2025, 1, 15), lead)
    # outside the period
    _shared(PersonFactory(municipality=big), date(2023, 1, 15), lead)
    return {"big": big, "small": small, "other": other, "region_a": region_a}


def _get(client, **params):
    return client.get(URL, {"end": "2025-06", "months": "12", **params})


def test_report__signals_lead_times_and_small_cells(client, lead, area):
    client.force_login(lead)
    response = _get(client)
    assert response.status_code == 200
    data = response.context["report"]
    assert data.total == 14
    signal = {row.code: row for row in data.signals}["two_sectors_month"]
    assert signal.clients == 6 and signal.leads == [14] * 6
    rows = {row["label"]: row for row in response.context["areas"]}
    assert rows["Iso"]["clients"] == "6" and rows["Iso"]["median"] == "14"
    # Small (2) is hidden, and Middle, the next-smallest, with it: never one alone in a sum
    assert rows["Pieni"]["clients"] == "<5"
    assert rows["Keski"]["clients"] == "–" and rows["Keski"]["share"] == "–"
    # Region B's only municipality (1) is hidden, so is the region; then region A with it
    assert rows["Muu"]["clients"] == "<5" and rows["Alue B"]["clients"] == "<5"
    assert rows["Alue A"]["clients"] == "–"
    county = response.context["areas"][-1]
    assert county["level"] == "county" and county["clients"] == "14"
    assert [n for _label, n in response.context["distribution"]] == ["0", "0", "0", "6", "0"]
    assert not AccessLogEntry.objects.exists()


def test_report__filtered_to_a_municipality(client, lead, area):
    client.force_login(lead)
    response = _get(client, region=area["region_a"].pk, municipality=area["big"].pk)
    assert response.status_code == 200
    assert [row["label"] for row in response.context["areas"]] == ["Alue A", "Iso"]


def test_report__a_municipality_outside_the_region_is_named(client, lead, area):
    client.force_login(lead)
    response = _get(client, region=area["region_a"].pk, municipality=area["other"].pk)
    assert response.status_code == 400
    assert "municipality" in response.context["form"].errors


@pytest.mark.parametrize("months", ["0", "13", "x", "9" * 30])
def test_report__bad_period_refused(client, lead, area, months):
    client.force_login(lead)
    response = _get(client, months=months)
    assert response.status_code == 400
    assert "months" in response.context["form"].errors


def test_report__a_fixed_number_of_statements(client, lead, area, django_assert_num_queries):
    client.force_login(lead)
    _get(client)
    # session, user, shared clients, municipalities, flags, shared clients (flag days),
    # events, contacts, plans, signal definitions, the filter's regions and municipalities
    with django_assert_num_queries(12):
        _get(client)
    for _i in range(5):
        person = PersonFactory(municipality=area["small"])
        events(person, [(date(2024, 6, 1), "employment", "contact")])
        _shared(person, date(2025, 2, 1), lead)
    with django_assert_num_queries(12):
        assert _get(client).status_code == 200


def test_report__for_team_leads_only(client, alice, area):
    client.force_login(alice)
    assert _get(client).status_code == 403


def test_early_candidates__only_own_clients_not_yet_flagged(client, alice, case, client_person):
    only_rules()
    today = timezone.localdate()
    emergencies(client_person, [today - timedelta(days=10), today - timedelta(days=40)])
    stranger = PersonFactory()
    emergencies(stranger, [today - timedelta(days=10), today - timedelta(days=40)])
    flagged = PersonFactory()
    RelationshipFactory(person=flagged, user=alice)
    emergencies(flagged, [today - timedelta(days=n) for n in (1, 2, 3, 4)])
    from luotsi.signals.tests.helpers import IdentificationRule
    from luotsi.usage.models import Flag

    Flag.objects.create(person=flagged, rule=IdentificationRule.objects.get(code="test_emergency"),
                        as_of=today, first_flagged_on=today)
    client.force_login(alice)
    response = client.get("/service-usage/early-candidates/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [person.pk for person, _rules in rows] == [client_person.pk]
    assert AccessLogEntry.objects.filter(person_id=client_person.pk,
                                         action=LogAction.LIST).exists()
    assert not AccessLogEntry.objects.filter(person_id=stranger.pk).exists()
