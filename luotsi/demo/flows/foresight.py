"""Demo flow: the capacity of the family-services teams as seed 004 sizes them.

The central intake team (neuvonta, alkuarviointi, päivystys) has 2.6 social workers and
3 social counsellors; the regional service-need assessment teams 3 + 1 (central), 1 + 1 (east)
and 1 + 1 (west). The working time and the efforts are the defaults (docs/foresight.md). One
absence is recorded: the east team's social worker on leave for two weeks from the third week
on, so the forecast shows what a small team's absence does. Deterministic from today's date.
The week's arrivals forecasts are not made here (the model fits take seconds): the first view
of the forecast page makes them, or ``manage.py forecast --refresh``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

NAME = "foresight"

# team code: (social workers, social counsellors) — seed 004
STAFFING = {
    "family-intake": (Decimal("2.6"), Decimal("3")),
    "assessment-central": (Decimal("3"), Decimal("1")),
    "assessment-east": (Decimal("1"), Decimal("1")),
    "assessment-west": (Decimal("1"), Decimal("1")),
}


def done() -> bool:
    from luotsi.foresight.models import StaffCapacity

    return StaffCapacity.objects.exists()


def total(persons: int) -> int:
    return 1


@transaction.atomic
def seed(seed: int, today: date, advance) -> int:
    from django.contrib.auth import get_user_model

    from luotsi.foresight import defaults
    from luotsi.foresight.models import (
        CapacityGap,
        GapKind,
        StaffCapacity,
        StaffRole,
        TeamCapacity,
    )
    from luotsi.foresight.workload import monday
    from luotsi.organisation.models import Team

    teams = {team.code: team for team in Team.objects.filter(code__in=STAFFING)}
    lead = get_user_model().objects.filter(username="lead").first()
    written = 0
    for code, (social_workers, counsellors) in STAFFING.items():
        team = teams.get(code)
        if team is None:
            continue
        TeamCapacity.objects.update_or_create(team=team, defaults={
            "weekly_hours": defaults.WEEKLY_HOURS,
            "client_work_share": defaults.CLIENT_WORK_SHARE, "updated_by": lead})
        for role, fte in ((StaffRole.SOCIAL_WORKER, social_workers),
                          (StaffRole.SOCIAL_COUNSELLOR, counsellors)):
            StaffCapacity.objects.update_or_create(team=team, role=role, defaults={"fte": fte})
            written += 1
    east = teams.get("assessment-east")
    if east is not None and lead is not None:
        first = monday(today) + timedelta(weeks=2)
        CapacityGap.objects.create(team=east, role=StaffRole.SOCIAL_WORKER,
                                   kind=GapKind.ABSENCE, fte=Decimal("1"), starts_on=first,
                                   ends_on=first + timedelta(days=11), note="Vuosiloma",
                                   created_by=lead)
        written += 1
    advance(1)
    return written
