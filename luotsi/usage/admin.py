"""The identification rules for the administrator, and read-only bookkeeping of imports and runs.

Service events and flags are client data and are never administered here. Model ``clean()``
refuses impossible thresholds with a message naming the field; a saved change takes effect in the
next identification run, daily runs included (the rules' signature changes).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luotsi.usage.models import IdentificationRule, IdentificationRun, ImportBatch


@admin.register(IdentificationRule)
class IdentificationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "measure", "threshold", "event_kind", "sector",
                    "window_days", "active"]
    list_filter = ["active", "measure"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "active"]}),
        (_("Name"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Explanation"), {"fields": ["explanation_fi", "explanation_sv", "explanation_en"]}),
        (_("Measure"), {"fields": ["measure", "threshold", "event_kind", "sector", "window_days"]}),
    ]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IdentificationRun)
class IdentificationRunAdmin(_ReadOnly):
    list_display = ["as_of", "mode", "started_at", "finished_at", "persons_evaluated", "flagged",
                    "flags_added", "flags_removed"]
    list_filter = ["mode"]


@admin.register(ImportBatch)
class ImportBatchAdmin(_ReadOnly):
    list_display = ["source", "started_at", "rows", "imported", "duplicates", "rejected"]
