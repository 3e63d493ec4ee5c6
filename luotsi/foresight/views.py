"""The team lead's foresight pages: the workload forecast of the county's teams with the
what-if panel (GET, nothing saved) and its CSV, and a team's capacity (its lead edits it).

Reading them needs ``Action.MANAGE_TEAM``; the capacity of a team is edited only by a lead who
is a member of it (another team's page is "not found"). Only aggregates are shown: nothing is
read through the access gateway or written to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luotsi.api import idempotency
from luotsi.common.forms import save_through_service
from luotsi.common.spreadsheet import write_csv
from luotsi.foresight import page, selectors, services
from luotsi.foresight.forms import CapacityForm, EffortForm, GapForm, WhatIfForm
from luotsi.foresight.models import CapacityGap, StaffRole, WorkKind
from luotsi.intake.models import ContactKind
from luotsi.organisation.decorators import action_required
from luotsi.organisation.models import Municipality, Team
from luotsi.organisation.permissions import Action


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _county(request) -> tuple[WhatIfForm, page.CountyForecast | None]:
    """The what-if form read from the query and, when it is valid, the county's forecast it
    asks for (None when it is not)."""
    teams = list(selectors.forecast_teams())
    form = WhatIfForm(request.GET, teams=teams)
    if not form.is_valid():
        return form, None
    return form, page.build(today=timezone.localdate(), horizon=form.cleaned_data["weeks"],
                            what_if=form.what_if(), teams=teams)


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def forecast(request):
    """The workload forecast of every team, the what-if panel and the team in detail."""
    form, county = _county(request)
    context = {"form": form, "own_team_ids": request.user.team_ids()}
    if county is None:
        return render(request, "foresight/forecast.html", context, status=400)
    detail = form.detail_team()
    sections = []
    for team_forecast in county.teams:
        changed = county.what_if.get(team_forecast.inputs.team_id) if county.what_if else None
        sections.append({
            "forecast": team_forecast, "changed": changed,
            "chart": page.chart(team_forecast),
            "rows": page.week_rows(team_forecast, changed),
            "note": page.method_note(county.forecasts.get(team_forecast.inputs.team_id))})
    arrivals_detail = None
    if detail is not None:
        stored = county.forecasts.get(detail.pk)
        keys = list(((stored or {}).get("municipalities") or {}).keys())
        names = {str(m.pk): m.name for m in Municipality.objects.filter(
            pk__in=[int(key) for key in keys])}
        arrivals_detail = page.arrivals_detail(
            stored, origin=county.origin, horizon=county.horizon, municipality_names=names,
            kind_labels={str(value): str(label) for value, label in ContactKind.choices})
    context.update({"county": county, "sections": sections, "detail": detail,
                    "arrivals": arrivals_detail,
                    "query": request.GET.urlencode()})
    return render(request, "foresight/forecast.html", context)


@login_required
@require_GET
@action_required(Action.MANAGE_TEAM)
def forecast_csv(request):
    form, county = _county(request)
    if county is None:
        return render(request, "foresight/forecast.html", {"form": form}, status=400)
    rows = page.csv_rows(county)
    content = write_csv(rows[0], rows[1:], notes=["# " + _(
        "Workload forecast from %(first)s, %(weeks)s weeks; hours of client work.") % {
        "first": county.origin.isoformat(), "weeks": county.horizon}])
    return _csv_response(content, f"workload-{county.origin:%Y%m%d}-{county.horizon}w.csv")


def _own_team(request, code: str) -> Team:
    team = get_object_or_404(selectors.forecast_teams(), code=code)
    if not services.may_edit(request.user, team):
        raise Http404
    return team


def _initial(view) -> tuple[dict, dict]:
    capacity = {"weekly_hours": view.weekly_hours, "client_work_share": view.client_work_share,
                **{f"fte_{role}": view.fte[role] for role in StaffRole.values}}
    efforts = {f"effort_{kind}": view.efforts[kind] for kind in WorkKind.values}
    return capacity, efforts


@login_required
@require_http_methods(["GET", "POST"])
@action_required(Action.MANAGE_TEAM)
def capacity(request, code: str):
    """A team's staff by role, working time, expected efforts, absences and vacancies."""
    team = _own_team(request, code)
    view = selectors.capacities([team])[team.pk]
    capacity_initial, effort_initial = _initial(view)
    capacity_form = CapacityForm(initial=capacity_initial)
    effort_form = EffortForm(initial=effort_initial)
    gap_form = GapForm()
    intent = request.POST.get("intent") if request.method == "POST" else None
    user = request.user
    if intent == "capacity":
        capacity_form = CapacityForm(request.POST)
        if save_through_service(request, capacity_form, lambda d: services.capacity_set(
                actor=user, team=team, weekly_hours=d["weekly_hours"],
                client_work_share=d["client_work_share"], fte=capacity_form.fte()),
                _("The staff and working time were saved.")):
            return redirect("foresight:capacity", code=team.code)
    elif intent == "efforts":
        effort_form = EffortForm(request.POST)
        if save_through_service(request, effort_form, lambda d: services.efforts_set(
                actor=user, team=team, hours=effort_form.hours()),
                _("The expected efforts were saved.")):
            return redirect("foresight:capacity", code=team.code)
    elif intent == "gap":
        gap_form = GapForm(request.POST)

        def add(d):
            return services.gap_add(actor=user, team=team, role=d["role"], kind=d["kind"],
                                    fte=d["fte"], starts_on=d["starts_on"],
                                    ends_on=d["ends_on"], note=d.get("note", ""))

        call = idempotency.form_saved_once(request, gap_form, add,
                                           access=lambda: _own_team(request, code))
        if save_through_service(request, gap_form, call,
                                _("The absence or vacancy was recorded.")):
            return redirect("foresight:capacity", code=team.code)
    elif intent is not None:
        raise Http404
    status = 400 if intent else 200
    return render(request, "foresight/capacity.html", {
        "team": team, "view": view, "capacity_form": capacity_form, "effort_form": effort_form,
        "gap_form": gap_form}, status=status)


@login_required
@action_required(Action.MANAGE_TEAM)
@require_POST
def gap_remove(request, code: str, gap_id: int):
    team = _own_team(request, code)
    gap = get_object_or_404(CapacityGap, pk=gap_id, team=team)
    services.gap_remove(actor=request.user, gap=gap)
    messages.success(request, _("The absence or vacancy was removed."))
    return redirect("foresight:capacity", code=team.code)
