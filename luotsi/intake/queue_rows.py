"""The queue's table rows written in Python, once per page.

Fifty rows through the row template (an include per row and per status, a URL look-up, two
choice labels, two localised dates and a translated label per row) were about half of the queue
page's time. Here the labels, the date formats and the contact address pattern are looked up
once per page and each row is one piece of escaped HTML, the same markup the template wrote.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from luotsi.common.formatting import format_date, format_datetime
from luotsi.intake.models import ContactKind, DeadlineStatus, Urgency

_SENTINEL = 2_147_483_647


def _url_pattern() -> tuple[str, str]:
    url = reverse("intake:contact_detail", kwargs={"contact_id": _SENTINEL})
    head, _sep, tail = url.partition(str(_SENTINEL))
    return head, tail


def _text(value) -> str:
    """A value as the template wrote it: ``None`` and objects through ``str``, escaped."""
    return escape(str(value))


def _late(days: int | None) -> str:
    """"late by N working days" of a contact whose deadlines were all met, some late."""
    if not days:
        return ""
    text = ngettext("late by %(counter)s working day", "late by %(counter)s working days",
                    days) % {"counter": days}
    return f' <strong class="late">{escape(text)}</strong>'


def rows_html(rows: list[dict], checked: set[str]) -> list[SafeString]:
    """Each queue row (``{"contact", "status"}``) as its ``<tr>`` element."""
    if not rows:
        return []
    head, tail = _url_pattern()
    kinds = {value: str(label) for value, label in ContactKind.choices}
    urgencies = {value: str(label) for value, label in Urgency.choices}
    statuses = {value: escape(str(label)) for value, label in DeadlineStatus.choices}
    choose = gettext("Choose %(name)s, received %(received)s")
    not_assigned = escape(gettext("Not assigned"))
    not_assessed = escape(gettext("Not assessed"))
    out = []
    for row in rows:
        c, status = row["contact"], row["status"]
        pk = c.pk
        received = escape(format_datetime(c.received_at))
        name = escape(c.child.full_name)
        assignee = _text(c.assignee) if c.assignee else not_assigned
        if c.pair_worker:
            assignee += ", " + _text(c.pair_worker)
        urgency = c.urgency
        if urgency == Urgency.URGENT:
            urgency_html = f'<strong class="urgent">{escape(urgencies[urgency])}</strong>'
        elif urgency:
            urgency_html = escape(urgencies.get(urgency, urgency))
        else:
            urgency_html = not_assessed
        due = getattr(c, "next_due", None)
        due_html = escape(format_date(due)) if due else "—"
        code = str(status.value if isinstance(status, DeadlineStatus) else status)
        disabled = " disabled" if c.status == "closed" else ""
        ticked = " checked" if str(pk) in checked else ""
        label = choose % {"name": name, "received": received}
        out.append(mark_safe(  # noqa: S308 - every value escaped above
            f'<tr>\n      <td><input type="checkbox" name="ids" value="{pk}" id="pick-{pk}"'
            f'{disabled}{ticked}><label for="pick-{pk}" class="visually-hidden">{label}</label>'
            f'<input type="hidden" name="version-{pk}" value="{c.version}"></td>\n'
            f"      <td>{received}</td>\n"
            f"    <td>{escape(kinds.get(c.kind, c.kind))}</td>\n"
            f'    <td><a href="{head}{pk}{tail}">{name}</a></td>\n'
            f"    <td>{_text(c.municipality)}</td>\n"
            f"    <td>{assignee}</td>\n"
            f"    <td>{urgency_html}</td>\n"
            f"    <td>{due_html}</td>\n"
            f'    <td><span class="status status-{escape(code)}">'
            f"{statuses.get(code, escape(code))}</span>{_late(row.get('late'))}\n</td>\n"
            "    </tr>"))
    return out
