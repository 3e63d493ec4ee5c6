"""The client's memo (HTML and PDF), offered in each document language (the client's own first)
and in plain language, and the plan's JSON export."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luotsi.access.models import LogAction
from luotsi.common.forms import Form
from luotsi.common.pdf import pdf_bytes, render_pdf
from luotsi.plans import page, selectors


def _memo_page(request, plan_id: int, action: str, detail: str) -> page.PlanPage:
    plan = selectors.access_plan_by_id(request.user, plan_id, action=action, detail=detail).record
    full = selectors.plan_for_page(plan.pk)
    return page.build(full, request.user, page.lookups(professionals=False))


# Each language named in itself, as a client choosing their own would look for it.
DOCUMENT_LANGUAGE_CHOICES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]


class MemoOptionsForm(Form):
    """How the memo is offered: in which document language (the client's own by default) and
    whether in plain language (short sentences, the client's own steps, whom to contact)."""

    language = forms.ChoiceField(label=_("Language of the memo"), required=False,
                                 choices=[("", "—"), *DOCUMENT_LANGUAGE_CHOICES])
    plain = forms.BooleanField(label=_("Plain language"), required=False)


def _memo_context(request, plan_id: int, action: str, detail: str) -> dict:
    options = MemoOptionsForm(request.GET)
    if not options.is_valid():
        # bad input refused naming the field, before the plan is read
        raise MemoOptionsRefused(options)
    context = _memo_page(request, plan_id, action, detail).context()
    plan = context["plan"]
    client_language = plan.person.document_language
    context["generated"] = timezone.now()
    context["memo_language"] = options.cleaned_data["language"] or plan.language
    context["client_language"] = client_language
    context["plain"] = options.cleaned_data["plain"]
    context["memo_versions"] = [
        {"language": code, "label": label, "client": code == client_language,
         "current": code == context["memo_language"]}
        for code, label in DOCUMENT_LANGUAGE_CHOICES]
    return context


class MemoOptionsRefused(Exception):
    def __init__(self, form) -> None:
        super().__init__("memo options refused")
        self.form = form


def _refused(request, form) -> HttpResponse:
    return render(request, "plans/memo_refused.html", {"form": form}, status=400)


@login_required
@require_GET
@never_cache
def plan_memo(request, plan_id: int):
    """The client's memo: one page in the plan's language, goals → steps → who does what by when
    → whom to contact; prints on one A4 page."""
    try:
        context = _memo_context(request, plan_id, LogAction.VIEW, "client memo")
    except MemoOptionsRefused as refused:
        return _refused(request, refused.form)
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
    try:
        context = _memo_context(request, plan_id, LogAction.PRINT, "client memo PDF")
    except MemoOptionsRefused as refused:
        return _refused(request, refused.form)
    plan = context["plan"]
    return render_pdf("plans/memo_pdf.html", context, f"client-plan-{plan.pk}.pdf",
                      context["memo_language"],
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
