"""Opening a client's plan, the plan page and the list of my plans."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.common.paging import CappedPaginator
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.plans import forms as plan_forms
from luotsi.plans import selectors, services
from luotsi.plans.views.plan_page import PlanPageState, findings

PLAN_LIST_PAGE_SIZE = 50


# The plan list counts its plans only this far (or up to the page asked for and one page more);
# a professional with more sees "more than 1,000 plans" and pages on without a total.
PLAN_LIST_COUNT_LIMIT = 1000


def _saved_findings(ctx: dict, checked: str) -> dict | None:
    """The clear-language check of what was just saved (``?checked=text|goal-N|step-N|need-N``)."""
    plan, language = ctx["plan"], ctx["plan"].language
    kind, _sep, raw_id = checked.partition("-")
    if kind == "text":
        form = plan_forms.PlanTextForm
        values = {name: getattr(plan, name) for name in form.CHECKED}
    elif kind == "goal":
        goal = next((g.goal for g in ctx["goals"] if str(g.goal.pk) == raw_id), None)
        if goal is None:
            return None
        form, values = plan_forms.GoalForm, {"client_wording": goal.client_wording}
    elif kind == "step":
        step = next((s for s in ctx["visible_steps"] if str(s.pk) == raw_id), None)
        if step is None:
            return None
        form, values = plan_forms.StepForm, {"what": step.what}
    elif kind == "need":
        need = next((n for n in ctx["support_needs"] if str(n.pk) == raw_id), None)
        if need is None:
            return None
        form, values = plan_forms.SupportNeedForm, {"note": need.note}
    else:
        return None
    return {"parts": findings(form, values, language)}


@login_required
@never_cache
def plan_open(request, person_id: int):
    """"Client plan" for a person: their one plan. Opening it for a person who has one opens it;
    for a person without one the page offers to start it (a GET never writes)."""
    user = request.user
    if request.method == "POST":
        plan, created = services.plan_open(actor=user, person_id=person_id)
        if created:
            messages.success(request, _("The client plan was started."))
        return redirect("plan_detail", plan_id=plan.pk)
    existing = selectors.visible_plans(user).filter(person_id=person_id).values_list(
        "pk", flat=True).first()
    if existing is not None:
        return redirect("plan_detail", plan_id=existing)
    access = services.start_access(user, person_id)
    return render(request, "plans/start.html", {"person": access.person})


@login_required
@require_GET
@never_cache
def plan_detail(request, plan_id: int):
    plan = selectors.access_plan_by_id(request.user, plan_id, detail="plan page").record
    state = PlanPageState(request, plan.pk, viewed=True)
    state.log_consent_disclosure()
    extra = {}
    checked = request.GET.get("checked", "")
    if checked:
        extra["saved_findings"] = _saved_findings(state.ctx, checked)
    return state.render(**extra)


@login_required
@require_GET
@never_cache
@action_required(Action.VIEW_CLIENT)
def plan_list(request):
    """The plans this professional coordinates or has a section in, the nearest review first,
    a page at a time; only the clients on the page shown are logged."""
    user = request.user
    number = request.GET.get("page")
    review_due = request.GET.get("review") == "due"
    plans = selectors.reviews_due(user) if review_due else selectors.my_plans(user)
    page = CappedPaginator(
        plans.values_list("pk", flat=True), PLAN_LIST_PAGE_SIZE,
        page_number=number, floor=PLAN_LIST_COUNT_LIMIT,
        count_upto=lambda limit: selectors.my_plans_count(
            user, limit=limit, review_due=review_due)).get_page(number)
    plans = selectors.plan_rows(list(page.object_list))
    gateway.log_listed_ids(user, [plan.person_id for plan in plans], category=Category.PLAN,
                           detail="plan list")
    today = timezone.localdate()
    due = today + timedelta(days=selectors.REVIEW_DUE_DAYS)
    return render(request, "plans/list.html",
                  {"page": page, "plans": plans, "today": today, "due": due,
                   "review_due": review_due})
