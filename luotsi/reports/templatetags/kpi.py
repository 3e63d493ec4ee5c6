from django import template

from luotsi.reports.tables import page_cell

register = template.Library()


@register.filter
def kpi_cell(value) -> str:
    """A figure of a key-figure table as shown on the page (– when there is none)."""
    return page_cell(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
