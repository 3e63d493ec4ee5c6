"""Demo flow: harmonised client plans of working-age clients.

About one person in thirty gets a plan (tens in the small county, a few thousand in the county
scale): first the clients the working-age teams already hold, then other working-age adults.
Each plan has sections of two or three sectors with their responsible demo professionals, two or
three goals with situation factors, steps, services and methods, consents for the other sectors,
two or three accepted versions (at the start and at each held review) with what changed, AVAIN
ratings at the start and at each review (some goals improve, some stay, a few get worse), and a
next review that is overdue, due soon or later. ``adult-sw`` coordinates the working-age plans;
``employment``, ``nurse`` and ``mhs`` coordinate the others.

The coordinator and each responsible professional get the care-team client relationship that
``luotsi.plans.services`` gives them (source ``plans.Plan:<id>``), so the demo logins can open
their plans. Written with ``bulk_create`` in one transaction; deterministic from the seed and
today's date; nothing goes to the access log (seeding is nobody's processing of client data).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from luotsi.access.models import Basis, ClientRelationship
from luotsi.demo.generator import phase_rng
from luotsi.people.models import Person
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Consent,
    Evaluation,
    Goal,
    GoalFactor,
    Participant,
    Plan,
    PlanMethod,
    PlanSection,
    PlanService,
    PlanSupportNeed,
    PlanVersion,
    Rating,
    RatingScale,
    Review,
    Sector,
    Step,
)
from luotsi.plans.services import version_changes

NAME = "plans"
PERSONS_PER_PLAN = 30
BATCH = 2000

# Sector → (the demo login responsible for it, its team's relationship service task).
PROFESSIONALS = {
    Sector.WORKING_AGE_SOCIAL: "adult-sw",
    Sector.EMPLOYMENT: "employment",
    Sector.HEALTH: "nurse",
    Sector.MENTAL_HEALTH_SUBSTANCE: "mhs",
}
SECTOR_OF_TASK = {"working_age": Sector.WORKING_AGE_SOCIAL, "employment": Sector.EMPLOYMENT,
                  "health": Sector.HEALTH,
                  "mental_health_substance": Sector.MENTAL_HEALTH_SUBSTANCE}

# Goal wordings in the client's words, by goal-area code (fi, sv); others use GENERIC.
WORDINGS = {
    "housing": [("Haluan oman asunnon, jossa voin asua rauhassa.",
                 "Jag vill ha en egen bostad där jag kan bo i lugn och ro."),
                ("Haluan pitää asuntoni ja maksaa vuokran ajallaan.",
                 "Jag vill behålla min bostad och betala hyran i tid.")],
    "finances": [("Haluan, että rahat riittävät koko kuukaudeksi.",
                  "Jag vill att pengarna räcker hela månaden.")],
    "debts": [("Haluan saada velkani järjestykseen.", "Jag vill få ordning på mina skulder.")],
    "employment": [("Haluan löytää työpaikan, jossa jaksan.",
                    "Jag vill hitta ett jobb som jag orkar med.")],
    "education": [("Haluan aloittaa opinnot ensi syksynä.",
                   "Jag vill börja studera nästa höst.")],
    "work_ability": [("Haluan jaksaa olla mukana kuntouttavassa työtoiminnassa.",
                      "Jag vill orka delta i arbetsverksamheten.")],
    "inclusion": [("Haluan löytää harrastuksen ja tavata ihmisiä.",
                   "Jag vill hitta en hobby och träffa människor.")],
    "mental_health": [("Haluan nukkua paremmin ja jaksaa arjessa.",
                       "Jag vill sova bättre och orka med vardagen.")],
    "substance_use": [("Haluan vähentää juomista.", "Jag vill dricka mindre.")],
    "physical_health": [("Haluan käydä säännöllisesti lääkärissä ja hoitaa diabetestani.",
                         "Jag vill gå regelbundet till läkaren och sköta min diabetes.")],
    "everyday_life": [("Haluan, että arkeni sujuu ja pystyn hoitamaan asiani.",
                       "Jag vill att vardagen fungerar och att jag klarar mina ärenden.")],
}
GENERIC = ("Haluan, että tilanteeni paranee askel kerrallaan.",
           "Jag vill att min situation blir bättre steg för steg.")
SITUATIONS = [
    ("Olen ollut pitkään työttömänä ja rahat eivät riitä. Haluan muutosta.",
     "Jag har varit arbetslös länge och pengarna räcker inte. Jag vill ha en förändring."),
    ("Asun yksin. Väsyttää paljon, ja asioiden hoitaminen on vaikeaa.",
     "Jag bor ensam. Jag är ofta trött och det är svårt att sköta ärenden."),
    ("Minulla on vuokrarästejä ja pelkään menettäväni asunnon.",
     "Jag har hyresskulder och är rädd att förlora bostaden."),
]
CLIENT_STEPS = [("Täytän hakemuksen ja tuon sen mukaan.", "Jag fyller i ansökan och tar med den."),
                ("Käyn ryhmässä kerran viikossa.", "Jag går till gruppen en gång i veckan."),
                ("Soitan velkaneuvontaan.", "Jag ringer skuldrådgivningen.")]
WORKER_STEPS = [("Varaan ajan työllisyyspalveluihin.", "Jag bokar en tid hos sysselsättningstjänsterna."),
                ("Selvitän asumisneuvojan kanssa vuokrarästit.",
                 "Jag reder ut hyresskulderna med bostadsrådgivaren."),
                ("Teen lähetteen päihdepoliklinikalle.", "Jag skriver en remiss till missbruksmottagningen.")]
CONSENT_SCOPE = ("Tavoitteet, palvelut ja yhteiset askeleet", "Mål, tjänster och gemensamma steg")


def done() -> bool:
    return Plan.objects.filter(created_by__is_demo=True).exists()


def total(persons: int) -> int:
    return max(20, persons // PERSONS_PER_PLAN)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, 28))


def _candidates(rng: random.Random, today: date, count: int) -> list[tuple[int, str]]:
    """(person, sector of the coordinator): clients of the working-age teams first."""
    relationships = (ClientRelationship.objects
                     .filter(service_task__in=SECTOR_OF_TASK, ends_at__isnull=True)
                     .order_by("person_id", "pk").values_list("person_id", "service_task"))
    first: dict[int, str] = {}
    for person_id, task in relationships:
        first.setdefault(person_id, SECTOR_OF_TASK[task])
    chosen = sorted(first.items())[:count]
    if len(chosen) < count:
        family = set(ClientRelationship.objects.filter(service_task__in=["family_services",
                                                                         "child_welfare"])
                     .values_list("person_id", flat=True))
        oldest, youngest = _months(today, -64 * 12), _months(today, -18 * 12)
        adults = [pk for pk in Person.objects.filter(birth_date__gt=oldest,
                                                     birth_date__lte=youngest)
                  .order_by("pk").values_list("pk", flat=True)
                  if pk not in first and pk not in family]
        extra = rng.sample(adults, k=min(len(adults), count - len(chosen)))
        sectors = list(PROFESSIONALS)
        weights = [5, 2, 2, 1]
        chosen += [(pk, rng.choices(sectors, weights)[0]) for pk in sorted(extra)]
    return chosen


@dataclass
class _Spec:
    plan: Plan
    sectors: list[str]
    started: date
    reviews: list[date]
    sections: list[PlanSection] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    factors: list[GoalFactor] = field(default_factory=list)
    services: list[PlanService] = field(default_factory=list)
    methods: list[PlanMethod] = field(default_factory=list)
    support_needs: list[PlanSupportNeed] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)


def _evaluations(rng: random.Random, specs, held_reviews: dict, scale) -> list:
    """The rest of the AVAIN meter at each held review: each service and method evaluated by
    the coordinator (did it help), each situation factor assessed again, and the client's own
    rating of the first goal and of each service beside the professional's. Its own random
    stream, so the rest of the demo stays as it was."""
    rows = []
    for s in specs:
        for held in s.reviews:
            common = {"plan": s.plan, "occasion": "review", "rated_on": held,
                      "review": held_reviews.get((s.plan.pk, held)),
                      "recorded_by": s.plan.coordinator}
            for service in s.services:
                helped = rng.choice([2, 3, 3, 4, 4, 5])
                rows.append(Evaluation(subject="service", service=service, rater="professional",
                                       scale=scale, value=helped, **common))
                rows.append(Evaluation(subject="service", service=service, rater="client",
                                       scale=scale, value=max(1, min(5, helped + rng.choice(
                                           [-1, 0, 0, 1]))), **common))
            for method in s.methods:
                rows.append(Evaluation(subject="method", method=method, rater="professional",
                                       scale=scale, value=rng.choice([2, 3, 4, 4, 5]), **common))
            for factor in s.factors:
                rows.append(Evaluation(subject="factor", factor=factor, rater="professional",
                                       direction=rng.choice(["better", "better", "same", "worse"]),
                                       **common))
            if s.goals:
                rows.append(Evaluation(subject="goal", goal=s.goals[0], rater="client",
                                       scale=scale, value=rng.choice([2, 3, 4, 4, 5]), **common))
    return rows


# Short notes on a support need, in Finnish and Swedish (a note is optional; most have none).
NEED_NOTES = [("Asunto on vaarassa, vuokria maksamatta.", "Bostaden är hotad, hyror obetalda."),
              ("Tarvitsee apua arjen rytmiin.", "Behöver hjälp med vardagens rytm."),
              ("Toivoo tukea yhdessä läheisten kanssa.", "Önskar stöd tillsammans med sina närmaste.")]


def _support_needs(rng: random.Random, specs, needs: list[CodeListItem]) -> list:
    """One to three support needs (SHL 11 §) of each plan, recorded by its coordinator when it
    was started, a few with a short note. Its own random stream, so the rest of the demo stays
    as it was."""
    rows = []
    for s in specs:
        sv = s.plan.language == "sv"
        for need in rng.sample(needs, min(len(needs), rng.choice([1, 2, 2, 3]))):
            note = rng.choice(NEED_NOTES)[sv] if rng.random() < 0.3 else ""
            s.support_needs.append(PlanSupportNeed(plan=s.plan, need=need, note=note,
                                                   recorded_by=s.plan.coordinator))
        rows += s.support_needs
    return rows


def _bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


@transaction.atomic
def seed(seed: int, today: date, advance) -> int:
    rng = phase_rng(seed, "plans")
    persons = Person.objects.count()
    wanted = total(persons)
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=PROFESSIONALS.values())}
    if len(users) < len(PROFESSIONALS):
        return 0
    items = {code_list: list(CodeListItem.objects.filter(code_list=code_list, active=True,
                                                         version__current=True)
                             .order_by("sort_order", "pk"))
             for code_list in CodeList.values}
    if not all(items.values()):
        return 0
    scale = RatingScale.objects.filter(is_default=True).order_by("pk").first()
    areas = items[CodeList.GOAL_AREA]
    preferred = [a for a in areas if a.code in WORDINGS] or areas
    chosen = _candidates(rng, today, wanted)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[pk for pk, _ in chosen])
              .only("pk", "first_name", "last_name", "language")}

    # Plans ---------------------------------------------------------------------------------
    specs: list[_Spec] = []
    for person_id, main in chosen:
        person = people[person_id]
        started = today - timedelta(days=rng.randint(130, 540))
        reviews = []
        day = started
        while len(reviews) < 2:
            day = _months(day, rng.choice([3, 4, 5]))
            if day > today - timedelta(days=3):
                break
            reviews.append(day)
        last = reviews[-1] if reviews else started
        review_on = _months(last, 4)
        roll = rng.random()
        if roll < 0.15:
            review_on = today - timedelta(days=rng.randint(1, 40))  # overdue
        elif roll < 0.3:
            review_on = today + timedelta(days=rng.randint(0, 14))  # due soon
        elif review_on <= today:
            review_on = today + timedelta(days=rng.randint(15, 120))
        others = [s for s in PROFESSIONALS if s != main]
        sectors = [main, *rng.sample(others, k=rng.choice([1, 1, 2]))]
        coordinator = users[PROFESSIONALS[main]]
        language = person.language if person.language in ("fi", "sv") else "fi"
        situation = rng.choice(SITUATIONS)[1 if language == "sv" else 0]
        plan = Plan(person_id=person_id, language=language, client_situation=situation,
                    client_view="", coordinator=coordinator, review_on=review_on,
                    created_by=coordinator, updated_by=coordinator,
                    revision=5 + 3 * len(reviews), accepted_version=1 + len(reviews))
        specs.append(_Spec(plan, sectors, started, reviews))
    _bulk(Plan, [s.plan for s in specs])  # PostgreSQL and SQLite ≥ 3.35 return the keys
    advance(len(specs) // 4)

    # Sections, goals, participants, consents, relationships -------------------------------
    sections, participants, consents, relationships = [], [], [], []
    for s in specs:
        sv = s.plan.language == "sv"
        person = people[s.plan.person_id]
        for sector in s.sectors:
            section = PlanSection(plan=s.plan, sector=sector,
                                  responsible=users[PROFESSIONALS[sector]])
            s.sections.append(section)
            sections.append(section)
        s.participants = [
            Participant(plan=s.plan, kind=Participant.Kind.CLIENT,
                        name=f"{person.first_name} {person.last_name}".strip()),
            Participant(plan=s.plan, kind=Participant.Kind.PROFESSIONAL, user=s.plan.coordinator)]
        participants += s.participants
        s.consents = [Consent(plan=s.plan, sector=sector, scope=CONSENT_SCOPE[sv],
                              valid_from=s.started, recorded_by=s.plan.coordinator)
                      for sector in s.sectors[1:]]
        consents += s.consents
        for sector in s.sectors:
            relationships.append(ClientRelationship(
                person_id=s.plan.person_id, user=users[PROFESSIONALS[sector]],
                basis=Basis.CARE_TEAM, source=f"plans.Plan:{s.plan.pk}",
                starts_at=_at(s.started), created_by=s.plan.coordinator))
    _bulk(PlanSection, sections)
    _bulk(Participant, participants)
    _bulk(Consent, consents)
    _bulk(ClientRelationship, relationships)

    goals = []
    for s in specs:
        sv = s.plan.language == "sv"
        for index in range(rng.choice([2, 2, 3])):
            area = rng.choice(preferred)
            wording = rng.choice(WORDINGS.get(area.code, [GENERIC]))[sv]
            goal = Goal(plan=s.plan, section=s.sections[min(index, len(s.sections) - 1)],
                        goal_area=area, client_wording=wording, priority=rng.choice([1, 2, 2, 3]),
                        target_date=_months(today, rng.randint(2, 10)))
            s.goals.append(goal)
            goals.append(goal)
    _bulk(Goal, goals)
    advance(len(specs) // 4)

    # Factors, steps, services, methods, reviews, ratings ------------------------------------
    factors, steps, services, methods, reviews = [], [], [], [], []
    for s in specs:
        sv = s.plan.language == "sv"
        for goal in s.goals:
            factor = GoalFactor(goal=goal, factor=rng.choice(items[CodeList.SITUATION_FACTOR]),
                                effect=rng.choice(["supports", "hinders"]))
            s.factors.append(factor)
            factors.append(factor)
            client_what = rng.choice(CLIENT_STEPS)[sv]
            worker_what = rng.choice(WORKER_STEPS)[sv]
            responsible = goal.section.responsible
            first_due = s.started + timedelta(days=rng.randint(14, 60))
            for what, kind, owner, due in (
                    (client_what, "client", None, first_due),
                    (worker_what, "professional", responsible,
                     (s.reviews[0] if s.reviews else today) + timedelta(days=rng.randint(7, 60)))):
                done_on = due - timedelta(days=rng.randint(0, 5)) \
                    if due < today and rng.random() < 0.7 else None
                step = Step(plan=s.plan, goal=goal, what=what, owner_kind=kind, owner=owner,
                            due_on=due, done_on=done_on)
                s.steps.append(step)
                steps.append(step)
        s.services = [PlanService(
            plan=s.plan, section=section, item=rng.choice(items[CodeList.SERVICE]),
            sector=section.sector, responsible=section.responsible, starts_on=s.started,
            status=rng.choice(["ongoing", "ongoing", "planned"])) for section in s.sections]
        services += s.services
        s.methods = [PlanMethod(plan=s.plan, method=rng.choice(items[CodeList.METHOD])),
                     PlanMethod(plan=s.plan, goal=s.goals[0],
                                method=rng.choice(items[CodeList.METHOD]))]
        methods += s.methods
        for held in s.reviews:
            reviews.append(Review(plan=s.plan, scheduled_on=held, held_on=held,
                                  notes="Arvio pidettiin yhdessä." if not sv
                                  else "Bedömningen gjordes tillsammans."))
        reviews.append(Review(plan=s.plan, scheduled_on=s.plan.review_on))
    _bulk(GoalFactor, factors)
    _bulk(Step, steps)
    _bulk(PlanService, services)
    _bulk(PlanMethod, methods)
    _bulk(Review, reviews)
    held_reviews = {}
    for review in reviews:
        if review.held_on:
            held_reviews[(review.plan_id, review.held_on)] = review

    ratings = []
    for s in specs:
        for goal in s.goals:
            value = rng.choice([1, 2, 2, 3, 3])
            trend = rng.random()
            ratings.append(Rating(goal=goal, occasion="start", rated_on=s.started, scale=scale,
                                  value=value, rated_by_kind="together",
                                  recorded_by=s.plan.coordinator))
            for held in s.reviews:
                if trend < 0.6:
                    value = min(5, value + rng.choice([0, 1, 1, 2]))
                elif trend < 0.85:
                    value = value + rng.choice([-1, 0, 0, 1]) if 1 < value < 5 else value
                else:
                    value = max(1, value - 1)
                ratings.append(Rating(
                    goal=goal, review=held_reviews.get((s.plan.pk, held)), occasion="review",
                    rated_on=held, scale=scale, value=value,
                    rated_by_kind=rng.choice(["together", "client", "professional"]),
                    client_took_part=rng.random() < 0.9, recorded_by=s.plan.coordinator))
    _bulk(Rating, ratings)
    _bulk(Evaluation, _evaluations(phase_rng(seed, "plans-meter"), specs, held_reviews, scale))
    _bulk(PlanSupportNeed, _support_needs(phase_rng(seed, "plans-support-needs"), specs,
                                          items[CodeList.SUPPORT_NEED]))
    advance(len(specs) // 4)

    # Accepted versions: the first without the professionals' steps, then the whole plan ------
    versions = []
    for s in specs:
        current = _snapshot(s)
        first = dict(current, steps=[row for row in current["steps"]
                                     if row["owner_kind"] == "client"])
        dates = [s.started, *s.reviews]
        previous = None
        for number, day in enumerate(dates, start=1):
            snapshot = first if number == 1 else dict(current, review_on=(
                _months(day, 4).isoformat() if number < len(dates) else current["review_on"]))
            versions.append(PlanVersion(
                plan=s.plan, number=number, accepted_at=_at(day, 14),
                accepted_by=s.plan.coordinator, client_took_part=True, snapshot=snapshot,
                changes=version_changes(previous, snapshot)))
            previous = snapshot
    _bulk(PlanVersion, versions)
    advance(len(specs) - 3 * (len(specs) // 4))
    return len(specs)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _snapshot(s: _Spec) -> dict:
    """The plan as plain data, in the shape ``selectors.plan_snapshot`` stores in a version
    (built from the rows in memory rather than read back plan by plan)."""
    plan = s.plan
    return {
        "client_situation": plan.client_situation, "client_view": plan.client_view,
        "disagreement": plan.disagreement, "review_on": plan.review_on.isoformat(),
        "language": plan.language, "coordinator": plan.coordinator.get_full_name(),
        "sections": [{"id": x.pk, "sector": x.sector, "status": x.status,
                      "responsible": str(x.responsible), "summary": x.summary,
                      "label": x.get_sector_display()} for x in s.sections],
        "goals": [{"id": g.pk, "goal_area": g.goal_area.code, "client_wording": g.client_wording,
                   "target_date": _iso(g.target_date), "priority": g.priority,
                   "section": g.section.sector, "label": g.client_wording[:80]}
                  for g in s.goals],
        "factors": [{"id": f.pk, "goal": f.goal.pk, "factor": f.factor.code, "effect": f.effect,
                     "note": f.note, "label": f"{f.factor.name_fi}: {f.goal.client_wording[:60]}"}
                    for f in s.factors],
        "services": [{"id": x.pk, "item": x.item.code, "sector": x.sector,
                      "provider": x.provider, "status": x.status,
                      "responsible": str(x.responsible), "starts_on": _iso(x.starts_on),
                      "ends_on": _iso(x.ends_on), "label": x.item.name_fi} for x in s.services],
        "methods": [{"id": m.pk, "method": m.method.code, "goal": m.goal.pk if m.goal else None,
                     "label": m.method.name_fi} for m in s.methods],
        "support_needs": [{"id": n.pk, "need": n.need.code, "note": n.note,
                           "label": n.need.name_fi} for n in s.support_needs],
        "steps": [{"id": x.pk, "what": x.what, "owner_kind": x.owner_kind,
                   "owner": str(x.owner) if x.owner else "", "due_on": x.due_on.isoformat(),
                   "done_on": _iso(x.done_on), "goal": x.goal.pk, "label": x.what[:80]}
                  for x in s.steps],
        "consents": [{"id": c.pk, "sector": c.sector, "scope": c.scope,
                      "valid_from": c.valid_from.isoformat(), "valid_until": None,
                      "withdrawn_on": None, "label": c.scope[:80]} for c in s.consents],
        "participants": [{"id": p.pk, "kind": p.kind,
                          "name": str(p.user) if p.user else p.name, "role": p.role_text,
                          "label": (str(p.user) if p.user else p.name)
                          + (f" ({p.role_text})" if p.role_text else "")}
                         for p in s.participants],
    }
