"""The one way a page becomes a PDF download: a template rendered in the document's language,
WeasyPrint, an attachment response.

The client's own documents (the plan memo, network-meeting minutes) go out in the client's
language, so the caller names it; a report for the professional (the access-log report) is in the
language of the request (``language=None``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def pdf_bytes(html: str) -> bytes:
    """WeasyPrint's PDF of ``html`` (imported on first use: it is heavy and only PDFs need it)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def render_html(template: str, context: dict, language: str | None = None) -> str:
    """The PDF's HTML: ``template`` rendered in ``language`` (or the active language)."""
    if language is None:
        return render_to_string(template, context)
    with translation.override(language):
        return render_to_string(template, context)


def render_pdf(template: str, context: dict, filename: str, language: str | None = None, *,
               make: Callable[[str], bytes] = pdf_bytes) -> HttpResponse:
    """The download ``filename`` (with its ``.pdf``): ``template`` in ``language`` made a PDF by
    ``make`` (``pdf_bytes``, or a caller's cache in front of it)."""
    response = HttpResponse(make(render_html(template, context, language)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
