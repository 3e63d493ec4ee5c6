"""Pages of the client plan: open a person's plan, the plan page and its forms, the client's memo
(page and PDF) and the export.

Thin: gateway → form → service → redirect. A plan the professional may not see is "not found",
exactly like a missing one, and the refusal is logged. Each form posts to its own address; bad
input re-renders the plan page with the form, its errors named by field, and nothing saved. A save
based on an older version of the plan's texts is refused (``PlanConflict``) with the professional's
own text kept in the form next to what is now saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from luotsi.access import gateway
from luotsi.access.models import Category, LogAction
from luotsi.common.forms import save_through_service
from luotsi.common.paging import CappedPaginator
from luotsi.common.pdf import pdf_bytes, render_pdf
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action
from luotsi.plans import forms as plan_forms
from luotsi.plans import page, plain_language, selectors, services
from luotsi.plans.models import Plan

PLAN_LIST_PAGE_SIZE = 50
# The plan list counts its plans only this far (or up to the page asked for and one page more);
# a professional with more sees "more than 1,000 plans" and pages on without a total.
PLAN_LIST_COUNT_LIMIT = 1000

CHECKABLE = {"text": plan_forms.PlanTextForm, "goal": plan_forms.GoalForm,
             "step": plan_forms.StepForm}


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None


def _log(user, plan: Plan, action: str, detail: str) -> None:
    gateway.access_person_by_id(user, plan.person_id, category=Category.PLAN, action=action,
                                detail=detail)


def _plan_url(plan_id: int, anchor: str = "", checked: str = "") -> str:
    url = reverse("plan_detail", kwargs={"plan_id": plan_id})
    if checked:
        url += f"?checked={checked}"
    return url + (f"#{anchor}" if anchor else "")


class _Page:
    """The plan as ``user`` sees it, loaded once per request, and the forms built on it."""

    def __init__(self, request, plan_id: int, *, viewed: bool = False) -> None:
        self.request = request
        self.viewed = viewed  # the view of the plan page is logged already
        self.plan = selectors.plan_for_page(plan_id)
        self.found = page.lookups()
        self.ctx = page.build(self.plan, request.user, self.found,
                              all_versions_shown=request.GET.get("versions") == "all").context()

    def _kwargs(self, key: str) -> dict:
        ctx, found = self.ctx, self.found
        professionals = found.professionals
        return {
            "section": {"professionals": professionals},
            "coordinator": {"professionals": professionals},
            "goal": {"found": found, "sections": ctx["sections"]},
            "factor": {"found": found, "goals": ctx["goals"]},
            "service": {"found": found, "professionals": professionals},
            "method": {"found": found, "goals": ctx["goals"]},
            "step": {"goals": ctx["goals"], "professionals": professionals},
            "participant": {"professionals": professionals},
            "held": {"reviews": ctx["open_reviews"]},
            "rating": {"goals": ctx["goals"], "scale": ctx["scale"]},
        }.get(key, {})

    def _initial(self, key: str) -> dict:
        plan, today = self.plan, timezone.localdate()
        if key == "text":
            return {"revision": plan.revision, "client_situation": plan.client_situation,
                    "client_view": plan.client_view, "disagreement": plan.disagreement,
                    "review_on": plan.review_on, "language": plan.language}
        if key == "accept":
            return {"revision": plan.revision}
        if key == "consent":
            return {"valid_from": today}
        if key == "held":
            return {"held_on": today}
        if key == "coordinator" and plan.coordinator_id:
            return {"coordinator": str(plan.coordinator_id)}
        return {}

    def form(self, key: str, data=None, initial=None):
        form_class = FORMS[key]
        return form_class(data, prefix=key, initial=initial if initial is not None
                          else self._initial(key), **self._kwargs(key))

    def render(self, *, bound: dict | None = None, status: int = 200, **extra) -> HttpResponse:
        user, plan = self.request.user, self.plan
        if not self.viewed:
            _log(user, plan, LogAction.VIEW, "plan page")
        bound = bound or {}
        context = dict(self.ctx)
        page.annotate_step_rows(context["visible_steps"], get_token(self.request),
                                context["today"])
        context["forms"] = {key: bound.get(key) or self.form(key) for key in FORMS}
        context["open_form"] = next(iter(bound), "")
        context.update(extra)
        now_saved = (extra.get("conflict") or {}).get("now", {})
        context["text_rows"] = [
            {"field": field, "conflicted": field.name in now_saved,
             "now": now_saved.get(field.name)}
            for field in context["forms"]["text"].visible_fields()]
        return render(self.request, "plans/detail.html", context, status=status)


FORMS = {
    "text": plan_forms.PlanTextForm,
    "section": plan_forms.SectionForm,
    "coordinator": plan_forms.CoordinatorForm,
    "goal": plan_forms.GoalForm,
    "factor": plan_forms.FactorForm,
    "service": plan_forms.ServiceForm,
    "method": plan_forms.MethodForm,
    "step": plan_forms.StepForm,
    "participant": plan_forms.ParticipantForm,
    "consent": plan_forms.ConsentForm,
    "accept": plan_forms.AcceptForm,
    "review": plan_forms.ReviewScheduleForm,
    "held": plan_forms.ReviewRecordForm,
    "rating": plan_forms.RatingForm,
}


def _findings(form_class, values: dict, language: str) -> list[dict]:
    """The clear-language findings of the texts a form checks, field by field."""
    terms = plain_language.jargon_terms(language)
    out = []
    for name in form_class.CHECKED:
        text = values.get(name) or ""
        if text.strip():
            out.append({"label": form_class.base_fields[name].label,
                        "findings": plain_language.check(text, language, terms)})
    return out


def _check(state: _Page, key: str, posted) -> HttpResponse:
    """The clear-language check without saving: the form comes back with the text as written."""
    probe = state.form(key)
    values = {name: posted.get(probe.add_prefix(name), "") for name in probe.fields}
    form = state.form(key, initial=values)
    return state.render(bound={key: form},
                        findings={key: {"parts": _findings(FORMS[key], values,
                                                             state.plan.language)}})


def _saved_findings(ctx: dict, checked: str) -> dict | None:
    """The clear-language check of what was just saved (``?checked=text|goal-N|step-N``)."""
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
    else:
        return None
    return {"parts": _findings(form, values, language)}


# --- opening a plan and the plan page ----------------------------------------------------------


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
    state = _Page(request, plan.pk, viewed=True)
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


# --- forms on the plan page --------------------------------------------------------------------


def _post(request, plan_id: int, key: str, save: Callable, message: str,
          anchor: str | Callable, checked: Callable | None = None) -> HttpResponse:
    """Validate and save one form of the plan page. After a save the page opens at the saved
    section (``anchor``, or a function of what was saved that gives it): the section is
    focusable (``tabindex="-1"``) so that the browser moves focus there, and a keyboard user
    goes on from where they were, not from the top of the page."""
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = _Page(request, plan.pk)
    if key in CHECKABLE and request.POST.get("action") == "check":
        return _check(state, key, request.POST)
    form = state.form(key, data=request.POST)
    saved = save_through_service(request, form, lambda data: save(state, data), message)
    if saved:
        target = anchor(saved.result) if callable(anchor) else anchor
        return redirect(_plan_url(plan.pk, target, checked(saved.result) if checked else ""))
    return state.render(bound={key: form})


@login_required
@require_POST
def plan_text(request, plan_id: int):
    """The plan's own texts, the next review and the language: refused if someone else saved
    after this professional opened the plan, with both texts shown."""
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = _Page(request, plan.pk)
    if request.POST.get("action") == "check":
        return _check(state, "text", request.POST)
    form = state.form("text", data=request.POST)

    def save(data):
        now = state.plan
        changes = services.PlanChanges(
            client_situation=data["client_situation"], client_view=data["client_view"],
            disagreement=data["disagreement"],
            review_on=data["review_on"] if data["review_on"] != now.review_on else None,
            language=data["language"] if data["language"] != now.language else None)
        return services.plan_update(actor=request.user, plan=now, changes=changes,
                                    expected_revision=data["revision"])

    try:
        saved = save_through_service(request, form, save, _("The plan was saved."))
    except services.PlanConflict as exc:
        return _conflict(state, form, exc.plan)
    if saved:
        return redirect(_plan_url(plan.pk, "plan-texts", "text"))
    return state.render(bound={"text": form})


def _conflict(state: _Page, form, current: Plan) -> HttpResponse:
    """Someone else saved first: keep this professional's text in the form (now based on the
    current revision, so that it can be re-applied and saved) and show what is saved now."""
    data = form.data.copy()
    data[form.add_prefix("revision")] = str(current.revision)
    kept = state.form("text", data=data)
    kept.is_valid()
    languages = dict(plan_forms.LANGUAGES)
    now_saved = {}
    for name in ("client_situation", "client_view", "disagreement", "review_on", "language"):
        mine, now = form.cleaned_data.get(name), getattr(current, name)
        if (mine or "") != (now or ""):
            now_saved[name] = languages.get(now, now) if name == "language" else now
    conflict = {"by": current.updated_by, "at": current.updated_at, "now": now_saved}
    return state.render(bound={"text": kept}, conflict=conflict, status=409)


@login_required
@require_POST
def section_add(request, plan_id: int):
    def save(state, data):
        return services.section_add(actor=request.user, plan=state.plan, sector=data["sector"],
                                    responsible_id=_int(data["responsible"]),
                                    summary=data["summary"])
    return _post(request, plan_id, "section", save, _("The section was added."),
                 lambda section: f"section-{section.pk}")


@login_required
@require_POST
def coordinator_set(request, plan_id: int):
    def save(state, data):
        return services.coordinator_set(actor=request.user, plan=state.plan,
                                         coordinator_id=_int(data["coordinator"]))
    return _post(request, plan_id, "coordinator", save, _("The contact person was saved."),
                 "participants")


@login_required
@require_POST
def goal_add(request, plan_id: int):
    def save(state, data):
        return services.goal_add(actor=request.user, plan=state.plan, data=services.GoalInput(
            goal_area_id=_int(data["goal_area"]), client_wording=data["client_wording"],
            target_date=data["target_date"], priority=data["priority"],
            section_id=_int(data["section"])))
    return _post(request, plan_id, "goal", save, _("The goal was added."),
                 lambda goal: f"goal-{goal.pk}", checked=lambda goal: f"goal-{goal.pk}")


def _visible_goal(state: _Page, goal_id) -> object:
    goal = next((g.goal for g in state.ctx["goals"] if str(g.goal.pk) == str(goal_id)), None)
    if goal is None:
        raise Http404
    return goal


@login_required
@require_POST
def factor_add(request, plan_id: int):
    def save(state, data):
        return services.goal_factor_add(actor=request.user,
                                        goal=_visible_goal(state, data["goal"]),
                                        factor_id=_int(data["factor"]), effect=data["effect"],
                                        note=data["note"])
    return _post(request, plan_id, "factor", save, _("The situation factor was added."),
                 lambda factor: f"goal-{factor.goal_id}")


@login_required
@require_POST
def service_add(request, plan_id: int):
    def save(state, data):
        return services.service_add(actor=request.user, plan=state.plan,
                                    data=services.ServiceInput(
                                        item_id=_int(data["item"]), sector=data["sector"],
                                        provider=data["provider"],
                                        responsible_id=_int(data["responsible"]),
                                        starts_on=data["starts_on"], ends_on=data["ends_on"],
                                        status=data["status"]))
    return _post(request, plan_id, "service", save, _("The service was added."), "services")


@login_required
@require_POST
def method_add(request, plan_id: int):
    def save(state, data):
        return services.method_add(actor=request.user, plan=state.plan,
                                   method_id=_int(data["method"]), goal_id=_int(data["goal"]),
                                   note=data["note"])
    return _post(request, plan_id, "method", save, _("The method was added."),
                 lambda method: f"goal-{method.goal_id}" if method.goal_id else "plan-methods")


@login_required
@require_POST
def step_add(request, plan_id: int):
    def save(state, data):
        return services.step_add(actor=request.user, plan=state.plan, data=services.StepInput(
            what=data["what"], owner_kind=data["owner_kind"], due_on=data["due_on"],
            owner_id=_int(data["owner"]), goal_id=_int(data["goal"])))
    return _post(request, plan_id, "step", save, _("The step was added."),
                 lambda step: f"goal-{step.goal_id}" if step.goal_id else "other-steps",
                 checked=lambda step: f"step-{step.pk}")


@login_required
@require_POST
def participant_add(request, plan_id: int):
    def save(state, data):
        return services.participant_add(actor=request.user, plan=state.plan, kind=data["kind"],
                                        user_id=_int(data["user"]), name=data["name"],
                                        role_text=data["role_text"])
    return _post(request, plan_id, "participant", save, _("The participant was added."),
                 "participants")


@login_required
@require_POST
def consent_add(request, plan_id: int):
    def save(state, data):
        return services.consent_add(actor=request.user, plan=state.plan, sector=data["sector"],
                                    scope=data["scope"], valid_from=data["valid_from"],
                                    valid_until=data["valid_until"])
    return _post(request, plan_id, "consent", save, _("The consent was recorded."), "consents")


@login_required
@require_POST
def review_schedule(request, plan_id: int):
    def save(state, data):
        return services.review_schedule(actor=request.user, plan=state.plan,
                                        scheduled_on=data["scheduled_on"])
    return _post(request, plan_id, "review", save, _("The review was scheduled."), "reviews")


@login_required
@require_POST
def review_record(request, plan_id: int):
    def save(state, data):
        review = next((r for r in state.ctx["open_reviews"] if str(r.pk) == data["review"]),
                      None)
        if review is None:
            raise ValidationError({"review": [_("Choose a scheduled review.")]})
        return services.review_record(actor=request.user, review=review,
                                      held_on=data["held_on"], notes=data["notes"],
                                      next_review_on=data["next_review_on"])
    return _post(request, plan_id, "held", save, _("The review was recorded."), "reviews")


@login_required
@require_POST
def rating_add(request, plan_id: int):
    def save(state, data):
        return services.rating_add(actor=request.user, plan=state.plan, data=services.RatingInput(
            goal_id=_visible_goal(state, data["goal"]).pk, value=data["value"],
            rated_by_kind=data["rated_by_kind"], client_took_part=data["client_took_part"],
            occasion=data["occasion"], rated_on=data["rated_on"]))
    return _post(request, plan_id, "rating", save, _("The rating was saved."),
                 lambda rating: f"goal-{rating.goal_id}")


@login_required
@require_POST
def plan_accept(request, plan_id: int):
    """Accept the plan with the client: a version. Refused if the plan changed after this
    professional opened it, so that no one accepts what they have not seen."""
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = _Page(request, plan.pk)
    form = state.form("accept", data=request.POST)
    try:
        saved = save_through_service(
            request, form,
            lambda data: services.plan_accept(actor=request.user, plan=state.plan,
                                              client_took_part=data["client_took_part"],
                                              expected_revision=data["revision"]),
            lambda version: _("Version %(number)s of the plan was accepted.") % {
                "number": version.number})
    except services.PlanConflict:
        messages.error(request, _("The plan changed after you opened it. Check the plan and "
                                  "accept it again."))
        return state.render(status=409)
    if saved:
        return redirect(_plan_url(plan.pk, "versions"))
    return state.render(bound={"accept": form})


# --- buttons on rows ---------------------------------------------------------------------------


def _row_action(request, plan_id: int, find: Callable, act: Callable, message: str,
                anchor: str) -> HttpResponse:
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = _Page(request, plan.pk)
    row = find(state.ctx)
    if row is None:
        raise Http404
    try:
        act(row)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(_plan_url(plan.pk, anchor))


@login_required
@require_POST
def step_done(request, plan_id: int, step_id: int):
    return _row_action(
        request, plan_id,
        lambda ctx: next((s for s in ctx["visible_steps"] if s.pk == step_id), None),
        lambda step: services.step_mark_done(actor=request.user, step=step),
        _("The step was marked done."), "goals")


@login_required
@require_POST
def consent_withdraw(request, plan_id: int, consent_id: int):
    def act(consent):
        if consent.withdrawn_on is not None:
            raise ValidationError(_("The consent has already been withdrawn."))
        services.consent_withdraw(actor=request.user, consent=consent)

    return _row_action(
        request, plan_id,
        lambda ctx: next((c for c in ctx["consents"] if c.pk == consent_id), None),
        act, _("The consent was withdrawn."), "consents")


@login_required
@require_POST
def section_merge(request, plan_id: int, section_id: int):
    def act(section):
        result = services.section_merge(actor=request.user, section=section)
        if result.left_goals or result.left_services:
            messages.warning(request, _(
                "%(goals)s goals and %(services)s services could not be merged: they have no "
                "AVAIN code. They stay in the imported plan; add them by hand.") % {
                "goals": result.left_goals, "services": result.left_services})

    return _row_action(
        request, plan_id,
        lambda ctx: next((d.section for d in ctx["imported"] if d.section.pk == section_id),
                         None),
        act, _("The imported plan was merged into the plan."), "sections")


# --- the client's memo and the export ----------------------------------------------------------


def _memo_page(request, plan_id: int, action: str, detail: str) -> page.PlanPage:
    plan = selectors.access_plan_by_id(request.user, plan_id, action=action, detail=detail).record
    full = selectors.plan_for_page(plan.pk)
    return page.build(full, request.user, page.lookups(professionals=False))


def _memo_context(request, plan_id: int, action: str, detail: str) -> dict:
    context = _memo_page(request, plan_id, action, detail).context()
    context["generated"] = timezone.now()
    return context


@login_required
@require_GET
@never_cache
def plan_memo(request, plan_id: int):
    """The client's memo: one page in the plan's language, goals → steps → who does what by when
    → whom to contact; prints on one A4 page."""
    context = _memo_context(request, plan_id, LogAction.VIEW, "client memo")
    return render(request, "plans/memo.html", context)


# Memo PDFs are kept in the web process's own memory only (never in the shared cache table,
# which would store client documents in the database): at most this many, for this long.
MEMO_PDF_CACHE_SECONDS = 24 * 3600
MEMO_PDFS = LocMemCache("luotsi-memo-pdf", {"TIMEOUT": MEMO_PDF_CACHE_SECONDS,
                                            "OPTIONS": {"MAX_ENTRIES": 300}})


def memo_pdf_bytes(plan_id: int, html: str) -> bytes:
    """The PDF of the memo's HTML, made once per distinct HTML. The key is a digest of the
    HTML itself, so a new version of the plan, another language, another contact phone or
    another professional's view of the sections (what they may see) is a new PDF, and the same
    memo asked again (printing it twice, a second download) takes a few milliseconds instead of
    WeasyPrint's few hundred."""
    digest = hashlib.sha256(html.encode()).hexdigest()
    key = f"plans:memo-pdf:{plan_id}:{digest}"
    pdf = MEMO_PDFS.get(key)
    if pdf is None:
        pdf = pdf_bytes(html)
        MEMO_PDFS.set(key, pdf)
    return pdf


@login_required
@require_GET
@never_cache
def plan_memo_pdf(request, plan_id: int):
    context = _memo_context(request, plan_id, LogAction.PRINT, "client memo PDF")
    plan = context["plan"]
    return render_pdf("plans/memo_pdf.html", context, f"client-plan-{plan.pk}.pdf", plan.language,
                      make=lambda html: memo_pdf_bytes(plan.pk, html))


@login_required
@require_GET
@never_cache
def plan_export(request, plan_id: int):
    shown = _memo_page(request, plan_id, LogAction.EXPORT, "plan export JSON")
    response = JsonResponse(page.export(shown), json_dumps_params={"ensure_ascii": False,
                                                                   "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="client-plan-{shown.plan.pk}.json"'
    return response
