"""My work: my open deadlines, contacts and assessments, and my unread notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.intake import selectors, services
from luotsi.intake.forms import NotificationsReadForm
from luotsi.intake.models import DeadlineStatus
from luotsi.intake.views._common import GET_POST, deadline_rows, with_lateness
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action

NOTIFICATIONS_SHOWN = 50


@login_required
@GET_POST
@action_required(Action.VIEW_CLIENT)
def my_work(request):
    """My open deadlines, contacts and assessments, and my unread notifications."""
    user = request.user
    if request.method == "POST" and request.POST.get("intent") == "read":
        form = NotificationsReadForm(request.POST)
        if form.is_valid():
            count = services.notifications_mark_read(actor=user, ids=form.cleaned_data["ids"])
            messages.success(request, ngettext("%(count)s notification marked read.",
                                               "%(count)s notifications marked read.",
                                               count) % {"count": count})
        return redirect("intake:my_work")
    only = request.GET.get("deadlines", "")
    if only not in selectors.MY_DEADLINE_FILTERS:
        only = ""
    deadlines = list(selectors.my_deadlines(user, status=only))
    contacts = list(selectors.my_contacts(user))
    assessments = list(selectors.my_assessments(user))
    gateway.log_listed_ids(user, [d.contact.child_id for d in deadlines]
                           + [c.child_id for c in contacts] + [a.child_id for a in assessments],
                           category=Category.INTAKE, detail="my work")
    return render(request, "intake/my_work.html", {
        "deadlines": deadline_rows(deadlines),
        "deadline_filter": only,
        "deadline_filter_label": DeadlineStatus(only).label if only else "",
        "contacts": with_lateness([{"contact": c, "status": selectors.row_status(c)}
                                    for c in contacts]),
        "assessments": assessments,
        "notifications": list(selectors.unread_notifications(user)[:NOTIFICATIONS_SHOWN]),
    })
