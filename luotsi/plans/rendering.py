"""A form renderer for the plan page that writes the common widgets (inputs, text areas, selects)
in Python instead of through their Django templates.

The plan page carries a dozen forms with about fifty fields, several of them selects listing the
plan's goals, the professionals and the AVAIN code lists. Rendering each through Django's widget
templates (an include per option and per attribute) took about half of the page's time for a
plan with 20 goals. The HTML written here is the same as Django's templates write (escaped the
same way); any other template (radio buttons, error lists) goes through the templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        out.append(f" {name}" if value is True else f' {name}="{escape(str(value))}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(str(value))}"'
    return (f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{shown}'
            f'{_attrs(widget["attrs"])}>')


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{conditional_escape(value) if value else ""}</textarea>')


def _select(widget: dict) -> str:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{escape(str(option["value"]))}"'
                         f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}'
                         "</option>")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        writer = _WRITERS.get(template_name)
        if writer is None or "widget" not in context:
            return super().render(template_name, context, request)
        return mark_safe(writer(context["widget"]))  # noqa: S308 - every value escaped above


RENDERER = FastWidgetRenderer()
