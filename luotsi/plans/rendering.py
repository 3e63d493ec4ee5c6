"""The form renderer of the plan page: the common widgets (inputs, text areas, selects) through
Luotsi's Jinja2 templates (``templates/jinja2/forms/``), everything else through Django's.

The plan page carries a dozen forms with about fifty fields, several of them selects listing the
plan's goals, the professionals and the AVAIN code lists. Rendering each through Django's widget
templates (an include per option and per attribute) took about half of the page's time for a
plan with 20 goals; Django's own Jinja2 renderer still includes a template per option. These
templates write the same HTML as Django's, each select's options in one loop, every value
escaped by Jinja2 (docs/decisions/0002-html-in-templates.md). Any other template (radio
buttons, error lists) goes through Django's templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template import engines

_JINJA2_TEMPLATES = {
    "django/forms/widgets/input.html": "forms/input.html",
    "django/forms/widgets/text.html": "forms/input.html",
    "django/forms/widgets/date.html": "forms/input.html",
    "django/forms/widgets/number.html": "forms/input.html",
    "django/forms/widgets/hidden.html": "forms/input.html",
    "django/forms/widgets/email.html": "forms/input.html",
    "django/forms/widgets/textarea.html": "forms/textarea.html",
    "django/forms/widgets/select.html": "forms/select.html",
}


class WidgetRenderer(DjangoTemplates):
    """Django's template form renderer, with the widgets above from the ``jinja2`` engine
    (straight from its environment: a widget's context is plain data, no request)."""

    def render(self, template_name, context, request=None):
        jinja2_name = _JINJA2_TEMPLATES.get(template_name)
        if jinja2_name is None:
            return super().render(template_name, context, request)
        return engines["jinja2"].env.get_template(jinja2_name).render(context)


RENDERER = WidgetRenderer()
