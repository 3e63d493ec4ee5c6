"""Django's locale formats for 'sv': the ones of ``luotsi.common.formatting``, so an unfiltered
``{{ value }}``, the admin and the date widgets agree with Luotsi's own pages."""

from luotsi.common.formatting import (
    DATE_FORMATS,
    DATE_INPUT_FORMATS,
    DATETIME_FORMATS,
    DATETIME_INPUT_FORMATS,
    MONTH_FORMATS,
    TIME_FORMATS,
    TIME_INPUT_FORMATS,
)

DATE_FORMAT = SHORT_DATE_FORMAT = DATE_FORMATS["sv"]
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = DATETIME_FORMATS["sv"]
TIME_FORMAT = TIME_FORMATS["sv"]
YEAR_MONTH_FORMAT = MONTH_FORMATS["sv"]
FIRST_DAY_OF_WEEK = 1  # Monday
__all__ = ["DATE_INPUT_FORMATS", "TIME_INPUT_FORMATS", "DATETIME_INPUT_FORMATS"]
