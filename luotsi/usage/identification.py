"""Evaluation of the identification rules, set-based in the database.

Each active rule becomes one ``GROUP BY person HAVING count ≥ threshold`` query over the events in
its window (``as_of − (window_days − 1) ≤ event_date ≤ as_of``). The matches go to a temporary
table, and three statements bring ``Flag`` up to date: delete the flags no longer matched, confirm
the ones still matched (``first_flagged_on`` kept), insert the new ones. No Python loop runs over
persons.

The daily (incremental) run limits all of this to the persons whose result can have changed since
the previous run: those with events imported since then (event ids above the previous run's
watermark) and those with events that entered or left a window because the as-of date moved. When
the rules changed since the previous run (their signature differs), or there is no previous run,
or the as-of date went backwards or jumped more than a window, the run is a full one.

With the events' analytical copy configured (``luotsi.usage.analytics``: Parquet files by month,
each brought up to date with the database before it is read), the rules' ``GROUP BY`` statements
run in DuckDB over the window's files instead, with the same conditions (``copy_rule_sql``); their
matches are loaded into the same temporary table (the age conditions applied there, through the
persons' dates of birth in the database), and the flags are brought up to date by the same three
statements. Without a copy, or when it cannot be brought up to date, the rules run in the
database as above: the results are the same either way
(``luotsi/usage/tests/test_identification_copy.py``).
"""

# The SQL below is built only from constant table names and SQL compiled by the ORM; every value
# is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from luotsi.people.models import Person
from luotsi.usage import analytics
from luotsi.usage.models import (
    Flag,
    IdentificationRule,
    IdentificationRun,
    Measure,
    RuleConditions,
    RunMode,
    ServiceEvent,
    day_key,
)

_MATCHED = "usage_tmp_matched"
_SCOPE = "usage_tmp_scope"
_CANDIDATES = "usage_tmp_candidates"


def window_start(as_of: date, window_days: int) -> date:
    return as_of - timedelta(days=window_days - 1)


def rules_signature(rules: list[IdentificationRule]) -> str:
    payload = [[r.pk, r.version, r.measure, r.threshold, r.event_kind, r.sector, r.window_days,
                r.min_age, r.max_age, sorted(r.sectors_together or []),
                sorted(r.event_kinds or [])]
               for r in sorted(rules, key=lambda rule: rule.pk)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def born_by_age(as_of: date, years: int) -> date:
    """The latest date of birth of someone who is ``years`` old (or older) on ``as_of``.

    A birthday that the year lacks (29 February) falls on the last day of the month, as a
    period of months ends (150/1930 § 3; ``luotsi.deadlines.calendar.add_months``): someone born
    on 29.2.2008 is 18 on 28.2.2026, so on the last day of February everyone born on the 29th of
    a leap year counts as well."""
    year = as_of.year - years
    last_of_month = (as_of + timedelta(days=1)).month != as_of.month
    if as_of.month == 2 and (last_of_month or as_of.day == 29):
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return date(year, 2, 29 if leap else 28)
    return date(year, as_of.month, as_of.day)


def matches(rule: RuleConditions, as_of: date) -> QuerySet:
    """person_id of everyone the rule matches on ``as_of`` (one GROUP BY … HAVING query).

    Every condition is a part of that one statement: the kinds and the age as filters on the
    window's events (the age through the person's date of birth, a join to the persons), the
    sectors used together as a second count in the HAVING clause."""
    if connection.vendor == "sqlite":
        # Without a date index SQLite would walk the person index to group the rows, reading
        # every event; the window as a range of the key's index keeps it to the window's rows.
        # (PostgreSQL scans the table for a window of months, in parallel.)
        events = ServiceEvent.objects.filter(_days(window_start(as_of, rule.window_days), as_of))
    else:
        events = ServiceEvent.objects.filter(
            event_date__gte=window_start(as_of, rule.window_days), event_date__lte=as_of)
    if rule.event_kinds:
        events = events.filter(kind__in=sorted(rule.event_kinds))
    if rule.min_age is not None:
        events = events.filter(person__birth_date__lte=born_by_age(as_of, rule.min_age))
    if rule.max_age is not None:
        events = events.filter(person__birth_date__gt=born_by_age(as_of, rule.max_age + 1))
    together = sorted(set(rule.sectors_together or []))
    if rule.measure == Measure.DISTINCT_SECTORS:
        counted = Count("sector", distinct=True)
    else:
        measured = Q()
        if rule.measure == Measure.EVENTS_OF_KIND:
            measured = Q(kind=rule.event_kind)
        elif rule.measure == Measure.EVENTS_IN_SECTOR:
            measured = Q(sector=rule.sector)
        if together:
            # The other sectors' events are needed for the second count: the measure's events
            # are counted with a filter in the same grouping instead of a WHERE.
            counted = Count("id", filter=measured) if measured else Count("id")
        else:
            events = events.filter(measured)
            counted = Count("id")
    if together:
        grouped = events.order_by().values("person_id").annotate(
            n=counted, t=Count("sector", distinct=True, filter=Q(sector__in=together))).filter(
            n__gte=rule.threshold, t__gte=len(together))
    else:
        grouped = events.order_by().values("person_id").annotate(n=counted).filter(
            n__gte=rule.threshold)
    return grouped.values_list("person_id", flat=True)


def copy_rule_sql(rule: RuleConditions, as_of: date, events: str,
                  scoped: bool = False) -> tuple[str, list]:
    """The rule as one DuckDB ``GROUP BY person_id HAVING …`` over ``events`` (a relation of the
    analytical copy): the same window, kinds, measure, threshold and sectors used together as
    ``matches``. The age conditions are not in it: they are applied in the database to the
    persons it returns (``_insert_copy_matches``). ``scoped`` limits it to the persons of the
    DuckDB table ``scope``."""
    where = ["event_date >= ?", "event_date <= ?"]
    params: list = [window_start(as_of, rule.window_days), as_of]
    if rule.event_kinds:
        kinds = sorted(rule.event_kinds)
        where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params.extend(kinds)
    if scoped:
        where.append("person_id IN (SELECT person_id FROM scope)")
    having_params: list = []
    if rule.measure == Measure.DISTINCT_SECTORS:
        counted = "count(DISTINCT sector)"
    elif rule.measure == Measure.EVENTS_OF_KIND:
        counted = "count(*) FILTER (WHERE kind = ?)"
        having_params.append(rule.event_kind)
    elif rule.measure == Measure.EVENTS_IN_SECTOR:
        counted = "count(*) FILTER (WHERE sector = ?)"
        having_params.append(rule.sector)
    else:
        counted = "count(*)"
    having = f"{counted} >= ?"
    having_params.append(rule.threshold)
    together = sorted(set(rule.sectors_together or []))
    if together:
        having += (f" AND count(DISTINCT sector) FILTER (WHERE sector IN "
                   f"({', '.join('?' for _ in together)})) >= ?")
        having_params.extend([*together, len(together)])
    sql = (f"SELECT person_id FROM {events} WHERE {' AND '.join(where)} "
           f"GROUP BY person_id HAVING {having}")
    return sql, [*params, *having_params]


def _insert_copy_matches(cursor, rules: list[IdentificationRule], as_of: date,
                         files: list[str], scope: list[int] | None) -> int:
    """Each rule's matches from the analytical copy into the matches' temporary table. Returns
    the persons evaluated: those of ``scope``, or in a full run those with events in the longest
    window (counted in the copy)."""
    duck = analytics.duckdb_connection()
    try:
        events = analytics.events_sql(files)
        if scope is not None:  # (a list parameter: registering an Arrow table loads pandas)
            duck.execute("CREATE TEMPORARY TABLE scope AS SELECT unnest(?::BIGINT[]) AS person_id",
                         [scope])
            evaluated = len(scope)
        else:
            row = duck.execute(
                f"SELECT count(DISTINCT person_id) FROM {events} WHERE event_date >= ? "
                "AND event_date <= ?", [window_start(as_of, max(r.window_days for r in rules)),
                                        as_of]).fetchone()
            evaluated = int(row[0]) if row else 0
        candidates: list[tuple[int, int, int]] = []
        for rule in rules:
            sql, params = copy_rule_sql(rule, as_of, events, scoped=scope is not None)
            candidates.extend((person_id, rule.pk, rule.version)
                              for (person_id,) in duck.execute(sql, params).fetchall())
    finally:
        duck.close()
    cursor.execute(f"CREATE TEMPORARY TABLE {_CANDIDATES} (person_id bigint NOT NULL, "
                   "rule_id bigint NOT NULL, rule_version integer NOT NULL)")
    _load(cursor, _CANDIDATES, candidates)
    persons = Person._meta.db_table
    for rule in rules:
        join, params = "", []
        if rule.min_age is not None or rule.max_age is not None:
            join = f" JOIN {persons} p ON p.id = c.person_id"
            if rule.min_age is not None:
                join += " AND p.birth_date <= %s"
                params.append(born_by_age(as_of, rule.min_age))
            if rule.max_age is not None:
                join += " AND p.birth_date > %s"
                params.append(born_by_age(as_of, rule.max_age + 1))
        params.append(rule.pk)
        cursor.execute(f"INSERT INTO {_MATCHED} (person_id, rule_id, rule_version) "
                       f"SELECT c.person_id, c.rule_id, c.rule_version FROM {_CANDIDATES} c"
                       f"{join} WHERE c.rule_id = %s", params)
    return evaluated


def _load(cursor, table: str, rows: list[tuple]) -> None:
    """``rows`` into a temporary table: COPY on PostgreSQL, one prepared INSERT elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            copy.write("".join("\t".join(map(str, row)) + "\n" for row in rows))
        return
    marks = ", ".join("%s" for _ in rows[0])
    cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _days(first: date, last: date) -> Q:
    """The events dated ``first`` to ``last``, as a range of the key's index."""
    return Q(event_date__gte=first, event_date__lte=last, row_key__gte=day_key(first),
             row_key__lt=day_key(last + timedelta(days=1)))


@dataclass
class Plan:
    mode: str
    scope: QuerySet | None  # person ids to re-evaluate; None = everyone


def _plan(as_of: date, incremental: bool, rules: list[IdentificationRule], signature: str,
          previous: IdentificationRun | None) -> Plan:
    if not incremental or previous is None or previous.rules_signature != signature \
            or not rules:
        return Plan(RunMode.FULL, None)
    longest = max(rule.window_days for rule in rules)
    if as_of < previous.as_of or (as_of - previous.as_of).days > longest:
        return Plan(RunMode.FULL, None)
    # One part per index range (new ids; days entering and leaving the windows), joined with
    # UNION, so that each part reads its own range rather than one OR over the whole table. The
    # days are read through the key's index (its first bytes are the day, see ``day_key``).
    changed = [Q(id__gt=previous.event_watermark)]
    if as_of > previous.as_of:
        changed.append(_days(previous.as_of + timedelta(days=1), as_of))
        for days in sorted({rule.window_days for rule in rules}):
            changed.append(_days(window_start(previous.as_of, days),
                                 window_start(as_of, days) - timedelta(days=1)))
    parts = [ServiceEvent.objects.filter(condition).order_by().values("person_id")
             for condition in changed]
    scope = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0].distinct()
    return Plan(RunMode.INCREMENTAL, scope)


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def run_identification(*, as_of: date, incremental: bool = False) -> IdentificationRun:
    """Evaluate the active rules on ``as_of`` and bring the flags up to date, in one transaction."""
    started = timezone.now()
    # The events' high-water mark is read before the copy is brought up to date, so that events
    # stored meanwhile are above it and re-evaluated by the next daily run.
    watermark = ServiceEvent.objects.aggregate(m=Max("id"))["m"] or 0
    active = list(IdentificationRule.objects.filter(active=True, version__gt=0).order_by("pk"))
    longest = max((rule.window_days for rule in active), default=1)
    files = analytics.window_files(window_start(as_of, longest), as_of) \
        if active and analytics.enabled() else None
    with transaction.atomic():
        rules = list(IdentificationRule.objects.filter(active=True, version__gt=0)
                     .order_by("pk"))
        signature = rules_signature(rules)
        if files is not None and signature != rules_signature(active):
            files = None  # the rules changed meanwhile: their windows may be other months
        previous = IdentificationRun.objects.filter(finished_at__isnull=False).order_by(
            "-started_at", "-pk").first()
        plan = _plan(as_of, incremental, rules, signature, previous)
        run = IdentificationRun.objects.create(
            as_of=as_of, mode=plan.mode, started_at=started, event_watermark=watermark,
            rules_signature=signature)
        flag_table = Flag._meta.db_table
        with connection.cursor() as cursor:
            for table in (_MATCHED, _SCOPE, _CANDIDATES):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {_MATCHED} (person_id bigint NOT NULL, "
                           "rule_id bigint NOT NULL, rule_version integer NOT NULL)")
            if plan.scope is not None:
                cursor.execute(f"CREATE TEMPORARY TABLE {_SCOPE} (person_id bigint PRIMARY KEY)")
                sql, params = _sql(plan.scope)
                cursor.execute(f"INSERT INTO {_SCOPE} (person_id) {sql}", params)
                if connection.vendor == "postgresql":
                    cursor.execute(f"ANALYZE {_SCOPE}")  # its size guides the join below
                cursor.execute(f"SELECT COUNT(*) FROM {_SCOPE}")
                evaluated = cursor.fetchone()[0]
            copy_evaluated = 0
            if files is not None:
                scope = None
                if plan.scope is not None:
                    cursor.execute(f"SELECT person_id FROM {_SCOPE}")
                    scope = [row[0] for row in cursor.fetchall()]
                copy_evaluated = _insert_copy_matches(cursor, rules, as_of, files, scope)
            else:
                for rule in rules:
                    queryset = matches(rule, as_of)
                    if plan.scope is not None:
                        queryset = queryset.extra(  # noqa: S610 - constant table name, no input
                            where=[f"person_id IN (SELECT person_id FROM {_SCOPE})"])
                    sql, params = _sql(queryset)
                    cursor.execute(f"INSERT INTO {_MATCHED} (person_id, rule_id, rule_version) "
                                   f"SELECT m.person_id, %s, %s FROM ({sql}) m",
                                   (rule.pk, rule.version, *params))
            in_scope = "" if plan.scope is None else \
                f" AND person_id IN (SELECT person_id FROM {_SCOPE})"
            cursor.execute(
                f"DELETE FROM {flag_table} WHERE NOT EXISTS (SELECT 1 FROM {_MATCHED} m "
                f"WHERE m.person_id = {flag_table}.person_id AND m.rule_id = "
                f"{flag_table}.rule_id){in_scope}")
            removed = cursor.rowcount
            # A person matched by a rule whose version changed keeps the flag (and the day it
            # was first raised); the flag names the version that now holds it.
            cursor.execute(
                f"UPDATE {flag_table} SET as_of = %s, run_id = %s, rule_version = m.rule_version "
                f"FROM {_MATCHED} m WHERE m.person_id = {flag_table}.person_id AND m.rule_id = "
                f"{flag_table}.rule_id", (as_of, run.pk))
            cursor.execute(
                f"INSERT INTO {flag_table} (person_id, rule_id, rule_version, as_of, "
                f"first_flagged_on, run_id) "
                f"SELECT m.person_id, m.rule_id, m.rule_version, %s, %s, %s FROM {_MATCHED} m "
                f"WHERE NOT EXISTS (SELECT 1 FROM {flag_table} f WHERE f.person_id = m.person_id "
                f"AND f.rule_id = m.rule_id)", (as_of, as_of, run.pk))
            added = cursor.rowcount
            if plan.scope is None and files is not None:
                evaluated = copy_evaluated
            elif plan.scope is None:
                cursor.execute(
                    "SELECT COUNT(DISTINCT person_id) FROM "
                    f"{ServiceEvent._meta.db_table} WHERE event_date >= %s AND event_date <= %s",
                    (window_start(as_of, max((r.window_days for r in rules), default=1)), as_of))
                evaluated = cursor.fetchone()[0]
            for table in (_MATCHED, _SCOPE, _CANDIDATES):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        run.persons_evaluated = evaluated
        run.flags_added = added
        run.flags_removed = removed
        run.flagged = Flag.objects.values("person_id").distinct().count()
        run.finished_at = timezone.now()
        run.save(update_fields=["persons_evaluated", "flags_added", "flags_removed", "flagged",
                                "finished_at"])
    return run


def current_flags() -> list[dict]:
    """Everyone flagged now, with the codes of the rules they match (for the command's JSON)."""
    from luotsi.people.models import Person

    rows = Flag.objects.order_by("person_id", "rule__code").values_list(
        "person_id", "rule__code", "rule_version")
    by_person: dict[int, list[str]] = {}
    versions: dict[int, dict[str, int]] = {}
    for person_id, code, version in rows:
        by_person.setdefault(person_id, []).append(code)
        versions.setdefault(person_id, {})[code] = version
    encrypted = dict(Person.objects.filter(pk__in=list(by_person)).values_list(
        "pk", "hetu_encrypted")) if len(by_person) < 30_000 else dict(
        Person.objects.filter(usage_flags__isnull=False).distinct().values_list(
            "pk", "hetu_encrypted"))
    from luotsi.people import crypto

    return [{"person_id": person_id,
             "hetu": crypto.decrypt(encrypted[person_id]) if encrypted.get(person_id) else "",
             "rules": codes, "rule_versions": versions[person_id]}
            for person_id, codes in by_person.items()]


@dataclass(frozen=True)
class Preview:
    """What a draft would flag on ``as_of``, beside what the rule's active version flags."""

    as_of: date
    would_flag: int
    active_flags: int | None  # None: the rule has no active version
    added: int  # flagged by the draft, not by the active version
    removed: int  # flagged by the active version, not by the draft

    @property
    def difference(self) -> int:
        return self.would_flag - (self.active_flags or 0)


def preview(draft: RuleConditions, rule: IdentificationRule, as_of: date) -> Preview:
    """Count, in one statement, the persons the draft's conditions match on ``as_of``, those the
    rule's active version matches and how the two sets differ. Nothing is written."""
    draft_sql, draft_params = _sql(matches(draft, as_of))
    if rule.version > 0:
        active_sql, active_params = _sql(matches(rule, as_of))
    else:
        active_sql, active_params = "SELECT CAST(NULL AS bigint) AS person_id WHERE 1 = 0", ()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(d.person_id), COUNT(a.person_id), "
            "SUM(CASE WHEN a.person_id IS NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.person_id IS NULL THEN 1 ELSE 0 END) "
            f"FROM ({draft_sql}) d FULL OUTER JOIN ({active_sql}) a "
            "ON a.person_id = d.person_id", (*draft_params, *active_params))
        would, active, added, removed = cursor.fetchone()
    return Preview(as_of=as_of, would_flag=would, active_flags=active if rule.version > 0
                   else None, added=added or 0, removed=removed or 0)
