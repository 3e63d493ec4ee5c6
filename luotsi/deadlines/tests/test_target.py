"""The team's internal target: beside a three-month deadline that Act 150/1930 § 5 moved to the
next working day, the unmoved date (§ 3); "due soon" is counted towards it. Month ends,
Christmas, Midsummer, Easter and a daylight-saving night."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from luotsi.deadlines.calendar import HELSINKI
from luotsi.deadlines.rules import KINDS, compute_deadlines, deadline_status


def _completion(received: datetime):
    (completion,) = [d for d in compute_deadlines("child_welfare_notification", received)
                     if d.code == "assessment_completion"]
    return completion


@pytest.mark.parametrize(("opened", "target", "due"), [
    # 30 February does not exist (§ 3): Saturday 28.2.2026, moved to Monday 2.3. (§ 5)
    (date(2025, 11, 30), date(2026, 2, 28), date(2026, 3, 2)),
    # 31 June does not exist: Tuesday 30.6.2026 is a working day, no target
    (date(2026, 3, 31), None, date(2026, 6, 30)),
    # Christmas Eve Thursday 24.12.2026, then Christmas Day, St Stephen's Day (Sat), Sunday
    (date(2026, 9, 24), date(2026, 12, 24), date(2026, 12, 28)),
    # Midsummer Eve Friday 19.6.2026, Midsummer Day, Sunday
    (date(2026, 3, 19), date(2026, 6, 19), date(2026, 6, 22)),
    # Good Friday 3.4.2026, Easter Saturday, Easter Sunday, Easter Monday 6.4.
    (date(2026, 1, 3), date(2026, 4, 3), date(2026, 4, 7)),
    # Sunday 3.5.2026, moved to Monday; Monday 4.5. from the next day is a working day
    (date(2026, 2, 3), date(2026, 5, 3), date(2026, 5, 4)),
    (date(2026, 2, 4), None, date(2026, 5, 4)),
])
def test_target_is_the_unmoved_three_month_date(opened, target, due):
    completion = _completion(datetime(opened.year, opened.month, opened.day, 12,
                                      tzinfo=HELSINKI))
    assert (completion.target_on, completion.due_on) == (target, due)


@pytest.mark.parametrize(("received", "opened_on", "target", "due"), [
    # 23:59 on Saturday 28.3.2026 in Helsinki, before the clocks go forward that night
    (datetime(2026, 3, 28, 21, 59, tzinfo=UTC), date(2026, 3, 28), date(2026, 6, 28),
     date(2026, 6, 29)),
    # midnight, and 04:30 summer time after the change: Sunday 29.3., Monday 29.6. is in time
    (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), date(2026, 3, 29), None, date(2026, 6, 29)),
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29), None, date(2026, 6, 29)),
])
def test_target_on_the_daylight_saving_night(received, opened_on, target, due):
    completion = _completion(received)
    assert received.astimezone(HELSINKI).date() == opened_on
    assert (completion.target_on, completion.due_on) == (target, due)


def test_only_month_periods_have_a_target():
    received = datetime(2025, 12, 19, 15, tzinfo=HELSINKI)  # the Friday before Christmas
    for kind in KINDS:
        for d in compute_deadlines(kind, received):
            if d.code != "assessment_completion":
                assert d.target_on is None, (kind, d.code)


@pytest.mark.parametrize(("today", "with_target", "without_target"), [
    # due Monday 2.3.2026, target Saturday 28.2.2026
    (date(2026, 2, 24), "on_time", "on_time"),
    (date(2026, 2, 25), "due_soon", "on_time"),  # two working days to the target
    (date(2026, 3, 1), "due_soon", "due_soon"),  # the target passed, the final day not
    (date(2026, 3, 2), "due_soon", "due_soon"),
    (date(2026, 3, 3), "overdue", "overdue"),
])
def test_due_soon_counts_towards_the_target(today, with_target, without_target):
    due, target = date(2026, 3, 2), date(2026, 2, 28)
    assert deadline_status(due, today, None, target) == with_target
    assert deadline_status(due, today, None) == without_target
    assert deadline_status(due, today, date(2026, 2, 27), target) == "met"
