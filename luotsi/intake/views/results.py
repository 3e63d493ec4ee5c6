"""The result of a service-need assessment (palvelutarpeen arvio, SHL 36 §) as the family gets
it: a printable page and a PDF in the family's language (the person's own language where Luotsi
has it), read through the access function and logged: the page as a view, the PDF as printing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luotsi.access.models import LogAction
from luotsi.common.pdf import render_pdf
from luotsi.intake import selectors, services


def _result_context(request, assessment_id: int, action: str, detail: str) -> dict:
    found = selectors.access_assessment_by_id(request.user, assessment_id, action=action,
                                              detail=detail)
    assessment = selectors.assessment_result(found.record)
    child = assessment.child
    return {
        "assessment": assessment,
        "person": child,
        "is_adult": services.is_adult(child, assessment.completed_on or timezone.localdate()),
        "language": child.document_language,
        "support_measures": list(assessment.support_measures.all()),
        "referrals": list(assessment.referrals.all()),
        "generated": timezone.now(),
    }


@login_required
@require_GET
@never_cache
def assessment_result(request, assessment_id: int, as_pdf: bool = False):
    """The result as a page to read with the family or print, or (``as_pdf``, its own URL) as
    a PDF."""
    if as_pdf:
        context = _result_context(request, assessment_id, LogAction.PRINT,
                                  "service-need assessment result PDF")
        return render_pdf("intake/assessment_result_pdf.html", context,
                          f"service-need-assessment-{context['assessment'].pk}.pdf",
                          context["language"])
    context = _result_context(request, assessment_id, LogAction.VIEW,
                              "service-need assessment result")
    return render(request, "intake/assessment_result.html", context)
