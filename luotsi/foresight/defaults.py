"""The defaults of a team's capacity, used until the team lead sets the team's own
(docs/foresight.md explains each figure)."""

from __future__ import annotations

from decimal import Decimal

from luotsi.foresight.models import WorkKind

# KVTES: 38 h 15 min a week in municipal social services.
WEEKLY_HOURS = Decimal("38.25")
# The share of working time for client work; the rest is team meetings, supervision, training
# and administration.
CLIENT_WORK_SHARE = 70

# Expected effort of one item, in hours.
EFFORTS: dict[str, Decimal] = {
    WorkKind.URGENCY_ASSESSMENT: Decimal("0.5"),
    WorkKind.INITIAL_ASSESSMENT: Decimal("4"),
    WorkKind.ASSESSMENT_START: Decimal("3"),
    WorkKind.SERVICE_NEED_ASSESSMENT: Decimal("16"),
    WorkKind.NETWORK_MEETING: Decimal("3"),
    WorkKind.PLAN_REVIEW: Decimal("2"),
}

# The bounds every entry is checked against (the services and the what-if panel alike).
MAX_FTE = Decimal("100")
MAX_WEEKLY_HOURS = Decimal("60")
MAX_EFFORT_HOURS = Decimal("500")
MAX_HORIZON_WEEKS = 52
DEFAULT_HORIZON_WEEKS = 12
