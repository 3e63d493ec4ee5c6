"""The intake queue's table rows, once per page: the Jinja2 partial
``templates/jinja2/intake/queue_rows.html``.

Fifty rows through a Django row template (an include per row and per status, a URL look-up,
two choice labels, two localised dates and a translated label per row) were about half of the
queue page's time. Here the labels, the texts and the contact address pattern are looked up once
per page, and the partial writes the rows, every value escaped by Jinja2
(docs/decisions/0002-html-in-templates.md).
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from markupsafe import Markup

from luotsi.common import partials
from luotsi.intake.models import ContactKind, DeadlineStatus, Urgency


def _late(days: int) -> str:
    return ngettext("late by %(counter)s working day", "late by %(counter)s working days",
                    days) % {"counter": days}


def rows_html(rows: list[dict], checked: set[str]) -> Markup:
    """The queue rows (``{"contact", "status", "late"}``) as their ``<tr>`` elements;
    ``checked``: the ids (as text) whose checkbox is ticked."""
    return partials.render("intake/queue_rows.html", {
        "rows": rows,
        "checked": checked,
        "contact_url": partials.UrlPattern("intake:contact_detail", "contact_id"),
        "kinds": {value: str(label) for value, label in ContactKind.choices},
        "urgencies": {value: str(label) for value, label in Urgency.choices},
        "statuses": {value: str(label) for value, label in DeadlineStatus.choices},
        "late": _late,
        "texts": {"choose": gettext("Choose %(name)s, received %(received)s"),
                  "not_assigned": gettext("Not assigned"),
                  "not_assessed": gettext("Not assessed")},
    })
