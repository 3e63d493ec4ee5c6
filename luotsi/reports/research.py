"""The anonymised AVAIN research file: one row per goal rated in the period, with no names, no
identity codes, no free text and no database ids.

- The client's id is a pseudonym: HMAC-SHA256 of the person under a key derived (HKDF) from
  ``settings.PERSONAL_DATA_KEY`` with its own label, and of the export's *purpose*. The same
  purpose always gives the same pseudonyms (a study can add later periods); another purpose gives
  unlinkable ones. Without the key the pseudonyms cannot be reversed or recomputed.
- Quasi-identifiers (age band, municipality, team, sector, AVAIN goal area) are generalised so
  that every released combination covers at least ``K`` clients: a row whose combination has
  fewer first loses its municipality (replaced by the region) and team, then its age band; a row
  still under ``K`` is left out. The file's first lines say how many rows were generalised or
  left out.
- Producing the file is written to the access log (one record, no person: the file is about many
  people and names none of them) with the basis ``research``, secondary use under Act 552/2019.
  The rows are read from the streaming replica when one is configured; the record is written on
  the primary (``luotsi.common.replica``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from datetime import date
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.common.replica import replica_reads
from luotsi.common.spreadsheet import write_csv
from luotsi.organisation.models import Team
from luotsi.plans.models import Evaluation, PlanMethod, PlanService, Rating
from luotsi.reports.effectiveness import EffectivenessFilters, goal_queryset

K = 5  # the smallest group of clients released
SUPPRESSED = "*"
AGE_BANDS = ((18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"),
             (65, "55-64"))
COLUMNS = ["client", "goal_area", "sector", "team", "region", "municipality", "age_band",
           "first_rating", "last_rating", "change", "ratings", "months_between",
           "client_took_part", "methods", "services", "generalised",
           # the AVAIN meter's evaluations up to the period's end: the client's own last rating
           # of the goal, and the mean "did it help" of the plan's services and of the goal's
           # methods (its own and the whole plan's), by the professional and by the client
           "client_own_last_rating", "services_helped_professional", "services_helped_client",
           "methods_helped_professional", "methods_helped_client"]


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"luotsi avain research pseudonym v1").derive(secret.encode("utf-8"))


def pseudonym(person_id: int, purpose: str) -> str:
    """A stable pseudonym of a person for one export purpose (16 hex digits)."""
    message = f"{purpose.strip().casefold()}\x00{person_id}".encode()
    return hmac.new(_key(settings.PERSONAL_DATA_KEY), message, hashlib.sha256).hexdigest()[:16]


def age_band(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for limit, label in AGE_BANDS:
        if age < limit:
            return label
    return "65+"


def _rows(filters: EffectivenessFilters) -> list[dict]:
    """One dict per goal, from one statement (ratings, methods and services counted in SQL)."""
    last_rating = Rating.objects.filter(goal_id=OuterRef("pk"), rated_on__lte=filters.until) \
        .order_by("-rated_on", "-pk")
    first_rating = Rating.objects.filter(goal_id=OuterRef("pk"), rated_on__lte=filters.until) \
        .order_by("rated_on", "pk")

    def count_of(model):
        per_plan = model.objects.filter(plan_id=OuterRef("plan_id")).order_by().values("plan_id")
        return Subquery(per_plan.annotate(n=Count("pk")).values("n"), output_field=IntegerField())

    evaluations = Evaluation.objects.filter(plan_id=OuterRef("plan_id"),
                                            rated_on__lte=filters.until)
    goal_methods = Q(method__goal_id=OuterRef("pk")) | Q(method__goal_id__isnull=True)

    def helped(subject: str, rater: str, *conditions):
        mean = evaluations.filter(*conditions, subject=subject, rater=rater).order_by() \
            .values("plan_id").annotate(m=Avg("value")).values("m")
        return Subquery(mean, output_field=FloatField())

    own_last = Evaluation.objects.filter(goal_id=OuterRef("pk"), rated_on__lte=filters.until,
                                         rater=Evaluation.Rater.CLIENT) \
        .order_by("-rated_on", "-pk").values("value")[:1]
    queryset = goal_queryset(filters).annotate(
        r_own_last=Subquery(own_last, output_field=IntegerField()),
        r_services_pro=helped("service", "professional"),
        r_services_client=helped("service", "client"),
        r_methods_pro=helped("method", "professional", goal_methods),
        r_methods_client=helped("method", "client", goal_methods),
        r_took_part=Subquery(last_rating.values("client_took_part")[:1]),
        r_first_on=Subquery(first_rating.values("rated_on")[:1]),
        r_methods=count_of(PlanMethod),
        r_services=count_of(PlanService),
        r_birth=F("plan__person__birth_date"),
        r_municipality=F("plan__person__municipality__code"),
        r_region=F("plan__person__municipality__region__code"),
        r_area=F("goal_area__code"),
    )
    return list(queryset.values(
        "r_person", "r_team", "r_sector", "r_first", "r_last", "r_count", "r_last_on",
        "r_first_on", "r_took_part", "r_methods", "r_services", "r_birth", "r_municipality",
        "r_region", "r_area", "r_own_last", "r_services_pro", "r_services_client",
        "r_methods_pro", "r_methods_client"))


def _mean(value) -> str | None:
    return None if value is None else f"{value:.1f}"


def _months(start: date | None, end: date | None) -> int | None:
    if start is None or end is None:
        return None
    return (end.year - start.year) * 12 + end.month - start.month


def build(filters: EffectivenessFilters, purpose: str) -> tuple[list[list], dict]:
    """The released rows and a summary of what was generalised or left out."""
    teams = dict(Team.objects.values_list("pk", "code"))
    on = filters.until
    rows = []
    for r in _rows(filters):
        rows.append({
            "person": r["r_person"], "area": r["r_area"], "sector": r["r_sector"],
            "team": teams.get(r["r_team"], ""), "region": r["r_region"] or "",
            "municipality": r["r_municipality"] or "", "age": age_band(r["r_birth"], on),
            "first": r["r_first"], "last": r["r_last"], "count": r["r_count"],
            "months": _months(r["r_first_on"], r["r_last_on"]),
            "took_part": r["r_took_part"], "methods": r["r_methods"] or 0,
            "services": r["r_services"] or 0,
            "meter": [r["r_own_last"], *(_mean(r[name]) for name in (
                "r_services_pro", "r_services_client", "r_methods_pro", "r_methods_client"))],
        })
    levels = [
        lambda r: (r["age"], r["municipality"], r["team"], r["sector"], r["area"]),
        lambda r: (r["age"], r["region"], r["sector"], r["area"]),
        lambda r: (r["region"], r["sector"], r["area"]),
    ]
    clients = [defaultdict(set) for _ in levels]
    for row in rows:
        for index, key in enumerate(levels):
            clients[index][key(row)].add(row["person"])
    released, summary = [], {"goals": len(rows), "generalised": 0, "left_out": 0}
    for row in rows:
        level = next((i for i, key in enumerate(levels) if len(clients[i][key(row)]) >= K), None)
        if level is None:
            summary["left_out"] += 1
            continue
        if level >= 1:
            row["municipality"] = row["team"] = SUPPRESSED
            summary["generalised"] += 1
        if level >= 2:
            row["age"] = SUPPRESSED
        released.append([
            pseudonym(row["person"], purpose), row["area"], row["sector"], row["team"],
            row["region"], row["municipality"], row["age"], row["first"], row["last"],
            row["last"] - row["first"], row["count"], row["months"],
            "" if row["took_part"] is None else int(row["took_part"]), row["methods"],
            row["services"], level, *("" if value is None else value for value in row["meter"]),
        ])
    released.sort(key=lambda cells: (cells[0], cells[1]))
    summary["released"] = len(released)
    summary["clients"] = len({cells[0] for cells in released})
    return released, summary


def export(*, actor, filters: EffectivenessFilters, purpose: str) -> str:
    """The research CSV; its production is recorded in the access log."""
    with replica_reads():
        released, summary = build(filters, purpose)
    generated = timezone.now()
    notes = [
        f"# Luotsi AVAIN research file, generated {generated:%Y-%m-%d %H:%M %Z}",
        f"# period {filters.start:%Y-%m-%d}..{filters.until:%Y-%m-%d}; purpose: {purpose}",
        "# client = keyed pseudonym (HMAC-SHA256), stable for this purpose only; "
        "no names, identity codes, free text or database ids",
        f"# groups under {K} clients: municipality and team replaced by * (generalised=1), "
        f"then age band (generalised=2); rows still under {K} left out",
        f"# goals {summary['goals']}, released {summary['released']}, "
        f"generalised {summary['generalised']}, left out {summary['left_out']}",
    ]
    content = write_csv(COLUMNS, released, notes=notes)
    log.record(actor, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
               basis=Basis.RESEARCH,
               outcome=Outcome.ALLOWED,
               detail=(f"AVAIN research file {filters.start:%Y-%m-%d}..{filters.until:%Y-%m-%d}; "
                       f"purpose: {purpose}; rows {summary['released']}, clients "
                       f"{summary['clients']}, generalised {summary['generalised']}, left out "
                       f"{summary['left_out']}"))
    return content
