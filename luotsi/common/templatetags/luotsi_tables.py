"""Template tags for tables: ``{% load luotsi_tables %}``.

``{% column_headers _("Due") _("Child") %}`` writes a header cell (``<th scope="col">``) for
each label, so a table's header row lists its columns once instead of repeating the cell markup.
"""

from django import template

register = template.Library()


@register.inclusion_tag("includes/column_headers.html")
def column_headers(*labels) -> dict:
    return {"labels": labels}
