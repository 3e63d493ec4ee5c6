"""A team lead changes a client's responsible worker (``luotsi.intake.responsible``): the page
shows the client relationship, the workers of the lead's teams with their qualification and
children against the LSL 13 b § cap, and the changes made before."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from luotsi.common.forms import save_through_service
from luotsi.common.middleware import pending_form_data
from luotsi.intake import responsible, selectors
from luotsi.intake.forms import ResponsibleWorkerForm
from luotsi.intake.views._common import GET_POST, kept_message
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action


@login_required
@GET_POST
@action_required(Action.MANAGE_TEAM)
def responsible_worker(request, assessment_id: int):
    """Change the responsible worker of the client relationship the assessment opened."""
    user = request.user
    found = selectors.access_assessment_by_id(
        user, assessment_id, for_write=request.method == "POST",
        detail="responsible worker")
    assessment = found.record
    if not responsible.may_change(user, assessment):
        raise PermissionDenied
    current = responsible.is_current_clienthood(assessment)
    team_ids = user.team_ids()
    kept = pending_form_data(request)
    if kept is not None:
        kept_message(request)
        form = ResponsibleWorkerForm(kept, team_ids=team_ids)
        form.is_valid()
    elif request.method == "POST" and current:
        form = ResponsibleWorkerForm(request.POST, team_ids=team_ids)
        saved = save_through_service(
            request, form, lambda cleaned: responsible.responsible_worker_change(
                actor=user, assessment=assessment, to_user=cleaned["responsible_worker"],
                reason=cleaned["reason"], expected_version=cleaned.get("expected_version")),
            lambda changed: _("%(name)s is now the responsible worker.") % {
                "name": changed.assessment.responsible_worker})
        if saved:
            if saved.result.warning:
                messages.warning(request, saved.result.warning)
            return redirect("intake:responsible_worker", assessment_id=assessment.pk)
    else:
        form = ResponsibleWorkerForm(initial={"expected_version": assessment.version},
                                     team_ids=team_ids)
    return render(request, "intake/responsible_worker.html", {
        "assessment": assessment, "form": form, "current": current,
        "changes": list(assessment.responsible_worker_changes.select_related(
            "from_worker", "to_worker", "changed_by")),
    })
