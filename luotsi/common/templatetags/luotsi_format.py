"""Template filters of ``luotsi.common.formatting``; a built-in of every template (settings).

``{{ value|luotsi_date }}``, ``{{ value|luotsi_datetime }}``, ``{{ value|luotsi_time }}``,
``{{ value|luotsi_month }}``. No value gives ``""``, so ``|default:"—"`` still works.
"""

from django import template

from luotsi.common import formatting

register = template.Library()


_FILTERS = {
    "luotsi_date": formatting.format_date,
    "luotsi_datetime": formatting.format_datetime,
    "luotsi_time": formatting.format_time,
    "luotsi_month": formatting.format_month,
}
for _name, _function in _FILTERS.items():
    register.filter(_name, _function, expects_localtime=True)
