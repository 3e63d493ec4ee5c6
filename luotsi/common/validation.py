"""The checks every value entering Luotsi passes, in one place.

Forms (``luotsi.common.forms.Form``), the API's input schemas (``luotsi.api.schemas``) and the
importers (service-usage events, FHIR) call these; a page or service never repeats them.

- **Dates and times** lie between ``EARLIEST_DATE`` (1 January 1900) and the horizon,
  ``HORIZON_YEARS`` (5) years from today. A date outside that range is a typing or integration
  error in social-services work (no client was born before 1900, no plan is made for 2040), and
  such a value breaks date arithmetic later (a duplicate check three days before 1 January 0001).
  Where the domain says a time cannot be in the future (a contact's received time, an imported
  event, a done step, a rating) the service or importer refuses that too, as a rule of its own.
- **Text** holds no control characters: C0 controls (except tab, line feed and carriage return in
  multi-line text), DEL and lone surrogates (which cannot be stored as UTF-8, and NUL cannot be
  stored on PostgreSQL at all). Every text has a length bound: its own, or
  ``MAX_LINE_LENGTH`` for a single line and ``MAX_TEXT_LENGTH`` for multi-line text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Choices
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.common.formatting import format_date

EARLIEST_DATE = date(1900, 1, 1)
HORIZON_YEARS = 5
# Bounds of a text without its own bound: one line (a name, a code), and free text.
MAX_LINE_LENGTH = 1000
MAX_TEXT_LENGTH = 50000

_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def latest_date(today: date | None = None) -> date:
    """The horizon: the same day ``HORIZON_YEARS`` years from today (28 February for a
    29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def date_problem(value: date | datetime | None) -> str | None:
    """Why ``value`` is outside the accepted range, or ``None`` when it is inside (or empty)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            try:
                value = timezone.localtime(value)
            except (OverflowError, ValueError):
                # Within a day of year 1 or 9999: surely out of range either way.
                value = value.replace(tzinfo=None)
        value = value.date()
    if value < EARLIEST_DATE:
        return _("The date cannot be before %(earliest)s.") % {
            "earliest": format_date(EARLIEST_DATE)}
    latest = latest_date()
    if value > latest:
        return _("The date cannot be after %(latest)s (%(years)s years from today).") % {
            "latest": format_date(latest), "years": HORIZON_YEARS}
    return None


def text_problem(value: str, *, multiline: bool = False,
                 max_length: int | None = None) -> str | None:
    """Why the text ``value`` cannot be stored, or ``None`` when it can."""
    if not isinstance(value, str):
        return None
    limit = max_length or (MAX_TEXT_LENGTH if multiline else MAX_LINE_LENGTH)
    if len(value) > limit:
        return _("The text is too long: at most %(limit)s characters (it has %(length)s).") % {
            "limit": limit, "length": len(value)}
    if (_CONTROL_MULTILINE if multiline else _CONTROL_LINE).search(value):
        if multiline:
            return _("The text contains control characters or invalid characters; remove "
                     "them.")
        return _("The text contains line breaks, control characters or invalid characters; "
                 "write it on one line without them.")
    return None


def check_date(value, field: str | None = None):
    """Raise ``ValidationError`` (keyed by ``field`` when given) unless ``value`` is in range;
    returns ``value``."""
    problem = date_problem(value)
    if problem:
        raise ValidationError({field: [problem]} if field else problem, code="date_range")
    return value


def check_text(value, field: str | None = None, *, multiline: bool = False,
               max_length: int | None = None):
    """Raise ``ValidationError`` (keyed by ``field`` when given) unless ``value`` can be stored;
    returns ``value``."""
    problem = text_problem(value, multiline=multiline, max_length=max_length)
    if problem:
        raise ValidationError({field: [problem]} if field else problem, code="text")
    return value


def shifted(value, delta: timedelta):
    """``value + delta`` (a date or a datetime), held at the smallest or largest value instead of
    overflowing (for arithmetic on values stored before the range check existed)."""
    try:
        return value + delta
    except OverflowError:
        if not isinstance(value, datetime):
            return date.min if delta < timedelta(0) else date.max
        low = datetime.min if delta < timedelta(0) else datetime.max
        return low.replace(tzinfo=UTC) if timezone.is_aware(value) else low


class DateRangeValidator:
    """A form field validator: the date or datetime is between 1900 and the horizon."""

    code = "date_range"

    def __call__(self, value):
        problem = date_problem(value)
        if problem:
            raise ValidationError(problem, code=self.code)

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator)


class TextValidator:
    """A form field validator: no control characters (line breaks only in multi-line text)."""

    code = "text"

    def __init__(self, *, multiline: bool):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        pattern = _CONTROL_MULTILINE if self.multiline else _CONTROL_LINE
        if pattern.search(value):
            raise ValidationError(text_problem(value, multiline=self.multiline,
                                               max_length=len(value)), code=self.code)

    def __eq__(self, other):
        return isinstance(other, TextValidator) and other.multiline == self.multiline


def unknown_codes(data, checks: Iterable[tuple[str, type[Choices], str]]) -> dict[str, list[str]]:
    """For each ``(field, code list, message)`` of ``checks`` whose value on ``data`` is not one
    of the code list's codes, ``message`` under the field's name (in the order of ``checks``)."""
    return {name: [message] for name, codes, message in checks
            if getattr(data, name) not in codes.values}
