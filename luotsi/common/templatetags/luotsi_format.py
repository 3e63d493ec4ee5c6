"""Template filters of ``luotsi.common.formatting``; a built-in of every template (settings).

``{{ value|luotsi_date }}``, ``{{ value|luotsi_datetime }}``, ``{{ value|luotsi_time }}``,
``{{ value|luotsi_month }}``. No value gives ``""``, so ``|default:"—"`` still works.
"""

from django import template

from luotsi.common import formatting

register = template.Library()


@register.filter(expects_localtime=True)
def luotsi_date(value):
    return formatting.format_date(value)


@register.filter(expects_localtime=True)
def luotsi_datetime(value):
    return formatting.format_datetime(value)


@register.filter(expects_localtime=True)
def luotsi_time(value):
    return formatting.format_time(value)


@register.filter(expects_localtime=True)
def luotsi_month(value):
    return formatting.format_month(value)
