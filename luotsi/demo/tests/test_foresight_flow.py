"""The demo's foresight flow: seed 004's staffing of the family-services teams and one absence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from luotsi.demo import seeding
from luotsi.demo.flows import foresight
from luotsi.foresight.models import CapacityGap, StaffCapacity

pytestmark = pytest.mark.django_db


def test_foresight_flow__seed_004_staffing():
    seeding.seed_organisation()
    seeding.seed_logins()
    assert not foresight.done()
    foresight.seed(1, date(2026, 12, 7), lambda _steps: None)
    assert foresight.done()
    staff = {(code, role): fte for code, role, fte in StaffCapacity.objects.values_list(
        "team__code", "role", "fte")}
    assert staff == {
        ("family-intake", "social_worker"): Decimal("2.6"),
        ("family-intake", "social_counsellor"): Decimal(3),
        ("assessment-central", "social_worker"): Decimal(3),
        ("assessment-central", "social_counsellor"): Decimal(1),
        ("assessment-east", "social_worker"): Decimal(1),
        ("assessment-east", "social_counsellor"): Decimal(1),
        ("assessment-west", "social_worker"): Decimal(1),
        ("assessment-west", "social_counsellor"): Decimal(1),
    }
    gap = CapacityGap.objects.get()
    assert (gap.team.code, gap.starts_on, gap.ends_on) == (
        "assessment-east", date(2026, 12, 21), date(2027, 1, 1))
