"""Demo flow: shared clients at several stages among the persons the usage flow flagged.

Runs after the usage flow (events and today's flags). Every flagged person becomes a client of
the working-age social work team (a case relationship), so ``adult-sw`` sees them all as
candidates; of them, in a deterministic order:

- about 40 % are left as candidates nobody has handled yet;
- about 35 % are confirmed shared clients: the checklist answered with the client, the client's
  consent to two or three sectors (SHL 41 §), a coordinator (``adult-sw`` mostly, ``employment``,
  ``nurse`` or ``mhs`` for some), a care team of the other demo professionals with their
  care-team relationships, and the person's plan as the shared plan (the plan the plans flow made,
  or a new one). Half of them have had a network meeting whose decisions are steps of the plan;
  a third have consultations to the ``nurse``, ``mhs`` or ``employment`` experts, some answered;
- about 15 % were declined recently (hidden from the candidate list), about 10 % were declined
  long ago and are candidates again.

Written with ``bulk_create`` in one transaction, deterministic from the seed and today's date;
nothing goes to the access log (seeding is nobody's processing of client data).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

NAME = "sharedcare"
BATCH = 2000
# Consultations made without the client's consent are made on this statutory basis.
STATUTORY_BASIS = "client_data_act"
CARE_TEAM = ("adult-sw", "employment", "nurse", "mhs")
SECTOR_OF = {"adult-sw": "working_age_social", "employment": "employment", "nurse": "health",
             "mhs": "mental_health_substance"}
CONSENT_SCOPE = ("Palvelujen yhteensovittamiseen tarvittavat tiedot",
                 "Uppgifter som behövs för att samordna tjänsterna")
DECLINE_REASONS = ("Asiakas ei tällä hetkellä halua monialaista yhteistyötä.",
                   "Tilanne on ratkennut; asiakas pärjää nykyisillä palveluilla.",
                   "Asiakas muutti pois alueelta.")
DECISIONS = (
    ("Asiakas varaa ajan terveysasemalle lääkityksen tarkistamiseksi", "client", None),
    ("Työkykyarvio käynnistetään", "professional", "employment"),
    ("Päihdepalvelujen avohoitokäynnit sovitaan kerran viikossa", "professional", "mhs"),
    ("Toimeentulotuen hakemus tehdään yhdessä", "professional", "adult-sw"),
    ("Asiakas osallistuu ryhmään kahden viikon välein", "client", None),
)
QUESTIONS = (
    ("nurse", "health", "Asiakas on käynyt päivystyksessä usein. Onko lääkityksessä jotain, "
     "mikä pitäisi ottaa huomioon työllistymisen suunnittelussa?",
     "Lääkitys on tarkistettu; se ei estä kuntouttavaa työtoimintaa. Suosittelen "
     "lääkärikäyntiä kuukauden päästä."),
    ("mhs", "mental_health_substance", "Voisiko asiakas hyötyä päihdepalvelujen ryhmästä "
     "ennen työkokeilua?",
     "Kyllä. Ryhmä alkaa ensi kuussa; asiakas voi tulla tutustumaan etukäteen."),
    ("employment", "employment", "Mitä työllisyyspalveluilla olisi tarjota asiakkaalle, jonka "
     "työkyky on vielä selvittämättä?", ""),
)


def done() -> bool:
    from luotsi.sharedcare.models import SharedClient

    return SharedClient.objects.filter(decided_by__is_demo=True).exists()


def total(persons: int) -> int:
    return max(1, persons // 40)


def _at(day: date, hour: int = 10) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _fewer_emergencies_after(started_on: dict[int, date], rng, today: date) -> None:
    """The story the indicators tell: coordination helps. Most of a coordinated client's
    emergency visits after coordination started are moved into the year before it, and the
    shared-client rules are evaluated again on the changed events."""
    from luotsi.usage.identification import run_identification
    from luotsi.usage.models import ServiceEvent

    moved, replacements = [], []
    for event in ServiceEvent.objects.filter(person_id__in=list(started_on),
                                             kind="emergency_visit").order_by("pk"):
        started = started_on[event.person_id]
        if event.event_date >= started and rng.random() < 0.7:
            moved.append(event.pk)
            replacements.append(ServiceEvent(
                person_id=event.person_id, sector=event.sector, kind=event.kind,
                service_code=event.service_code, organisation=event.organisation,
                batch_id=event.batch_id,
                event_date=started - timedelta(days=rng.randint(1, 364))))
    if not moved:
        return
    ServiceEvent.objects.filter(pk__in=moved).delete()
    ServiceEvent.objects.bulk_create(replacements, batch_size=BATCH, ignore_conflicts=True)
    run_identification(as_of=today)


def seed(seed: int, today: date, advance) -> int:
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from luotsi.access.models import Basis, ClientRelationship
    from luotsi.demo.generator import phase_rng
    from luotsi.organisation.models import Team
    from luotsi.people.models import Person
    from luotsi.plans.models import Consent, Participant, Plan, Step
    from luotsi.sharedcare.models import (
        ChecklistAnswer,
        ChecklistItem,
        Consultation,
        Decision,
        Meeting,
        MeetingDecision,
        MeetingParticipant,
        SharedClient,
    )
    from luotsi.usage.models import Flag

    rng = phase_rng(seed, f"sharedcare:{today.isoformat()}")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=CARE_TEAM)}
    team = Team.objects.filter(code="working-age").first()
    if len(users) < len(CARE_TEAM) or team is None:
        return 0
    flagged = sorted(set(Flag.objects.values_list("person_id", flat=True)))
    if not flagged:
        return 0
    if not ChecklistItem.objects.exists():
        import_module("luotsi.sharedcare.migrations.0002_default_checklist").add_items(apps, None)
    items = list(ChecklistItem.objects.filter(active=True))
    persons = {p.pk: p for p in Person.objects.filter(pk__in=flagged)
               .only("pk", "first_name", "last_name", "language")}
    plans = {p.person_id: p for p in Plan.objects.filter(person_id__in=flagged)}
    order = flagged[:]
    rng.shuffle(order)
    n = len(order)
    cut = [int(n * share) for share in (0.40, 0.75, 0.90)]
    confirmed_ids = sorted(order[cut[0]:cut[1]])
    recent_declined = sorted(order[cut[1]:cut[2]])
    old_declined = sorted(order[cut[2]:])
    adult = users["adult-sw"]
    written = 0

    with transaction.atomic():
        held = set(ClientRelationship.objects.filter(person_id__in=flagged, team=team,
                                                     ends_at__isnull=True)
                   .values_list("person_id", flat=True))
        ClientRelationship.objects.bulk_create(
            [ClientRelationship(person_id=pk, team=team, basis=Basis.CASE,
                                service_task=team.service_task, source="demo:sharedcare",
                                starts_at=_at(today - timedelta(days=rng.randint(30, 400))),
                                created_by=adult)
             for pk in flagged if pk not in held], batch_size=BATCH)

        # Plans for confirmed persons who have none yet ----------------------------------------
        coordinators = {}
        for pk in confirmed_ids:
            coordinators[pk] = users[rng.choices(CARE_TEAM, [6, 1, 1, 1])[0]]
        new_plans = []
        for pk in confirmed_ids:
            if pk in plans:
                continue
            person = persons[pk]
            language = person.language if person.language in ("fi", "sv") else "fi"
            new_plans.append(Plan(person_id=pk, language=language, coordinator=coordinators[pk],
                                  review_on=today + timedelta(days=rng.randint(20, 150)),
                                  created_by=coordinators[pk], updated_by=coordinators[pk],
                                  revision=3))
        Plan.objects.bulk_create(new_plans, batch_size=BATCH)
        for plan in new_plans:
            plans[plan.person_id] = plan
        Participant.objects.bulk_create(
            [Participant(plan=plan, kind=Participant.Kind.CLIENT,
                         name=persons[plan.person_id].full_name) for plan in new_plans],
            batch_size=BATCH)

        present = set(Participant.objects.filter(plan__person_id__in=confirmed_ids,
                                                 user__isnull=False)
                      .values_list("plan_id", "user_id"))
        shared_rows, consents, participants, relationships = [], [], [], []
        team_of: dict[int, list] = {}
        for pk in confirmed_ids:
            plan = plans[pk]
            coordinator = plan.coordinator or coordinators[pk]
            coordinators[pk] = coordinator
            started = today - timedelta(days=rng.randint(20, 420))
            members = [users[name] for name in CARE_TEAM
                       if users[name].pk != coordinator.pk and rng.random() < 0.6]
            if not members:
                members = [users["nurse"] if coordinator.pk != users["nurse"].pk
                           else users["mhs"]]
            team_of[pk] = members
            sv = plan.language == "sv"
            sectors = sorted({SECTOR_OF[coordinator.username],
                              *(SECTOR_OF[m.username] for m in members)})
            consents += [Consent(plan=plan, sector=sector, scope=CONSENT_SCOPE[sv],
                                 valid_from=started, valid_until=started + timedelta(days=730),
                                 recorded_by=coordinator) for sector in sectors]
            for user in [coordinator, *members]:
                if (plan.pk, user.pk) not in present:
                    participants.append(Participant(plan=plan, kind=Participant.Kind.PROFESSIONAL,
                                                    user=user, role_text=user.title))
                relationships.append(ClientRelationship(
                    person_id=pk, user=user, basis=Basis.CARE_TEAM,
                    source=f"plans.Plan:{plan.pk}", starts_at=_at(started),
                    created_by=coordinator))
            shared_rows.append(SharedClient(
                person_id=pk, status=SharedClient.Status.CONFIRMED, plan=plan,
                coordinator=coordinator, coordination_started_on=started,
                decided_by=coordinator, decided_at=_at(started)))
        Plan.objects.filter(pk__in=[plans[pk].pk for pk in confirmed_ids],
                            coordinator__isnull=True).update(coordinator=adult)
        for pk in recent_declined + old_declined:
            recent = pk in recent_declined
            day = today - timedelta(days=rng.randint(5, 120) if recent else rng.randint(200, 400))
            shared_rows.append(SharedClient(
                person_id=pk, status=SharedClient.Status.DECLINED,
                decline_reason=rng.choice(DECLINE_REASONS),
                hidden_until=day + timedelta(days=180), decided_by=adult, decided_at=_at(day)))
        SharedClient.objects.bulk_create(shared_rows, batch_size=BATCH)
        _fewer_emergencies_after({row.person_id: row.coordination_started_on
                                  for row in shared_rows if row.coordination_started_on}, rng, today)
        Consent.objects.bulk_create(consents, batch_size=BATCH)
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        ClientRelationship.objects.bulk_create(relationships, batch_size=BATCH)
        written += len(shared_rows)

        decisions = Decision.objects.bulk_create(
            [Decision(shared_client=s, status=s.status, reason=s.decline_reason,
                      coordinator=s.coordinator, decided_by=s.decided_by,
                      decided_at=s.decided_at) for s in shared_rows], batch_size=BATCH)
        answers = []
        for decision in decisions:
            if decision.status != SharedClient.Status.CONFIRMED:
                continue
            for item in items:
                answers.append(ChecklistAnswer(decision=decision, item=item, answer=rng.choices(
                    ["yes", "no", "unsure"], [7, 2, 1])[0]))
        ChecklistAnswer.objects.bulk_create(answers, batch_size=BATCH)

        # Network meetings and their decisions as plan steps ----------------------------------
        confirmed = [s for s in shared_rows if s.status == SharedClient.Status.CONFIRMED]
        with_meeting = [s for s in confirmed if rng.random() < 0.5]
        meetings = []
        for s in with_meeting:
            day = min(today - timedelta(days=1),
                      s.coordination_started_on + timedelta(days=rng.randint(7, 40)))
            meetings.append(Meeting(
                shared_client=s, held_at=_at(day, rng.choice([9, 10, 13, 14])),
                kind=rng.choice(list(Meeting.Kind.values)), place="Sosiaali- ja terveysasema",
                agenda="1. Asiakkaan tilanne\n2. Palvelut ja vastuut\n3. Seuraavat askeleet",
                notes="Asiakas kertoi tilanteestaan; sovittiin työnjaosta.",
                created_by=s.coordinator))
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        meeting_people, steps, pending = [], [], []
        for meeting in meetings:
            s = meeting.shared_client
            person = persons[s.person_id]
            meeting_people.append(MeetingParticipant(meeting=meeting, kind="client",
                                                     name=person.full_name))
            for user in [s.coordinator, *team_of[s.person_id]]:
                meeting_people.append(MeetingParticipant(meeting=meeting, kind="professional",
                                                         user=user,
                                                         sector=SECTOR_OF[user.username]))
            if rng.random() < 0.4:
                meeting_people.append(MeetingParticipant(
                    meeting=meeting, kind="close_person", name="Läheinen " + person.last_name,
                    relation=rng.choice(["puoliso", "sisar", "äiti", "ystävä"])))
            for what, kind, owner_name in rng.sample(DECISIONS, k=2):
                owner = users[owner_name] if owner_name else None
                due = timezone.localdate(meeting.held_at) + timedelta(days=rng.randint(14, 90))
                step = Step(plan=s.plan, what=what, owner_kind=kind, owner=owner, due_on=due,
                            done_on=due if due < today and rng.random() < 0.6 else None)
                steps.append(step)
                pending.append(MeetingDecision(meeting=meeting, what=what, owner_kind=kind,
                                               owner=owner, due_on=due, step=step))
        MeetingParticipant.objects.bulk_create(meeting_people, batch_size=BATCH)
        Step.objects.bulk_create(steps, batch_size=BATCH)
        for decision in pending:
            decision.step_id = decision.step.pk
        MeetingDecision.objects.bulk_create(pending, batch_size=BATCH)
        written += len(meetings)

        # Consultations between experts --------------------------------------------------------
        consultations, asked_on = [], {}
        for s in confirmed:
            if rng.random() >= 0.35:
                continue
            for expert_name, sector, question, answer in rng.sample(QUESTIONS, k=rng.choice([1, 2])):
                expert = users[expert_name]
                if expert.pk == s.coordinator.pk:
                    continue
                asked = today - timedelta(days=rng.randint(0, 30))
                due = asked + timedelta(days=rng.randint(3, 14))
                answered = bool(answer) and rng.random() < 0.6
                asked_on[len(consultations)] = asked
                consultations.append(Consultation(
                    person_id=s.person_id, asked_by=s.coordinator, expert=expert,
                    sector=sector, question=question, basis_id=STATUTORY_BASIS
                    if rng.random() < 0.3 else ("consent", "shl_41")[len(consultations) % 2],
                    due_on=due, answer=answer if answered else "",
                    answered_at=_at(min(today, asked + timedelta(days=2)), 15)
                    if answered else None, answered_by=expert if answered else None))
        consents_for = {}
        for consent in Consent.objects.filter(plan__person_id__in={c.person_id
                                                                   for c in consultations},
                                              withdrawn_on__isnull=True,
                                              status=Consent.Status.GIVEN).values(
                "pk", "plan__person_id", "sector"):
            consents_for[(consent["plan__person_id"], consent["sector"])] = consent["pk"]
        for c in consultations:
            if c.basis_id != STATUTORY_BASIS:
                # Consent and SHL 41 § contact rely on the client's consent, else the
                # consultation is made on the statutory basis.
                c.consent_id = consents_for.get((c.person_id, c.sector))
                if c.consent_id is None:
                    c.basis_id = STATUTORY_BASIS
        Consultation.objects.bulk_create(consultations, batch_size=BATCH)
        ClientRelationship.objects.bulk_create(
            [ClientRelationship(person_id=c.person_id, user=c.expert, basis=Basis.CARE_TEAM,
                                source=f"sharedcare.Consultation:{c.pk}",
                                # from the asking, as consultation_ask grants it
                                reason="Konsultaatio", starts_at=_at(asked_on[number], 8),
                                ends_at=_at(c.due_on + timedelta(days=30), 23),
                                created_by=c.asked_by) for number, c in enumerate(consultations)],
            batch_size=BATCH)
        written += len(consultations)
    advance(total(Person.objects.count()))
    return written
