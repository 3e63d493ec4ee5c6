"""What Django's locale formats modules for 'fi', 'sv' and 'en' hold: the formats of
``luotsi.common.formatting``, so an unfiltered ``{{ value }}``, the admin and the date widgets
agree with Luotsi's own pages. Each ``<language>/formats.py`` takes its names from here."""

from luotsi.common.formatting import (
    DATE_FORMATS,
    DATE_INPUT_FORMATS,
    DATETIME_FORMATS,
    DATETIME_INPUT_FORMATS,
    MONTH_FORMATS,
    TIME_FORMATS,
    TIME_INPUT_FORMATS,
)


def locale_formats(language: str) -> dict[str, object]:
    """The module-level names Django reads from a locale's formats module, for ``language``."""
    return {
        "DATE_FORMAT": DATE_FORMATS[language],
        "SHORT_DATE_FORMAT": DATE_FORMATS[language],
        "DATETIME_FORMAT": DATETIME_FORMATS[language],
        "SHORT_DATETIME_FORMAT": DATETIME_FORMATS[language],
        "TIME_FORMAT": TIME_FORMATS[language],
        "YEAR_MONTH_FORMAT": MONTH_FORMATS[language],
        "FIRST_DAY_OF_WEEK": 1,  # Monday
        "DATE_INPUT_FORMATS": DATE_INPUT_FORMATS,
        "TIME_INPUT_FORMATS": TIME_INPUT_FORMATS,
        "DATETIME_INPUT_FORMATS": DATETIME_INPUT_FORMATS,
    }
