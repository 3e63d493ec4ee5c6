"""Writing the demo county to the database, one transaction per phase.

Seeding is not a professional's action: client relationships are bulk-created directly rather
than through ``luotsi.access.services``, and no access-log records are written (the log records
what people do with client data; the demo county's history is fiction). The seeded emergency
accesses therefore have no "emergency access opened" log record either.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from luotsi.access.models import Basis, ClientRelationship
from luotsi.demo import data, generator
from luotsi.organisation.models import County, Municipality, Region, Team
from luotsi.people import crypto
from luotsi.people.models import LinkKind, Person, PersonLink, search_key

BATCH_SIZE = 2000
SOURCE = "demo-seed"
EMERGENCY_SOURCE = "demo-seed:break-the-glass"

Progress = Callable[[int], None]  # advance by n


def _noop(_n: int) -> None:
    return None


@dataclass(frozen=True)
class State:
    persons: int
    logins: bool
    relationships: bool
    emergency: bool

    @property
    def complete(self) -> bool:
        return self.persons > 0 and self.relationships and self.emergency


def state() -> State:
    return State(
        persons=Person.objects.count(),
        logins=get_user_model().objects.filter(is_demo=True).exists(),
        relationships=ClientRelationship.objects.filter(source=SOURCE).exists(),
        emergency=ClientRelationship.objects.filter(source=EMERGENCY_SOURCE).exists(),
    )


def population() -> int:
    """The number of persons the demo seed generated: those with an identity code. The demo
    flows add unborn children with temporary ids on top, so all persons number more than the
    seed's ``--persons`` or scale."""
    return Person.objects.filter(hetu_lookup__isnull=False).count()


def seeded_with(count: int) -> bool:
    """Whether the database holds a finished demo county of ``count`` generated persons: every
    phase and every demo flow done."""
    from luotsi.demo import flows

    return (state().complete and population() == count
            and all(flow.done() for flow in flows.modules()))


def _at_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


# --- Phases ------------------------------------------------------------------------------------

@transaction.atomic
def seed_organisation() -> None:
    county, _ = County.objects.update_or_create(code=data.COUNTY["code"], defaults=data.COUNTY)
    regions = {}
    for code, (fi, sv, en) in data.REGIONS.items():
        regions[code], _ = Region.objects.update_or_create(
            code=code, defaults={"county": county, "name_fi": fi, "name_sv": sv, "name_en": en})
    for m in data.MUNICIPALITIES:
        Municipality.objects.update_or_create(code=m.code, defaults={
            "name_fi": m.name_fi, "name_sv": m.name_sv, "name_en": m.name_fi,
            "region": regions[m.region]})
    for t in data.TEAMS:
        Team.objects.update_or_create(code=t.code, defaults={
            "county": county, "name_fi": t.name_fi, "name_sv": t.name_sv, "name_en": t.name_en,
            "kind": t.kind, "service_task": t.service_task,
            "region": regions[t.region] if t.region else None})


@transaction.atomic
def seed_logins() -> None:
    """The demo logins. A login that exists keeps its password; a new one gets ``demo``."""
    User = get_user_model()
    teams = {team.code: team for team in Team.objects.all()}
    for login in data.LOGINS:
        user, created = User.objects.update_or_create(username=login.username, defaults={
            "first_name": login.first_name, "last_name": login.last_name, "role": login.role,
            "title": login.title, "language": login.language, "is_staff": login.is_staff,
            "is_superuser": login.is_superuser, "is_active": True, "is_demo": True,
            "email": f"{login.username}@example.com",
            "qualification": login.qualification,
            "registration_number": login.registration_number,
        })
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.teams.set([teams[code] for code in login.teams])


def _raw_insert(model, rows: list[dict], progress: Progress = _noop) -> None:
    """Insert ``rows`` (field name → Python value) without the ORM's per-object work.

    ``bulk_create`` spends most of its time compiling SQL per object; for a county of 100,000
    persons this is several times faster: ``executemany`` of one prepared INSERT on SQLite,
    ``COPY … FROM STDIN`` on PostgreSQL. Fields a row leaves out get their model default,
    auto_now fields the current time, so a field added to the model later does not break
    seeding.
    """
    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    constant = {}
    for f in fields:
        if f.name in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant[f.name] = f.get_db_prep_save(now, connection)
        else:
            constant[f.name] = f.get_db_prep_save(f.get_default(), connection)
    prepare = {f.name: f for f in fields
               if f.name in given and f.get_internal_type() in ("DateField", "DateTimeField")}
    names = [f.name for f in fields]

    def values(row: dict) -> list:
        out = []
        for name in names:
            if name in constant:
                out.append(constant[name])
            elif name in prepare and row[name] is not None:
                out.append(prepare[name].get_db_prep_save(row[name], connection))
            else:
                out.append(row[name])
        return out

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream, values adapted by psycopg itself.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(rows), BATCH_SIZE):
                    batch = rows[start:start + BATCH_SIZE]
                    for row in batch:
                        copy.write_row(values(row))
                    progress(len(batch))
            return
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
            table, columns, ", ".join(["%s"] * len(fields)))
        for start in range(0, len(rows), BATCH_SIZE):
            batch = [values(row) for row in rows[start:start + BATCH_SIZE]]
            cursor.executemany(sql, batch)
            progress(len(batch))


@transaction.atomic
def seed_population(count: int, seed: int, today: date, progress: Progress = _noop) -> int:
    """Persons with their guardian and household links. Returns the number of persons.

    ``progress`` advances by 2 × ``count`` in all: once as persons are generated and encrypted,
    once as they are stored.
    """
    population = generator.generate_population(count, seed, today, progress)
    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    specs = population.persons
    lookups = [crypto.lookup_hash(p.hetu) for p in specs]
    rows = [
        {
            "first_name": p.first_name, "last_name": p.last_name,
            "search_name": search_key(p.first_name, p.last_name), "birth_date": p.birth_date,
            "language": p.language, "municipality": municipalities[p.municipality_code],
            "street_address": p.street_address, "postal_code": p.postal_code,
            "post_office": p.post_office, "email": p.email, "safety_ban": p.safety_ban,
            "hetu_encrypted": crypto.encrypt(p.hetu), "hetu_lookup": lookup,
        }
        for p, lookup in zip(specs, lookups, strict=True)
    ]
    _raw_insert(Person, rows, progress)
    pk_of = dict(Person.objects.filter(hetu_lookup__isnull=False)
                 .values_list("hetu_lookup", "pk"))
    pks = [pk_of[lookup] for lookup in lookups]
    links = [{"person": pks[a], "other": pks[b], "kind": LinkKind.GUARDIAN}
             for a, b in population.guardian_links()]
    links += [{"person": pks[a], "other": pks[b], "kind": LinkKind.HOUSEHOLD}
              for a, b in population.household_links()]
    _raw_insert(PersonLink, links)
    return len(specs)


def _stored_population() -> tuple[list[generator.PersonRow], list[tuple[list[int], list[int]]]]:
    region_of = dict(Municipality.objects.values_list("pk", "region__code"))
    rows = [generator.PersonRow(pk, born, region_of.get(municipality))
            for pk, born, municipality in
            Person.objects.order_by("pk").values_list("pk", "birth_date", "municipality_id")]
    guardians_of: dict[int, list[int]] = defaultdict(list)
    for guardian, child in (PersonLink.objects.filter(kind=LinkKind.GUARDIAN)
                            .order_by("other_id", "person_id").values_list("person_id", "other_id")):
        guardians_of[child].append(guardian)
    children_of: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for child, guardians in guardians_of.items():
        children_of[tuple(guardians)].append(child)
    families = sorted(([list(g), sorted(c)] for g, c in children_of.items()),
                      key=lambda family: family[0][0])
    return rows, [(g, c) for g, c in families]


@transaction.atomic
def seed_relationships(seed: int, today: date) -> int:
    """Client relationships, bulk-created directly: seeding is not a professional's action, so
    nothing goes to the access log. Returns the number of relationships."""
    rows, families = _stored_population()
    plan = generator.plan_relationships(rows, families, seed=seed, today=today)
    teams = dict(Team.objects.values_list("code", "pk"))
    users = dict(get_user_model().objects.filter(is_demo=True).values_list("username", "pk"))
    objects = [
        ClientRelationship(
            person_id=item.person, team_id=teams[item.team] if item.team else None,
            user_id=users[item.user] if item.user else None, basis=item.basis,
            service_task=item.service_task, source=SOURCE,
            starts_at=_at_midnight(today - timedelta(days=item.days_ago)),
            ends_at=(_at_midnight(today - timedelta(days=item.ended_days_ago))
                     if item.ended_days_ago is not None else None),
        )
        for item in plan
    ]
    ClientRelationship.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)


@transaction.atomic
def seed_emergency_accesses(seed: int) -> int:
    """A few emergency accesses by sw-west to persons outside the western area, waiting for the
    team lead's review. The latest one is still open."""
    User = get_user_model()
    worker = User.objects.get(username="sw-west")
    rng = generator.phase_rng(seed, "emergency")
    candidates = list(
        Person.objects.filter(municipality__region__code="east", birth_date__isnull=False)
        .exclude(relationships__user=worker).order_by("pk").values_list("pk", flat=True)[:500]
    )
    if not candidates:
        return 0
    now = timezone.now().replace(second=0, microsecond=0)
    hours = settings.EMERGENCY_ACCESS_HOURS
    chosen = rng.sample(candidates, k=min(len(candidates), len(generator.EMERGENCY_ACCESSES)))
    objects = []
    for pk, (hours_ago, reason) in zip(chosen, generator.EMERGENCY_ACCESSES, strict=False):
        starts = now - timedelta(hours=hours_ago)
        objects.append(ClientRelationship(
            person_id=pk, user=worker, basis=Basis.EMERGENCY, starts_at=starts,
            ends_at=starts + timedelta(hours=hours), reason=reason, source=EMERGENCY_SOURCE,
            created_by=worker,
        ))
    ClientRelationship.objects.bulk_create(objects)
    return len(objects)


# --- Digest (for the determinism test and the benchmark's cache check) --------------------------

def population_digest() -> str:
    """SHA-256 over the stored demo population and its relationships, independent of primary
    keys and ciphertexts (Fernet tokens differ on every encryption)."""
    digest = hashlib.sha256()
    identity: dict[int, str] = {}
    for person in Person.objects.select_related("municipality").order_by("pk").iterator(2000):
        code = person.hetu
        identity[person.pk] = code
        digest.update("|".join([
            code, person.first_name, person.last_name, person.search_name,
            str(person.birth_date), person.language,
            person.municipality.code if person.municipality else "", person.street_address,
            person.postal_code, person.post_office, person.email, str(person.safety_ban),
        ]).encode())
    for a, b, kind in PersonLink.objects.order_by("pk").values_list("person_id", "other_id",
                                                                    "kind"):
        digest.update(f"link|{identity[a]}|{identity[b]}|{kind}".encode())
    for person, team, user, basis, task in (
            ClientRelationship.objects.filter(source=SOURCE).order_by("pk")
            .values_list("person_id", "team__code", "user__username", "basis", "service_task")):
        digest.update(f"rel|{identity[person]}|{team}|{user}|{basis}|{task}".encode())
    return digest.hexdigest()
