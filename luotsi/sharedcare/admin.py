"""The checklist gone through with a possible shared client, and the bases of a consultation
with their legal source, editable by the administrator (a basis in use is kept: it can be no
longer offered, not deleted).

Decisions, meetings and consultations are client data and are never administered here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luotsi.common.admin import LabelledModelAdmin, LegalBasisAdmin
from luotsi.sharedcare.models import ChecklistItem, ConsultationBasis


@admin.register(ChecklistItem)
class ChecklistItemAdmin(LabelledModelAdmin):
    list_display = ["ordering", "code", "text_fi", "active"]
    list_display_links = ["code"]
    list_editable = ["ordering", "active"]
    list_filter = ["active"]
    search_fields = ["code", "text_fi", "text_sv", "text_en"]
    fieldsets = [
        (None, {"fields": ["code", "ordering", "active"]}),
        (_("Question"), {"fields": ["text_fi", "text_sv", "text_en"]}),
        (_("Guidance"), {"fields": ["help_fi", "help_sv", "help_en"]}),
    ]


admin.site.register(ConsultationBasis, LegalBasisAdmin)
