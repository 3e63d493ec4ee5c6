"""Signal definitions and early-warning rules for the administrator; backtests read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luotsi.signals.models import Backtest, EarlyWarningRule, SignalDefinition


@admin.register(SignalDefinition)
class SignalDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "kind", "ordering", "active"]
    list_filter = ["active", "kind"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "active", "ordering"]}),
        (_("Name"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Explanation"), {"fields": ["explanation_fi", "explanation_sv", "explanation_en"]}),
        (_("Signal"), {"fields": ["kind", "parameters"]}),
    ]


@admin.register(EarlyWarningRule)
class EarlyWarningRuleAdmin(admin.ModelAdmin):
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


@admin.register(Backtest)
class BacktestAdmin(admin.ModelAdmin):
    list_display = ["as_of", "computed_at", "computed_by", "seconds"]
    readonly_fields = ["as_of", "computed_at", "computed_by", "seconds", "figures"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
