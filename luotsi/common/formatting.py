"""How Luotsi shows dates and times to people: one format per language.

Finnish ``5.12.2026 klo 14.00``, Swedish ``5.12.2026 kl. 14.00``, English ``5 Dec 2026 14:00``.
Every page, form choice, message, CSV and PDF formats its dates through these functions (in
templates through the filters ``luotsi_date``, ``luotsi_datetime``, ``luotsi_time`` and
``luotsi_month``); Django's own locale formats (``config/formats``) are set from the same
strings, so an unfiltered ``{{ value }}`` and the admin agree. Values for machines (JSON, FHIR,
``<input type="date">``, the research file) stay ISO 8601 and do not come here.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.utils import dateformat, timezone, translation

# Django date-format strings (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date).
DATE_FORMATS = {"fi": "j.n.Y", "sv": "j.n.Y", "en": "j M Y"}
TIME_FORMATS = {"fi": "G.i", "sv": "G.i", "en": "H:i"}
TIME_SECONDS_FORMATS = {"fi": "G.i.s", "sv": "G.i.s", "en": "H:i:s"}
DATETIME_FORMATS = {"fi": r"j.n.Y \k\l\o G.i", "sv": r"j.n.Y \k\l. G.i", "en": "j M Y H:i"}
DATETIME_SECONDS_FORMATS = {"fi": r"j.n.Y \k\l\o G.i.s", "sv": r"j.n.Y \k\l. G.i.s",
                            "en": "j M Y H:i:s"}
MONTH_FORMATS = {"fi": "F Y", "sv": "F Y", "en": "F Y"}


def language_of(language: str | None = None) -> str:
    """The language whose format is used: the one given, else the active one, else Finnish."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in DATE_FORMATS else "fi"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _format(value, formats: dict[str, str], language: str | None) -> str:
    code = language_of(language)
    if language and code != language_of():
        with translation.override(code):
            return dateformat.format(value, formats[code])
    return dateformat.format(value, formats[code])


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    """``5.12.2026`` (fi, sv), ``5 Dec 2026`` (en); a datetime is shown as its local day;
    ``""`` for no value."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _format(value, DATE_FORMATS, language)


def format_datetime(value: datetime | None, language: str | None = None, *,
                    seconds: bool = False) -> str:
    """``5.12.2026 klo 14.00`` (fi), ``5.12.2026 kl. 14.00`` (sv), ``5 Dec 2026 14:00`` (en),
    in local time; ``seconds`` adds the seconds (the access log). A plain date is shown as a
    date; ``""`` for no value."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return format_date(value, language)
    formats = DATETIME_SECONDS_FORMATS if seconds else DATETIME_FORMATS
    return _format(_local(value), formats, language)


def format_time(value: time | datetime | None, language: str | None = None) -> str:
    """``14.00`` (fi, sv), ``14:00`` (en); ``""`` for no value."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return _format(value, TIME_FORMATS, language)


def format_month(value: date | datetime | None, language: str | None = None) -> str:
    """A month as its name and year: ``joulukuu 2026``, ``december 2026``, ``December 2026``."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _format(value, MONTH_FORMATS, language)


# What people may type into a date, time or datetime field (Django's locale input formats,
# ``config/formats``): ISO first (what ``<input type="date">`` and ``type="time"`` send and are
# given), then the day-first forms; never the US month-first ones.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M", "%H.%M.%S"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                          "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%d.%m.%Y"]
