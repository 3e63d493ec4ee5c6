"""Template tags for tables and the sections that hold them: ``{% load luotsi_tables %}``.

``{% column_headers _("Due") _("Child") %}`` writes a header cell (``<th scope="col">``) for
each label, so a table's header row lists its columns once instead of repeating the cell markup.

``{% section "deadlines" _("My open deadlines") %}…{% endsection %}`` is a page's section with
its heading: ``<section aria-labelledby="deadlines-heading">``, the ``<h2>`` with that id, the
body, ``</section>`` (``id="…"`` gives the section an id of its own, and ``tabindex="-1"``
so that it takes the focus when the page is opened at it, e.g. after a save).

``{% table deadlines as row _("Due") _("Child") empty=_("No open deadlines.") %}<tr>…</tr>
{% endtable %}`` is a table of rows with its header cells, or the sentence ``empty`` when there
are no rows (without ``empty`` the table is shown with no rows): the body (the row's markup) is rendered once per row with the row as ``row``.
The table is labelled by the heading of the section around it (``labelledby="…"`` names another
element; ``caption=…`` gives it a caption instead, ``caption_hidden=True`` one only for screen
readers); ``labels=…`` takes the header labels as a list instead; ``table_id``, ``class``, ``empty_id`` set those attributes, ``action_header`` adds a
last header cell read only by screen readers (a column of buttons), and ``scroll=True`` wraps
a wide table in a focusable region that scrolls sideways. The markup is in
``templates/includes/section.html`` and ``templates/includes/table.html``.
"""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context

register = template.Library()

_HEADING_ID = "section_heading_id"


@register.inclusion_tag("includes/column_headers.html")
def column_headers(*labels) -> dict:
    return {"labels": labels}


class SectionNode(template.Node):
    def __init__(self, name: FilterExpression, heading: FilterExpression,
                 options: dict[str, FilterExpression], nodelist: NodeList) -> None:
        self.name, self.heading, self.options, self.nodelist = name, heading, options, nodelist

    def render(self, context: Context) -> str:
        heading_id = f"{self.name.resolve(context)}-heading"
        with context.push(**{_HEADING_ID: heading_id}):
            body = self.nodelist.render(context)
        values = {key: value.resolve(context) for key, value in self.options.items()}
        frame = context.template.engine.get_template("includes/section.html")  # type: ignore[union-attr]
        return frame.render(context.new({
            "heading_id": heading_id, "heading": self.heading.resolve(context), "body": body,
            "section_id": values.get("id"),
        }))


@register.tag("section")
def do_section(parser: Parser, token: Token) -> SectionNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a name and a heading")
    options = token_kwargs(list(bits[3:]), parser)
    if len(options) != len(bits[3:]) or set(options) - {"id"}:
        raise template.TemplateSyntaxError(f"{bits[0]}: unknown arguments {bits[3:]}")
    nodelist = parser.parse(("endsection",))
    parser.delete_first_token()
    return SectionNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), options,
                       nodelist)


_TABLE_OPTIONS = {"labels", "empty", "empty_id", "labelledby", "caption", "caption_hidden", "table_id",
                  "class", "action_header", "scroll"}


class TableNode(template.Node):
    def __init__(self, rows: FilterExpression, name: str, labels: list[FilterExpression],
                 options: dict[str, FilterExpression], nodelist: NodeList) -> None:
        self.rows, self.name, self.labels = rows, name, labels
        self.options, self.nodelist = options, nodelist

    def render(self, context: Context) -> str:
        rows = self.rows.resolve(context) or []
        rendered = []
        with context.push():
            for row in rows:
                context[self.name] = row
                rendered.append(self.nodelist.render(context))
        values = {key: value.resolve(context) for key, value in self.options.items()}
        if not values.get("caption") and not values.get("labelledby"):
            values["labelledby"] = context.get(_HEADING_ID)
        labels = [label.resolve(context) for label in self.labels]
        labels.extend(values.pop("labels", None) or [])
        frame = context.template.engine.get_template("includes/table.html")  # type: ignore[union-attr]
        return frame.render(context.new({**values, "rows": rendered, "labels": labels}))


@register.tag("table")
def do_table(parser: Parser, token: Token) -> TableNode:
    bits = token.split_contents()
    if len(bits) < 4 or bits[2] != "as":
        raise template.TemplateSyntaxError(f"{bits[0]} takes: ROWS as NAME LABEL… option=value…")
    rest = bits[4:]
    count = 0
    while count < len(rest) and "=" not in rest[count].split("(")[0]:
        count += 1
    labels = [parser.compile_filter(bit) for bit in rest[:count]]
    option_bits = rest[count:]
    options = token_kwargs(list(option_bits), parser)
    if len(options) != len(option_bits) or set(options) - _TABLE_OPTIONS:
        raise template.TemplateSyntaxError(f"{bits[0]}: unknown arguments {option_bits}")
    nodelist = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(parser.compile_filter(bits[1]), bits[3], labels, options, nodelist)
