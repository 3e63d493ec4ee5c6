"""Code lists of the client plan for the administrator: the code lists and their versions (a new
version is loaded with ``manage.py load_code_list``, docs/code-lists.md), the plan's sectors,
the rating scales of the AVAIN meter with their levels, the office-jargon terms of the
clear-language check, and the bases for showing another sector's section of a plan with their
legal source (a basis in use is kept: it can be no longer offered, not deleted). Plans themselves
hold client data and are never administered here."""

from django.contrib import admin

from luotsi.common.admin import LabelledModelAdmin, LegalBasisAdmin
from luotsi.plans.models import (
    CodeListItem,
    CodeListVersion,
    DisclosureBasis,
    PlainLanguageTerm,
    PlanSector,
    RatingLevel,
    RatingScale,
)


@admin.register(CodeListVersion)
class CodeListVersionAdmin(admin.ModelAdmin):
    """Versions are loaded from files, never typed in: read-only here."""

    list_display = ["code_list", "version", "current", "provisional", "loaded_at", "source"]
    list_filter = ["code_list", "current", "provisional"]
    readonly_fields = ["code_list", "version", "source", "provisional", "current", "loaded_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CodeListItem)
class CodeListItemAdmin(LabelledModelAdmin):
    list_display = ["code_list", "version", "code", "name_fi", "name_sv", "name_en",
                    "valid_from", "valid_until", "parent_code", "provisional", "active"]
    list_display_links = ["code"]
    list_editable = ["active"]
    list_filter = ["code_list", "version__current", "provisional", "active"]
    list_select_related = ["version"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    ordering = ["code_list", "-version__current", "sort_order", "code"]
    readonly_fields = ["code_list", "version", "code"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PlanSector)
class PlanSectorAdmin(LabelledModelAdmin):
    """A county adds a sector here without a release; its code is the API's value and never
    changes once sections use it."""

    list_display = ["code", "name_fi", "name_sv", "name_en", "sort_order", "active"]
    list_display_links = ["code"]
    list_editable = ["active"]
    ordering = ["sort_order", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RatingLevelInline(admin.StackedInline):
    """Stacked, not tabular: each input has its own label (a tabular inline's inputs have
    none, and its table an empty header cell)."""

    model = RatingLevel
    extra = 0
    fields = ["value", "name_fi", "name_sv", "name_en"]
    ordering = ["value"]


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "minimum", "maximum", "is_default"]
    inlines = [RatingLevelInline]


@admin.register(PlainLanguageTerm)
class PlainLanguageTermAdmin(admin.ModelAdmin):
    list_display = ["term", "alternative", "language"]
    list_filter = ["language"]
    search_fields = ["term", "alternative"]


admin.site.register(DisclosureBasis, LegalBasisAdmin)
