"""A raw row of an events file as a clean event tuple, or the reason it is refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from luotsi.common import validation
from luotsi.people import hetu
from luotsi.usage.importing.readers import COLUMNS
from luotsi.usage.models import EventSector

SECTORS = frozenset(EventSector.values)
MAX_LENGTHS = {"service_code": 50, "organisation": 200, "kind": 40}
MAX_OTHER_LENGTH = 100  # the identity code, the sector and the date
EARLIEST = validation.EARLIEST_DATE


class RowValidator:
    """Turns raw fields into a clean event tuple or a reason; caches parsed codes and dates."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.hetus: dict[str, str | None] = {}  # raw → normalised code, or None when invalid
        self.hetu_errors: dict[str, str] = {}
        self.dates: dict[str, date | str] = {}
        # One object for each repeated text (sector, service code, organisation, kind): a batch
        # held in memory is then mostly the tuples and the codes.
        self.texts: dict[str, str] = {}

    def _hetu(self, raw: str) -> str | None:
        if raw in self.hetus:
            return self.hetus[raw]
        try:
            value = hetu.parse(raw).value
        except hetu.HetuError as error:
            value = None
            self.hetu_errors[raw] = str(error.message)
        if len(self.hetus) > 500_000:
            self.hetus.clear()
        self.hetus[raw] = value
        return value

    def _date(self, raw: str) -> date | str:
        cached = self.dates.get(raw)
        if cached is not None:
            return cached
        text = raw[:10] if len(raw) > 10 and raw[10] in "T " else raw  # a timestamp's date
        value: date | str
        try:
            day = date.fromisoformat(text)
        except ValueError:
            value = _("the event date “%(value)s” is not a date (use YYYY-MM-DD)") % {
                "value": raw}
        else:
            if day > self.today:
                value = _("the event date %(value)s is in the future") % {"value": raw}
            elif day < EARLIEST:
                value = _("the event date %(value)s is before 1900") % {"value": raw}
            else:
                value = day
        if len(self.dates) < 100_000:
            self.dates[raw] = value
        return value

    def clean(self, raw: Sequence | str) -> tuple | str:  # noqa: C901 -- per-row hot path, flat for speed
        """The event as (hetu, sector, service code, organisation, date, kind), or a reason."""
        if isinstance(raw, str):  # the reader could not read the row: its reason
            return raw
        fields = [(value if type(value) is str else _text(value)).strip() for value in raw]
        if len(fields) != len(COLUMNS) or not all(fields):
            for name, value in zip(COLUMNS, [*fields, *[""] * len(COLUMNS)], strict=False):
                if not value:
                    return _("missing %(field)s") % {"field": name}
        joined = "".join(fields)
        if len(joined) > MAX_OTHER_LENGTH or _SUSPECT.search(joined):  # rare: find the field
            for name, value in zip(COLUMNS, fields, strict=True):
                problem = _text_problem(value, MAX_LENGTHS.get(name, MAX_OTHER_LENGTH))
                if problem:
                    return _("%(field)s: %(problem)s") % {"field": name, "problem": problem}
        raw_hetu, raw_sector, service_code, organisation, raw_date, kind = fields
        if len(service_code) > 50 or len(organisation) > 200 or len(kind) > 40:
            for name, value in zip(COLUMNS, fields, strict=True):
                limit = MAX_LENGTHS.get(name)
                if limit and len(value) > limit:
                    return _("%(field)s is longer than %(limit)s characters") % {
                        "field": name, "limit": limit}
        code = self.hetus.get(raw_hetu, False)
        if code is False:
            code = self._hetu(raw_hetu)
        if code is None:
            return _("invalid hetu: %(reason)s") % {"reason": self.hetu_errors[raw_hetu]}
        sector = raw_sector if raw_sector in SECTORS else raw_sector.lower()
        if sector not in SECTORS:
            return _("unknown sector “%(value)s” (use %(sectors)s)") % {
                "value": raw_sector, "sectors": ", ".join(EventSector.values)}
        event_date = self.dates.get(raw_date) or self._date(raw_date)
        if type(event_date) is str:
            return event_date
        texts = self.texts
        if len(texts) > 100_000:
            texts.clear()
        kind = kind.lower()
        return (code, texts.setdefault(sector, sector),
                texts.setdefault(service_code, service_code),
                texts.setdefault(organisation, organisation), event_date,
                texts.setdefault(kind, kind))


# Control characters other than tab and line breaks, and lone surrogates: a quick test before
# the shared check (``luotsi.common.validation``) names the problem.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _text_problem(value: str, limit: int) -> str | None:
    """Why a field cannot be stored (control characters, over-long), or ``None``. Tabs and line
    breaks are kept: they are a part of some organisations' names in the source systems."""
    if len(value) <= limit and not _SUSPECT.search(value):
        return None
    return validation.text_problem(value, multiline=True, max_length=limit)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
