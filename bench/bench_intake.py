#!/usr/bin/env python3
"""Benchmark of family intake: the queue, the key-figure page and a caseload reassignment, with
5,000 open contacts and 200,000 past (closed) ones.

Usage (from the repository root)::

    .venv/bin/python bench/bench_intake.py               # SQLite (DATABASE_URL or the default)
    .venv/bin/python bench/bench_intake.py --postgres    # PostgreSQL bench_h1
    .venv/bin/python bench/bench_intake.py --reseed      # drop the generated data first
    .venv/bin/python bench/bench_intake.py --explain     # also print the queue's query plans

The database is a separate one, never the development database: ``DATABASE_URL`` (default
``sqlite:////tmp/luotsi-bench-intake.sqlite3``), or with ``--postgres``
``postgres://postgres@127.0.0.1:5432/bench_h1`` (created with psql when missing).
The script sets ``LUOTSI_DEMO=1`` before ``django.setup()``, migrates, and generates the data
with ``bulk_create`` in batches, in one transaction, unless the database already holds it
(then, once, the queue keys the services keep: ``fill_queue_keys``):

- the organisation: one central intake team, three regional assessment teams, eight
  municipalities in three regions, intake workers, social workers, a team lead;
- ``--open`` (5,000) open contacts spread over the teams, each with its statutory deadlines
  (computed by ``luotsi.deadlines``), an urgency, an assignee for most, client relationships
  for the holding teams; 2,000 of them (the routed ones of the east team) with one worker who is
  leaving, each with an open service-need assessment;
- ``--past`` (200,000) closed contacts over the last two years with their initial assessments,
  deadlines (met on time, late, or lapsed) and ended client relationships.

Measured with the Django test client (``force_login``), in this process:

- the intake queue ``/intake/queue/`` as an intake worker: the default (own team) first page,
  all teams, filtered by team, filtered by deadline status, page 40 of a regional team's queue
  (``--requests`` each, default 100);
- "my work" ``/intake/my-work/`` of the leaving worker, who holds 2,000 open contacts;
  when the page does not exist, ``luotsi.intake.selectors.queue`` with its first 50 rows and
  the count;
- the key-figure page ``/reports/kpis/`` as the team lead (``--kpi-requests``, default 20);
- ``luotsi.intake.services.caseload_reassign`` of the leaving worker's 2,000 contacts to a
  new worker and back (``--reassign-runs`` pairs, default 2).

Targets: queue p95 < 100 ms with a query count independent of the data size; reassignment of
2,000 contacts < 2 s. The figures are printed as a table and written to
``bench/results/intake-<sqlite|postgresql>.txt``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
SQLITE_DEFAULT = "sqlite:////tmp/luotsi-bench-intake.sqlite3"
# BENCH_PG_DATABASE names another database (a plain identifier), e.g. a copy of this one.
PG_NAME = os.environ.get("BENCH_PG_DATABASE", "bench_h1")
if not re.fullmatch(r"[a-z_][a-z0-9_]*", PG_NAME):
    raise SystemExit(f"BENCH_PG_DATABASE: not a plain database name: {PG_NAME!r}")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
HELSINKI = ZoneInfo("Europe/Helsinki")
BATCH = 5_000
QUEUE_PAGE = 50
QUEUE_TARGET_MS = 100.0
REASSIGN_TARGET_S = 2.0
REASSIGN_ITEMS = 2_000
PASSWORD = "bench-only-password-not-secret"  # noqa: S105 - a throw-away benchmark database

REGIONS = {"central": "Keskinen alue", "east": "Itäinen alue", "west": "Läntinen alue"}
# Eastern Uusimaa: municipality code, name, region
MUNICIPALITIES = [
    ("638", "Porvoo", "Borgå", "central"), ("611", "Pornainen", "Borgnäs", "central"),
    ("018", "Askola", "Askola", "central"), ("434", "Loviisa", "Lovisa", "east"),
    ("407", "Lapinjärvi", "Lappträsk", "east"), ("504", "Myrskylä", "Mörskom", "east"),
    ("616", "Pukkila", "Pukkila", "east"), ("753", "Sipoo", "Sibbo", "west"),
]
# Initial-assessment outcomes of past contacts (weights): about a third routed.
OUTCOMES = [("advice", 38), ("referral", 20), ("service_need_assessment", 32), ("no_action", 10)]


# --- set-up before Django ------------------------------------------------------------------------

def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        check=True, capture_output=True, text=True).stdout.strip()


def prepare_environment(args) -> str:
    if args.postgres:
        # The name is the checked identifier above.
        if psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'") != "1":  # noqa: S608
            psql(f'CREATE DATABASE "{PG_NAME}"')
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.setdefault("DATABASE_URL", SQLITE_DEFAULT)
    os.environ["LUOTSI_DEMO"] = "1"
    os.environ.setdefault("LUOTSI_DEBUG", "0")
    os.environ.setdefault("LUOTSI_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    return os.environ["DATABASE_URL"]


# --- data ----------------------------------------------------------------------------------------

class World:
    """The generated organisation, looked up by code (so a cached database works the same)."""

    def __init__(self) -> None:
        from luotsi.organisation.models import Team, User

        self.intake = Team.objects.get(code="bench-family-intake")
        self.teams = {code: Team.objects.get(code=f"bench-{code}-assessment") for code in REGIONS}
        self.intake_worker = User.objects.get(username="bench-intake-1")
        self.lead = User.objects.get(username="bench-lead")
        self.leaving = User.objects.get(username="bench-leaving")
        self.joining = User.objects.get(username="bench-joining")


def _bulk(model, rows: list, label: str) -> list:
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start:start + BATCH], batch_size=BATCH)
    print(f"  {label}: {len(created):,}", flush=True)
    return created


def generate(open_count: int, past_count: int, seed: int = 20250101) -> None:
    """The whole data set in one transaction: either all of it is there or none."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from luotsi.access.models import Basis, ClientRelationship
    from luotsi.deadlines.rules import compute_deadlines, deadline_status
    from luotsi.intake.models import (
        Assessment,
        Contact,
        ContactStatus,
        Deadline,
        DeadlineStatus,
        InitialAssessment,
    )
    from luotsi.organisation.models import County, Municipality, Region, Role, Team, TeamKind, User
    from luotsi.people.models import Person, search_key

    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(PASSWORD)
    deadline_cache: dict[tuple[str, date], list] = {}

    def deadlines_for(clock: str, opened_on: date) -> list:
        key = (clock, opened_on)
        if key not in deadline_cache:
            received = datetime.combine(opened_on, datetime.min.time(), HELSINKI).replace(hour=10)
            deadline_cache[key] = compute_deadlines(clock, received)
        return deadline_cache[key]

    def received_at(opened_on: date):
        return datetime.combine(opened_on, datetime.min.time(), HELSINKI).replace(
            hour=8 + rng.randrange(8), minute=rng.randrange(60))

    with transaction.atomic():
        county, _ = County.objects.get_or_create(code="bench", defaults={
            "name_fi": "Vertailuhyvinvointialue", "name_sv": "Jämförelseområdet",
            "name_en": "Benchmark county"})
        regions = {code: Region.objects.create(county=county, code=f"bench-{code}", name_fi=name)
                   for code, name in REGIONS.items()}
        municipalities = [
            Municipality.objects.update_or_create(code=code, defaults={
                "name_fi": fi, "name_sv": sv, "region": regions[region]})[0]
            for code, fi, sv, region in MUNICIPALITIES]
        intake = Team.objects.create(code="bench-family-intake", county=county,
                                     name_fi="Lapsiperheiden asiakasohjaus",
                                     service_task="family_services", kind=TeamKind.INTAKE)
        teams = {code: Team.objects.create(
            code=f"bench-{code}-assessment", county=county, region=regions[code],
            name_fi=f"Palvelutarpeen arviointi, {name}", service_task="family_services",
            kind=TeamKind.ASSESSMENT) for code, name in REGIONS.items()}

        def user(username: str, role: str, team_list: list) -> User:
            created = User.objects.create(username=username, password=password, role=role,
                                          first_name="Bench", last_name=username, is_demo=True)
            created.teams.set(team_list)
            return created

        intake_workers = [user(f"bench-intake-{i}", Role.INTAKE_WORKER, [intake])
                          for i in range(1, 6)]
        workers = {code: [user(f"bench-{code}-{i}", Role.SOCIAL_WORKER, [team])
                          for i in range(1, 5)] for code, team in teams.items()}
        user("bench-lead", Role.TEAM_LEAD, [intake, *teams.values()])
        leaving = user("bench-leaving", Role.SOCIAL_WORKER, [teams["east"]])
        user("bench-joining", Role.SOCIAL_WORKER, [teams["east"]])

        region_of = {m.pk: code for m, (_c, _f, _s, code) in zip(municipalities, MUNICIPALITIES,
                                                                   strict=True)}
        by_region = {code: [m for m in municipalities if region_of[m.pk] == code]
                     for code in REGIONS}
        print(f"Generating {open_count:,} open and {past_count:,} past contacts …", flush=True)

        # persons: one child per open contact; past contacts share a pool of children
        pool = max(past_count // 3, 1)
        persons = _bulk(Person, [
            Person(temporary_id=f"B{i:09d}", first_name="Lapsi", last_name=f"Vertailu{i}",
                   search_name=search_key("Lapsi", f"Vertailu{i}"),
                   birth_date=date(2008, 1, 1) + timedelta(days=i % 6000),
                   municipality=municipalities[i % len(municipalities)])
            for i in range(open_count + pool)], "persons")
        open_children, past_children = persons[:open_count], persons[open_count:]

        # --- open contacts ------------------------------------------------------------------
        # East routed contacts first, all with the leaving worker: the 2,000 to reassign.
        plan = []  # (team_code or None for intake, status)
        leaving_items = min(REASSIGN_ITEMS, open_count)
        plan += [("east", ContactStatus.ROUTED, True)] * leaving_items
        rest = open_count - leaving_items
        for i in range(rest):
            bucket = i % 10
            if bucket < 4:
                plan.append((None, ContactStatus.NEW if i % 3 == 0 else ContactStatus.IN_ASSESSMENT,
                             False))
            else:
                plan.append((("central", "central", "east", "west", "west", "central")[bucket - 4],
                             ContactStatus.ROUTED, False))
        assessments, contacts = [], []
        for i, (team_code, status, with_leaving) in enumerate(plan):
            child = open_children[i]
            team = intake if team_code is None else teams[team_code]
            municipality = rng.choice(by_region[team_code or rng.choice(list(REGIONS))])
            opened_on = today - timedelta(days=rng.randrange(0 if status != "routed" else 8,
                                                             20 if status != "routed" else 80))
            if with_leaving:
                assignee = leaving
            elif team_code is None:
                assignee = rng.choice(intake_workers) if rng.random() < 0.7 else None
            else:
                assignee = rng.choice(workers[team_code]) if rng.random() < 0.85 else None
            assessment = None
            if status == ContactStatus.ROUTED:
                assessment = Assessment(child=child, team=team, worker=assignee,
                                        opened_on=opened_on,
                                        started_on=opened_on + timedelta(days=5)
                                        if rng.random() < 0.6 else None)
                assessments.append(assessment)
            kind = "child_welfare_notification" if i % 2 else "shl_contact"
            urgency = "" if status == ContactStatus.NEW else (
                "urgent" if rng.random() < 0.1 else "not_urgent")
            contacts.append(Contact(
                kind=kind, clock=kind, channel="phone", received_at=received_at(opened_on),
                opened_on=opened_on, reporter_kind="education", description="Vertailuaineisto",
                child=child, municipality=municipality, team=team, assignee=assignee,
                status=status, urgency=urgency, urgency_at=now if urgency else None,
                registered_by=intake_workers[0], assessment=assessment))
        _bulk(Assessment, assessments, "open service-need assessments")
        contacts = _bulk(Contact, contacts, "open contacts")
        deadlines, relationships = [], []
        for contact in contacts:
            for computed in deadlines_for(contact.clock, contact.opened_on):
                met_on = None
                if computed.code == "urgency_assessment" and contact.urgency:
                    met_on = contact.opened_on
                elif (computed.code == "investigation_decision"
                      and contact.status == ContactStatus.ROUTED):
                    met_on = min(computed.due_on, today)
                elif (computed.code == "assessment_start" and contact.assessment
                      and contact.assessment.started_on):
                    met_on = contact.assessment.started_on
                deadlines.append(Deadline(
                    contact=contact, code=computed.code, due_on=computed.due_on,
                    basis=computed.basis, met_on=met_on,
                    status=deadline_status(computed.due_on, today, met_on)))
            start = datetime.combine(contact.opened_on, datetime.min.time(), HELSINKI)
            relationships.append(ClientRelationship(
                person_id=contact.child_id, team=intake, basis=Basis.INTAKE,
                service_task="family_services", starts_at=start,
                source=f"intake.Contact:{contact.pk}", created_by=intake_workers[0]))
            if contact.team_id != intake.pk:
                relationships.append(ClientRelationship(
                    person_id=contact.child_id, team_id=contact.team_id, basis=Basis.CASE,
                    service_task="family_services", starts_at=start,
                    source=f"intake.Assessment:{contact.assessment_id}",
                    created_by=intake_workers[0]))
        _bulk(Deadline, deadlines, "open contacts' deadlines")
        _bulk(ClientRelationship, relationships, "active client relationships")

        # --- past contacts ------------------------------------------------------------------
        outcomes = [o for o, weight in OUTCOMES for _ in range(weight)]
        all_workers = [w for team_workers in workers.values() for w in team_workers]
        for start_index in range(0, past_count, 50_000):
            chunk = range(start_index, min(start_index + 50_000, past_count))
            contacts, outcome_of = [], []
            for i in chunk:
                outcome = rng.choice(outcomes)
                opened_on = today - timedelta(days=10 + rng.randrange(720))
                routed = outcome == "service_need_assessment"
                days = rng.randrange(20, 95) if routed else rng.choice((0, 1, 1, 2, 3, 5, 8, 13))
                closed_on = min(opened_on + timedelta(days=days), today - timedelta(days=1))
                municipality = rng.choice(municipalities)
                team = teams[region_of[municipality.pk]] if routed else intake
                kind = "child_welfare_notification" if i % 2 else "shl_contact"
                contacts.append(Contact(
                    kind=kind, clock=kind, channel="phone", received_at=received_at(opened_on),
                    opened_on=opened_on, reporter_kind="education",
                    description="Vertailuaineisto", child=past_children[i % pool],
                    municipality=municipality, team=team,
                    assignee=rng.choice(all_workers if routed else intake_workers),
                    status=ContactStatus.CLOSED, urgency="not_urgent", urgency_at=now,
                    closed_on=closed_on, registered_by=intake_workers[0]))
                outcome_of.append(outcome)
            contacts = _bulk(Contact, contacts, "past contacts")
            initial, deadlines, relationships = [], [], []
            for contact, outcome in zip(contacts, outcome_of, strict=True):
                initial.append(InitialAssessment(
                    contact=contact, outcome=outcome, reason="Vertailu",
                    decided_by=intake_workers[0],
                    decided_on=min(contact.opened_on + timedelta(days=rng.randrange(6)),
                                   contact.closed_on)))
                routed = outcome == "service_need_assessment"
                for computed in deadlines_for(contact.clock, contact.opened_on):
                    late = rng.random() < 0.08
                    if computed.code == "urgency_assessment":
                        met_on = contact.opened_on + timedelta(days=1 if late else 0)
                    elif computed.code == "investigation_decision" or routed:
                        met_on = computed.due_on + (timedelta(days=rng.randrange(1, 10)) if late
                                                    else -timedelta(days=rng.randrange(3)))
                    else:
                        met_on = None  # lapsed: closed before the obligation arose
                    deadlines.append(Deadline(
                        contact=contact, code=computed.code, due_on=computed.due_on,
                        basis=computed.basis, met_on=met_on,
                        status=DeadlineStatus.MET if met_on else
                        deadline_status(computed.due_on, today, None)))
                start = datetime.combine(contact.opened_on, datetime.min.time(), HELSINKI)
                relationships.append(ClientRelationship(
                    person_id=contact.child_id, team_id=contact.team_id,
                    basis=Basis.CASE if routed else Basis.INTAKE,
                    service_task="family_services", starts_at=start,
                    ends_at=start + timedelta(days=(contact.closed_on - contact.opened_on).days
                                              + 30),
                    source=f"intake.Contact:{contact.pk}", created_by=intake_workers[0]))
            _bulk(InitialAssessment, initial, "initial assessments")
            _bulk(Deadline, deadlines, "past deadlines")
            _bulk(ClientRelationship, relationships, "ended client relationships")


def fill_queue_keys() -> None:
    """The generated rows are written directly: give them what the services keep alongside
    (initial outcomes, "not needed" statuses, queue keys: ``queue_keys.sync``), once."""
    from luotsi.intake import queue_keys
    from luotsi.intake.models import Contact

    if not Contact.objects.filter(deadline_status="").exists():
        return
    started = time.perf_counter()
    queue_keys.sync()
    print(f"  queue keys filled in {time.perf_counter() - started:.1f} s", flush=True)


def ensure_data(args) -> dict:
    from django.db import connection

    from luotsi.intake.models import Contact, ContactStatus

    open_now = Contact.objects.exclude(status=ContactStatus.CLOSED).count()
    past_now = Contact.objects.filter(status=ContactStatus.CLOSED).count()
    info = {"generated": None}
    if args.reseed or open_now < args.open or past_now < args.past:
        if open_now or past_now:
            reset(connection)
        started = time.perf_counter()
        generate(args.open, args.past)
        info["generated"] = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return info


def reset(connection) -> None:
    """Drop and re-create the benchmark database (the access log refuses DELETE)."""
    from django.core.management import call_command

    name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        psql(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        psql(f'CREATE DATABASE "{PG_NAME}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


# --- measuring -----------------------------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(label: str, runs: int, call, *, warm_up: int = 3) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        call()
    walls, cpus, queries = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries.append(len(captured))
    row = {"label": label, "runs": runs, "p50": percentile(walls, 50),
           "p95": percentile(walls, 95), "max": max(walls), "cpu50": percentile(cpus, 50),
           "cpu95": percentile(cpus, 95), "queries": (min(queries), max(queries))}
    print(f"  {label}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, queries "
          f"{row['queries'][0]}–{row['queries'][1]}", flush=True)
    return row


def _get(client, url: str, params: dict | None = None):
    def call():
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        return response
    return call


def queue_scenarios(world: World, client) -> list[tuple[str, object]]:
    from django.urls import NoReverseMatch, reverse

    from luotsi.intake.models import DeadlineStatus
    from luotsi.intake.selectors import QueueFilters, queue

    east = world.teams["east"].pk
    try:
        url = reverse("intake:queue")
    except NoReverseMatch:
        url = None
    if url is not None:
        return [
            ("queue page, own team (default)", _get(client, url)),
            ("queue page, all teams", _get(client, url, {"team": ""})),
            ("queue page, team filter", _get(client, url, {"team": east})),
            ("queue page, status filter", _get(client, url,
                                               {"team": "", "status": DeadlineStatus.OVERDUE})),
            ("queue page, page 40 of the team", _get(client, url, {"team": east, "page": 40})),
        ]

    def selector(filters):
        def call():
            queryset = queue(world.intake_worker, filters)
            rows = list(queryset[:QUEUE_PAGE])
            return rows, queryset.count()
        return call

    return [
        ("queue selector, all teams", selector(QueueFilters())),
        ("queue selector, team filter", selector(QueueFilters(team_id=east))),
        ("queue selector, status filter", selector(QueueFilters(status=DeadlineStatus.OVERDUE))),
    ]


def reassign_runs(world: World, pairs: int) -> dict:
    from luotsi.intake import services
    from luotsi.intake.models import Contact, ContactStatus

    times, moved = [], []
    for _ in range(pairs):
        for source, target in ((world.leaving, world.joining), (world.joining, world.leaving)):
            started = time.perf_counter()
            moved.append(services.caseload_reassign(actor=world.lead, from_user=source,
                                                    to_user=target))
            times.append(time.perf_counter() - started)
    left = Contact.objects.filter(assignee=world.leaving).exclude(
        status=ContactStatus.CLOSED).count()
    print(f"  reassignment: {', '.join(f'{t:.2f}' for t in times)} s; moved {moved}", flush=True)
    return {"times": times, "moved": moved, "left_with_leaving": left}


def explain(world: World) -> str:
    from luotsi.intake.models import Contact, DeadlineStatus
    from luotsi.intake.selectors import QueueFilters, _filtered, queue, visible_contacts

    parts = []
    for label, filters in (("all", QueueFilters()),
                           ("team", QueueFilters(team_id=world.teams["east"].pk)),
                           ("status", QueueFilters(status=DeadlineStatus.OVERDUE))):
        queryset = queue(world.intake_worker, filters)
        parts.append(f"--- queue {label}: first page\n{queryset[:QUEUE_PAGE].explain()}")
        candidates = _filtered(Contact.objects.all(), filters).order_by().values("pk")[:1001]
        counted = visible_contacts(world.intake_worker).filter(pk__in=candidates)
        parts.append(f"--- queue {label}: count (at most 1,001 rows)\n{counted.explain()}")
    return "\n".join(parts)


def sizes() -> dict:
    from luotsi.access.models import AccessLogEntry, ClientRelationship
    from luotsi.intake.models import Contact, ContactStatus, Deadline

    return {
        "open contacts": Contact.objects.exclude(status=ContactStatus.CLOSED).count(),
        "past contacts": Contact.objects.filter(status=ContactStatus.CLOSED).count(),
        "deadlines": Deadline.objects.count(),
        "client relationships": ClientRelationship.objects.count(),
        "access-log records": AccessLogEntry.objects.count(),
    }


def render(db: str, server: str, info: dict, counts: dict, rows: list[dict], reassign: dict,
           args) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    generated = ("cached" if info["generated"] is None
                 else f"generated in {info['generated']:.0f} s")
    lines = [
        f"Luotsi family intake benchmark — {db} ({server}) — {date.today()}",
        f"{os.cpu_count()} CPUs, load average at the end {load}; data {generated}",
        "; ".join(f"{name} {value:,}" for name, value in counts.items()),
        "",
    ]
    header = (f"{'measure':<34} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
              f"{'cpu p50':>8} {'cpu p95':>8} {'queries':>8}  target")
    lines += [header, "-" * len(header)]
    for row in rows:
        low, high = row["queries"]
        shown = str(low) if low == high else f"{low}-{high}"
        target = ""
        if row["label"].startswith("queue"):
            target = "ok" if row["p95"] < QUEUE_TARGET_MS else f"MISSED (<{QUEUE_TARGET_MS:.0f})"
        lines.append(f"{row['label']:<34} {row['runs']:>5} {row['p50']:>8.1f} {row['p95']:>8.1f} "
                     f"{row['max']:>8.1f} {row['cpu50']:>8.1f} {row['cpu95']:>8.1f} "
                     f"{shown:>8}  {target}")
    times = reassign["times"]
    if times:
        verdict = "ok" if max(times) < REASSIGN_TARGET_S else f"MISSED (<{REASSIGN_TARGET_S:.0f} s)"
        lines += ["", f"caseload_reassign of {reassign['moved'][0]:,} contacts (there and back, "
                      f"{len(times)} runs): " + ", ".join(f"{t:.2f} s" for t in times)
                  + f"; max {max(times):.2f} s  {verdict}"]
    lines += [
        "",
        "p50/p95/max: wall time of the request in the Django handler (test client, in process,",
        "  no network), so it includes the other load on the machine; cpu: this process's CPU",
        "  time for the request (on PostgreSQL without the database server's own work).",
        "queries: SQL statements per request (min-max), session, user and access-log writes",
        "  included. Run with --open 2100 --past 2000 on another DATABASE_URL to compare the",
        "  query counts with a small data set.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        help=f"run on {PG_URL} (created when missing)")
    parser.add_argument("--reseed", action="store_true", help="generate the data again")
    parser.add_argument("--open", type=int, default=5_000, help="open contacts")
    parser.add_argument("--past", type=int, default=200_000, help="past (closed) contacts")
    parser.add_argument("--requests", type=int, default=100, help="requests per queue measure")
    parser.add_argument("--kpi-requests", type=int, default=20)
    parser.add_argument("--reassign-runs", type=int, default=2,
                        help="pairs of reassignments (there and back)")
    parser.add_argument("--explain", action="store_true", help="print the queue's query plans")
    parser.add_argument("--out", help="result file (default bench/results/intake-<db>.txt)")
    args = parser.parse_args()

    url = prepare_environment(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from luotsi.intake import sweeper

    print(f"Database: {url}", flush=True)
    call_command("migrate", verbosity=0)
    info = ensure_data(args)
    fill_queue_keys()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Dead index entries and statistics after migrations, key fills and the previous
            # run's reassignments: measure the steady state autovacuum keeps.
            cursor.execute("VACUUM ANALYZE")
    sweeper.update_statuses(timezone.localdate())  # statuses as of today, as the sweeper keeps
    world = World()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql"
                       else "SELECT 'SQLite ' || sqlite_version()")
        server = cursor.fetchone()[0].split(" on ")[0]

    worker_client, lead_client = Client(), Client()
    worker_client.force_login(world.intake_worker)
    lead_client.force_login(world.lead)
    print("Measuring …", flush=True)
    rows = [measure(label, args.requests, call)
            for label, call in queue_scenarios(world, worker_client)]
    leaving_client = Client()
    leaving_client.force_login(world.leaving)
    rows.append(measure("my work (2,000 open contacts)", args.requests,
                        _get(leaving_client, "/intake/my-work/")))
    rows.append(measure("KPI page (team lead, 12 months)", args.kpi_requests,
                        _get(lead_client, "/reports/kpis/"), warm_up=1))
    rows.append(measure("KPI page, team filter", args.kpi_requests,
                        _get(lead_client, "/reports/kpis/", {"team": world.teams["east"].pk}),
                        warm_up=1))
    reassign = reassign_runs(world, args.reassign_runs)
    text = render(connection.vendor, server, info, sizes(), rows, reassign, args)
    if args.explain:
        text += "\nQuery plans\n" + explain(world) + "\n"
    print()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = Path(args.out) if args.out else RESULTS / f"intake-{connection.vendor}.txt"
    path.write_text(text, encoding="utf-8")
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
