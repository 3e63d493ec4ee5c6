"""Tests for ``manage.py deadlines``.

These need configured Django settings with ``luotsi.intake`` installed, but
no database: the command only does date arithmetic, and pytest-django blocks
database access in tests without the ``django_db`` mark. They are skipped when
Django is not set up (e.g. ``pytest -p no:django``).
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.skipif(
    not apps.ready, reason="needs Django settings (run with pytest-django)"
)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("deadlines", *args, stdout=out)
    return out.getvalue()


def test_json_output() -> None:
    out = _run(
        "--kind", "child_welfare_notification", "--received", "2025-06-17T10:00+03:00", "--json"
    )
    assert json.loads(out) == {
        "kind": "child_welfare_notification",
        "opened_on": "2025-06-17",
        "deadlines": [
            {"code": "urgency_assessment", "due_on": "2025-06-17", "basis": "LSL 26 § 2 mom."},
            # Midsummer Eve (20.6.) inside the window: the team's target counts it.
            {"code": "investigation_decision", "due_on": "2025-06-27", "target_on": "2025-06-26",
             "basis": "LSL 26 § 5 mom."},
            {
                "code": "assessment_start",
                "due_on": "2025-06-27",
                "target_on": "2025-06-26",
                "basis": "LSL 26 § 5 mom.; SHL 36 §",
            },
            {
                "code": "assessment_completion",
                "due_on": "2025-09-17",
                "basis": "LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5",
            },
        ],
    }


@pytest.mark.parametrize(
    ("received", "opened_on"),
    [
        pytest.param("2025-06-16T23:30:00Z", "2025-06-17", id="utc-late-evening"),
        pytest.param("2025-06-17T00:30", "2025-06-17", id="no-offset-is-helsinki-summer"),
        pytest.param("2025-12-19T23:59", "2025-12-19", id="no-offset-is-helsinki-winter"),
        pytest.param("2025-06-17", "2025-06-17", id="date-only-is-helsinki-midnight"),
    ],
)
def test_opened_on(received: str, opened_on: str) -> None:
    out = _run("--kind", "shl_contact", "--received", received, "--json")
    assert json.loads(out)["opened_on"] == opened_on


def test_table_output() -> None:
    out = _run("--kind", "shl_special_support_child", "--received", "2025-11-30T12:00+02:00")
    assert "Opened on: 2025-11-30 Sun (not counted)" in out
    assert "assessment_start" in out
    assert "2025-12-09 Tue" in out
    assert "2026-03-02 Mon" in out
    assert "SHL 36 § 4 mom.; Act 150/1930 § 3 and § 5" in out


def test_unknown_kind_is_a_command_error() -> None:
    with pytest.raises(
        CommandError, match=r"Unknown kind 'elderly'\. Known kinds: child_welfare_notification"
    ):
        _run("--kind", "elderly", "--received", "2025-06-17T10:00+03:00")


@pytest.mark.parametrize(
    "received",
    [
        pytest.param("yesterday", id="word"),
        pytest.param("17.6.2025", id="finnish-format"),
        pytest.param("2025-02-30T10:00", id="no-such-date"),
    ],
)
def test_invalid_received_is_a_command_error(received: str) -> None:
    with pytest.raises(CommandError, match="not an ISO 8601 date-time"):
        _run("--kind", "shl_contact", "--received", received)
