"""The backtest of the early-warning rules on the county's own history.

For an as-of date D and each early rule:

- *recall*: of the persons the identification rules flag on D (the cohort), the share the early
  rule had caught 6 and 12 months before (on D − 6 and D − 12 months); also for the *newly
  flagged* (flagged on D, not yet on D − 12 months), for whom catching them earlier matters;
- *lead time*: for each newly flagged person the early rule caught within the year, the whole
  months between the earliest of the 13 monthly dates D − 12 months … D on which it matched
  and D (a distribution, 0–12 months, and its median);
- *precision*: of the persons the early rule caught on D − 6 (D − 12) months who were not
  flagged then, the share flagged by D.

The identification rules are the active ``usage.IdentificationRule`` rows, evaluated as the
identification run does (count ≥ threshold within the window ending on the date), at the dates
D, D − 6 and D − 12 months.

One scan of the events: every window of every rule at every date ends or starts on one of a few
boundary days, so the events between D − 12 months − the longest window and D are counted per
person and *bucket* (the days between two consecutive boundaries) in one grouped statement, by
sector and by each event kind a rule counts. Each rule's count on each date is then a sum of
whole buckets, computed per person in Python while the rows stream in ordered by person; no
person's result is kept, only the counters. A backtest needs history from D − 12 months − the
longest window; an earlier D is refused (``NotEnoughHistory``).
"""

# The SQL is built from constant names and choices of the models; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import bisect
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.common import validation
from luotsi.deadlines.calendar import add_months
from luotsi.people.models import Person
from luotsi.signals.models import Backtest, EarlyWarningRule
from luotsi.usage import analytics
from luotsi.usage.identification import born_by_age, copy_rule_sql, matches
from luotsi.usage.models import KEY_EPOCH, EventSector, IdentificationRule, Measure, ServiceEvent

HORIZONS = (6, 12)
MONTHS_BACK = 12
SECTORS = list(EventSector.values)


class NotEnoughHistory(ValueError):
    """The as-of date leaves too little history before it (``field`` names the input)."""

    def __init__(self, message: str, field: str = "as_of"):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class _Rule:
    key: str
    measure: str
    threshold: int
    event_kind: str
    sector: str
    window_days: int


def _rule(obj, key: str) -> _Rule:
    return _Rule(key=key, measure=obj.measure, threshold=obj.threshold,
                 event_kind=obj.event_kind or "", sector=obj.sector or "",
                 window_days=obj.window_days)


def first_event_date() -> date | None:
    """The day of the earliest stored event, read from the first key of the events' unique
    index (its first three bytes are the day, ``usage.models.event_keys``): no scan."""
    key = ServiceEvent.objects.order_by("row_key").values_list("row_key", flat=True).first()
    if key is None:
        return None
    return KEY_EPOCH + timedelta(days=int(key.hex[:6], 16))


def history_needed(as_of: date, longest_window: int) -> date:
    """The first day of history a backtest on ``as_of`` reads."""
    return add_months(as_of, -MONTHS_BACK) - timedelta(days=longest_window - 1)


def check_history(as_of: date, *, today: date | None = None) -> None:
    """Refuse an as-of date outside Luotsi's accepted range, in the future or without enough
    history before it."""
    problem = validation.date_problem(as_of)
    if problem:
        raise NotEnoughHistory(problem)
    today = today or timezone.localdate()
    if as_of > today:
        raise NotEnoughHistory(_("The as-of date cannot be in the future."))
    # A rule counts once a version of it is active (usage.RuleVersion; 0: only a draft so far).
    windows = [r.window_days for r in IdentificationRule.objects.filter(
        active=True, version__gt=0)]
    windows += [r.window_days for r in EarlyWarningRule.objects.filter(active=True)]
    longest = max(windows, default=365)
    needed = history_needed(as_of, longest)
    first = first_event_date()
    if first is None or first > needed:
        raise NotEnoughHistory(
            _("A backtest on %(as_of)s needs service events from %(needed)s on: 12 months plus "
              "the longest rule window (%(days)s days) before the as-of date. %(have)s "
              "Choose an as-of date on or after %(earliest)s.") % {
                "as_of": as_of.isoformat(), "needed": needed.isoformat(), "days": longest,
                "have": (_("The stored events begin on %(first)s.") % {"first": first.isoformat()}
                         if first else _("No service events are stored.")),
                "earliest": (add_months(first + timedelta(days=longest - 1), MONTHS_BACK)
                             .isoformat() if first else "–")})


def _matches(rule: _Rule, sums: list[int], columns: dict[str, int]) -> bool:
    if rule.measure == Measure.DISTINCT_SECTORS:
        value = sum(1 for sector in SECTORS if sums[columns[sector]] > 0)
    elif rule.measure == Measure.EVENTS_OF_KIND:
        value = sums[columns["kind:" + rule.event_kind]]
    elif rule.measure == Measure.EVENTS_IN_SECTOR:
        value = sums[columns[rule.sector]] if rule.sector in columns else 0
    else:
        value = sum(sums[columns[sector]] for sector in SECTORS)
    return value >= rule.threshold


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _of_age(rule: IdentificationRule, as_of: date, birth_date: date | None) -> bool:
    """Whether a person born on ``birth_date`` meets the rule's age conditions on ``as_of``
    (the identification's: without a date of birth, a rule with an age condition does not
    match)."""
    if rule.min_age is None and rule.max_age is None:
        return True
    if birth_date is None:
        return False
    if rule.min_age is not None and birth_date > born_by_age(as_of, rule.min_age):
        return False
    return rule.max_age is None or birth_date > born_by_age(as_of, rule.max_age + 1)


def _has_conditions(rule: IdentificationRule) -> bool:
    """Whether ``rule`` has conditions beyond its measure (the identification rules' age,
    sectors used together and kinds, where the model has them)."""
    return any(getattr(rule, name, None) not in (None, [], "")
               for name in ("min_age", "max_age", "sectors_together", "event_kinds"))


class _Run:
    """One backtest's rules, dates, buckets and counters."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        rules = list(IdentificationRule.objects.filter(active=True, version__gt=0)
                     .order_by("pk"))
        # Rules with conditions beyond the measure (age, sectors used together, kinds) are
        # evaluated by the identification's own statement on each of the three dates.
        self.conditioned = [r for r in rules if _has_conditions(r)]
        self.identification = [_rule(r, f"id:{r.pk}") for r in rules if not _has_conditions(r)]
        self.early_objects = list(EarlyWarningRule.objects.filter(active=True).order_by("code"))
        self.early = [_rule(r, f"early:{r.pk}") for r in self.early_objects]
        # index k: k months back
        self.snapshots = [add_months(as_of, -k) for k in range(MONTHS_BACK + 1)]
        self.id_snapshots = [0, *HORIZONS]
        every = self.identification + self.early
        windows = {r.window_days for r in every + self.conditioned} or {365}
        self.conditioned_at: list[set[int]] = [set() for _k in self.id_snapshots]
        self.boundaries = sorted({day for s in self.snapshots for w in windows
                                  for day in (s - timedelta(days=w - 1), s + timedelta(days=1))})
        self.kinds = sorted({r.event_kind for r in every if r.measure == Measure.EVENTS_OF_KIND})
        self.columns = {sector: i for i, sector in enumerate(SECTORS)}
        for kind in self.kinds:
            self.columns["kind:" + kind] = len(self.columns)
        self.id_spans = [[self._span(self.snapshots[k], r.window_days) for k in self.id_snapshots]
                         for r in self.identification]
        self.early_spans = [[self._span(s, r.window_days) for s in self.snapshots]
                            for r in self.early]
        self.counters: dict[str, dict[str, Any]] = {r.key: {"cohort": 0, "new": 0, "leads": [0] * (MONTHS_BACK + 1),
                                 **{f"{name}_{h}": 0 for h in HORIZONS
                                    for name in ("recall", "recall_new", "caught", "became")}}
                         for r in self.early}
        self.totals = {"cohort": 0, "new": 0, "persons": 0}
        self.n_buckets = len(self.boundaries) - 1

    def _span(self, snapshot: date, window: int) -> tuple[int, int]:
        """The buckets (first, last inclusive) a window ending on ``snapshot`` covers."""
        first = bisect.bisect_left(self.boundaries, snapshot - timedelta(days=window - 1))
        last = bisect.bisect_left(self.boundaries, snapshot + timedelta(days=1)) - 1
        return first, last

    def _test(self, rule: _Rule, first: int, last: int):
        """A function of the per-column running sums telling whether ``rule`` matches over the
        buckets ``first`` … ``last`` (its columns chosen once, not per person)."""
        low, high, threshold = first, last + 1, rule.threshold
        if rule.measure == Measure.DISTINCT_SECTORS:
            s0, s1, s2, s3 = (self.columns[sector] for sector in SECTORS)
            return lambda cums: ((cums[s0][high] > cums[s0][low]) + (cums[s1][high] > cums[s1][low])
                                 + (cums[s2][high] > cums[s2][low])
                                 + (cums[s3][high] > cums[s3][low])) >= threshold
        if rule.measure == Measure.EVENTS_TOTAL:
            columns = [self.columns[sector] for sector in SECTORS]
            return lambda cums: sum(cums[c][high] - cums[c][low] for c in columns) >= threshold
        key = "kind:" + rule.event_kind if rule.measure == Measure.EVENTS_OF_KIND else rule.sector
        column = self.columns.get(key)
        if column is None:
            return lambda cums: False
        return lambda cums: cums[column][high] - cums[column][low] >= threshold

    def compile(self) -> None:
        """The tests of every rule on every date it is evaluated on."""
        self.id_tests = [[self._test(rule, *self.id_spans[i][j]) for i, rule in
                          enumerate(self.identification)] for j in range(len(self.id_snapshots))]
        self.early_tests = [[self._test(rule, *self.early_spans[r][k])
                             for k in range(MONTHS_BACK + 1)] for r, rule in enumerate(self.early)]

    def _running(self, buckets: dict[int, tuple]) -> list[list[int]]:
        """Per column, the running sum before each bucket (``cums[c][b]``: buckets < b)."""
        cums = [[0] * (self.n_buckets + 1) for _c in self.columns]
        for b, row in buckets.items():
            for c, value in enumerate(row):
                if value:
                    cums[c][b + 1] = value
        return [list(accumulate(column)) for column in cums]

    def conditioned_matches(self, files: list[str] | None) -> list[set[int]]:
        """For each date of ``id_snapshots``, the persons a conditioned rule matches: over the
        events' analytical copy when ``files`` of it are given (the rule's statement in DuckDB,
        its age conditions on the persons' dates of birth, as the identification over the copy
        does), else by the identification's own statement in the database (one statement per
        rule and date)."""
        days = [self.snapshots[k] for k in self.id_snapshots]
        if files is None:
            return [{person_id for rule in self.conditioned
                     for person_id in matches(rule, day)} for day in days]
        births: dict[int, date | None] = {}
        if any(r.min_age is not None or r.max_age is not None for r in self.conditioned):
            births = dict(Person.objects.exclude(birth_date=None)
                          .values_list("pk", "birth_date"))
        events = analytics.events_sql(files)
        duck = analytics.duckdb_connection()
        try:
            found: list[set[int]] = []
            for day in days:
                persons: set[int] = set()
                for rule in self.conditioned:
                    sql, params = copy_rule_sql(rule, day, events)
                    persons.update(person_id for (person_id,) in duck.execute(sql, params)
                                   .fetchall() if _of_age(rule, day, births.get(person_id)))
                found.append(persons)
        finally:
            duck.close()
        return found

    def evaluate(self, buckets: dict[int, tuple], person_id: int | None = None) -> None:
        """Count one person (their events per bucket) into the counters."""
        cums = self._running(buckets)
        flagged_at = {k: any(test(cums) for test in self.id_tests[j])
                      or person_id in self.conditioned_at[j]
                      for j, k in enumerate(self.id_snapshots)}
        self.totals["persons"] += 1
        is_cohort = flagged_at[0]
        is_new = is_cohort and not flagged_at[MONTHS_BACK]
        self.totals["cohort"] += is_cohort
        self.totals["new"] += is_new
        for r, rule in enumerate(self.early):
            tests = self.early_tests[r]
            # every month back only for the newly flagged (their lead time); else 6 and 12
            hits = [test(cums) for test in tests] if is_new else \
                {h: tests[h](cums) for h in HORIZONS}
            self._count(self.counters[rule.key], hits, flagged_at, is_cohort, is_new)

    @staticmethod
    def _count(c: dict, hits, flagged_at: dict[int, bool], is_cohort: bool,
               is_new: bool) -> None:
        for h in HORIZONS:
            if hits[h] and not flagged_at[h]:
                c[f"caught_{h}"] += 1
                c[f"became_{h}"] += is_cohort
        if is_cohort:
            c["cohort"] += 1
            for h in HORIZONS:
                c[f"recall_{h}"] += hits[h]
        if is_new:
            c["new"] += 1
            for h in HORIZONS:
                c[f"recall_new_{h}"] += hits[h]
            earliest = max((k for k in range(MONTHS_BACK + 1) if hits[k]), default=None)
            if earliest is not None:
                c["leads"][earliest] += 1

    def sql(self) -> tuple[str, list]:
        adapt = connection.ops.adapt_datefield_value
        thresholds = [adapt(day) for day in self.boundaries[1:]]
        bucket_params: list[Any]
        if connection.vendor == "postgresql":
            # the number of boundaries after the first on or before the day: a binary search
            bucket_sql = "width_bucket(event_date, %s::date[])"
            bucket_params = [thresholds]
        else:
            bucket_sql = "CASE " + " ".join(
                f"WHEN event_date < %s THEN {i - 1}" for i in range(1, len(self.boundaries))) + \
                f" ELSE {self.n_buckets - 1} END"
            bucket_params = thresholds
        sums_sql = ["SUM(CASE WHEN sector = %s THEN 1 ELSE 0 END)" for _s in SECTORS] + \
                   ["SUM(CASE WHEN kind = %s THEN 1 ELSE 0 END)" for _k in self.kinds]
        table = ServiceEvent._meta.db_table
        sql = (f"SELECT person_id, bucket, {', '.join(sums_sql)} FROM (SELECT person_id, "
               f"sector, kind, {bucket_sql} AS bucket FROM {table} WHERE event_date >= %s AND "
               f"event_date <= %s) e GROUP BY person_id, bucket ORDER BY person_id")
        params = [*SECTORS, *self.kinds, *bucket_params,
                  adapt(self.boundaries[0]), adapt(self.as_of)]
        return sql, params

    def copy_sql(self, events: str) -> tuple[str, list]:
        """``sql`` for DuckDB over the events' analytical copy (``luotsi.usage.analytics``)."""
        bucket_sql = "CASE " + " ".join(
            f"WHEN event_date < ? THEN {i - 1}" for i in range(1, len(self.boundaries))) + \
            f" ELSE {self.n_buckets - 1} END"
        sums_sql = ["count(*) FILTER (WHERE sector = ?)" for _s in SECTORS] + \
                   ["count(*) FILTER (WHERE kind = ?)" for _k in self.kinds]
        sql = (f"SELECT person_id, bucket, {', '.join(sums_sql)} FROM (SELECT person_id, "
               f"sector, kind, {bucket_sql} AS bucket FROM {events} WHERE event_date >= ? AND "
               f"event_date <= ?) e GROUP BY person_id, bucket ORDER BY person_id")
        return sql, [*SECTORS, *self.kinds, *self.boundaries[1:], self.boundaries[0], self.as_of]

    def _consume(self, batches) -> None:
        """Feed the per-person, per-bucket rows (ordered by person) into ``evaluate``."""
        current: int | None = None
        buckets: dict[int, tuple[Any, ...]] = {}
        for rows in batches:
            for person_id, bucket, *counts in rows:
                if person_id != current:
                    if current is not None:
                        self.evaluate(buckets, current)
                    current, buckets = person_id, {}
                if 0 <= bucket < self.n_buckets:
                    buckets[bucket] = counts
        if current is not None:
            self.evaluate(buckets, current)

    def scan(self) -> None:
        """Stream the per-person, per-bucket counts (one statement) into ``evaluate``: over the
        events' analytical copy with DuckDB when one is configured and up to date, else in the
        database."""
        if not (self.identification or self.conditioned) or not self.early:
            return
        files = analytics.window_files(self.boundaries[0], self.as_of) \
            if analytics.enabled() else None
        self.conditioned_at = self.conditioned_matches(files) if self.conditioned else \
            [set() for _k in self.id_snapshots]
        self.compile()
        if files is not None:
            sql, params = self.copy_sql(analytics.events_sql(files))
            duck = analytics.duckdb_connection()
            try:
                result = duck.execute(sql, params)
                self._consume(iter(lambda: result.fetchmany(20_000), []))
            finally:
                duck.close()
            return
        sql, params = self.sql()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as setup:
                    setup.execute("SET LOCAL work_mem = '64MB'")
                cursor = connection.connection.cursor(name="signals_backtest")
            else:
                cursor = connection.cursor()
            try:
                cursor.execute(sql, params)
                self._consume(iter(lambda: cursor.fetchmany(20_000), []))
            finally:
                cursor.close()

    def figures(self) -> list[dict]:
        out = []
        for obj, rule in zip(self.early_objects, self.early, strict=True):
            c = self.counters[rule.key]
            leads = c["leads"]
            caught_leads = [k for k, n in enumerate(leads) for _i in range(n)]
            figures = {
                "code": obj.code, "rule_id": obj.pk, "measure": obj.measure,
                "threshold": obj.threshold, "event_kind": obj.event_kind, "sector": obj.sector,
                "window_days": obj.window_days,
                "flagged": c["cohort"], "newly_flagged": c["new"],
                "lead_months": {str(k): n for k, n in enumerate(leads)},
                "median_lead_months": statistics.median(caught_leads) if caught_leads else None,
            }
            for h in HORIZONS:
                figures[f"caught_{h}m"] = c[f"recall_{h}"]
                figures[f"recall_{h}m"] = _ratio(c[f"recall_{h}"], c["cohort"])
                figures[f"caught_new_{h}m"] = c[f"recall_new_{h}"]
                figures[f"recall_new_{h}m"] = _ratio(c[f"recall_new_{h}"], c["new"])
                figures[f"early_{h}m"] = c[f"caught_{h}"]
                figures[f"became_{h}m"] = c[f"became_{h}"]
                figures[f"precision_{h}m"] = _ratio(c[f"became_{h}"], c[f"caught_{h}"])
            out.append(figures)
        return out


def run_backtest(*, as_of: date, user=None, store: bool = True,
                 today: date | None = None) -> dict:
    """The figures of every active early rule on ``as_of`` (see the module); stored as a
    ``Backtest`` when ``store``. Raises ``NotEnoughHistory``."""
    started = time.perf_counter()
    check_history(as_of, today=today)
    run = _Run(as_of)
    run.scan()
    seconds = round(time.perf_counter() - started, 3)
    result = {
        "as_of": as_of.isoformat(),
        "dates": {f"{k}m": run.snapshots[k].isoformat() for k in (0, *HORIZONS)},
        "history_from": run.boundaries[0].isoformat(),
        "persons_with_events": run.totals["persons"], "flagged": run.totals["cohort"],
        "newly_flagged": run.totals["new"],
        "identification_rules": [r.code for r in IdentificationRule.objects.filter(
            active=True, version__gt=0).order_by("code")],
        "rules": run.figures(), "seconds": seconds,
    }
    if store:
        Backtest.objects.create(as_of=as_of, computed_at=timezone.now(), computed_by=user,
                                seconds=seconds, figures=result)
    return result
