"""Demo flow: two years of family intake in the demo county, ending on a Monday-morning queue.

Contacts of every kind about the children of the demo population (and, for pre-birth
notifications, unborn children of its families) over the 24 months before today: the past
12 months for the queues and key figures, the 12 before them for the key figures' "a year
earlier". Each contact goes as far as its age and a seeded draw allow: urgency assessed by the
central intake team, the initial assessment with every outcome, the service-need assessment by
the regional team of the family's municipality (start, meetings, completion with a client
relationship, a referral or closing). The youngest ones are still open: waiting for the urgency
assessment, in the initial assessment, or in a service-need assessment, with deadlines on time,
due soon and overdue, assigned to the demo intake worker and the regional social workers (some
left unassigned for the queue's bulk assignment).

Everything is written directly with ``bulk_create`` in one transaction, as the services would
have left it: deadlines computed by ``luotsi.deadlines`` (met on the day the step was done,
"not needed" once the contact closed), the queue keys of ``luotsi.intake.queue_keys``, and the
client relationships the services open (intake team for each person concerned while the contact
is open and 30 days after, the regional team for the assessment, the named worker for a client
relationship). Seeding is not a professional's action: nothing goes to the access log.
Deterministic from the seed and today's date.

Beside the named contacts, the central team's largest share of work in seed 004 ("neuvonta,
ohjaus ja ammattilaiskonsultaatio"): advice to families and consultations from other
professionals without a named child (``intake.AdviceRecord``), one and a half times as many as
the named contacts, on office hours of working days, about a third of them professionals'
consultations ("should I notify?"). A few of the professionals' notifications began as such a
consultation and were converted into the named contact when the names were given: the record
is received when the contact is, and links to it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

NAME = "intake"
SOURCE_CONTACT = "intake.Contact:{}"
SOURCE_ASSESSMENT = "intake.Assessment:{}"
CLOSED_ACCESS_DAYS = 30  # as luotsi.intake.services.CLOSED_ACCESS_DAYS
HISTORY_DAYS = 730
BATCH = 2000

# kind: (weight, clocks to choose from)
KINDS = {
    "child_welfare_notification": (52, ("child_welfare_notification",)),
    "shl_notification": (6, ("shl_contact", "shl_special_support_child")),
    "shl_special_support_notification": (3, ("shl_special_support_child",)),
    "shl_contact": (10, ("shl_contact", "shl_special_support_child")),
    "guardian_application": (10, ("shl_contact", "shl_special_support_child")),
    "child_application": (2, ("shl_contact",)),
    "pre_birth_notification": (3, ("pre_birth_notification",)),
    "authority_request": (8, ("child_welfare_notification", "shl_contact")),
    "social_emergency": (6, ("child_welfare_notification",)),
}
CHANNELS = {
    "child_welfare_notification": ("electronic", "electronic", "phone", "written"),
    "shl_notification": ("electronic", "phone"),
    "shl_special_support_notification": ("electronic", "phone"),
    "shl_contact": ("phone", "electronic", "in_person"),
    "guardian_application": ("electronic", "phone", "in_person"),
    "child_application": ("phone", "in_person"),
    "pre_birth_notification": ("electronic", "phone"),
    "authority_request": ("electronic", "written"),
    "social_emergency": ("emergency_service",),
}
REPORTERS = {
    "child_welfare_notification": ("health_care", "education", "early_childhood", "police",
                                   "social_services", "relative", "private_person", "anonymous"),
    "shl_notification": ("health_care", "education", "early_childhood", "social_services"),
    "shl_special_support_notification": ("health_care", "education", "early_childhood"),
    "shl_contact": ("health_care", "education", "early_childhood", "social_services"),
    "guardian_application": ("guardian",),
    "child_application": ("child",),
    "pre_birth_notification": ("health_care", "social_services"),
    "authority_request": ("police", "other_authority"),
    "social_emergency": ("social_services",),
}
ORGANISATIONS = {
    "health_care": "Porvoon sairaala, lastenpoliklinikka",
    "education": "Koulun oppilashuolto",
    "early_childhood": "Päiväkoti",
    "police": "Itä-Uudenmaan poliisilaitos",
    "social_services": "Itä-Uudenmaan sosiaalipäivystys",
    "other_authority": "Kela",
}
DESCRIPTIONS = {
    "child_welfare_notification": (
        "Lapsi on ollut toistuvasti pois koulusta ilman selvitystä; huoltaja ei ole vastannut "
        "yhteydenottoihin.",
        "Lapsi kertoi koulussa, että kotona riidellään paljon ja hän pelkää iltaisin.",
        "Päiväkodissa on huomattu, että lapsi tulee usein väsyneenä ja nälkäisenä.",
        "Poliisi tavoitti nuoren myöhään illalla päihtyneenä keskustasta.",
        "Terveydenhoitaja on huolissaan vanhemman jaksamisesta ja lapsen hoidosta.",
    ),
    "shl_notification": (
        "Perhe tarvitsee tukea arkeen; vanhempi on kertonut uupumuksesta neuvolassa.",
        "Koulukuraattori arvioi, että perhe hyötyisi perhetyöstä.",
    ),
    "shl_special_support_notification": (
        "Oppilashuolto arvioi, että lapsi tarvitsee erityistä tukea: koulunkäynti on katkennut "
        "ja lapsella on todettu neuropsykiatrisia vaikeuksia.",
        "Neuvolan mukaan lapsen kehitys ei etene ja perhe ei ole hakenut apua.",
    ),
    "shl_contact": (
        "Huoltaja toivoo kotipalvelua vauvaperheen arkeen, ilmoitus tehty huoltajan luvalla.",
        "Oppilashuolto ohjaa perheen perhesosiaalityöhön huoltajan suostumuksella.",
    ),
    "guardian_application": (
        "Huoltaja hakee perhetyötä: arki on raskasta ja lapsen uhmakas käytös kuormittaa.",
        "Huoltaja pyytää tukihenkilöä nuorelle.",
    ),
    "child_application": ("Nuori soitti itse ja pyysi saada puhua jonkun kanssa kotitilanteesta.",),
    "pre_birth_notification": (
        "Odottavan äidin päihteiden käyttö huolestuttaa äitiysneuvolassa.",
        "Odottava perhe on asunnoton; neuvola pyytää arviota tuen tarpeesta ennen syntymää.",
    ),
    "authority_request": (
        "Poliisi pyytää lastensuojelun arviota perheväkivaltailmoituksen jälkeen.",
        "Toinen viranomainen pyytää selvitystä lapsen tilanteesta.",
    ),
    "social_emergency": (
        "Sosiaalipäivystys kävi kotona yöllä; lapset olivat yksin kotona. Jatkoarvio tarpeen.",
    ),
}
MEETING_NOTES = (
    "Käytiin läpi perheen arki ja tuen tarve; lapsi tavattiin myös erikseen.",
    "Verkostossa sovittiin koulun tuesta ja seurannasta.",
    "Kotikäynnillä arvioitiin asumisolot ja perheen voimavarat.",
    "Keskusteltiin vanhemman jaksamisesta ja tukipalveluista.",
)
CATALOGUE = (
    ("demo-family-work", "Perhetyö", "Familjearbete", "Family work", "Itä-Uudenmaan hyvinvointialue",
     "public"),
    ("demo-home-help", "Lapsiperheiden kotipalvelu", "Hemservice för barnfamiljer",
     "Home help for families with children", "Itä-Uudenmaan hyvinvointialue", "public"),
    ("demo-family-counselling", "Perheneuvola", "Familjerådgivningen", "Family counselling",
     "Itä-Uudenmaan hyvinvointialue", "public"),
    ("demo-peer-group", "Vanhempien vertaisryhmä", "Kamratgrupp för föräldrar",
     "Peer group for parents", "Ensi- ja turvakotien liitto", "third_sector"),
    ("demo-youth-support", "Nuorten tukihenkilötoiminta", "Stödpersonverksamhet för unga",
     "Support persons for young people", "Itä-Uudenmaan nuorisotoimi", "public"),
    ("demo-private-therapy", "Perheterapia", "Familjeterapi", "Family therapy",
     "Terapiapalvelut Oy", "private"),
)


def done() -> bool:
    """The flow is in the database when there are contacts: nothing else writes them before the
    demo is seeded, and the flow writes all of its rows in one transaction."""
    from luotsi.intake.models import Contact

    return Contact.objects.exists()


def total(persons: int) -> int:
    return 4  # planning, contacts, deadlines and assessments, client relationships


def contacts_per_year(persons: int) -> int:
    """About five contacts a year per hundred residents (LSL notifications are ~2 % of children
    and most families have several); at least 250 a year so a small county still has a queue."""
    return max(250, persons // 20)


def _aware(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _urgency_at(plan: dict) -> datetime:
    """Assessed in the afternoon of its day, never before the contact came in nor after now."""
    at = max(_aware(plan["urgency"], 15, 0), plan["received_at"] + timedelta(minutes=30))
    return min(at, timezone.now())


def _result_content(outcome: str, met_on: date | None) -> dict:
    """The required content of a completed assessment's result (SHL 36 §) by its outcome; the
    child was met and heard on ``met_on`` (the day the assessment started)."""
    if not outcome:
        return {}
    client = outcome in ("child_welfare_client", "family_social_services")
    return {
        "conclusions": ("Asiakkuuden edellytykset täyttyvät; tuki jatkuu asiakassuunnitelman "
                        "mukaan." if client else "Asiakkuuden edellytyksiä ei ole."),
        "client_view": "Perhe kertoi oman näkemyksensä tuen tarpeesta arviointikäynnillä.",
        "named_worker_need": "needed" if client else "not_needed",
        "child_met_on": met_on,
        "child_view": "Lapsi kertoi omin sanoin, mikä arjessa on hyvin ja mikä vaikeaa.",
        "support_need": ("long_term" if outcome == "child_welfare_client" else "repeated"
                         if client else "temporary"),
    }


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k][0] for k in keys])[0]


def _families(today: date):
    """Children under 18 with their guardians, and the region of their municipality."""
    from luotsi.people.models import LinkKind, Person, PersonLink

    eighteen_years = today.replace(year=today.year - 18) if not (
        today.month == 2 and today.day == 29) else date(today.year - 18, 2, 28)
    children = list(Person.objects.filter(birth_date__gt=eighteen_years,
                                          municipality__isnull=False)
                    .order_by("pk").values_list("pk", "municipality_id", "last_name",
                                                "birth_date"))
    guardians = defaultdict(list)
    for guardian, child in (PersonLink.objects.filter(kind=LinkKind.GUARDIAN)
                            .order_by("other_id", "person_id")
                            .values_list("person_id", "other_id")):
        guardians[child].append(guardian)
    return children, guardians


@transaction.atomic
def seed(seed: int, today: date, advance) -> int:
    from django.contrib.auth import get_user_model

    from luotsi.access.models import Basis, ClientRelationship
    from luotsi.deadlines.calendar import opening_day
    from luotsi.deadlines.rules import compute_deadlines, deadline_status
    from luotsi.demo.generator import phase_rng
    from luotsi.intake import queue_keys
    from luotsi.intake.models import (
        Assessment,
        Contact,
        ContactPerson,
        Deadline,
        InitialAssessment,
        Meeting,
        ServiceCatalogueItem,
    )
    from luotsi.organisation.models import Municipality, Team, TeamKind
    from luotsi.people.models import Person, search_key

    rng = phase_rng(seed, f"intake:{today.isoformat()}")
    users = {u.username: u for u in get_user_model().objects.filter(is_demo=True)}
    intake_team = Team.objects.filter(kind=TeamKind.INTAKE, code="family-intake").first() \
        or Team.objects.filter(kind=TeamKind.INTAKE).order_by("pk").first()
    region_team = {team.region_id: team for team in
                   Team.objects.filter(kind=TeamKind.ASSESSMENT).order_by("pk")}
    region_of = dict(Municipality.objects.values_list("pk", "region_id"))
    worker_of_team = {}
    for team in region_team.values():
        member = next((u for u in users.values() if u.role == "social_worker"
                       and team.code.endswith(u.username.removeprefix("sw-"))), None)
        worker_of_team[team.pk] = member
    intake_worker = users.get("intake")
    lead = users.get("lead")
    if intake_team is None or intake_worker is None:
        return 0

    catalogue = list(ServiceCatalogueItem.objects.filter(active=True).order_by("pk"))
    if not catalogue:
        municipalities = list(Municipality.objects.all())
        for code, fi, sv, en, provider, kind in CATALOGUE:
            item = ServiceCatalogueItem.objects.create(
                code=code, name_fi=fi, name_sv=sv, name_en=en, provider=provider,
                provider_kind=kind, contact_info="p. 019 123 4567")
            item.municipalities.set(municipalities)
            catalogue.append(item)

    children, guardians_of = _families(today)
    children = [c for c in children if region_of.get(c[1]) in region_team]
    if not children:
        return 0
    per_year = contacts_per_year(Person.objects.count())
    count = per_year * 2
    advance(1)

    # --- plan every contact in Python ------------------------------------------------------
    busy_until: dict[int, date] = {}
    plans = []
    unborn = []
    start = today - timedelta(days=HISTORY_DAYS)
    days = sorted(start + timedelta(days=rng.randrange(HISTORY_DAYS + 1)) for _ in range(count))
    # The last days before today get their share of fresh contacts for a Monday-morning queue.
    days += [today - timedelta(days=rng.randrange(4)) for _ in range(max(3, per_year // 150))]
    for received_day in days:
        if received_day.weekday() >= 5 and rng.random() < 0.7:
            received_day -= timedelta(days=received_day.weekday() - 4)  # mostly on weekdays
        kind = _pick(rng, KINDS)
        for _attempt in range(6):
            child_pk, municipality_id, last_name, _born = rng.choice(children)
            if busy_until.get(child_pk, date.min) < received_day:
                break
        else:
            continue
        if received_day == today:
            # Drawn as on any other day and then held at the hour it is now, so that the
            # county seeded on a day is the same whatever the hour (the random stream does not
            # depend on the clock).
            hour = min(rng.randint(7, 16), max(7, min(timezone.localtime().hour, 16)))
        else:
            hour = rng.randint(7, 16) if rng.random() < 0.9 else rng.choice((19, 22, 2))
        minute = rng.randrange(60)
        received_at = _aware(received_day, hour, minute)
        if received_at > timezone.now():
            # Held a little before now, by the minute drawn (no draw of its own, for the same
            # reason as the hour above).
            received_at = timezone.now() - timedelta(minutes=5 + minute % 56)
        opened_on = opening_day(received_at)
        guardians = guardians_of.get(child_pk, [])
        persons = [(child_pk, "child")] + [(g, "guardian") for g in guardians[:2]]
        if kind == "pre_birth_notification":
            if not guardians:
                kind = "child_welfare_notification"
            else:
                unborn.append(Person(
                    first_name="Syntymätön", last_name=last_name,
                    search_name=search_key("Syntymätön", last_name),
                    temporary_id=f"TMP-D{len(unborn):07d}", municipality_id=municipality_id,
                    expected_birth_date=opened_on + timedelta(days=rng.randint(30, 150))))
                persons = [(-len(unborn), "unborn"), (guardians[0], "expectant_parent")]
        clock = rng.choice(KINDS[kind][1])
        reporter = rng.choice(REPORTERS[kind])
        age = (today - opened_on).days
        urgent = rng.random() < (0.15 if kind == "social_emergency" else 0.06)
        # How long each step took (calendar days), and how far this contact has got.
        urgency_lag = 0 if rng.random() < 0.93 else 1
        decision_lag = rng.choice((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15))
        year_earlier = age > 365
        routed_share = 0.40 if year_earlier else 0.36  # the pilot's fall in routing (−10 %)
        draw = rng.random()
        if kind == "pre_birth_notification" or draw < routed_share:
            initial_outcome = "service_need_assessment"
        elif draw < routed_share + 0.30:
            initial_outcome = "advice"
        elif draw < routed_share + 0.48:
            initial_outcome = "referral"
        else:
            initial_outcome = "no_action"
        start_lag = rng.choice((1, 2, 3, 4, 5, 6, 7, 9, 12))
        completion_lag = rng.randint(30, 105)
        plan = {
            "kind": kind, "clock": clock, "channel": rng.choice(CHANNELS[kind]),
            "received_at": received_at, "opened_on": opened_on, "reporter": reporter,
            "description": rng.choice(DESCRIPTIONS[kind]), "child": child_pk,
            "municipality": municipality_id, "persons": persons,
            "protected": reporter in ("private_person", "relative") and rng.random() < 0.4,
            "urgency": None, "urgent": urgent, "decided_on": None, "initial": initial_outcome,
            "started_on": None, "completed_on": None, "closed_on": None,
        }
        if age < urgency_lag or (age <= 2 and rng.random() < 0.5):
            plan["urgency"] = None  # waiting for the urgency assessment
        else:
            plan["urgency"] = opened_on + timedelta(days=urgency_lag)
            decided = opened_on + timedelta(days=decision_lag)
            if decided <= today and not (age < 21 and rng.random() < 0.25):
                plan["decided_on"] = decided
        if plan["decided_on"] and initial_outcome == "service_need_assessment":
            started = plan["decided_on"] + timedelta(days=start_lag)
            if started <= today and not (age < 30 and rng.random() < 0.3):
                plan["started_on"] = started
                completed = started + timedelta(days=completion_lag)
                if completed <= today:
                    plan["completed_on"] = completed
                    plan["closed_on"] = completed
        elif plan["decided_on"]:
            plan["closed_on"] = plan["decided_on"]
        busy_until[child_pk] = plan["closed_on"] or today
        plans.append(plan)

    # --- write ----------------------------------------------------------------------------
    unborn = Person.objects.bulk_create(unborn, batch_size=BATCH)
    for plan in plans:
        plan["persons"] = [(unborn[-pk - 1].pk if pk < 0 else pk, role)
                           for pk, role in plan["persons"]]
        if plan["persons"][0][1] == "unborn":
            plan["child"] = plan["persons"][0][0]

    # Service-need assessments (one per routed contact; a child has one open at a time).
    assessments = []
    for plan in plans:
        if plan["decided_on"] and plan["initial"] == "service_need_assessment":
            team = region_team[region_of[plan["municipality"]]]
            worker = worker_of_team.get(team.pk)
            assigned = plan["started_on"] is not None or rng.random() < 0.5
            outcome, reason, informed, responsible = "", "", None, None
            if plan["completed_on"]:
                outcome = rng.choices(("child_welfare_client", "family_social_services",
                                       "referral", "closed"), weights=(22, 38, 22, 18))[0]
                reason = {
                    "child_welfare_client": "Lapsen tilanne edellyttää lastensuojelun "
                                            "avohuollon tukitoimia.",
                    "family_social_services": "Perhe hyötyy perhetyöstä ja kotipalvelusta.",
                    "referral": "Perhe ohjattiin perheneuvolaan.",
                    "closed": "Perheen tilanne on korjaantunut, palveluja ei tarvita.",
                }[outcome]
                if outcome in ("child_welfare_client", "family_social_services"):
                    responsible = worker
                    informed = plan["completed_on"]
            plan["assessment"] = Assessment(
                child_id=plan["child"], team=team,
                worker=worker if assigned else None,
                pair_worker=lead if assigned and lead and rng.random() < 0.12 else None,
                opened_on=plan["decided_on"], started_on=plan["started_on"],
                completed_on=plan["completed_on"], outcome=outcome, outcome_reason=reason,
                informed_on=informed, responsible_worker=responsible,
                **_result_content(outcome, plan["started_on"]))
            assessments.append(plan["assessment"])
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    converted_from = _converted_plans(plans, phase_rng(seed, f"advice:{today.isoformat()}"))

    contacts = []
    for plan in plans:
        assessment = plan.get("assessment")
        closed = plan["closed_on"] is not None
        if closed:
            status = "closed"
        elif assessment is not None:
            status = "routed"
        elif plan["urgency"]:
            status = "in_assessment"
        else:
            status = "new"
        if assessment is not None:
            team, assignee = assessment.team, assessment.worker
            pair = assessment.pair_worker
        else:
            team = intake_team
            assignee = intake_worker if (closed or rng.random() < 0.6) else None
            pair = None
        reporter = plan["reporter"]
        contacts.append(Contact(
            kind=plan["kind"], clock=plan["clock"], channel=plan["channel"],
            received_at=plan["received_at"], opened_on=plan["opened_on"],
            reporter_kind=reporter,
            reporter_name="" if reporter in ("anonymous", "guardian", "child")
            else rng.choice(("Terhi Ojala", "Mika Laine", "Sanna Virta", "Jukka Aho")),
            reporter_organisation=ORGANISATIONS.get(reporter, ""),
            reporter_protected=plan["protected"], description=plan["description"],
            family_informed=reporter in ("guardian", "child") or rng.random() < 0.5,
            child_id=plan["child"], municipality_id=plan["municipality"], team=team,
            assignee=assignee, pair_worker=pair, status=status,
            urgency=("urgent" if plan["urgent"] else "not_urgent") if plan["urgency"] else "",
            urgency_by=intake_worker if plan["urgency"] else None,
            urgency_at=_urgency_at(plan) if plan["urgency"] else None,
            urgency_note="Lapsi ei ole turvassa kotona tänä yönä; päivystys tavoitettu."
            if plan["urgency"] and plan["urgent"] else "",
            assessment=assessment, registered_by=intake_worker, routing_team=intake_team,
            closed_on=plan["closed_on"]))
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    advance(1)

    links, deadlines, initials, meetings = [], [], [], []
    for plan, contact in zip(plans, contacts, strict=True):
        links += [ContactPerson(contact=contact, person_id=pk, role=role)
                  for pk, role in plan["persons"]]
        met = {"urgency_assessment": plan["urgency"],
               "investigation_decision": plan["decided_on"],
               "assessment_start": plan["started_on"],
               "assessment_completion": plan["completed_on"]}
        for d in compute_deadlines(plan["clock"], plan["received_at"]):
            met_on = met.get(d.code)
            if met_on is None and plan["closed_on"]:
                status = "not_needed"
            else:
                status = str(deadline_status(d.due_on, today, met_on, d.target_on))
            deadlines.append(Deadline(contact=contact, code=d.code, due_on=d.due_on,
                                      target_on=d.target_on, basis=d.basis, status=status,
                                      met_on=met_on,
                                      notified_status=status if status in (
                                          "overdue", "due_soon") else ""))
        if plan["decided_on"]:
            outcome = plan["initial"]
            initials.append(InitialAssessment(
                contact=contact, outcome=outcome, decided_by=intake_worker,
                decided_on=plan["decided_on"],
                reason={"advice": "Annettu neuvontaa ja ohjausta; ei jatkotoimia.",
                        "no_action": "Ilmoitus ei anna aihetta toimenpiteisiin.",
                        "referral": "Perhe ohjattu palveluun.",
                        "service_need_assessment": "Tilanne vaatii palvelutarpeen arvioinnin."
                        }[outcome],
                referral=rng.choice(catalogue) if outcome == "referral" else None,
                informed_on=plan["decided_on"]))
        assessment = plan.get("assessment")
        if assessment is not None and assessment.started_on:
            until = assessment.completed_on or today
            span = max((until - assessment.started_on).days, 0)
            for _n in range(rng.randint(1, 3) if span else 1):
                meetings.append(Meeting(
                    assessment=assessment, kind=rng.choice(("office", "network", "home_visit",
                                                            "remote")),
                    held_on=assessment.started_on + timedelta(days=rng.randint(0, span)),
                    participants="Lapsi, huoltajat, sosiaalityöntekijä",
                    notes=rng.choice(MEETING_NOTES),
                    recorded_by=assessment.worker or intake_worker))
    ContactPerson.objects.bulk_create(links, batch_size=BATCH)
    Deadline.objects.bulk_create(deadlines, batch_size=BATCH)
    InitialAssessment.objects.bulk_create(initials, batch_size=BATCH)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    advance(1)

    # Client relationships, as the services open and end them.
    relationships = []
    now = timezone.now()
    for plan, contact in zip(plans, contacts, strict=True):
        intake_ends = (_aware(plan["closed_on"], 16, 0) + timedelta(days=CLOSED_ACCESS_DAYS)
                       if plan["closed_on"] else None)
        for pk, _role in plan["persons"]:
            relationships.append(ClientRelationship(
                person_id=pk, team=intake_team, basis=Basis.INTAKE,
                service_task="family_services", starts_at=contact.received_at,
                ends_at=intake_ends, source=SOURCE_CONTACT.format(contact.pk),
                created_by=intake_worker))
        assessment = plan.get("assessment")
        if assessment is None:
            continue
        client = assessment.outcome in ("child_welfare_client", "family_social_services")
        case_ends = None
        if assessment.completed_on and not client:
            case_ends = _aware(assessment.completed_on, 16, 0) + timedelta(
                days=CLOSED_ACCESS_DAYS)
        for pk, _role in plan["persons"]:
            relationships.append(ClientRelationship(
                person_id=pk, team=assessment.team, basis=Basis.CASE,
                service_task="family_services",
                starts_at=min(_aware(assessment.opened_on, 12, 0), now),
                ends_at=case_ends, source=SOURCE_ASSESSMENT.format(assessment.pk),
                created_by=intake_worker))
        if client and assessment.responsible_worker is not None:
            relationships.append(ClientRelationship(
                person_id=assessment.child_id, user=assessment.responsible_worker,
                basis=Basis.CASE,
                service_task="child_welfare" if assessment.outcome == "child_welfare_client"
                else "family_services",
                starts_at=min(_aware(assessment.completed_on, 16, 0), now),
                source=SOURCE_ASSESSMENT.format(assessment.pk),
                created_by=assessment.responsible_worker))
    ClientRelationship.objects.bulk_create(relationships, batch_size=BATCH)
    queue_keys.sync()  # the initial outcomes and queue keys the services keep on the contact
    _seed_advice(phase_rng(seed, f"advice:{today.isoformat()}:records"), today, per_year,
                 intake_team, [u for u in (intake_worker, lead) if u is not None],
                 [contacts[i] for i in converted_from])
    advance(1)
    return len(contacts)


# Advice and consultations: (kind, weight, topics, askers, outcomes), each a weighted choice.
ADVICE_KINDS = (
    ("advice", 65,
     {"parenting": 30, "child_development": 12, "school_daycare": 12, "separation": 14,
      "livelihood": 10, "services": 12, "mental_health": 5, "substance_use": 2, "violence": 2,
      "other": 1},
     {"parent": 75, "child": 8, "relative": 9, "anonymous": 8},
     {"advice_given": 72, "referred": 23, "notification_advised": 5}),
    ("professional_consultation", 35,
     {"notification_duty": 55, "violence": 8, "substance_use": 8, "mental_health": 9,
      "school_daycare": 8, "services": 10, "other": 2},
     {"professional_school": 30, "professional_daycare": 25, "professional_health": 25,
      "professional_police": 8, "professional_other": 8, "anonymous": 4},
     {"notification_advised": 45, "advice_given": 40, "referred": 15}),
)
ADVICE_CHANNELS = {"phone": 70, "electronic": 20, "in_person": 10}
ADVICE_SUMMARIES = {
    "advice": ("Vanhempi kysyi, miten tukea lasta arjen rutiineissa; kerrottiin perheneuvolasta.",
               "Huoltaja tiedusteli, mistä saa kotipalvelua vauvaperheelle; ohjattiin hakemaan.",
               "Vanhempi kysyi eron jälkeisistä tapaamisista; ohjattiin perheasioiden "
               "sovitteluun."),
    "professional_consultation": (
        "Ammattilainen kysyi, täyttyykö ilmoitusvelvollisuus; käytiin läpi LSL 25 § ja ohjattiin "
        "tekemään ilmoitus.",
        "Ammattilainen konsultoi huolesta ilman nimiä; sovittiin, että huoltajan kanssa "
        "tehdään yhteinen yhteydenotto.",
        "Ammattilainen kysyi palvelutarpeen arvioinnin käynnistämisestä; kerrottiin "
        "yhteydenoton tavoista."),
}
CONVERTED_SHARE = 0.08  # of the professionals' notifications, begun as a consultation


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _converted_plans(plans: list[dict], rng: random.Random) -> list[int]:
    """The indexes of the professionals' notifications that began as a consultation."""
    professionals = {"health_care", "education", "early_childhood", "police"}
    return [i for i, plan in enumerate(plans)
            if plan["kind"] in ("child_welfare_notification", "shl_notification")
            and plan["reporter"] in professionals and rng.random() < CONVERTED_SHARE]


def _working_days(first: date, last: date) -> list[date]:
    from luotsi.deadlines.calendar import is_working_day

    return [first + timedelta(days=n) for n in range((last - first).days + 1)
            if is_working_day(first + timedelta(days=n))]


def _seed_advice(rng: random.Random, today: date, per_year: int, team, recorders: list,
                 converted: list) -> int:
    """The intake team's advice and consultations over the flow's two years, and one converted
    consultation for each contact in ``converted``."""
    from luotsi.intake.models import AdviceRecord

    if not recorders:
        return 0
    # Up to yesterday, so that no record is in the future whenever the demo is seeded.
    days = _working_days(today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1))
    now = timezone.now()
    records = []
    for _n in range(per_year * 3 * HISTORY_DAYS // (2 * 365)):
        kind, _w, topics, askers, outcomes = rng.choices(
            ADVICE_KINDS, weights=[k[1] for k in ADVICE_KINDS])[0]
        received_at = _aware(rng.choice(days), rng.randint(8, 15), rng.randrange(60))
        records.append(AdviceRecord(
            kind=kind, topic=_weighted(rng, topics), channel=_weighted(rng, ADVICE_CHANNELS),
            asker_group=_weighted(rng, askers), received_at=received_at,
            duration_minutes=rng.choice((5, 10, 10, 15, 15, 20, 30, 45)),
            outcome=_weighted(rng, outcomes), summary=rng.choice(ADVICE_SUMMARIES[kind]),
            team=team, recorded_by=rng.choice(recorders)))
    asker = {"health_care": "professional_health", "education": "professional_school",
             "early_childhood": "professional_daycare", "police": "professional_police"}
    for contact in converted:
        records.append(AdviceRecord(
            kind="professional_consultation", topic="notification_duty", channel=contact.channel
            if contact.channel in ADVICE_CHANNELS else "phone",
            asker_group=asker[contact.reporter_kind], received_at=contact.received_at,
            duration_minutes=rng.choice((10, 15, 20)), outcome="converted",
            summary=ADVICE_SUMMARIES["professional_consultation"][0], team=team,
            recorded_by=recorders[0], converted_to=contact,
            converted_at=min(contact.received_at + timedelta(minutes=30), now)))
    AdviceRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)
