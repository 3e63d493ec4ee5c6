from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.access.tests.assertions import assert_refused
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import Step
from luotsi.sharedcare import services
from luotsi.sharedcare.models import Consultation, SharedClient
from luotsi.sharedcare.tests import factories
from luotsi.usage.models import EventKind, EventSector

pytestmark = pytest.mark.django_db

CANDIDATES = "/shared-clients/candidates/"


def _log_lock() -> int:
    """PostgreSQL takes an advisory lock on the access-log chain before appending: one query."""
    return 1 if connection.vendor == "postgresql" else 0


def _flag_many(alice, count: int) -> None:
    the_rule = factories.rule()
    for _ in range(count):
        person = PersonFactory()
        RelationshipFactory(person=person, user=alice)
        factories.flag(person, the_rule=the_rule)


def test_candidates__lists_visible_flagged_persons_with_rules(client, alice, flagged):
    client.force_login(alice)
    response = client.get(CANDIDATES)
    assert response.status_code == 200
    body = response.content.decode()
    assert flagged.full_name in body and factories.rule().label() in body
    assert AccessLogEntry.objects.filter(person_id=flagged.pk, action=LogAction.LIST).exists()


def test_candidates__other_team_sees_nobody(client, bob, flagged):
    client.force_login(bob)
    response = client.get(CANDIDATES)
    assert flagged.full_name not in response.content.decode()


def test_candidates__declined_hidden_until_the_date_then_back(client, alice, flagged):
    services.shared_client_decline(actor=alice, person_id=flagged.pk, reason="Ei nyt, myöhemmin")
    client.force_login(alice)
    assert flagged.full_name not in client.get(CANDIDATES).content.decode()
    SharedClient.objects.filter(person=flagged).update(
        hidden_until=timezone.localdate() - timedelta(days=1))
    assert flagged.full_name in client.get(CANDIDATES).content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_candidates__query_count_independent_of_size(client, alice, django_assert_num_queries,
                                                     count):
    _flag_many(alice, count)
    client.force_login(alice)
    client.get(CANDIDATES)  # warm the session and the team cache
    with django_assert_num_queries(10 + _log_lock()):
        response = client.get(CANDIDATES)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_candidates__team_lead_area_counts_pinned(client, lead, django_assert_num_queries, count,
                                                  municipality):
    the_rule = factories.rule()
    for _ in range(count):
        factories.flag(PersonFactory(municipality=municipality), the_rule=the_rule)
    client.force_login(lead)
    client.get(CANDIDATES)
    with django_assert_num_queries(5):
        response = client.get(CANDIDATES)
    body = response.content.decode()
    assert "Porvoo" in body
    assert response.context["area"][0]["flagged"] == count


def test_candidates__area_counts_only_for_team_lead(client, alice, flagged):
    client.force_login(alice)
    assert "area" not in client.get(CANDIDATES).context


def test_person__why_and_service_path_logged(client, alice, flagged):
    client.force_login(alice)
    response = client.get(f"/shared-clients/persons/{flagged.pk}/")
    assert response.status_code == 200
    reasons = response.context["reasons"]
    assert reasons[0].value == 3  # social, health and mental health within the year
    lanes = {lane.sector: lane for lane in response.context["path"].lanes}
    assert lanes["health"].emergency == 2 and lanes["employment"].total == 1
    body = response.content.decode()
    assert "<svg" in body and "sc-em" in body
    assert AccessLogEntry.objects.filter(person_id=flagged.pk, user_id=alice.pk,
                                         action=LogAction.VIEW,
                                         detail__contains="service path").exists()


def test_person_pages__no_relationship_is_404(client, bob, flagged):
    client.force_login(bob)
    for url in (f"/shared-clients/persons/{flagged.pk}/",
                f"/shared-clients/persons/{flagged.pk}/confirm/",
                f"/shared-clients/persons/{flagged.pk}/decline/",
                f"/shared-clients/persons/{flagged.pk}/consultations/new/",
                "/shared-clients/persons/999999/"):
        assert client.get(url).status_code == 404, url
        assert_refused(bob, 999999 if "999999" in url else flagged)


def test_confirm__form_errors_name_fields_and_save_nothing(client, alice, flagged, checklist):
    client.force_login(alice)
    response = client.post(f"/shared-clients/persons/{flagged.pk}/confirm/",
                           {"coordinator": str(alice.pk)})
    assert response.status_code == 200
    form = response.context["form"]
    assert "consent_given" in form.errors and f"answer_{checklist[0].pk}" in form.errors
    assert not SharedClient.objects.exists()


def test_confirm__post_confirms_and_links_the_plan(client, alice, nurse, flagged, checklist):
    client.force_login(alice)
    today = timezone.localdate()
    data = {f"answer_{item.pk}": "yes" for item in checklist}
    data.update({"consent_given": "on", "consent_sectors": ["health", "working_age_social"],
                 "consent_scope": "Palvelujen yhteensovittaminen",
                 "consent_from": today.isoformat(),
                 "consent_until": (today + timedelta(days=365)).isoformat(),
                 "coordinator": str(alice.pk), "care_team": [str(nurse.pk)]})
    response = client.post(f"/shared-clients/persons/{flagged.pk}/confirm/", data)
    assert response.status_code == 302
    shared = SharedClient.objects.get(person=flagged)
    assert shared.status == "confirmed" and shared.coordinator == alice
    page = client.get(f"/shared-clients/persons/{flagged.pk}/").content.decode()
    assert f"/plans/{shared.plan_id}/" in page
    memo = client.get(f"/plans/{shared.plan_id}/memo/").content.decode()
    assert "Alice Aalto" in memo  # the client knows whom to contact


def test_meeting__create_minutes_and_pdf_logged(client, alice, nurse, flagged, checklist):
    shared = services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(),
            consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk,
            care_team_ids=[nurse.pk]))
    client.force_login(alice)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(f"/shared-clients/persons/{flagged.pk}/meetings/new/", {
        "held_at_date": timezone.localdate().isoformat(), "held_at_time": "10:00",
        "kind": "in_person", "place": "Porvoo", "client_present": "on",
        "professionals": [str(alice.pk), str(nurse.pk)], "agenda": "Tilanne",
        "close_name_1": "Maija", "close_relation_1": "sisar",
        "what_1": "Asiakas varaa ajan", "owner_1": "client", "due_1": due,
        "what_2": "Lääkityksen tarkistus", "owner_2": f"user:{nurse.pk}", "due_2": due})
    assert response.status_code == 302, response.context["form"].errors
    assert Step.objects.filter(plan=shared.plan).count() == 2
    minutes_url = response["Location"]
    page = client.get(minutes_url)
    assert "Lääkityksen tarkistus" in page.content.decode()
    meeting_id = page.context["meeting"].pk
    pdf = client.get(f"/shared-clients/meetings/{meeting_id}/minutes.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(person_id=flagged.pk, action=LogAction.PRINT).count() == 2


def test_meeting__missing_date_names_the_field(client, alice, flagged, checklist):
    services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(),
            consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk))
    client.force_login(alice)
    response = client.post(f"/shared-clients/persons/{flagged.pk}/meetings/new/",
                           {"kind": "in_person", "what_1": "X", "owner_1": "client"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["held_at_date"] == ["Anna kokouksen päivä ja kellonaika."]
    body = response.content.decode()
    assert body.count('<span class="required">') >= 3  # date, time and how it is held
    response = client.post(f"/shared-clients/persons/{flagged.pk}/meetings/new/", {
        "kind": "in_person", "held_at_date": timezone.localdate().isoformat(),
        "held_at_time": "10:00", "what_1": "X", "owner_1": "client"})
    assert "due_1" in response.context["form"].errors


def test_consultations__work_list_overdue_first_and_answer(client, alice, nurse, flagged,
                                                           django_assert_num_queries):
    today = timezone.localdate()
    for days, question in ((5, "Myöhempi"), (0, "Aikaisempi")):
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question=question, basis="client_data_act",
            due_on=today + timedelta(days=days),
            expert_id=nurse.pk))
    Consultation.objects.filter(question="Aikaisempi").update(due_on=today - timedelta(days=2))
    client.force_login(nurse)
    client.get("/shared-clients/consultations/")
    with django_assert_num_queries(9 + _log_lock()):
        response = client.get("/shared-clients/consultations/")
    rows = response.context["open_rows"]
    assert [c.question for c in rows] == ["Aikaisempi", "Myöhempi"]
    target = rows[0]
    response = client.post(f"/shared-clients/consultations/{target.pk}/", {"answer": ""})
    assert "answer" in response.context["form"].errors
    response = client.post(f"/shared-clients/consultations/{target.pk}/",
                           {"answer": "Vastaus tässä."})
    assert response.status_code == 302
    client.force_login(alice)
    page = client.get(f"/shared-clients/persons/{flagged.pk}/").content.decode()
    assert "Vastaus tässä." in page


def test_consultation__bob_cannot_open(client, alice, bob, nurse, flagged):
    consultation = services.consultation_ask(
        actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Q", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_id=nurse.pk))
    client.force_login(bob)
    assert client.get(f"/shared-clients/consultations/{consultation.pk}/").status_code == 404
    assert_refused(bob, flagged)


def test_minutes__in_the_plans_language(client, alice, flagged, checklist):
    from luotsi.plans.models import Plan

    shared = services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(),
            consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk))
    Plan.objects.filter(pk=shared.plan_id).update(language="sv")
    shared.refresh_from_db()
    meeting = services.meeting_save(actor=alice, shared_client=shared, data=services.MeetingInput(
        held_at=timezone.now(), kind="phone"))
    client.force_login(alice)
    response = client.get(f"/shared-clients/meetings/{meeting.pk}/minutes/")
    assert response.context["language"] == "sv"
    assert '<article class="sc-minutes" lang="sv">' in response.content.decode()


def test_end__page_ends_the_coordination(client, alice, flagged, checklist):
    services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(),
            consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk))
    client.force_login(alice)
    url = f"/shared-clients/persons/{flagged.pk}/end/"
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    # the reason first; then a confirmation that names what ending means, nothing ended yet
    asked = client.post(url, {"reason": "Tavoitteet saavutettu"})
    assert asked.status_code == 200 and 'id="end-consequences"' in asked.content.decode()
    assert SharedClient.objects.get(person=flagged).status == "confirmed"
    assert client.post(url, {"reason": "Tavoitteet saavutettu",
                             "confirmed": "on"}).status_code == 302
    assert SharedClient.objects.get(person=flagged).status == "ended"
    assert flagged.full_name not in client.get(CANDIDATES).content.decode()


@pytest.mark.parametrize("count", [1, 4])
def test_person__query_count_independent_of_meetings_and_consultations(
        client, alice, nurse, flagged, checklist, django_assert_num_queries, count):
    shared = services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(),
            consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk))
    due = timezone.localdate() + timedelta(days=5)
    for _ in range(count):
        services.meeting_save(actor=alice, shared_client=shared, data=services.MeetingInput(
            held_at=timezone.now(), kind="phone", professional_ids=[alice.pk],
            decisions=[services.DecisionInput("Soitto", "client", None, due)]))
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Q", basis="consent", due_on=due,
            expert_id=nurse.pk))
    client.force_login(alice)
    url = f"/shared-clients/persons/{flagged.pk}/"
    client.get(url)
    # the why and the service path: one counting statement each, whatever the events; the
    # intervention marks (luotsi.signals): the signals, and the events, contacts and plan in one
    # (the first flag from the flags and decision the page has read)
    with django_assert_num_queries(19 + _log_lock()):
        assert client.get(url).status_code == 200


def _confirm_data(checklist, alice, **changes):
    today = timezone.localdate()
    data = {f"answer_{item.pk}": "yes" for item in checklist}
    data.update({"consent_given": "on", "consent_sectors": ["health"],
                 "consent_scope": "Palvelujen yhteensovittaminen",
                 "consent_from": today.isoformat(), "coordinator": str(alice.pk)})
    data.update(changes)
    return data


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_confirm__start_date_prefilled_in_iso(client, settings, alice, flagged, checklist,
                                              language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(alice)
    body = client.get(f"/shared-clients/persons/{flagged.pk}/confirm/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in body
    # the consent box is one of the fields the page marks as required
    consent = body.split('id="id_consent_given"', 1)[1].split("</label>", 1)[0]
    assert '<span class="required">' in consent


def test_confirm__open_ended_consent_only_when_the_client_agrees(client, alice, flagged,
                                                                 checklist):
    from luotsi.plans.models import Consent

    client.force_login(alice)
    url = f"/shared-clients/persons/{flagged.pk}/confirm/"
    response = client.post(url, _confirm_data(checklist, alice))
    assert response.status_code == 200
    assert "consent_until" in response.context["form"].errors
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    both = client.post(url, _confirm_data(checklist, alice, consent_until=later,
                                          consent_open_ended="on"))
    assert "consent_until" in both.context["form"].errors
    assert not SharedClient.objects.exists()
    response = client.post(url, _confirm_data(checklist, alice, consent_open_ended="on"))
    assert response.status_code == 302
    consent = Consent.objects.get(plan__person=flagged)
    assert consent.valid_until is None and consent.sector == "health"


def test_end__care_team_member_is_not_offered_it_and_is_refused(client, alice, nurse, flagged,
                                                                checklist):
    services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(), consent_until=None, consent_open_ended=True,
            coordinator_id=alice.pk, care_team_ids=[nurse.pk]))
    end_url = f"/shared-clients/persons/{flagged.pk}/end/"
    client.force_login(alice)
    assert f'href="{end_url}"' in client.get(f"/shared-clients/persons/{flagged.pk}/")\
        .content.decode()
    client.force_login(nurse)
    page = client.get(f"/shared-clients/persons/{flagged.pk}/")
    assert page.status_code == 200 and f'href="{end_url}"' not in page.content.decode()
    assert client.get(end_url).status_code == 403
    assert client.post(end_url, {"reason": "Lopetetaan nyt", "confirmed": "on"}).status_code \
        == 403
    assert SharedClient.objects.get(person=flagged).status == "confirmed"


def test_consultation_answered_late__lateness_kept_on_every_page(client, settings, alice, nurse,
                                                                 flagged):
    """An answer given after its due date shows "late by N working days" on the consultation,
    in the asker's list and on the shared-client page; one given in time shows none."""
    from luotsi.deadlines.rules import working_days_late

    settings.LANGUAGE_CODE = "en"
    today = timezone.localdate()
    due = today - timedelta(days=8)
    asked = {}
    for question in ("Myöhään", "Ajallaan"):
        asked[question] = services.consultation_ask(
            actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
                sector="health", question=question, basis="client_data_act",
                due_on=today, expert_id=nurse.pk))
        services.consultation_answer(actor=nurse, consultation_id=asked[question].pk,
                                     answer=f"Vastaus: {question}")
    Consultation.objects.filter(pk=asked["Myöhään"].pk).update(due_on=due)
    late = working_days_late(due, today)
    text = f"late by {late} working days"
    client.force_login(alice)
    for url in (f"/shared-clients/consultations/{asked['Myöhään'].pk}/",
                "/shared-clients/consultations/", f"/shared-clients/persons/{flagged.pk}/"):
        body = client.get(url, headers={"accept-language": "en"}).content.decode()
        assert body.count(text) == 1 and body.count('class="late"') == 1, url
    body = client.get(f"/shared-clients/consultations/{asked['Ajallaan'].pk}/").content.decode()
    assert 'class="late"' not in body


def test_person__flag_stored_with_a_year_one_date_still_opens(client, alice, flagged):
    """A flag stored with an extreme date (written straight into the database, before the range
    check) does not break the page: the service path's window holds at the calendar's start."""
    from datetime import date

    from luotsi.usage.models import Flag

    Flag.objects.filter(person=flagged).update(as_of=date(1, 1, 1))
    client.force_login(alice)
    response = client.get(f"/shared-clients/persons/{flagged.pk}/")
    assert response.status_code == 200


def test_meeting__form_posted_twice_saves_one_meeting(client, alice, nurse, flagged, checklist):
    from luotsi.sharedcare.models import Meeting

    services.shared_client_confirm(
        actor=alice, person_id=flagged.pk,
        data=services.ConfirmInput(
            answers={item.pk: "yes" for item in checklist}, consent_given=True,
            consent_sectors=["health"], consent_scope="Kaikki",
            consent_from=timezone.localdate(),
            consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk,
            care_team_ids=[nurse.pk]))
    client.force_login(alice)
    url = f"/shared-clients/persons/{flagged.pk}/meetings/new/"
    assert 'name="idempotency_key"' in client.get(url).content.decode()
    data = {"held_at_date": timezone.localdate().isoformat(), "held_at_time": "10:00",
            "kind": "in_person", "place": "Porvoo", "professionals": [str(alice.pk)],
            "agenda": "Tilanne", "idempotency_key": "cd" * 16}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Meeting.objects.count() == 1


def test_consultation_form__offers_the_bases_with_their_sources(client, alice, flagged):
    client.force_login(alice)
    response = client.get(f"/shared-clients/persons/{flagged.pk}/consultations/new/")
    choices = dict(response.context["form"].fields["basis"].choices)
    assert list(choices) == ["consent", "shl_41", "patient_act_13", "client_data_act"]
    assert "Sosiaalihuoltolaki 1301/2014, 41 §" in choices["shl_41"]
    assert "child_welfare_25" not in response.content.decode()


@pytest.mark.parametrize(("language", "words"), [
    ("fi", "edellyttää asiakkaan suostumusta"), ("sv", "kräver klientens samtycke"),
    ("en", "requires the client's consent")])
def test_consultation_form__shl_41_without_consent_refused_naming_basis(
        client, alice, nurse, flagged, language, words):
    client.force_login(alice)
    client.cookies["django_language"] = language
    data = {"sector": "health", "expert": str(nurse.pk), "question": "Kysymys",
            "basis": "shl_41", "due_on": timezone.localdate().isoformat()}
    url = f"/shared-clients/persons/{flagged.pk}/consultations/new/"
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["basis"]
    assert words in response.context["form"].errors["basis"][0]
    # The child-welfare duty to notify is no consultation basis, even if posted.
    response = client.post(url, {**data, "basis": "child_welfare_25"})
    assert list(response.context["form"].errors) == ["basis"]
    assert not Consultation.objects.exists()
    assert not AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).exists()


# --- The why counts as the rule counts -----------------------------------------------------------
# ``factories.events``: social decision (20 days ago), two health emergency visits (40, 41), a
# health doctor's visit (100), a mental-health visit (60) and an employment contact (500 days).

CONDITIONED = [
    # (rule's conditions, the value the why shows)
    ({"measure": "total_events", "threshold": 3,
      "event_kinds": ["emergency_visit", "doctor_visit"]}, 3),
    ({"measure": "distinct_sectors", "threshold": 2, "event_kinds": ["decision", "visit"]}, 2),
    ({"measure": "events_in_sector", "sector": "health", "threshold": 1,
      "event_kinds": ["doctor_visit"]}, 1),
    ({"measure": "events_of_kind", "event_kind": "emergency_visit", "threshold": 2,
      "event_kinds": ["emergency_visit", "decision"]}, 2),
    ({"measure": "total_events", "threshold": 5, "sectors_together": ["health", "social"]}, 5),
    ({"measure": "total_events", "threshold": 5, "min_age": 0, "max_age": 120}, 5),
]


@pytest.mark.parametrize(("conditions", "value"), CONDITIONED)
def test_person__why_counts_only_what_the_rule_counts_and_agrees_with_identification(
        client, alice, case, client_person, conditions, value):
    """The number on the person page is the one the identification counted: the kinds the
    rule names, its sector or kind; a person the rule matches has a number at its threshold."""
    from luotsi.usage.identification import matches

    factories.events(client_person)
    the_rule = factories.rule(code="conditioned", **conditions)
    factories.flag(client_person, the_rule=the_rule)
    client.force_login(alice)
    [reason] = client.get(f"/shared-clients/persons/{client_person.pk}/").context["reasons"]
    assert reason.value == value
    assert client_person.pk in set(matches(the_rule, timezone.localdate()))
    assert reason.value >= the_rule.threshold


def test_person__why_names_the_kinds_the_sectors_together_and_the_ages(
        client, alice, case, client_person):
    factories.events(client_person)
    the_rule = factories.rule(code="conditioned", measure="total_events", threshold=3,
                              event_kinds=["emergency_visit", "decision"], min_age=0,
                              max_age=120, sectors_together=["social", "health"])
    factories.flag(client_person, the_rule=the_rule)
    client.force_login(alice)
    response = client.get(f"/shared-clients/persons/{client_person.pk}/")
    [reason] = response.context["reasons"]
    # social: the decision; health: the two emergency visits, not the doctor's visit
    assert reason.value == 3
    sectors = dict(EventSector.choices)
    assert reason.together == [(str(sectors["health"]), 2), (str(sectors["social"]), 1)]
    kinds = dict(EventKind.choices)
    assert reason.kinds == [str(kinds["decision"]), str(kinds["emergency_visit"])]
    body = response.content.decode()
    for label in [*reason.kinds, *(label for label, _n in reason.together)]:
        assert label in body
    assert "0–120" in body
