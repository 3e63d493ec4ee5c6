"""The team lead's caseload: open contacts and assessments by worker, each responsible social
worker's children as child-welfare clients against the LSL 13 b § cap, and reassigning a
leaving worker's caseload."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.common.forms import apply_service_errors
from luotsi.common.middleware import pending_form_data
from luotsi.intake import selectors, services
from luotsi.intake.forms import CaseloadForm
from luotsi.intake.views._common import GET_POST, kept_message
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action


def _fingerprint(ids) -> str:
    return hashlib.sha256(",".join(str(pk) for pk in sorted(ids)).encode()).hexdigest()


@login_required
@GET_POST
@action_required(Action.MANAGE_TEAM)
def caseload(request):
    """The team lead moves a leaving worker's whole open caseload to another worker: first a
    preview of what will move and to whom, then the move, refused when the caseload changed
    after the preview."""
    user = request.user
    team_ids = user.team_ids()
    kept = pending_form_data(request)
    preview = None
    if kept is not None:
        kept_message(request)
        form = CaseloadForm(kept, team_ids=team_ids)
        form.is_valid()
    elif request.method == "POST":
        form = CaseloadForm(request.POST, team_ids=team_ids)
        if form.is_valid():
            from_user, to_user = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
            try:
                services.caseload_check(actor=user, from_user=from_user, to_user=to_user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                preview = selectors.caseload_preview(user, from_user, to_user)
                confirmed = request.POST.get("intent") == "confirm"
                if confirmed and request.POST.get("fingerprint") != _fingerprint(preview.ids):
                    form.add_error(None, _("The caseload changed after the preview. Check the "
                                           "new preview before moving it."))
                elif confirmed:
                    try:
                        moved = services.caseload_reassign(actor=user, from_user=from_user,
                                                           to_user=to_user,
                                                           expected_ids=preview.ids)
                    except ValidationError as exc:
                        apply_service_errors(form, exc)
                        preview = selectors.caseload_preview(user, from_user, to_user)
                    else:
                        messages.success(request, ngettext(
                            "%(count)s open contact moved from %(from)s to %(to)s.",
                            "%(count)s open contacts moved from %(from)s to %(to)s.", moved) % {
                            "count": moved, "from": from_user, "to": to_user})
                        warning = services.worker_cap_warning(to_user)
                        if warning:
                            messages.warning(request, warning)
                        return redirect("intake:caseload")
                gateway.log_listed_ids(user, [c.child_id for c in preview.shown],
                                       category=Category.INTAKE, detail="caseload preview")
    else:
        form = CaseloadForm(team_ids=team_ids)
    return render(request, "intake/caseload.html", {
        "form": form, "preview": preview,
        "fingerprint": _fingerprint(preview.ids) if preview else "",
        "counts": selectors.open_counts_by_worker(team_ids),
        "social_workers": selectors.social_worker_caseloads(team_ids),
        "cap": selectors.children_cap()})
