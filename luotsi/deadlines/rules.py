"""Statutory deadline rules ("clocks") per kind of incoming case.

The rules are data: each kind of case maps to the clocks that start when the
case is opened. Legal bases and the confidence of each rule are listed in
``docs/deadlines.md``. Pure Python, no database access.

Rule syntax of :class:`Clock`:

* ``"immediately"``: due on the opening day itself (LSL 26 § 2 mom.,
  SHL 36 § 1 mom.);
* ``"working_days:N"``: the N-th working day after the opening day
  (150/1930 § 2; THL's counting of LSL 26 § 5 mom. and SHL 36 §);
* ``"months:N"``: N months after the opening day (150/1930 § 3), moved to the
  next working day if needed (150/1930 § 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.utils.translation import gettext, gettext_noop

from luotsi.deadlines.calendar import (
    add_months,
    months_deadline,
    nth_working_day_after,
    nth_working_day_after_counting_eves,
    opening_day,
    working_days_between,
)

IMMEDIATELY = "immediately"
WORKING_DAYS = "working_days"
MONTHS = "months"

#: A deadline this many working days away or closer (and not passed) is "due soon".
DUE_SOON_WORKING_DAYS = 2


_RULE_RE = re.compile(rf"(?P<unit>{WORKING_DAYS}|{MONTHS}):(?P<count>[1-9][0-9]*)")


def _parse_rule(rule: str) -> tuple[str, int]:
    """Split a rule string into its unit and count; raise ``ValueError`` if invalid."""
    if rule == IMMEDIATELY:
        return IMMEDIATELY, 0
    match = _RULE_RE.fullmatch(rule)
    if match:
        return match["unit"], int(match["count"])
    raise ValueError(
        f"Invalid deadline rule {rule!r}; expected 'immediately', "
        "'working_days:N' or 'months:N' with N >= 1"
    )


@dataclass(frozen=True)
class Clock:
    """One statutory clock: what must be done (``code``), by when (``rule``), and why (``basis``)."""

    code: str
    rule: str
    basis: str  # a citation, marked for translation: shown through ``gettext``

    def __post_init__(self) -> None:
        _parse_rule(self.rule)

    def due_on(self, opened_on: date) -> date:
        """Return the final day of this clock for a case opened on ``opened_on``."""
        unit, count = _parse_rule(self.rule)
        if unit == WORKING_DAYS:
            return nth_working_day_after(opened_on, count)
        if unit == MONTHS:
            return months_deadline(opened_on, count)
        return opened_on

    def target_on(self, opened_on: date) -> date | None:
        """The team's internal target, where it is earlier than the legal final day; otherwise
        ``None``. For a month period, the unmoved final day (150/1930 § 3) when § 5 moved the
        legal final day to the next working day; for a working-day period, the N-th working day
        counting Midsummer Eve and Christmas Eve as working days (the stricter reading,
        domain specification § 2.3) when an eve falls inside the window."""
        unit, count = _parse_rule(self.rule)
        if unit == MONTHS:
            target = add_months(opened_on, count)
        elif unit == WORKING_DAYS:
            target = nth_working_day_after_counting_eves(opened_on, count)
        else:
            return None
        return target if target != self.due_on(opened_on) else None


@dataclass(frozen=True)
class ComputedDeadline:
    """A clock applied to one case: the date by which ``code`` must be done."""

    code: str
    due_on: date
    basis: str
    #: The team's internal target when it is earlier than ``due_on`` (``Clock.target_on``: the
    #: unmoved final day of a month period, or the N-th working day counting the eves); ``None``
    #: otherwise.
    target_on: date | None = None

    @property
    def basis_label(self) -> str:
        """The legal basis in the active language (``basis`` is the msgid of its citation)."""
        return gettext(self.basis)


_URGENCY_SHL = Clock("urgency_assessment", IMMEDIATELY, gettext_noop("SHL 36 § 1 mom."))

KINDS: dict[str, tuple[Clock, ...]] = {
    # LSL 26 §: child-welfare notification, application or other information.
    "child_welfare_notification": (
        Clock("urgency_assessment", IMMEDIATELY, gettext_noop("LSL 26 § 2 mom.")),
        Clock("investigation_decision", "working_days:7", gettext_noop("LSL 26 § 5 mom.")),
        Clock("assessment_start", "working_days:7", gettext_noop("LSL 26 § 5 mom.; SHL 36 §")),
        Clock(
            "assessment_completion",
            "months:3",
            gettext_noop("LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5"),
        ),
    ),
    # SHL 36 §: service-need assessment of a child needing special support (SHL 3 §).
    "shl_special_support_child": (
        _URGENCY_SHL,
        Clock("assessment_start", "working_days:7", gettext_noop("SHL 36 § 3 mom.")),
        Clock(
            "assessment_completion",
            "months:3",
            gettext_noop("SHL 36 § 4 mom.; Act 150/1930 § 3 and § 5"),
        ),
    ),
    # SHL 36 §: adult aged 75 or over, or receiving the highest rate of care allowance.
    "shl_priority_adult": (
        _URGENCY_SHL,
        Clock("assessment_start", "working_days:7", gettext_noop("SHL 36 § 3 mom.")),
    ),
    # SHL 35 § contact or notification; the assessment itself has no fixed date.
    "shl_contact": (_URGENCY_SHL,),
    # LSL 25 c § pre-birth notification; no statutory deadline found beyond urgency.
    "pre_birth_notification": (
        Clock("urgency_assessment", IMMEDIATELY, gettext_noop("LSL 26 § 2 mom.; LSL 25 c §")),
    ),
}


#: The clock a kind of contact always carries (keys: the contact kinds of ``luotsi.intake``;
#: values: keys of :data:`KINDS`). Any other kind carries :data:`BASE_CLOCK`. A worker may
#: choose a stricter clock (:func:`weakened_obligations`), never a weaker one.
REQUIRED_CLOCK: dict[str, str] = {
    # LSL 25 § and 26 §: urgency, the 7-working-day decision and start, the 3-month completion.
    "child_welfare_notification": "child_welfare_notification",
    # LSL 25 c §: the pre-birth notification's own clock.
    "pre_birth_notification": "pre_birth_notification",
    # SHL 35 § notification about a child who may need special support: SHL 36 § clocks.
    "shl_special_support_notification": "shl_special_support_child",
}
#: SHL 36 § 1 mom.: every contact's urgent need is assessed at once.
BASE_CLOCK = "shl_contact"


def required_clock(contact_kind: str) -> str:
    """The statutory clock a contact of ``contact_kind`` cannot go without."""
    return REQUIRED_CLOCK.get(contact_kind, BASE_CLOCK)


def weakened_obligations(required: str, chosen: str, opened_on: date) -> list[str]:
    """The obligations of the ``required`` clock that ``chosen`` drops or makes due later, for a
    case opened on ``opened_on`` (empty: ``chosen`` keeps every one of them, each as early)."""
    chosen_due = {c.code: c.due_on(opened_on) for c in KINDS[chosen]}
    return [c.code for c in KINDS[required]
            if c.code not in chosen_due or chosen_due[c.code] > c.due_on(opened_on)]


def clock_allowed(required: str, chosen: str, opened_on: date) -> bool:
    """Whether a case that must carry ``required`` may carry ``chosen`` instead: the same clock,
    or a stricter one that keeps every required obligation (none later) and adds an obligation
    or brings one earlier. A clock that only restates the required obligations under another
    legal basis would replace it, and is not allowed."""
    if chosen == required:
        return True
    if weakened_obligations(required, chosen, opened_on):
        return False
    required_due = {c.code: c.due_on(opened_on) for c in KINDS[required]}
    return any(c.code not in required_due or c.due_on(opened_on) < required_due[c.code]
               for c in KINDS[chosen])


def compute_deadlines(kind: str, received: datetime) -> list[ComputedDeadline]:
    """Return the statutory deadlines of a case of ``kind`` received at ``received``.

    ``received`` must be timezone-aware; the opening day is its Helsinki date and
    is not counted in working-day and month periods (150/1930 § 2 and § 3).
    Raises ``ValueError`` for an unknown kind or a naive datetime.
    """
    clocks = KINDS.get(kind)
    if clocks is None:
        known = ", ".join(sorted(KINDS))
        raise ValueError(f"Unknown deadline kind {kind!r}; known kinds: {known}")
    opened_on = opening_day(received)
    return [ComputedDeadline(c.code, c.due_on(opened_on), c.basis, c.target_on(opened_on))
            for c in clocks]


class DeadlineStatus(StrEnum):
    """Status of one deadline on a given day; the values are plain strings."""

    MET = "met"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"


def deadline_status(due_on: date, today: date, met_on: date | None,
                    target_on: date | None = None) -> DeadlineStatus:
    """Return the status of a deadline due on ``due_on`` as seen on ``today``.

    * ``met``: the obligation was fulfilled (``met_on`` is set), even late;
    * ``overdue``: not met and ``today`` is after the final day;
    * ``due_soon``: not met and the final day is today or at most
      :data:`DUE_SOON_WORKING_DAYS` working days away;
    * ``on_time``: otherwise.

    The final day itself is still in time (150/1930: the act may be done on the
    final day). With the team's internal ``target_on`` (earlier than ``due_on``), "due soon" is
    counted towards the target, and a passed target is "due soon" until the final day.
    """
    if met_on is not None:
        return DeadlineStatus.MET
    if today > due_on:
        return DeadlineStatus.OVERDUE
    warn_on = min(due_on, target_on) if target_on else due_on
    if working_days_between(today, warn_on) <= DUE_SOON_WORKING_DAYS:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TIME


def working_days_late(due_on: date, met_on: date | None) -> int | None:
    """How many working days after its final day a deadline was met: ``None`` when it is not
    met, ``0`` when it was met on or before the final day.

    Counted as :func:`working_days_between` (the working days after ``due_on`` up to and
    including ``met_on``), and at least 1 for any later day: a deadline due on Friday and met on
    Saturday was met late although no working day had passed."""
    if met_on is None:
        return None
    if met_on <= due_on:
        return 0
    return max(1, working_days_between(due_on, met_on))
