"""Tests for the statutory clocks (LSL 26 §, SHL 36 §) and deadline status."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime

import pytest

from luotsi.deadlines.calendar import HELSINKI
from luotsi.deadlines.rules import (
    KINDS,
    Clock,
    ComputedDeadline,
    DeadlineStatus,
    compute_deadlines,
    deadline_status,
    working_days_late,
)


def _helsinki(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=HELSINKI)


# --- the rule table ---------------------------------------------------------


def test_kinds_and_clock_codes() -> None:
    assert {kind: [c.code for c in clocks] for kind, clocks in KINDS.items()} == {
        "child_welfare_notification": [
            "urgency_assessment",
            "investigation_decision",
            "assessment_start",
            "assessment_completion",
        ],
        "shl_special_support_child": [
            "urgency_assessment",
            "assessment_start",
            "assessment_completion",
        ],
        "shl_priority_adult": ["urgency_assessment", "assessment_start"],
        "shl_contact": ["urgency_assessment"],
        "pre_birth_notification": ["urgency_assessment"],
    }


EXPECTED_CLOCKS = [
    ("child_welfare_notification", "urgency_assessment", "immediately", "LSL 26 § 2 mom."),
    ("child_welfare_notification", "investigation_decision", "working_days:7", "LSL 26 § 5 mom."),
    (
        "child_welfare_notification",
        "assessment_start",
        "working_days:7",
        "LSL 26 § 5 mom.; SHL 36 §",
    ),
    (
        "child_welfare_notification",
        "assessment_completion",
        "months:3",
        "LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5",
    ),
    ("shl_special_support_child", "urgency_assessment", "immediately", "SHL 36 § 1 mom."),
    ("shl_special_support_child", "assessment_start", "working_days:7", "SHL 36 § 3 mom."),
    (
        "shl_special_support_child",
        "assessment_completion",
        "months:3",
        "SHL 36 § 4 mom.; Act 150/1930 § 3 and § 5",
    ),
    ("shl_priority_adult", "urgency_assessment", "immediately", "SHL 36 § 1 mom."),
    ("shl_priority_adult", "assessment_start", "working_days:7", "SHL 36 § 3 mom."),
    ("shl_contact", "urgency_assessment", "immediately", "SHL 36 § 1 mom."),
    (
        "pre_birth_notification",
        "urgency_assessment",
        "immediately",
        "LSL 26 § 2 mom.; LSL 25 c §",
    ),
]


@pytest.mark.parametrize(
    ("kind", "code", "rule", "basis"),
    [pytest.param(*row, id=f"{row[0]}.{row[1]}") for row in EXPECTED_CLOCKS],
)
def test_clock_rule_and_basis(kind: str, code: str, rule: str, basis: str) -> None:
    clock = next(c for c in KINDS[kind] if c.code == code)
    assert clock == Clock(code, rule, basis)


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param("soon", id="unknown-word"),
        pytest.param("working_days", id="missing-count"),
        pytest.param("working_days:0", id="zero"),
        pytest.param("working_days:-1", id="negative"),
        pytest.param("months:x", id="not-a-number"),
        pytest.param("weeks:2", id="unknown-unit"),
    ],
)
def test_clock_rejects_invalid_rule(rule: str) -> None:
    with pytest.raises(ValueError, match="Invalid deadline rule"):
        Clock("x", rule, "basis")


def test_clock_is_frozen() -> None:
    clock = KINDS["shl_contact"][0]
    with pytest.raises(FrozenInstanceError):
        clock.rule = "months:1"  # type: ignore[misc]


# --- compute_deadlines ------------------------------------------------------


def _due(kind: str, received: datetime) -> dict[str, date]:
    return {d.code: d.due_on for d in compute_deadlines(kind, received)}


def test_child_welfare_notification_over_midsummer_2025() -> None:
    assert compute_deadlines("child_welfare_notification", _helsinki(2025, 6, 17)) == [
        ComputedDeadline("urgency_assessment", date(2025, 6, 17), "LSL 26 § 2 mom."),
        # Midsummer Eve (Fri 20.6.) inside the window: the team's target counts it.
        ComputedDeadline("investigation_decision", date(2025, 6, 27), "LSL 26 § 5 mom.",
                         date(2025, 6, 26)),
        ComputedDeadline("assessment_start", date(2025, 6, 27), "LSL 26 § 5 mom.; SHL 36 §",
                         date(2025, 6, 26)),
        ComputedDeadline(
            "assessment_completion",
            date(2025, 9, 17),
            "LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5",
        ),
    ]


@pytest.mark.parametrize(
    ("kind", "received", "expected"),
    [
        pytest.param(
            "child_welfare_notification",
            _helsinki(2025, 11, 30),
            {
                "urgency_assessment": date(2025, 11, 30),
                "investigation_decision": date(2025, 12, 9),
                "assessment_start": date(2025, 12, 9),
                "assessment_completion": date(2026, 3, 2),
            },
            id="cw-sunday-30.11.2025-no-30-feb",
        ),
        pytest.param(
            "child_welfare_notification",
            _helsinki(2025, 12, 19),
            {
                "urgency_assessment": date(2025, 12, 19),
                "investigation_decision": date(2026, 1, 5),
                "assessment_start": date(2026, 1, 5),
                "assessment_completion": date(2026, 3, 19),
            },
            id="cw-christmas-2025",
        ),
        pytest.param(
            "shl_special_support_child",
            _helsinki(2026, 6, 15),
            {
                "urgency_assessment": date(2026, 6, 15),
                "assessment_start": date(2026, 6, 25),
                "assessment_completion": date(2026, 9, 15),
            },
            id="shl-child-midsummer-2026",
        ),
        pytest.param(
            "shl_special_support_child",
            _helsinki(2027, 11, 30),
            {
                "urgency_assessment": date(2027, 11, 30),
                "assessment_start": date(2027, 12, 10),
                "assessment_completion": date(2028, 2, 29),
            },
            id="shl-child-leap-2028",
        ),
        pytest.param(
            "shl_priority_adult",
            _helsinki(2025, 4, 15),
            {
                "urgency_assessment": date(2025, 4, 15),
                "assessment_start": date(2025, 4, 28),
            },
            id="shl-adult-easter-2025",
        ),
        pytest.param(
            "shl_contact",
            _helsinki(2025, 6, 21),
            {"urgency_assessment": date(2025, 6, 21)},
            id="shl-contact-midsummer-day-immediately",
        ),
        pytest.param(
            "pre_birth_notification",
            _helsinki(2025, 12, 24),
            {"urgency_assessment": date(2025, 12, 24)},
            id="pre-birth-christmas-eve-immediately",
        ),
    ],
)
def test_compute_deadlines(kind: str, received: datetime, expected: dict[str, date]) -> None:
    assert _due(kind, received) == expected


def test_opening_day_is_the_helsinki_date_of_receipt() -> None:
    # 23:30 UTC on Monday 16.6.2025 is Tuesday 17.6.2025 02:30 in Helsinki.
    late = datetime(2025, 6, 16, 23, 30, tzinfo=UTC)
    assert _due("child_welfare_notification", late) == _due(
        "child_welfare_notification", _helsinki(2025, 6, 17)
    )
    assert _due("child_welfare_notification", late)["urgency_assessment"] == date(2025, 6, 17)


@pytest.mark.parametrize(
    ("received", "opened_on", "seventh"),
    [
        pytest.param(
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            date(2026, 3, 29),
            date(2026, 4, 9),
            id="dst-start-sunday-easter-window",
        ),
        pytest.param(
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            date(2026, 10, 25),
            date(2026, 11, 3),
            id="dst-end-sunday",
        ),
    ],
)
def test_receipt_on_dst_night(received: datetime, opened_on: date, seventh: date) -> None:
    due = _due("child_welfare_notification", received)
    assert due["urgency_assessment"] == opened_on
    assert due["assessment_start"] == seventh


def test_unknown_kind_names_kind_and_known_kinds() -> None:
    with pytest.raises(ValueError, match="Unknown deadline kind 'elderly'") as excinfo:
        compute_deadlines("elderly", _helsinki(2025, 6, 17))
    for kind in KINDS:
        assert kind in str(excinfo.value)


def test_naive_received_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        compute_deadlines("shl_contact", datetime(2025, 6, 17, 10, 0))


# --- deadline_status --------------------------------------------------------

WED = date(2025, 6, 11)


@pytest.mark.parametrize(
    ("due_on", "today", "met_on", "expected"),
    [
        pytest.param(WED, WED, None, "due_soon", id="due-today"),
        pytest.param(WED, date(2025, 6, 12), None, "overdue", id="due-yesterday"),
        pytest.param(WED, date(2025, 6, 30), None, "overdue", id="long-overdue"),
        pytest.param(WED, date(2025, 6, 10), None, "due_soon", id="1-working-day-away"),
        pytest.param(WED, date(2025, 6, 9), None, "due_soon", id="2-working-days-away"),
        pytest.param(WED, date(2025, 6, 6), None, "on_time", id="3-working-days-away"),
        pytest.param(WED, date(2025, 6, 9), date(2025, 6, 9), "met", id="met-early"),
        pytest.param(WED, date(2025, 6, 30), date(2025, 6, 20), "met", id="met-late-wins"),
        pytest.param(WED, WED, WED, "met", id="met-on-due-day"),
        # Weekend between today and the final day: only working days count.
        pytest.param(
            date(2025, 6, 10), date(2025, 6, 6), None, "due_soon", id="fri-to-tue-over-weekend"
        ),
        pytest.param(
            date(2025, 6, 10), date(2025, 6, 5), None, "on_time", id="thu-to-tue-over-weekend"
        ),
        pytest.param(date(2025, 6, 9), date(2025, 6, 7), None, "due_soon", id="saturday-to-monday"),
        # Midsummer Eve is not a working day: Thu 19.6. -> Tue 24.6. is 2 working days.
        pytest.param(date(2025, 6, 24), date(2025, 6, 19), None, "due_soon", id="over-midsummer"),
        pytest.param(
            date(2025, 6, 25), date(2025, 6, 19), None, "on_time", id="over-midsummer-3-days"
        ),
    ],
)
def test_deadline_status(due_on: date, today: date, met_on: date | None, expected: str) -> None:
    status = deadline_status(due_on, today, met_on)
    assert status == expected
    assert isinstance(status, str)


def test_status_values_are_plain_strings() -> None:
    assert [s.value for s in DeadlineStatus] == ["met", "overdue", "due_soon", "on_time"]


@pytest.mark.parametrize(("due_on", "met_on", "late"), [
    (date(2026, 12, 4), None, None),  # not met
    (date(2026, 12, 4), date(2026, 12, 3), 0),  # early
    (date(2026, 12, 4), date(2026, 12, 4), 0),  # on the final day
    (date(2026, 12, 4), date(2026, 12, 5), 1),  # Friday's deadline met on Saturday
    (date(2026, 12, 4), date(2026, 12, 8), 2),  # met on Tuesday: Monday and Tuesday
    (date(2026, 12, 23), date(2026, 12, 28), 1),  # Christmas Eve to Sunday are not working days
])
def test_working_days_late(due_on, met_on, late):
    assert working_days_late(due_on, met_on) == late
