"""The demo county seeded at the hours when the local date and the UTC date differ, and on the
night the clocks go forward: nothing that has happened is dated in the future, and every open
contact is in its team's queue for the team's workers (an access relationship that starts later
today would hide it). Local dates are Europe/Helsinki (UTC+2, UTC+3 in summer), so from 22:00 to
midnight UTC it is already tomorrow in Finland."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from luotsi.intake import selectors
from luotsi.intake.models import Contact
from luotsi.organisation.models import User

pytestmark = pytest.mark.django_db

MOMENTS = {
    # 00:10 on a Monday in Helsinki, still Sunday in UTC.
    "monday-just-after-local-midnight": datetime(2027, 1, 10, 22, 10, tzinfo=UTC),
    # The new year has begun in Helsinki (a holiday), not yet in UTC.
    "new-year-local-midnight": datetime(2026, 12, 31, 22, 30, tzinfo=UTC),
    # 04:05 summer time, an hour after the clocks went from 03:00 to 04:00.
    "daylight-saving-night": datetime(2027, 3, 28, 1, 5, tzinfo=UTC),
}

# Date-time fields that may lie ahead: an end or expiry, a retry, a planned meeting.
MAY_BE_FUTURE = {
    ("access", "ClientRelationship", "ends_at"),
    ("api", "ApiToken", "expires_at"),
    ("common", "OutboxMail", "next_attempt_at"),
    ("common", "OutboxMail", "claimed_until"),
    ("sharedcare", "Meeting", "held_at"),
}


def _future_timestamps(now: datetime) -> list[str]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("luotsi."):
            continue
        for field in model._meta.get_fields():
            key = (model._meta.app_label, model.__name__, field.name)
            if not isinstance(field, models.DateTimeField) or key in MAY_BE_FUTURE:
                continue
            later = model.objects.filter(**{f"{field.name}__gt": now}).count()
            if later:
                found.append(f"{model._meta.label}.{field.name}: {later}")
    return found


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_seeding_at_an_awkward_hour_dates_nothing_in_the_future(moment):
    with time_machine.travel(MOMENTS[moment], tick=False), override_settings(DEMO_MODE=True):
        call_command("seed_demo", persons=1000, seed=3, stdout=StringIO())
        now = timezone.now()
        assert _future_timestamps(now) == []

        checked = 0
        for worker in User.objects.filter(username__in=["intake", "sw-east", "sw-central",
                                                        "sw-west"]):
            team = worker.primary_team()
            queue = selectors.queue(worker, selectors.QueueFilters(team_id=team.pk))
            expected = Contact.objects.filter(team=team).exclude(status="closed")
            assert sorted(queue.values_list("pk", flat=True)) == sorted(
                expected.values_list("pk", flat=True)), (moment, worker.username)
            checked += expected.count()
        assert checked


def _contacts() -> list[tuple]:
    return list(Contact.objects.order_by("pk").values_list(
        "kind", "clock", "status", "team__code", "received_at__date"))


def test_the_county_seeded_on_a_day_is_the_same_whatever_the_hour():
    """The contacts of one day's seed do not depend on the hour it runs at (only today's
    contacts are held at the hour it is): a test that reads the demo county meets the same
    queue in the morning as in the afternoon. Each seed is rolled back before the next."""
    seeded = []
    for hour in (6, 13):  # 08:00 and 15:00 in Helsinki
        with time_machine.travel(datetime(2026, 12, 7, hour, 5, tzinfo=UTC), tick=False), \
                override_settings(DEMO_MODE=True), transaction.atomic():
            call_command("seed_demo", persons=3000, seed=3, stdout=StringIO())
            seeded.append(_contacts())
            transaction.set_rollback(True)
    assert seeded[0] and seeded[0] == seeded[1]
