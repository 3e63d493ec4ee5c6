"""The one PDF helper: the template in the document's language, WeasyPrint, an attachment."""

from __future__ import annotations

from django.utils import translation

from luotsi.common.pdf import pdf_bytes, render_pdf


def test_render_pdf__in_the_named_language_as_an_attachment():
    made = []

    def make(html: str) -> bytes:
        made.append(html)
        return b"%PDF-test"

    with translation.override("fi"):
        response = render_pdf("errors/403.html", {}, "minutes-7.pdf", "sv", make=make)
        assert translation.get_language() == "fi"
    assert response.content == b"%PDF-test"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes-7.pdf"'
    assert "Inte tillåtet" in made[0] and "Ei sallittu" not in made[0]


def test_render_pdf__without_a_language_in_the_active_one():
    made = []
    with translation.override("en"):
        render_pdf("errors/403.html", {}, "r.pdf", make=lambda html: made.append(html) or b"")
    assert "Your role does not allow this." in made[0]


def test_pdf_bytes__weasyprint_makes_a_pdf():
    assert pdf_bytes("<p>Luotsi</p>")[:4] == b"%PDF"
