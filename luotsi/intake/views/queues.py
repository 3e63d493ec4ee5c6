"""The intake queue: filters, capped paging and bulk assignment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.common.forms import apply_service_errors
from luotsi.common.middleware import pending_form_data
from luotsi.common.paging import CappedPaginator
from luotsi.intake import advice, queue_rows, selectors, services
from luotsi.intake.forms import BulkAssignForm, QueueFilterForm, family_team_directory
from luotsi.intake.views._common import GET_POST, kept_message, with_lateness
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action, has_permission

QUEUE_PAGE_SIZE = 50


# The queue counts its rows only this far (or up to the page asked for and one page more), so a
# page costs the same however long the queue is: a longer queue shows "more than 1,000".
QUEUE_COUNT_LIMIT = 1000


class QueuePaginator(CappedPaginator):
    """Pages of the queue, counted by ``selectors.queue_count`` up to ``QUEUE_COUNT_LIMIT``."""

    def __init__(self, object_list, per_page, *, page_number, user, filters):
        super().__init__(object_list, per_page, page_number=page_number, floor=QUEUE_COUNT_LIMIT,
                         count_upto=lambda limit: selectors.queue_count(user, filters,
                                                                        limit=limit))

    def page(self, number):
        """The page's rows, chosen by the queue's order from the contacts alone (so a deep page
        skips its earlier rows without reading their children and people) and then read whole."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        chosen = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=chosen), number, self)


def _queue_filter_data(request, directory) -> QueryDict | dict:
    """The filters asked for; on the first visit, the queues of all the user's own teams (so
    that nothing the home page counts for those teams, an urgent contact above all, is hidden
    by a default filter)."""
    if request.GET:
        return request.GET
    if set(request.user.team_ids()) & {team.pk for team in directory.teams}:
        return {"team": selectors.MY_TEAMS}
    return {}


def _queue_filters(form: QueueFilterForm, user) -> selectors.QueueFilters:
    form.is_valid()  # an invalid filter is reported and left out; the others still apply
    data = form.cleaned_data
    team = data.get("team")
    mine = team == selectors.MY_TEAMS
    return selectors.QueueFilters(
        team_id=team.pk if team and not mine else None,
        team_ids=tuple(user.team_ids()) if mine else None,
        urgency=data.get("urgency") or "",
        assignee_id=data["worker"].pk if data.get("worker") else None,
        unassigned=bool(data.get("unassigned")),
        municipality_code=data.get("municipality") or "",
        kind=data.get("kind") or "",
        status=data.get("status") or "",
        include_closed=bool(data.get("include_closed")),
    )


def _seen_versions(data, ids) -> dict[int, int]:
    """The versions of the chosen contacts as the queue page showed them (``version-<id>``)."""
    seen = {}
    for pk in ids:
        try:
            seen[pk] = int(data.get(f"version-{pk}", ""))
        except ValueError:
            continue
    return seen


def _query_string(data) -> str:
    if isinstance(data, QueryDict):
        params = data.copy()
        params.pop("page", None)
        return params.urlencode()
    return urlencode(data)


@login_required
@GET_POST
@action_required(Action.VIEW_CLIENT)
def queue(request):
    """The central intake queue and each regional team's queue: urgent first, then the nearest
    deadline; bulk assignment of the checked rows."""
    user = request.user
    directory = family_team_directory()
    filter_data = _queue_filter_data(request, directory)
    filters_form = QueueFilterForm(filter_data, directory=directory)
    filters = _queue_filters(filters_form, user)
    # A team lead hands a row to any worker of the teams they lead; a worker to the members
    # of the team shown (or of their own teams).
    assign_team_ids = ([filters.team_id] if filters.team_id
                       and not has_permission(user, Action.MANAGE_TEAM) else user.team_ids())
    assign_kwargs = {"team_ids": assign_team_ids, "workers": directory.workers(assign_team_ids),
                     "teams_of": directory.teams_of()}
    assign_form = None
    kept = pending_form_data(request)
    if kept is not None and kept.get("intent") == "assign":
        kept_message(request)
        assign_form = BulkAssignForm(kept, **assign_kwargs)
        assign_form.is_valid()
    elif request.method == "POST" and request.POST.get("intent") == "assign":
        assign_form = BulkAssignForm(request.POST, **assign_kwargs)
        if assign_form.is_valid():
            ids = list(selectors.visible_contacts(user)
                       .filter(pk__in=assign_form.cleaned_data["ids"])
                       .values_list("pk", flat=True))
            if not ids:
                assign_form.add_error("ids", _("Choose at least one contact."))
            else:
                try:
                    count = services.contacts_assign(
                        actor=user, contact_ids=ids,
                        assignee=assign_form.cleaned_data["assignee"],
                        pair_worker=assign_form.cleaned_data["pair_worker"],
                        expected_versions=_seen_versions(request.POST, ids))
                except ValidationError as exc:
                    apply_service_errors(assign_form, exc)
                else:
                    messages.success(request, ngettext(
                        "%(count)s contact was assigned to %(name)s.",
                        "%(count)s contacts were assigned to %(name)s.", count) % {
                        "count": count, "name": assign_form.cleaned_data["assignee"]})
                    return redirect(request.get_full_path())
    if assign_form is None:
        assign_form = BulkAssignForm(**assign_kwargs)
    page_number = request.GET.get("page")
    page = QueuePaginator(selectors.queue(user, filters), QUEUE_PAGE_SIZE,
                          page_number=page_number, user=user,
                          filters=filters).get_page(page_number)
    rows = with_lateness([{"contact": c, "status": selectors.row_status(c)}
                           for c in page.object_list])
    gateway.log_listed_ids(user, [row["contact"].child_id for row in rows],
                           category=Category.INTAKE, detail="intake queue")
    checked = set(assign_form["ids"].value() or []) if assign_form.is_bound else set()
    return render(request, "intake/queue.html", {
        "filters_form": filters_form, "assign_form": assign_form, "page": page, "rows": rows,
        "row_html": queue_rows.rows_html(rows, {str(pk) for pk in checked}),
        "query": _query_string(filter_data),
        "may_record_advice": advice.may_record_advice(user),
    })
