"""My consents (/oma/consents/): what each consent of my plan allows and since when; withdrawing
one takes effect at once (the professional of that sector no longer sees the other sectors'
sections on the plan page, the coordinator is notified); accepting one a worker asked for
(asked on the plan page); someone else's consent is "not found" and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, LogAction, Outcome
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.intake.models import Notification
from luotsi.oma.tests.builders import client_with_plan, sign_in_client
from luotsi.organisation.models import ServiceTask
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.plans.models import Consent, Plan, PlanSection

pytestmark = pytest.mark.django_db

MISSING = 2**62


@pytest.fixture
def plan(alice):
    plan = client_with_plan(alice)
    RelationshipFactory(person=plan.person, user=alice)
    return plan


@pytest.fixture
def nurse(plan):
    """A health-care professional in the client's care team: sees the working-age section only
    while the client's consent to share with health care is in force."""
    team = TeamFactory(code="health", name_fi="Terveysasema", service_task=ServiceTask.HEALTH)
    nurse = UserFactory(first_name="Nina", last_name="Nurmi", teams=[team])
    RelationshipFactory(person=plan.person, user=nurse)
    return nurse


@pytest.fixture
def consent(alice, plan):
    return Consent.objects.create(plan=plan, sector="health", scope="Koko suunnitelma",
                                  valid_from=timezone.localdate() - dt.timedelta(days=30),
                                  recorded_by=alice)


def _last_seq() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _section_shown_to(client, user, plan) -> bool:
    client.force_login(user)
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    client.logout()
    return "Oma koti ja työ" in html  # the goal of the working-age section


def test_my_consents_say_what_each_allows_and_since_when(client, plan, consent):
    sign_in_client(client, plan.person)
    since = _last_seq()
    page = client.get("/oma/consents/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Omat suostumukseni" in html and "Terveydenhuolto" in html
    assert "Koko suunnitelma" in html
    assert consent.valid_from.strftime("%-d.%-m.%Y") in html
    assert "Voimassa" in html and f"/oma/consents/{consent.pk}/withdraw/" in html
    [record] = AccessLogEntry.objects.filter(seq__gt=since)
    assert (record.person_id, record.basis, record.username) == (
        plan.person_id, Basis.OWN_DATA, f"client:{plan.person_id}")


def test_withdrawing_takes_effect_at_once_and_the_coordinator_is_notified(
        client, alice, nurse, plan, consent):
    assert _section_shown_to(client, nurse, plan)
    sign_in_client(client, plan.person)
    revision = Plan.objects.get(pk=plan.pk).revision
    since = _last_seq()
    answer = client.post(f"/oma/consents/{consent.pk}/withdraw/")
    assert (answer.status_code, answer["Location"]) == (302, "/oma/consents/")
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert Plan.objects.get(pk=plan.pk).revision == revision + 1
    html = client.get("/oma/consents/").content.decode()
    assert "Peruit suostumuksen" in html and "Peruit sen" in html
    records = AccessLogEntry.objects.filter(seq__gt=since, action=LogAction.UPDATE)
    assert records and all(r.username == f"client:{plan.person_id}" and r.basis == Basis.OWN_DATA
                           and r.person_id == plan.person_id for r in records)
    [notice] = Notification.objects.filter(user=alice)
    assert "Terveydenhuolto".lower() in notice.text.lower() or "terveyden" in notice.text
    assert notice.link == f"/plans/{plan.pk}/#consents"
    assert plan.person.full_name not in notice.text
    client.cookies.clear()
    assert not _section_shown_to(client, nurse, plan)
    assert _section_shown_to(client, alice, plan)  # the coordinator sees the whole plan


def test_withdrawing_notifies_the_named_worker_too_once_each(client, alice, plan, consent):
    """The client's named worker (omatyöntekijä) hears of it as the coordinator does, in their
    own language; one person in both roles gets one notice."""
    named = UserFactory(first_name="Olli", last_name="Omatyöntekijä", language="sv")
    Plan.objects.filter(pk=plan.pk).update(named_worker=named)
    sign_in_client(client, plan.person)
    client.post(f"/oma/consents/{consent.pk}/withdraw/")
    [to_alice] = Notification.objects.filter(user=alice)
    [to_named] = Notification.objects.filter(user=named)
    assert "Asiakas perui" in to_alice.text
    assert "återkallade" in to_named.text and to_named.link == to_alice.link
    other = Consent.objects.create(plan=plan, sector="employment", scope="Työnhaku",
                                   valid_from=timezone.localdate(), recorded_by=alice)
    Plan.objects.filter(pk=plan.pk).update(named_worker=alice)
    client.post(f"/oma/consents/{other.pk}/withdraw/")
    assert Notification.objects.filter(user=alice, key__endswith=f":{other.pk}").count() == 1
    assert not Notification.objects.filter(user=named, key__endswith=f":{other.pk}").exists()


def test_withdrawing_twice_is_refused_with_a_message(client, plan, consent):
    sign_in_client(client, plan.person)
    client.post(f"/oma/consents/{consent.pk}/withdraw/")
    answer = client.post(f"/oma/consents/{consent.pk}/withdraw/", follow=True)
    assert "Tämä suostumus ei ole voimassa" in answer.content.decode()


def test_someone_elses_consent_is_not_found_and_nothing_is_saved(client, alice, plan, consent):
    other = client_with_plan(alice, first_name="Toinen")
    others = Consent.objects.create(plan=other, sector="health", scope="Toisen suostumus",
                                    valid_from=timezone.localdate(), recorded_by=alice)
    asked = Consent.objects.create(plan=other, sector="employment", scope="Pyydetty",
                                   valid_from=timezone.localdate(), recorded_by=alice,
                                   status=Consent.Status.REQUESTED)
    sign_in_client(client, plan.person)
    for url in (f"/oma/consents/{others.pk}/withdraw/", f"/oma/consents/{asked.pk}/accept/",
                f"/oma/consents/{MISSING}/withdraw/", f"/oma/consents/{MISSING}/accept/"):
        since = _last_seq()
        answer = client.post(url)
        assert answer.status_code == 404, url
        [record] = AccessLogEntry.objects.filter(seq__gt=since)
        assert (record.person_id, record.outcome) == (None, Outcome.REFUSED)
    others.refresh_from_db()
    asked.refresh_from_db()
    assert others.withdrawn_on is None and asked.status == Consent.Status.REQUESTED
    assert not Notification.objects.exists()
    html = client.get("/oma/consents/").content.decode()
    assert "Toisen suostumus" not in html and "Pyydetty" not in html
    assert client.get(f"/oma/consents/{consent.pk}/withdraw/").status_code == 405


def test_a_worker_asks_for_a_consent_and_the_client_accepts_it(client, alice, nurse, plan):
    client.force_login(alice)
    answer = client.post(f"/plans/{plan.pk}/consents/ask/", {
        "consent_request-sector": "health", "consent_request-scope": "Tavoitteet ja palvelut"})
    assert answer.status_code == 302
    asked = Consent.objects.get(plan=plan)
    assert asked.status == Consent.Status.REQUESTED and asked.recorded_by == alice
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Pyydetty asiakkaalta" in html
    client.logout()
    assert not _section_shown_to(client, nurse, plan)  # asked is not given
    sign_in_client(client, plan.person)
    html = client.get("/oma/consents/").content.decode()
    assert "Työntekijäsi pyytää tätä suostumusta." in html
    assert f"/oma/consents/{asked.pk}/accept/" in html
    answer = client.post(f"/oma/consents/{asked.pk}/accept/")
    assert answer.status_code == 302
    asked.refresh_from_db()
    assert asked.status == Consent.Status.GIVEN and asked.answered_at is not None
    assert asked.valid_from == timezone.localdate()
    record = AccessLogEntry.objects.order_by("-seq").first()
    assert (record.action, record.basis, record.username) == (
        LogAction.UPDATE, Basis.OWN_DATA, f"client:{plan.person_id}")
    assert "accepted by the client" in record.detail
    again = client.post(f"/oma/consents/{asked.pk}/accept/", follow=True)
    assert "Tämä suostumus ei odota vastaustasi." in again.content.decode()
    client.cookies.clear()
    assert _section_shown_to(client, nurse, plan)


def test_the_request_form_refuses_bad_input_naming_the_field(client, alice, plan):
    client.force_login(alice)
    answer = client.post(f"/plans/{plan.pk}/consents/ask/", {
        "consent_request-sector": "nowhere", "consent_request-scope": ""})
    assert answer.status_code in (200, 400)
    assert set(answer.context["forms"]["consent_request"].errors) == {"sector", "scope"}
    assert not Consent.objects.filter(plan=plan).exists()


def test_my_consents_read_a_fixed_number_of_queries(client, alice, plan, consent,
                                                    django_assert_num_queries):
    from django.db import connection

    sign_in_client(client, plan.person)
    client.get("/oma/consents/")
    lock = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(8 + lock):
        assert client.get("/oma/consents/").status_code == 200
    for sector in ("employment", "mental_health_substance", "family_services"):
        Consent.objects.create(plan=plan, sector=sector, scope="Lisää",
                               valid_from=timezone.localdate(), recorded_by=alice)
    with django_assert_num_queries(8 + lock):
        assert client.get("/oma/consents/").status_code == 200


def test_the_section_stays_hidden_from_another_sector_without_consent(client, nurse, plan):
    assert PlanSection.objects.filter(plan=plan, sector="working_age_social").exists()
    assert not _section_shown_to(client, nurse, plan)
