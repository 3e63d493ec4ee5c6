"""Advice, guidance and professional consultations at the one door: the intake team's list of
them, recording one (no person data) and its page, from which it is converted into a named
contact (the register form with ``?advice=<id>``)."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from luotsi.api import idempotency
from luotsi.common.forms import save_through_service
from luotsi.common.middleware import pending_form_data
from luotsi.intake import advice, selectors
from luotsi.intake.forms import AdviceFilterForm, AdviceForm, received_initial
from luotsi.intake.views._common import GET_POST, kept_message
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action

ADVICE_PAGE_SIZE = 50


def _query_without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _advice_filters(form: AdviceFilterForm) -> selectors.AdviceFilters:
    form.is_valid()  # an invalid filter is reported and left out; the others still apply
    data = form.cleaned_data
    return selectors.AdviceFilters(
        kind=data.get("kind") or "", topic=data.get("topic") or "",
        outcome=data.get("outcome") or "", received_from=data.get("received_from"),
        received_to=data.get("received_to"))


@login_required
@require_GET
@action_required(Action.VIEW_CLIENT)
def advice_list(request):
    """The central intake team's advice and consultations, newest first: filtered by kind,
    topic, outcome and the days received, fifty to a page."""
    if advice.advice_team_for(request.user) is None:
        raise PermissionDenied
    form = AdviceFilterForm(request.GET or None)
    filters = _advice_filters(form) if form.is_bound else selectors.AdviceFilters()
    page = Paginator(selectors.advice_list(request.user, filters),
                     ADVICE_PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        advice.log_listed(request.user, page.object_list)
    return render(request, "intake/advice_list.html", {
        "filters_form": form if form.is_bound else AdviceFilterForm(), "page": page,
        "query": _query_without_page(request.GET)})


def _record(request, cleaned) -> int:
    """Record the advice once: the form's own key (stored as ``web-…`` with the API's keys)
    makes posting the same form twice record one. A retry reads the record again through its
    access function (404, logged, once the professional has left its team); the record's page
    it leads to logs the view."""
    data = advice.AdviceInput(
        kind=cleaned["kind"], topic=cleaned["topic"], channel=cleaned["channel"],
        asker_group=cleaned["asker_group"], received_at=cleaned.get("received_at"),
        duration_minutes=cleaned["duration_minutes"], outcome=cleaned["outcome"],
        summary=cleaned["summary"])

    def access() -> None:
        if advice.advice_team_for(request.user) is None:
            raise PermissionDenied

    def write(_checked) -> tuple[int, dict]:
        return 201, {"id": advice.advice_record(actor=request.user, data=data).pk}

    def replay(_checked, stored: dict) -> dict:
        return {"id": selectors.access_advice_by_id(request.user, stored["id"],
                                                    for_write=True).record.pk}

    try:
        outcome = idempotency.form_once(request, cleaned["idempotency_key"],
                                        fingerprint=data.fingerprint(), access=access,
                                        handler=write, replay=replay)
    except idempotency.KeyReused:
        raise ValidationError(_("This form was already saved with other entries. Start a new "
                                "record for another contact.")) from None
    return outcome.body["id"]


@login_required
@GET_POST
@action_required(Action.VIEW_CLIENT)
def advice_create(request):
    """Record advice, guidance or a professional's consultation of the intake team."""
    if advice.advice_team_for(request.user) is None:
        raise PermissionDenied
    kept = pending_form_data(request)
    if kept is not None:
        kept_message(request)
        form = AdviceForm(kept)
        form.is_valid()
    elif request.method == "POST":
        form = AdviceForm(request.POST)
        saved = save_through_service(request, form, lambda cleaned: _record(request, cleaned),
                                     _("The advice record was saved."))
        if saved:
            return redirect("intake:advice_detail", advice_id=saved.result)
    else:
        form = AdviceForm(initial={**received_initial(timezone.now()),
                                   "idempotency_key": uuid.uuid4().hex})
    if not form["idempotency_key"].value() and form.is_bound:
        form.data = form.data.copy()
        form.data["idempotency_key"] = uuid.uuid4().hex
    return render(request, "intake/advice_create.html", {"form": form})


@login_required
@require_GET
@action_required(Action.VIEW_CLIENT)
def advice_detail(request, advice_id: int):
    """An advice record: its facts, the named contact it became, or the way to convert it."""
    record = selectors.access_advice_by_id(request.user, advice_id).record
    return render(request, "intake/advice_detail.html", {"record": record})
