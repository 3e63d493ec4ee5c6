"""An admin base class that gives every input of a change list a label.

Django's admin renders the editable columns of a change list (``list_editable``) in table cells
without a ``<label>``: a screen reader announces a bare checkbox or select (axe: ``label``, WCAG
1.3.1 and 4.1.2). ``LabelledModelAdmin`` names each such input "<column>: <row>" with
``aria-label``. (Inlines are stacked, not tabular, for the same reason: a stacked inline labels
its inputs.)

``LegalBasisAdmin`` is the one admin of the tables of legal bases (``luotsi.common.legal_bases``).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext as _


def label_inputs(form, number: int) -> None:
    """Give each visible input of ``form`` (row ``number``, from 0) an accessible name."""
    row = str(form.instance) if form.instance.pk else _("new row %(number)d") % {
        "number": number + 1}
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)  # inside a related-field wrapper
        if widget.is_hidden:
            continue
        widget.attrs = {**widget.attrs, "aria-label": _("%(column)s: %(row)s") % {
            "column": field.label, "row": row}}


class LabelledFormsetMixin:
    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_inputs(form, index or 0)


class LabelledModelAdmin(admin.ModelAdmin):
    """A model admin whose change list's editable columns are labelled per row."""

    def get_changelist_formset(self, request, **kwargs):
        return type("LabelledChangeListFormSet",
                    (LabelledFormsetMixin, super().get_changelist_formset(request, **kwargs)),
                    {})


class LegalBasisAdmin(LabelledModelAdmin):
    """The administrator's list of bases: order and ``offered`` edited in the list (a basis in use
    is kept: it can be no longer offered, not deleted)."""

    list_display = ["order", "code", "name_fi", "source", "requires_consent", "offered"]
    list_display_links = ["code"]
    list_editable = ["order", "offered"]
    list_filter = ["requires_consent", "offered"]
    search_fields = ["code", "name_fi", "name_sv", "name_en", "source"]
    fields = ["code", "name_fi", "name_sv", "name_en", "source", "requires_consent", "offered",
              "order"]
