"""Demo flow: service-usage events for the demo county, and today's identification run.

Four years of events in the four sectors. Most residents use one or two sectors now and then,
never enough to match a default rule. About 3 % of working-age residents (18–64) use many
services: in the last twelve months events in three or four sectors, and for some of them
frequent doctor's or emergency visits, spread over the years so that the indicators have a
before and an after. Some older residents are frequent doctor's visitors. Deterministic from the
seed and today's date; written with bulk inserts in one transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

NAME = "usage"
HISTORY_DAYS = 4 * 365
SHARE_WORKING_AGE = 0.03
SHARE_OLDER_FREQUENT = 0.02

ORGANISATIONS = {
    "social": ["Aikuissosiaalityö", "Vammaispalvelut", "Lastensuojelu", "Toimeentulotuki"],
    "health": ["Terveysasema", "Päivystys", "Sairaala, poliklinikka", "Suun terveydenhuolto"],
    "mental_health_substance": ["Mielenterveyspalvelut", "Päihdepalvelut", "Psykiatrian "
                                "poliklinikka"],
    "employment": ["Työllisyyspalvelut", "Työkykykoordinaattori", "Kuntouttava työtoiminta"],
}
SERVICES = {
    "social": ["S101", "S205", "S310"],
    "health": ["T100", "T120", "T300"],
    "mental_health_substance": ["M200", "M210", "P400"],
    "employment": ["E100", "E210", "E330"],
}
KINDS = {
    "social": ["contact", "decision", "visit"],
    "health": ["visit", "doctor_visit"],
    "mental_health_substance": ["visit", "contact", "doctor_visit"],
    "employment": ["contact", "visit", "decision"],
}
SECTORS = list(ORGANISATIONS)


def done() -> bool:
    from luotsi.usage.models import IdentificationRun

    return IdentificationRun.objects.exists()


def total(persons: int) -> int:
    return persons + 1


def _age(born: date | None, today: date) -> int:
    if born is None:
        return -1
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def seed(seed: int, today: date, advance) -> int:
    from django.db import transaction

    from luotsi.demo.generator import phase_rng
    from luotsi.people.models import Person
    from luotsi.usage.identification import run_identification
    from luotsi.usage.models import ImportBatch, ServiceEvent

    rng = phase_rng(seed, f"usage:{today.isoformat()}")
    persons = list(Person.objects.filter(hetu_lookup__isnull=False).order_by("pk")
                   .values_list("pk", "birth_date", "municipality_id"))
    written = 0
    with transaction.atomic():
        batch = ImportBatch.objects.create(source="demo")
        pending: list[ServiceEvent] = []

        def add(person_id: int, sector: str, day: date, kind: str | None = None) -> None:
            if day > today:
                return
            pending.append(ServiceEvent(
                person_id=person_id, sector=sector, event_date=day,
                kind=kind or rng.choice(KINDS[sector]),
                organisation=rng.choice(ORGANISATIONS[sector]),
                service_code=rng.choice(SERVICES[sector]), batch=batch))

        def day_within(first: int, last: int) -> date:
            """A day between ``first`` and ``last`` days before today."""
            return today - timedelta(days=rng.randint(first, last))

        for number, (person_id, born, _municipality) in enumerate(persons, start=1):
            age = _age(born, today)
            draw = rng.random()
            if 18 <= age <= 64 and draw < SHARE_WORKING_AGE:
                # a shared client: three or four sectors in the last year, history before
                sectors = rng.sample(SECTORS, rng.choice((3, 3, 4)))
                for sector in sectors:
                    for _ in range(rng.randint(2, 5)):
                        add(person_id, sector, day_within(0, 330))
                    for _ in range(rng.randint(1, 6)):
                        add(person_id, sector, day_within(366, HISTORY_DAYS))
                if rng.random() < 0.4:
                    for _ in range(rng.randint(8, 12)):
                        add(person_id, "health", day_within(0, 360), "doctor_visit")
                if rng.random() < 0.5:
                    for _ in range(rng.randint(1, 5)):
                        add(person_id, "health", day_within(366, HISTORY_DAYS), "emergency_visit")
                    for _ in range(rng.choice((1, 2, 4, 5))):
                        add(person_id, "health", day_within(0, 360), "emergency_visit")
            elif age >= 65 and draw < SHARE_OLDER_FREQUENT:
                for _ in range(rng.randint(8, 11)):
                    add(person_id, "health", day_within(0, 360), "doctor_visit")
                for _ in range(rng.randint(0, 4)):
                    add(person_id, "social", day_within(0, HISTORY_DAYS))
            elif draw < 0.7:
                # ordinary use: one or two sectors over four years, a few visits
                sectors = ["health"] if rng.random() < 0.6 else rng.sample(SECTORS, 2)
                for sector in sectors:
                    for _ in range(rng.randint(1, 3)):
                        kind = rng.choice(["visit", "contact", "decision"]) \
                            if sector != "health" else rng.choice(["visit", "doctor_visit"])
                        add(person_id, sector, day_within(0, HISTORY_DAYS), kind)
                if rng.random() < 0.1:
                    add(person_id, "health", day_within(0, HISTORY_DAYS), "emergency_visit")
            if len(pending) >= 20_000:
                ServiceEvent.objects.bulk_create(pending, batch_size=5000, ignore_conflicts=True)
                written += len(pending)
                pending.clear()
            if number % 1000 == 0:
                advance(1000)
        ServiceEvent.objects.bulk_create(pending, batch_size=5000, ignore_conflicts=True)
        written += len(pending)
        advance(len(persons) % 1000)
        batch.rows = batch.imported = written
        batch.save(update_fields=["rows", "imported"])
        run_identification(as_of=today)
        advance(1)
    return written
