from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from luotsi.access import gateway
from luotsi.access.models import AccessLogEntry, Category, ClientRelationship, LogAction
from luotsi.plans.models import Consent, Plan, Step
from luotsi.sharedcare import services
from luotsi.sharedcare.models import (
    ChecklistAnswer,
    Consultation,
    Decision,
    Meeting,
    SharedClient,
)

pytestmark = pytest.mark.django_db


def _confirm_input(checklist, coordinator, **changes):
    today = timezone.localdate()
    values = {
        "answers": {item.pk: "yes" for item in checklist},
        "consent_given": True,
        "consent_sectors": ["working_age_social", "health"],
        "consent_scope": "Tiedot palvelujen yhteensovittamiseksi",
        "consent_from": today, "consent_until": today + timedelta(days=365),
        "coordinator_id": coordinator.pk, "care_team_ids": [],
    }
    values.update(changes)
    return services.ConfirmInput(**values)


def _confirm(alice, person, checklist, **changes):
    return services.shared_client_confirm(actor=alice, person_id=person.pk,
                                          data=_confirm_input(checklist, alice, **changes))


def test_shared_client_confirm__consent_coordinator_care_team_and_history(
        alice, nurse, flagged, checklist):
    shared = _confirm(alice, flagged, checklist, care_team_ids=[nurse.pk])

    assert shared.status == SharedClient.Status.CONFIRMED
    assert shared.coordination_started_on == timezone.localdate()
    plan = Plan.objects.get(person=flagged)
    assert shared.plan == plan and plan.coordinator == alice
    assert set(Consent.objects.filter(plan=plan).values_list("sector", flat=True)) == {
        "working_age_social", "health"}
    assert plan.participants.filter(user=nurse).exists()
    # the nurse of the care team now sees the client through the gateway
    assert gateway.access_person_by_id(nurse, flagged.pk, category=Category.SHARED_CARE)
    decision = Decision.objects.get(shared_client=shared)
    assert decision.decided_by == alice and decision.coordinator == alice
    assert ChecklistAnswer.objects.filter(decision=decision).count() == len(checklist)


def test_shared_client_confirm__missing_answer_consent_and_coordinator_refused(
        alice, flagged, checklist):
    first = checklist[0]
    answers = {item.pk: "yes" for item in checklist[1:]}
    with pytest.raises(ValidationError) as error:
        services.shared_client_confirm(actor=alice, person_id=flagged.pk, data=_confirm_input(
            checklist, alice, answers=answers, consent_given=False, coordinator_id=None,
            consent_sectors=[], consent_until=None))
    fields = error.value.message_dict
    assert {f"answer_{first.pk}", "consent_given", "coordinator", "consent_sectors",
            "consent_until"} <= set(fields)
    assert not SharedClient.objects.exists() and not Plan.objects.exists()


def test_shared_client_confirm__unknown_care_team_member_saves_nothing(alice, flagged, checklist):
    with pytest.raises(ValidationError) as error:
        _confirm(alice, flagged, checklist, care_team_ids=[999999])
    assert "care_team" in error.value.message_dict
    assert not Plan.objects.exists() and not SharedClient.objects.exists()


def test_shared_client_confirm__no_relationship_is_not_found(bob, flagged, checklist):
    with pytest.raises(gateway.PersonNotFound):
        services.shared_client_confirm(actor=bob, person_id=flagged.pk,
                                       data=_confirm_input(checklist, bob))


@override_settings(SHAREDCARE_DECLINE_HIDE_DAYS=30)
def test_shared_client_decline__reason_required_and_hidden_for_configured_days(alice, flagged):
    with pytest.raises(ValidationError) as error:
        services.shared_client_decline(actor=alice, person_id=flagged.pk, reason=" ")
    assert "reason" in error.value.message_dict
    assert not SharedClient.objects.exists()

    shared = services.shared_client_decline(actor=alice, person_id=flagged.pk,
                                            reason="Asiakas ei halua nyt yhteistyötä")
    assert shared.status == SharedClient.Status.DECLINED
    assert shared.hidden_until == timezone.localdate() + timedelta(days=30)
    assert shared.decisions.get().reason == "Asiakas ei halua nyt yhteistyötä"


def test_shared_client_decline__then_confirm_later(alice, flagged, checklist):
    services.shared_client_decline(actor=alice, person_id=flagged.pk, reason="Ei nyt, ehkä myöh.")
    shared = _confirm(alice, flagged, checklist)
    assert shared.status == SharedClient.Status.CONFIRMED and shared.hidden_until is None
    assert list(shared.decisions.values_list("status", flat=True)) == ["confirmed", "declined"]


def _meeting(**changes):
    today = timezone.localdate()
    values = {"held_at": timezone.now(), "kind": "in_person", "place": "Sosiaaliasema",
              "client_present": True,
              "agenda": "Tilanne", "notes": "Keskusteltiin",
              "close_persons": [("Maija Asiakas", "sisar")],
              "decisions": [services.DecisionInput("Varaa aika lääkärille", "client", None,
                                                   today + timedelta(days=7))]}
    values.update(changes)
    return services.MeetingInput(**values)


def test_meeting_save__decisions_become_plan_steps(alice, nurse, flagged, checklist):
    shared = _confirm(alice, flagged, checklist, care_team_ids=[nurse.pk])
    due = timezone.localdate() + timedelta(days=14)
    data = _meeting(professional_ids=[alice.pk, nurse.pk], decisions=[
        services.DecisionInput("Varaa aika lääkärille", "client", None, due),
        services.DecisionInput("Lääkitys tarkistetaan", "professional", nurse.pk, due),
        services.DecisionInput("", "client", None, None),  # an empty row is skipped
    ])
    meeting = services.meeting_save(actor=alice, shared_client=shared, data=data)

    steps = Step.objects.filter(plan=shared.plan).order_by("pk")
    assert [(s.what, s.owner_kind, s.owner_id, s.due_on) for s in steps] == [
        ("Varaa aika lääkärille", "client", None, due),
        ("Lääkitys tarkistetaan", "professional", nurse.pk, due)]
    assert [d.step_id for d in meeting.decisions.order_by("pk")] == [s.pk for s in steps]
    rows = set(meeting.participants.values_list("kind", "name", "relation", "sector"))
    assert ("client", flagged.full_name, "", "") in rows
    assert ("close_person", "Maija Asiakas", "sisar", "") in rows
    assert ("professional", "", "", "health") in rows


def test_meeting_save__bad_decision_names_the_row_and_saves_nothing(alice, flagged, checklist):
    shared = _confirm(alice, flagged, checklist)
    data = _meeting(decisions=[
        services.DecisionInput("Hyvä päätös", "client", None, timezone.localdate()),
        services.DecisionInput("Ilman tekijää", "professional", None,
                               timezone.localdate() - timedelta(days=1))])
    with pytest.raises(ValidationError) as error:
        services.meeting_save(actor=alice, shared_client=shared, data=data)
    assert {"owner_2", "due_2"} <= set(error.value.message_dict)
    assert not Meeting.objects.exists() and not Step.objects.exists()


def test_consultation_ask__without_consent_or_basis_refused(alice, nurse, flagged):
    data = services.ConsultationInput(sector="health", question="Miten lääkitys?", basis="",
                                      due_on=timezone.localdate(), expert_id=nurse.pk)
    # No basis, the consent or SHL 41 § contact without a recorded consent covering health, the
    # child-welfare duty to notify (not a consultation basis), a code of no basis: all refused
    # naming the basis.
    for basis in ("", "consent", "shl_41", "child_welfare_25", "statutory", "x" * 40):
        data.basis = basis
        with pytest.raises(ValidationError) as error:
            services.consultation_ask(actor=alice, person_id=flagged.pk, data=data)
        assert set(error.value.message_dict) == {"basis"}, basis
    assert not Consultation.objects.exists()
    assert not AccessLogEntry.objects.filter(action=LogAction.DISCLOSE).exists()
    with pytest.raises(gateway.PersonNotFound):
        gateway.access_person_by_id(nurse, flagged.pk, category=Category.SHARED_CARE)


def test_consultation_ask__shl_41_refused_in_the_users_language(alice, nurse, flagged):
    data = services.ConsultationInput(sector="health", question="Kysymys", basis="shl_41",
                                      due_on=timezone.localdate(), expert_id=nurse.pk)
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=data)
    message = error.value.message_dict["basis"][0]
    assert "SVL 41 §" in message and "samtycke" in message


def test_consultation_ask__shl_41_with_the_recorded_consent_names_it_in_the_log(
        alice, nurse, flagged, checklist):
    _confirm(alice, flagged, checklist)  # the consent recorded at confirmation covers health
    consent = Consent.objects.get(plan__person=flagged, sector="health")
    consultation = services.consultation_ask(
        actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Kysymys", basis="shl_41",
            due_on=timezone.localdate(), expert_id=nurse.pk))
    assert consultation.basis_id == "shl_41" and consultation.consent == consent
    logged = AccessLogEntry.objects.get(person_id=flagged.pk, action=LogAction.DISCLOSE)
    assert f"basis shl_41 (Sosiaalihuoltolaki 1301/2014, 41 §), consent {consent.pk}" \
        in logged.detail


def test_consultation_ask_and_answer__disclosures_logged_and_expert_granted(
        alice, nurse, flagged, checklist):
    _confirm(alice, flagged, checklist)  # consent covers health
    data = services.ConsultationInput(sector="health", question="Miten lääkitys vaikuttaa?",
                                      basis="consent",
                                      due_on=timezone.localdate() + timedelta(days=3),
                                      expert_id=nurse.pk)
    consultation = services.consultation_ask(actor=alice, person_id=flagged.pk, data=data)
    assert consultation.consent is not None
    grant = ClientRelationship.objects.get(source=f"sharedcare.Consultation:{consultation.pk}")
    assert grant.user == nurse and grant.ends_at is not None
    disclosed = AccessLogEntry.objects.filter(person_id=flagged.pk, action=LogAction.DISCLOSE)
    assert disclosed.filter(user_id=alice.pk, detail__contains="nina").count() == 1

    with pytest.raises(ValidationError) as error:
        services.consultation_answer(actor=nurse, consultation_id=consultation.pk, answer=" ")
    assert "answer" in error.value.message_dict
    answered = services.consultation_answer(actor=nurse, consultation_id=consultation.pk,
                                            answer="Lääkitys on kunnossa.")
    assert answered.answered_by == nurse and answered.answered_at is not None
    assert disclosed.filter(user_id=nurse.pk).count() == 1
    with pytest.raises(ValidationError):
        services.consultation_answer(actor=nurse, consultation_id=consultation.pk, answer="x")


def test_consultation_ask__statutory_basis_accepted(alice, nurse, flagged):
    consultation = services.consultation_ask(
        actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Kysymys", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_id=nurse.pk))
    assert consultation.basis_id == "client_data_act" and consultation.consent is None
    logged = AccessLogEntry.objects.get(person_id=flagged.pk, action=LogAction.DISCLOSE)
    assert "basis client_data_act (Laki sosiaali- ja terveydenhuollon asiakastietojen " \
        "käsittelystä 703/2023)" in logged.detail and "consent" not in logged.detail


def test_consultation_answer__other_professional_gets_not_found(alice, bob, nurse, flagged):
    consultation = services.consultation_ask(
        actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Kysymys", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_id=nurse.pk))
    with pytest.raises(gateway.PersonNotFound):
        services.consultation_answer(actor=bob, consultation_id=consultation.pk, answer="x")


def test_shared_client_end__reason_required_then_ended_with_history(alice, flagged, checklist):
    with pytest.raises(ValidationError) as error:
        services.shared_client_end(actor=alice, person_id=flagged.pk, reason="Tilanne ohi")
    assert "person" in error.value.message_dict  # not confirmed yet
    _confirm(alice, flagged, checklist)
    with pytest.raises(ValidationError) as error:
        services.shared_client_end(actor=alice, person_id=flagged.pk, reason="")
    assert "reason" in error.value.message_dict
    shared = services.shared_client_end(actor=alice, person_id=flagged.pk,
                                        reason="Asiakas muutti toiselle alueelle")
    assert shared.status == SharedClient.Status.ENDED
    assert list(shared.decisions.values_list("status", flat=True)) == ["ended", "confirmed"]


def test_checklist__admin_changes_decide_what_is_asked(alice, flagged, checklist):
    from luotsi.sharedcare.models import ChecklistItem

    dropped = checklist[0]
    ChecklistItem.objects.filter(pk=dropped.pk).update(active=False)
    added = ChecklistItem.objects.create(code="housing", text_fi="Onko asuminen turvattu?",
                                         text_sv="Är boendet tryggat?",
                                         text_en="Is housing secure?", ordering=1)
    answers = {item.pk: "yes" for item in checklist[1:]}
    with pytest.raises(ValidationError) as error:
        _confirm(alice, flagged, checklist, answers=answers)
    assert set(error.value.message_dict) == {f"answer_{added.pk}"}
    answers[added.pk] = "unsure"
    shared = _confirm(alice, flagged, checklist, answers=answers)
    recorded = dict(ChecklistAnswer.objects.filter(decision__shared_client=shared)
                    .values_list("item_id", "answer"))
    assert dropped.pk not in recorded and recorded[added.pk] == "unsure"


def test_meeting_save__edit_keeps_decisions_and_adds_new_steps(alice, flagged, checklist):
    shared = _confirm(alice, flagged, checklist)
    meeting = services.meeting_save(actor=alice, shared_client=shared, data=_meeting())
    due = timezone.localdate() + timedelta(days=3)
    services.meeting_save(actor=alice, shared_client=shared, meeting=meeting, data=_meeting(
        place="Etäyhteys", kind="remote", close_persons=[],
        decisions=[services.DecisionInput("Uusi päätös", "client", None, due)]))
    meeting.refresh_from_db()
    assert meeting.place == "Etäyhteys" and meeting.kind == "remote"
    assert not meeting.participants.filter(kind="close_person").exists()
    assert sorted(Step.objects.filter(plan=shared.plan).values_list("what", flat=True)) == [
        "Uusi päätös", "Varaa aika lääkärille"]
    assert meeting.decisions.count() == 2


def test_consultation_ask__to_a_team_grants_the_team(alice, nurse, health_team, flagged):
    consultation = services.consultation_ask(
        actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Kysymys tiimille", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_team_id=health_team.pk))
    grant = ClientRelationship.objects.get(source=f"sharedcare.Consultation:{consultation.pk}")
    assert grant.team == health_team and grant.user is None
    # any member of the team may answer
    answered = services.consultation_answer(actor=nurse, consultation_id=consultation.pk,
                                            answer="Tiimin vastaus")
    assert answered.answered_by == nurse


def test_home_page__counts_the_consultations_waiting_for_the_expert(
        client, alice, nurse, flagged, checklist):
    _confirm(alice, flagged, checklist)
    for _ in range(2):
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Miten lääkitys vaikuttaa?",
            basis="consent", due_on=timezone.localdate() + timedelta(days=3),
            expert_id=nurse.pk))
    # One answer date has passed since it was asked.
    Consultation.objects.filter(pk=Consultation.objects.first().pk).update(
        due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(nurse)
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert 'id="consultations-waiting"' in body
    assert "2 consultations wait for your answer" in body and "1 overdue" in body
    assert flagged.full_name not in body  # counts only on the home page
    client.force_login(alice)
    assert 'id="consultations-waiting"' not in client.get("/").content.decode()


def test_shared_client_end__only_the_coordinator_or_a_team_lead_and_the_coordinator_told(
        alice, nurse, lead, flagged, checklist):
    from django.core.exceptions import PermissionDenied

    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.intake.models import Notification

    _confirm(alice, flagged, checklist, care_team_ids=[nurse.pk])
    with pytest.raises(PermissionDenied):
        services.shared_client_end(actor=nurse, person_id=flagged.pk,
                                   reason="Hoitotiimin jäsen lopettaa")
    assert SharedClient.objects.get(person=flagged).status == SharedClient.Status.CONFIRMED
    assert not Notification.objects.exists()

    alice.language = "sv"
    alice.save(update_fields=["language"])
    RelationshipFactory(person=flagged, user=lead)
    shared = services.shared_client_end(actor=lead, person_id=flagged.pk,
                                        reason="Asiakas muutti toiselle alueelle")
    assert shared.status == SharedClient.Status.ENDED
    note = Notification.objects.get(user=alice)
    assert note.link == f"/shared-clients/persons/{flagged.pk}/"
    assert "Leena Lahti" in note.text and "samordningen" in note.text  # in alice's language
    assert flagged.last_name not in note.text  # the notice itself names no client


def test_shared_client_end__by_the_coordinator_needs_no_notice(alice, flagged, checklist):
    from luotsi.intake.models import Notification

    _confirm(alice, flagged, checklist)
    services.shared_client_end(actor=alice, person_id=flagged.pk, reason="Tavoitteet saavutettu")
    assert not Notification.objects.exists()


def test_consultation_ask__expert_or_team_outside_the_sector_refused(
        alice, nurse, health_team, flagged):
    data = services.ConsultationInput(
        sector="employment", question="Työkyky?", basis="client_data_act",
        due_on=timezone.localdate(), expert_id=nurse.pk)
    with pytest.raises(ValidationError) as error:
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=data)
    assert set(error.value.message_dict) == {"expert"}
    data.expert_id, data.expert_team_id = None, health_team.pk
    with pytest.raises(ValidationError) as error:
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=data)
    assert set(error.value.message_dict) == {"expert_team"}
    assert not Consultation.objects.exists()


def test_consultation_ask__refused_after_the_coordination_ended(alice, nurse, flagged,
                                                                checklist):
    _confirm(alice, flagged, checklist)
    services.shared_client_end(actor=alice, person_id=flagged.pk, reason="Tavoitteet saavutettu")
    with pytest.raises(ValidationError) as error:
        services.consultation_ask(actor=alice, person_id=flagged.pk, data=services.ConsultationInput(
            sector="health", question="Kysymys", basis="client_data_act",
            due_on=timezone.localdate(),
            expert_id=nurse.pk))
    assert "person" in error.value.message_dict
    assert not Consultation.objects.exists()


def test_consultation_bases__data_with_sources_match_the_api_enumeration():
    from luotsi.sharedcare.models import OFFERED_BASIS_CODES, ConsultationBasis

    offered = ConsultationBasis.objects.filter(offered=True)
    assert tuple(offered.values_list("code", flat=True)) == OFFERED_BASIS_CODES
    assert all(b.source and b.name_fi and b.name_sv and b.name_en for b in offered)
    needs_consent = set(offered.filter(requires_consent=True).values_list("code", flat=True))
    assert needs_consent == {"consent", "shl_41"}
    retired = ConsultationBasis.objects.get(code="child_welfare_25")
    assert not retired.offered and retired.source == "Lastensuojelulaki 417/2007, 25 §"
