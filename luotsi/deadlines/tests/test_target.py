"""The team's internal target: beside a three-month deadline that Act 150/1930 § 5 moved to the
next working day, the unmoved date (§ 3); beside a seven-working-day deadline with Midsummer Eve
or Christmas Eve inside its window, the seventh working day counting the eves as working days
(the stricter reading, domain specification § 2.3); "due soon" is counted towards it. Month
ends, Christmas, Midsummer, Easter, Epiphany and the daylight-saving nights."""

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


def test_immediate_clocks_have_no_target_and_working_day_clocks_only_over_an_eve():
    received = datetime(2025, 12, 19, 15, tzinfo=HELSINKI)  # the Friday before Christmas
    for kind in KINDS:
        for d in compute_deadlines(kind, received):
            if d.code == "urgency_assessment":
                assert d.target_on is None, (kind, d.code)
            elif d.code in ("investigation_decision", "assessment_start"):
                # Christmas Eve inside the window: 2.1.2026 counting it, 5.1.2026 the final day.
                assert (d.target_on, d.due_on) == (date(2026, 1, 2), date(2026, 1, 5))
    received = datetime(2025, 4, 15, 15, tzinfo=HELSINKI)  # Easter, no eve: no target
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


# --- the seven-working-day target: Midsummer Eve and Christmas Eve counted as working days ----

def _decision(received: datetime):
    (decision,) = [d for d in compute_deadlines("child_welfare_notification", received)
                   if d.code == "investigation_decision"]
    return decision


@pytest.mark.parametrize(("opened", "target", "due"), [
    # The domain specification's table (§ 2.5): Midsummer Eve Friday 20.6.2025 inside
    (date(2025, 6, 17), date(2025, 6, 26), date(2025, 6, 27)),
    # Christmas Eve, Christmas, St Stephen's Day and New Year's Day inside; Epiphany after
    (date(2025, 12, 19), date(2026, 1, 2), date(2026, 1, 5)),
    # Midsummer Eve Friday 19.6.2026 inside
    (date(2026, 6, 15), date(2026, 6, 24), date(2026, 6, 25)),
    # The target on Christmas Eve itself (a day off for the final day): Monday 29.12.2025
    (date(2025, 12, 15), date(2025, 12, 24), date(2025, 12, 29)),
    # Easter 2025 inside, no eve: the two readings agree
    (date(2025, 4, 15), None, date(2025, 4, 28)),
    # Christmas Eve Thursday 24.12.2026 inside: Tuesday 29.12. counting it, Wednesday 30.12.
    (date(2026, 12, 17), date(2026, 12, 29), date(2026, 12, 30)),
    # The target on the last day of the month and of the year; the final day after New Year
    (date(2026, 12, 21), date(2026, 12, 31), date(2027, 1, 4)),
    # Opened on Christmas Eve itself: the opening day is not counted, so no eve is inside
    (date(2026, 12, 24), None, date(2027, 1, 7)),
    # Christmas Eve on a Saturday (2022) is no working day in either reading
    (date(2022, 12, 16), None, date(2022, 12, 28)),
    # Midsummer Eve on the first day of the window; the final day on a month end (30.6.2026)
    (date(2026, 6, 18), date(2026, 6, 29), date(2026, 6, 30)),
])
def test_seven_working_day_target_counts_the_eves(opened, target, due):
    received = datetime(opened.year, opened.month, opened.day, 12, tzinfo=HELSINKI)
    decision = _decision(received)
    assert (decision.target_on, decision.due_on) == (target, due)
    start = next(d for d in compute_deadlines("child_welfare_notification", received)
                 if d.code == "assessment_start")
    assert (start.target_on, start.due_on) == (target, due)
    special = next(d for d in compute_deadlines("shl_special_support_child", received)
                   if d.code == "assessment_start")
    assert (special.target_on, special.due_on) == (target, due)


@pytest.mark.parametrize(("received", "opened_on", "target", "due"), [
    # 23:59 on Thursday 18.6.2026 in Helsinki (20:59 UTC): Midsummer Eve is the first day of
    # the window, counted for the target
    (datetime(2026, 6, 18, 20, 59, tzinfo=UTC), date(2026, 6, 18), date(2026, 6, 29),
     date(2026, 6, 30)),
    # a minute later it is Midsummer Eve in Helsinki: the opening day, not counted
    (datetime(2026, 6, 18, 21, 0, tzinfo=UTC), date(2026, 6, 19), None, date(2026, 6, 30)),
    # the spring daylight-saving night, Saturday 28.3.2026 before and Sunday 29.3. after
    # midnight; Easter inside, no eve
    (datetime(2026, 3, 28, 21, 59, tzinfo=UTC), date(2026, 3, 28), None, date(2026, 4, 9)),
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29), None, date(2026, 4, 9)),
    # the autumn daylight-saving night, Saturday 24.10.2026 at 23:59 summer time
    (datetime(2026, 10, 24, 20, 59, tzinfo=UTC), date(2026, 10, 24), None, date(2026, 11, 3)),
    # 21:59 UTC on Tuesday 23.12.2025 is 23:59 in Helsinki (winter time): Christmas Eve is the
    # first day of the window, and Epiphany (Tuesday 6.1.2026) is inside
    (datetime(2025, 12, 23, 21, 59, tzinfo=UTC), date(2025, 12, 23), date(2026, 1, 7),
     date(2026, 1, 8)),
    # 23:30 UTC is already Christmas Eve in Helsinki: the opening day, not counted
    (datetime(2025, 12, 23, 23, 30, tzinfo=UTC), date(2025, 12, 24), None, date(2026, 1, 8)),
])
def test_seven_working_day_target_at_the_day_boundaries(received, opened_on, target, due):
    decision = _decision(received)
    assert received.astimezone(HELSINKI).date() == opened_on
    assert (decision.target_on, decision.due_on) == (target, due)


@pytest.mark.parametrize(("today", "with_target", "without_target"), [
    # opened Monday 15.6.2026: target Wednesday 24.6. (Midsummer Eve counted), due Thursday 25.6.
    (date(2026, 6, 18), "on_time", "on_time"),
    (date(2026, 6, 22), "due_soon", "on_time"),  # two working days to the target, three to due
    (date(2026, 6, 25), "due_soon", "due_soon"),  # the target passed, the final day is today
    (date(2026, 6, 26), "overdue", "overdue"),
])
def test_due_soon_counts_towards_the_seven_working_day_target(today, with_target,
                                                               without_target):
    decision = _decision(datetime(2026, 6, 15, 12, tzinfo=HELSINKI))
    assert deadline_status(decision.due_on, today, None, decision.target_on) == with_target
    assert deadline_status(decision.due_on, today, None) == without_target
