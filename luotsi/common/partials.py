"""Jinja2 partials: the few fragments of a page that repeat many times per request.

A page is a Django template. Where one fragment repeats fifty times per request (the intake
queue's rows, a plan's step rows, each goal's AVAIN chart and ratings) the Django template loop
cost a large share of the page (docs/decisions/0002-html-in-templates.md), so that fragment is a
Jinja2 template under ``templates/jinja2/``, rendered by the ``jinja2`` engine of
``settings.TEMPLATES`` with autoescaping on, and placed into the Django page as one piece of
markup::

    rows = partials.render("intake/queue_rows.html", {"rows": rows, "texts": texts})

Every value a partial prints is escaped by Jinja2; only what the partial itself writes is
markup. Translated texts come from Python (``gettext`` once per page), so ``makemessages``
finds them and a partial never looks a text up per row.
"""

from __future__ import annotations

from django.template import engines
from django.urls import reverse
from django.utils.text import Truncator
from jinja2 import Environment
from markupsafe import Markup

from luotsi.common.formatting import format_date, format_datetime

_SENTINEL = 2_147_483_647


def _truncatechars(value, length: int) -> str:
    """Django's ``truncatechars``: at most ``length`` characters, the last one "…"."""
    return Truncator(value).chars(length)


def environment(**options) -> Environment:
    """The Jinja2 environment of the ``jinja2`` engine (``settings.TEMPLATES``): autoescaping
    always on, and Luotsi's date filters."""
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.filters.update({
        "luotsi_date": format_date,
        "luotsi_datetime": format_datetime,
        "truncatechars": _truncatechars,
    })
    return env


def render(template_name: str, context: dict) -> Markup:
    """The partial rendered with ``context``, as markup for a Django template (it has
    ``__html__``, so Django prints it as it is)."""
    template = engines["jinja2"].env.get_template(template_name)
    # Jinja2 escaped every value: its output is the markup the template itself wrote.
    return Markup(template.render(context))  # noqa: S704


def macros(template_name: str):
    """The macros of a partial, to call from Python once per row: each call returns the
    macro's markup (``Markup``), every value escaped by Jinja2."""
    return engines["jinja2"].env.get_template(template_name).module


class UrlPattern:
    """The address of each of many rows from one ``reverse``: ``pattern(pk)`` is
    ``reverse(name, kwargs={**kwargs, key: pk})``."""

    def __init__(self, name: str, key: str, **kwargs) -> None:
        url = reverse(name, kwargs={**kwargs, key: _SENTINEL})
        self.head, _sep, self.tail = url.rpartition(str(_SENTINEL))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"
