"""Template filters for forms: ``{% load luotsi_forms %}``.

``{% for field in form|fields:"first_name last_name" %}…{% endfor %}`` walks the named fields of
a form in the order given, so a fieldset lists its fields once instead of repeating the row
markup for each.
"""

from django import template

register = template.Library()


@register.filter
def fields(form, names: str) -> list:
    """The bound fields ``names`` (separated by spaces) of ``form``, in that order."""
    return [form[name] for name in names.split()]
