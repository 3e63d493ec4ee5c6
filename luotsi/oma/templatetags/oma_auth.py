"""``{% strong_identification_offered as offered %}``: whether the area's sign-in page offers
the client's strong identification (``luotsi.oma.auth``: configured)."""

from django import template

from luotsi.oma import auth

register = template.Library()


@register.simple_tag
def strong_identification_offered() -> bool:
    return auth.configured()
