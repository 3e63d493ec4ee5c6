"""The client's own area: sign-in, demo identification (demo mode only), my plan, its memo as
PDF and who has read my data."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luotsi.access.models import LogAction
from luotsi.common.pdf import render_pdf
from luotsi.oma import auth, selectors, services
from luotsi.oma.session import LANGUAGE_KEY, client_language, sign_in, sign_out
from luotsi.people.models import DOCUMENT_LANGUAGES
from luotsi.plans.models import Evaluation
from luotsi.plans.views.memo import memo_pdf_bytes


def _page(request, template: str, context: dict, status: int = 200):
    context["oma_idle_minutes"] = settings.CLIENT_IDLE_TIMEOUT_MINUTES
    return render(request, template, context, status=status)


def client_required(view):
    """Only a signed-in client; anyone else (a professional included) is sent to the area's
    sign-in page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "client", None) is None:
            return redirect("oma:home")
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
def home(request):
    """The area's front page: the sign-in page, or the signed-in client's plan."""
    if getattr(request, "client", None) is not None:
        return redirect("oma:plan")
    return _page(request, "oma/signin.html", {
        "staff_signed_in": request.user.is_authenticated,
        "timed_out": getattr(request, "client_timed_out", False),
        "signed_out": auth.returned_from_sign_out(request),
        "idle_minutes": settings.CLIENT_IDLE_TIMEOUT_MINUTES,
    })


@require_http_methods(["GET", "POST"])
def demo_identification(request):
    """Demo mode only: pick a test identity, as the national test environment offers them."""
    if not settings.DEMO_MODE:
        raise Http404()
    if request.user.is_authenticated or getattr(request, "client", None) is not None:
        return redirect("oma:home")
    clients = selectors.demo_clients()
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("person", "")
        person = next((p for p in clients if str(p.pk) == chosen), None)
        if person is not None:
            sign_in(request, person, method="demo")
            return redirect("oma:plan")
        error = _("Choose one of the test identities in the list.")
    return _page(request, "oma/demo.html", {"clients": clients, "error": error},
                 status=400 if error else 200)


@require_POST
def language(request):
    """The language of the sign-in pages (kept in the session; a signed-in client's is their
    own)."""
    chosen = request.POST.get("language", "")
    if chosen in DOCUMENT_LANGUAGES:
        request.session[LANGUAGE_KEY] = chosen
    target = request.POST.get("next", "")
    if not (target.startswith("/oma/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        target = reverse("oma:home")
    return HttpResponseRedirect(target)


@require_POST
def sign_out_view(request):
    """Luotsi's own session ended (and logged); after a strong identification, the identification
    session is then ended at the provider too, when the provider offers that: a page saying the
    client is signed out of Luotsi posts the end-session request to the provider by itself (a
    button where scripts do not run). Posted, because the ID token given as the hint holds the
    identity code, which never goes in a URL (``auth.end_session_request``)."""
    language = client_language(request, getattr(request, "client", None))
    id_token = request.session.get(auth.ID_TOKEN_KEY)
    sign_out(request)
    if id_token and auth.configured():
        end_session = auth.end_session_request(request, id_token, language=language)
        if end_session is not None:
            request.session[LANGUAGE_KEY] = language  # the signed-out page in the same language
            response = _page(request, "oma/sign_out.html", {"end_session": end_session})
            response["Cache-Control"] = "no-store"  # it carries the token
            return response
    return redirect("oma:home")


@require_GET
@client_required
def plan(request):
    """My plan: my goals in my own words, who does what by when, my services, whom to contact,
    the next review, the memo as PDF."""
    client = request.client
    plan_id = selectors.own_plan_id(client)
    if plan_id is None:
        selectors.log_page_without_plan(client)
        return _page(request, "oma/plan.html", {"client": client, "plan": None})
    shown = selectors.own_plan_page(client, plan_id, action=LogAction.VIEW, detail="own plan")
    context = shown.context()
    context["client"] = client
    context["open_steps"] = sorted((s for s in shown.visible_steps if s.done_on is None),
                                   key=lambda s: (s.due_on, s.pk))
    context["meetings"] = meetings = selectors.own_meetings(client)
    context["withheld"] = shown.withheld_from_client + meetings.withheld
    context["feedback"] = selectors.feedback_due(shown.plan, shown.reviews, meetings)
    return _page(request, "oma/plan.html", context)


@require_GET
@client_required
def memo_pdf(request, plan_id: int):
    """The memo of my plan as PDF, in my language (the professionals' memo PDF)."""
    client = request.client
    shown = selectors.own_plan_page(client, plan_id, action=LogAction.PRINT,
                                    detail="own plan memo PDF")
    context = shown.context()
    context["generated"] = timezone.now()
    language_code = client.document_language
    context.update(memo_language=language_code, client_language=language_code, plain=False)
    return render_pdf("plans/memo_pdf.html", context, f"my-plan-{shown.plan.pk}.pdf",
                      language_code, make=lambda html: memo_pdf_bytes(shown.plan.pk, html))


@require_GET
@client_required
def access_log(request):
    """Who has read my data: the access-log report of my own data, reading it included."""
    start, rows, truncated = selectors.own_access_log(request.client, timezone.localdate())
    return _page(request, "oma/access_log.html", {
        "client": request.client, "rows": rows, "truncated": truncated, "start": start,
        "end": timezone.localdate()})


@require_GET
@client_required
def access_log_pdf(request):
    """Who has read my data as PDF, in my language; the download logged as my own access (a
    print of the access-log report) and listed in the report itself."""
    client = request.client
    today = timezone.localdate()
    start, rows, truncated = selectors.own_access_log(
        client, today, action=LogAction.PRINT, detail="own access-log report PDF")
    return render_pdf("oma/access_log_pdf.html", {
        "client": client, "rows": rows, "truncated": truncated, "start": start, "end": today,
        "generated": timezone.now()}, f"who-has-read-my-data-{today:%Y%m%d}.pdf",
        client.document_language)


@require_GET
@client_required
def consents(request):
    """My consents: what each allows and since when; withdraw one, accept one a worker asked
    for."""
    client = request.client
    rows = selectors.own_consents(client, selectors.own_plan_id(client))
    return _page(request, "oma/consents.html", {"client": client, "rows": rows})


def _consent_answer(request, act, consent_id: int, done: str):
    try:
        act(client=request.client, consent_id=consent_id)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, done)
    return redirect("oma:consents")


@require_POST
@client_required
def consent_withdraw(request, consent_id: int):
    """Withdraw one of my consents: no longer in force from now on; my coordinator is told."""
    return _consent_answer(request, services.own_consent_withdraw, consent_id,
                           _("You withdrew the consent. It no longer applies, and your contact "
                             "person has been told."))


@require_POST
@client_required
def consent_accept(request, consent_id: int):
    """Accept a consent a worker asked me for: in force from today."""
    return _consent_answer(request, services.own_consent_accept, consent_id,
                           _("You gave the consent. It applies from today."))


@require_http_methods(["GET", "POST"])
@client_required
def ratings(request):
    """My ratings and my view: before a review I rate my own goals (how things are now) and my
    services that have begun (how much each has helped) on the plan's AVAIN scale, and write my
    view of each; kept as my own rating beside the professional's."""
    client = request.client
    plan_id = selectors.own_plan_id(client)
    if plan_id is None:
        selectors.log_page_without_plan(client)
        return _page(request, "oma/ratings.html", {"client": client, "plan": None})
    action = LogAction.UPDATE if request.method == "POST" else LogAction.VIEW
    shown = selectors.own_plan_page(client, plan_id, action=action, detail="own ratings")
    services_rated = services.rated_services(shown.services)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = services.own_ratings_save(client=client, plan=shown.plan, goals=shown.goals,
                                           services=services_rated, posted=request.POST)
        if not errors:
            messages.success(request, _("Thank you. Your ratings were saved, and your worker "
                                        "will see them at the review."))
            return redirect("oma:ratings")
    review = next((r for r in shown.reviews if r.held_on is None), None)

    def row(prefix: str, pk: int, **more) -> dict:
        return {"pk": pk, "value": request.POST.get(f"{prefix}value_{pk}", ""),
                "text": request.POST.get(f"{prefix}view_{pk}", ""),
                "value_error": errors.get(f"{prefix}value_{pk}", ""),
                "view_error": errors.get(f"{prefix}view_{pk}", ""), **more}

    rows = [row("", g.goal.pk, view=g, last=(g.client_rows or [None])[-1])
            for g in shown.goals if g.goal.achieved_on is None]
    own_of_service = {item.pk: [r for r in item.rows if r.rater == Evaluation.Rater.CLIENT]
                      for item in shown.meter if item.subject == Evaluation.Subject.SERVICE}
    service_rows = [row("service_", s.pk, service=s, last=(own_of_service.get(s.pk) or [None])[-1])
                    for s in services_rated]
    levels = list(shown.scale.levels.all()) if shown.scale is not None else []
    return _page(request, "oma/ratings.html", {
        "client": client, "plan": shown.plan, "rows": rows, "service_rows": service_rows,
        "levels": levels, "review": review, "errors": errors,
        "view_length": services.VIEW_LENGTH,
        "form_errors": [m for k, m in errors.items()
                        if not k.startswith(("value_", "view_", "service_"))],
    }, status=400 if errors else 200)


@require_POST
@client_required
def feedback(request):
    """My answer to "did the plan help?" after a review or a network meeting."""
    from luotsi.access.gateway import PersonNotFound

    try:
        services.own_feedback_save(client=request.client,
                                   occasion=request.POST.get("occasion", ""),
                                   occasion_id=request.POST.get("occasion_id", ""),
                                   answer=request.POST.get("answer", ""))
    except PersonNotFound:
        raise Http404() from None
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Thank you for your answer."))
    return redirect("oma:plan")
