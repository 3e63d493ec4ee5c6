"""Deadlines stored at registration on the awkward days: holidays and their eves, the
daylight-saving night, month ends and THL's worked example. The clock is moved to the moment of
receipt, so the contact is registered "now" exactly as at the front door."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
from django.utils import timezone

from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import Deadline, DeadlineStatus
from luotsi.intake.tests.factories import build_world, contact_input

pytestmark = pytest.mark.django_db

D = dt.date

CASES = {
    # Midsummer Eve (Fri 19.6.2026) and Midsummer Day are not working days; the 7th working day
    # is Tue 30.6.; three months is Sat 19.9. → Mon 21.9.
    "midsummer eve 2026": (dt.datetime(2026, 6, 19, 14, 0, tzinfo=HELSINKI), D(2026, 6, 19), {
        "urgency_assessment": D(2026, 6, 19),
        "investigation_decision": D(2026, 6, 30),
        "assessment_start": D(2026, 6, 30),
        "assessment_completion": D(2026, 9, 21),
    }),
    # Christmas Eve (Wed 24.12.2025), Christmas, Boxing Day, New Year's Day and Epiphany are
    # skipped: the 7th working day is Thu 8.1.2026.
    "christmas eve 2025": (dt.datetime(2025, 12, 24, 9, 15, tzinfo=HELSINKI), D(2025, 12, 24), {
        "urgency_assessment": D(2025, 12, 24),
        "investigation_decision": D(2026, 1, 8),
        "assessment_start": D(2026, 1, 8),
        "assessment_completion": D(2026, 3, 24),
    }),
    # 01:30 UTC on 29.3.2026 is 04:30 summer time in Helsinki (clocks went forward at 03:00):
    # a Sunday. Good Friday and Easter Monday are skipped: the 7th working day is Thu 9.4.
    "daylight-saving night 2026": (dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), D(2026, 3, 29), {
        "urgency_assessment": D(2026, 3, 29),
        "investigation_decision": D(2026, 4, 9),
        "assessment_start": D(2026, 4, 9),
        "assessment_completion": D(2026, 6, 29),
    }),
    # 23:30 UTC on Saturday 28.3.2026 is already Sunday 01:30 in Helsinki (winter time).
    "the hour before daylight saving": (dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
                                        D(2026, 3, 29), {
        "urgency_assessment": D(2026, 3, 29),
        "investigation_decision": D(2026, 4, 9),
        "assessment_start": D(2026, 4, 9),
        "assessment_completion": D(2026, 6, 29),
    }),
    # Month end: 30.11.2025 + 3 months = 30.2. which does not exist → Sat 28.2.2026 → Mon 2.3.
    # Independence Day (Sat 6.12.) is no working day anyway.
    "month end 30.11.2025": (dt.datetime(2025, 11, 30, 12, 0, tzinfo=HELSINKI), D(2025, 11, 30), {
        "urgency_assessment": D(2025, 11, 30),
        "investigation_decision": D(2025, 12, 9),
        "assessment_start": D(2025, 12, 9),
        "assessment_completion": D(2026, 3, 2),
    }),
    # THL's worked example: a contact on a Tuesday is due on the Thursday of the following week.
    "THL example (Tuesday)": (dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI), D(2026, 2, 3), {
        "urgency_assessment": D(2026, 2, 3),
        "investigation_decision": D(2026, 2, 12),
        "assessment_start": D(2026, 2, 12),
        "assessment_completion": D(2026, 5, 4),
    }),
    # Leap year: 30.11.2027 + 3 months = 29.2.2028, a Tuesday.
    "month end into a leap February": (dt.datetime(2027, 11, 30, 10, 0, tzinfo=HELSINKI),
                                       D(2027, 11, 30), {
        "urgency_assessment": D(2027, 11, 30),
        "investigation_decision": D(2027, 12, 10),
        "assessment_start": D(2027, 12, 10),
        "assessment_completion": D(2028, 2, 29),
    }),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_registration_stores_the_statutory_deadlines(time_machine, case):
    received, opened_on, expected = CASES[case]
    time_machine.move_to(received, tick=False)
    world = build_world()

    contact = services.contact_register(
        actor=world.iris, data=contact_input(child=world.child, received_at=timezone.now()))

    assert contact.opened_on == opened_on
    stored = {d.code: d for d in Deadline.objects.filter(contact=contact)}
    assert {code: d.due_on for code, d in stored.items()} == expected
    assert all(d.basis for d in stored.values())
    # On the day of receipt only the immediate urgency assessment is due soon.
    assert stored["urgency_assessment"].status == DeadlineStatus.DUE_SOON
    assert {d.status for code, d in stored.items() if code != "urgency_assessment"} == {
        DeadlineStatus.ON_TIME}


def test_thl_example_due_on_thursday_of_the_following_week(time_machine):
    tuesday = dt.datetime(2026, 9, 8, 16, 45, tzinfo=HELSINKI)
    time_machine.move_to(tuesday, tick=False)
    world = build_world()

    contact = services.contact_register(
        actor=world.iris, data=contact_input(child=world.child, received_at=timezone.now()))

    due = Deadline.objects.get(contact=contact, code="investigation_decision").due_on
    assert tuesday.weekday() == 1 and due.weekday() == 3
    assert (due - tuesday.date()).days == 9


def test_a_contact_registered_later_keeps_the_day_it_was_received(time_machine):
    """Registering on Monday a notification received on Midsummer Eve: the clock runs from the
    day of receipt, and the urgency assessment is already overdue."""
    time_machine.move_to(dt.datetime(2026, 6, 22, 8, 0, tzinfo=HELSINKI), tick=False)
    world = build_world()

    contact = services.contact_register(actor=world.iris, data=contact_input(
        child=world.child, received_at=dt.datetime(2026, 6, 19, 21, 50, tzinfo=HELSINKI)))

    assert contact.opened_on == D(2026, 6, 19)
    urgency = Deadline.objects.get(contact=contact, code="urgency_assessment")
    assert (urgency.due_on, urgency.status) == (D(2026, 6, 19), DeadlineStatus.OVERDUE)
    assert Deadline.objects.get(contact=contact, code="investigation_decision").due_on \
        == D(2026, 6, 30)
