"""Deterministic generation of the demo county's population and client relationships.

Pure functions of (seed, reference date, size): no database, no clock, no global random state.
Each phase draws from its own ``random.Random`` seeded with a string naming the seed and the
phase (string seeds are hashed with SHA-512, so the stream does not depend on PYTHONHASHSEED),
which lets an interrupted seed resume a later phase and still get the same result.

Every personal identity code is in the test range (individual numbers 900–999) and unique.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from luotsi.demo import data
from luotsi.people import hetu

SCALES = {"small": 1_000, "county": 100_000}


def phase_rng(seed: int, phase: str) -> random.Random:
    return random.Random(f"luotsi-demo:{seed}:{phase}")


@dataclass
class PersonSpec:
    first_name: str
    last_name: str
    sex: str  # "female" or "male"
    birth_date: date
    hetu: str
    language: str
    municipality_code: str
    street_address: str
    postal_code: str
    post_office: str
    email: str = ""
    safety_ban: bool = False


@dataclass
class HouseholdSpec:
    """Indexes into the population list: adults are the guardians of every child."""

    adults: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)


@dataclass
class Population:
    persons: list[PersonSpec]
    households: list[HouseholdSpec]

    def guardian_links(self) -> list[tuple[int, int]]:
        return [(a, c) for h in self.households for a in h.adults for c in h.children]

    def household_links(self) -> list[tuple[int, int]]:
        return [(h.adults[0], h.adults[1]) for h in self.households if len(h.adults) == 2]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and c.isascii())


class _Hetus:
    """Unique test-range codes: individual numbers 900–999, parity matching the sex."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, birth_date: date, sex: str) -> tuple[date, str]:
        while True:
            for _attempt in range(20):
                number = self.rng.randrange(900, 1000, 2) + (1 if sex == "male" else 0)
                value = hetu.build(birth_date, number)
                if value not in self.used:
                    self.used.add(value)
                    return birth_date, value
            birth_date -= timedelta(days=1)  # that day is (nearly) full: the day before


class PopulationGenerator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = phase_rng(seed, "population")
        self.today = today
        self.hetus = _Hetus(self.rng)
        self.municipalities = data.MUNICIPALITIES
        self.weights = [m.population for m in data.MUNICIPALITIES]

    # -- small draws ------------------------------------------------------------------------
    def _band(self, bands: tuple[tuple[int, int, float], ...]) -> int:
        low, high, _w = self.rng.choices(bands, weights=[b[2] for b in bands])[0]
        return self.rng.randint(low, high)

    def _birth_date(self, age: int) -> date:
        days = int(age * 365.25) + self.rng.randint(0, 364)
        return self.today - timedelta(days=days)

    def _language(self, municipality: data.MunicipalityData) -> str:
        roll = self.rng.random()
        if roll < municipality.swedish_share:
            return "sv"
        roll -= municipality.swedish_share
        for language, share in data.OTHER_LANGUAGE_SHARES:
            if roll < share:
                return language
            roll -= share
        return "fi"

    def _first_name(self, language: str, sex: str) -> str:
        if language == "fi":
            names = data.FI_FEMALE if sex == "female" else data.FI_MALE
        elif language == "sv":
            names = data.SV_FEMALE if sex == "female" else data.SV_MALE
        else:
            female, male, _last = data.OTHER_NAMES[language]
            return self.rng.choice(female if sex == "female" else male)
        first = self.rng.choice(names)
        if self.rng.random() < 0.6:  # most Finns have a second given name
            second = self.rng.choice(names)
            if second != first:
                return f"{first} {second}"
        return first

    def _last_name(self, language: str) -> str:
        if language == "fi":
            return self.rng.choice(data.FI_LAST)
        if language == "sv":
            # Many Finland-Swedes carry a Finnish surname.
            return self.rng.choice(data.FI_LAST if self.rng.random() < 0.2 else data.SV_LAST)
        return self.rng.choice(data.OTHER_NAMES[language][2])

    @staticmethod
    def _gendered(last_name: str, language: str, sex: str) -> str:
        if language == "ru" and sex == "female" and last_name.endswith(("ov", "ev", "in")):
            return last_name + "a"
        return last_name

    def _address(self, municipality: data.MunicipalityData, language: str):
        postal_code, office_fi, office_sv = self.rng.choice(municipality.postal_areas)
        street_fi, street_sv = self.rng.choice(data.STREETS)
        swedish = language == "sv" and municipality.code in data.BILINGUAL
        street = street_sv if swedish else street_fi
        number = self.rng.randint(1, 80)
        if self.rng.random() < 0.45:
            street_address = (f"{street} {number} {self.rng.choice('ABCD')} "
                              f"{self.rng.randint(1, 40)}")
        else:
            street_address = f"{street} {number}"
        return street_address, postal_code, office_sv if swedish else office_fi

    def _person(self, *, age: int, sex: str, first_language: str, last_name: str,
                household: dict) -> PersonSpec:
        birth_date, code = self.hetus.new(self._birth_date(age), sex)
        first_name = self._first_name(first_language, sex)
        email = ""
        if age >= 18 and self.rng.random() < 0.3:
            email = f"{_ascii(first_name.split()[0])}.{_ascii(last_name)}@example.com"
        return PersonSpec(
            first_name=first_name, last_name=self._gendered(last_name, first_language, sex),
            sex=sex, birth_date=birth_date, hetu=code, language=household["language"],
            municipality_code=household["municipality"].code,
            street_address=household["address"][0], postal_code=household["address"][1],
            post_office=household["address"][2], email=email,
            safety_ban=household["safety_ban"],
        )

    # -- households -------------------------------------------------------------------------
    def household(self) -> list[tuple[str, PersonSpec]]:
        """One household: a list of ("adult"|"child", person)."""
        rng = self.rng
        municipality = rng.choices(self.municipalities, weights=self.weights)[0]
        language = self._language(municipality)
        info = {
            "municipality": municipality,
            "language": language,
            "address": self._address(municipality, language),
            "safety_ban": rng.random() < 0.005,
        }
        kind = rng.choices(("single", "couple", "family", "single_parent"),
                           weights=(0.44, 0.30, 0.18, 0.08))[0]
        members: list[tuple[str, PersonSpec]] = []
        last_name = self._last_name(language)
        if kind == "single":
            age = self._band(((18, 29, 0.22), (30, 49, 0.22), (50, 64, 0.20), (65, 79, 0.24),
                              (80, 96, 0.12)))
            sex = rng.choice(("female", "male"))
            members.append(("adult", self._person(age=age, sex=sex, first_language=language,
                                                  last_name=last_name, household=info)))
            return members
        if kind == "couple":
            age = self._band(((22, 34, 0.20), (35, 54, 0.15), (55, 69, 0.35), (70, 90, 0.30)))
        else:
            age = int(rng.triangular(24, 56, 38))
        sex = rng.choice(("female", "male"))
        members.append(("adult", self._person(age=age, sex=sex, first_language=language,
                                              last_name=last_name, household=info)))
        if kind in ("couple", "family"):
            partner_age = max(18, age + round(rng.gauss(0, 3)))
            partner_sex = ("male" if sex == "female" else "female") if rng.random() < 0.95 else sex
            partner_last = last_name if rng.random() < 0.7 else self._last_name(language)
            members.append(("adult", self._person(age=partner_age, sex=partner_sex,
                                                  first_language=language,
                                                  last_name=partner_last, household=info)))
        if kind in ("family", "single_parent"):
            count = rng.choices((1, 2, 3, 4), weights=(0.40, 0.40, 0.15, 0.05))[0]
            oldest = max(0, min(17, age - 20))
            for _child in range(count):
                child_age = rng.randint(0, oldest)
                child_sex = rng.choice(("female", "male"))
                members.append(("child", self._person(age=child_age, sex=child_sex,
                                                      first_language=language,
                                                      last_name=last_name, household=info)))
        return members

    def population(self, count: int, progress=None) -> Population:
        persons: list[PersonSpec] = []
        households: list[HouseholdSpec] = []
        reported = 0
        while len(persons) < count:
            if progress is not None and len(persons) - reported >= 2000:
                progress(len(persons) - reported)
                reported = len(persons)
            spec = HouseholdSpec()
            for role, person in self.household():
                if len(persons) >= count:
                    break
                (spec.adults if role == "adult" else spec.children).append(len(persons))
                persons.append(person)
            if spec.children and not spec.adults:  # cannot happen: adults come first
                raise AssertionError("a household without adults")
            households.append(spec)
        if progress is not None:
            progress(len(persons) - reported)
        return Population(persons, households)


def generate_population(count: int, seed: int, today: date, progress=None) -> Population:
    """``count`` persons in households; ``progress(n)`` is told as persons are made."""
    return PopulationGenerator(seed, today).population(count, progress)


# --- Client relationships ----------------------------------------------------------------------

@dataclass(frozen=True)
class PersonRow:
    """What the relationship plan needs to know of a stored person."""

    pk: int
    birth_date: date | None
    region: str | None


@dataclass(frozen=True)
class PlannedRelationship:
    person: int  # pk
    basis: str
    service_task: str
    team: str | None = None  # team code
    user: str | None = None  # username
    days_ago: int = 0  # starts this many days before the reference date
    ended_days_ago: int | None = None  # None: still active


def relationship_factor(person_count: int) -> float:
    """How many clients each team gets, relative to the ``small`` county of 1,000 persons.

    It grows with the square root of the population: about 3,000 clients in the 100,000-person
    county rather than 30,000, as a demo needs busy teams, not a whole county in care.
    """
    return math.sqrt(max(person_count, 1) / SCALES["small"])


def _age(row: PersonRow, today: date) -> int:
    if row.birth_date is None:
        return -1
    born = row.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def plan_relationships(rows: list[PersonRow], families: list[tuple[list[int], list[int]]], *,
                       seed: int, today: date) -> list[PlannedRelationship]:
    """Who is whose client in the demo.

    ``rows`` are in primary-key order; ``families`` are (guardian pks, child pks), in order of
    their first guardian's pk.

    - family intake: about 60 persons (whole families) for team ``family-intake``;
    - each regional assessment team: about 40 persons of families living in its region, with
      the children of a few families personally held by the regional social worker;
    - working-age services: about 25 own clients for each of the teams working-age, employment,
      health and mhs, drawn with overlap, plus about 15 shared clients all four hold on a
      care-team basis; a few of each team's clients are personally held by its professional.

    The counts grow with ``relationship_factor``.
    """
    rng = phase_rng(seed, "relationships")
    factor = relationship_factor(len(rows))
    region_of = {row.pk: row.region for row in rows}
    plan: list[PlannedRelationship] = []

    def scaled(n: int) -> int:
        return max(3, round(n * factor))

    shuffled = families[:]
    rng.shuffle(shuffled)
    in_family_case: set[int] = set()

    def take_families(target: int, region: str | None):
        chosen, persons = [], 0
        for guardians, children in shuffled:
            if persons >= target:
                break
            if guardians[0] in in_family_case:
                continue
            if region is not None and region_of[children[0]] != region:
                continue
            in_family_case.update(guardians + children)
            chosen.append((guardians, children))
            persons += len(guardians) + len(children)
        return chosen

    # Family intake: recent contacts; a few already closed (no longer giving access).
    for guardians, children in take_families(scaled(60), None):
        days = rng.randint(0, 20)
        ended = rng.randint(0, days - 1) if days > 3 and rng.random() < 0.1 else None
        for pk in guardians + children:
            plan.append(PlannedRelationship(pk, "intake", "family_services", team="family-intake",
                                            days_ago=days, ended_days_ago=ended))

    # Regional assessment: open cases; the children of a few families are personally held by
    # the regional social worker.
    for region in data.REGIONS:
        team, worker = f"assessment-{region}", f"sw-{region}"
        personal = max(1, round(2 * factor))
        for index, (guardians, children) in enumerate(take_families(scaled(40), region)):
            days = rng.randint(5, 200)
            for pk in guardians + children:
                plan.append(PlannedRelationship(pk, "case", "family_services", team=team,
                                                days_ago=days))
            if index < personal:
                for pk in children:
                    plan.append(PlannedRelationship(pk, "case", "family_services", user=worker,
                                                    days_ago=days))

    # Working-age services: adults 18–64 not in a family case above.
    adults = [row.pk for row in rows
              if 18 <= _age(row, today) <= 64 and row.pk not in in_family_case]
    shared_count, own_count = scaled(15), scaled(25)
    pool = rng.sample(adults, k=min(len(adults), shared_count + 3 * own_count))
    shared, rest = pool[:shared_count], pool[shared_count:]
    units = (("working-age", "working_age", "adult-sw"),
             ("employment", "employment", "employment"),
             ("health", "health", "nurse"),
             ("mhs", "mental_health_substance", "mhs"))
    for pk in shared:
        days = rng.randint(10, 300)
        for team, task, _worker in units:
            plan.append(PlannedRelationship(pk, "care_team", task, team=team, days_ago=days))
    personal = max(1, round(3 * factor))
    for team, task, worker in units:
        own = rng.sample(rest, k=min(len(rest), own_count))
        for index, pk in enumerate(own):
            days = rng.randint(1, 365)
            plan.append(PlannedRelationship(pk, "case", task, team=team, days_ago=days))
            if index < personal:
                plan.append(PlannedRelationship(pk, "case", task, user=worker, days_ago=days))
    return plan


# Emergency accesses by sw-west, awaiting the team lead's review: (hours ago, reason).
EMERGENCY_ACCESSES = (
    (1, "Poliisi pyysi virka-apua illalla: lapsen huoltajien yhteystiedot tarvittiin heti."),
    (26, "Päivystävä lääkäri soitti: asiakas tuotiin ensiapuun, tarvittiin lähiomaisen tiedot."),
    (50, "Koulukuraattori ilmoitti puhelimitse huolesta; ilmoittajalle piti vastata samana "
         "päivänä."),
)
