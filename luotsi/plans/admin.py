"""Code lists of the client plan for the administrator: AVAIN code lists, the rating scales of
the AVAIN meter with their levels, and the office-jargon terms of the clear-language check.
Plans themselves hold client data and are never administered here."""

from django.contrib import admin

from luotsi.common.admin import LabelledModelAdmin
from luotsi.plans.models import CodeListItem, PlainLanguageTerm, RatingLevel, RatingScale


@admin.register(CodeListItem)
class CodeListItemAdmin(LabelledModelAdmin):
    list_display = ["code_list", "code", "name_fi", "name_sv", "name_en", "sort_order",
                    "provisional", "active"]
    list_display_links = ["code"]
    list_editable = ["active"]
    list_filter = ["code_list", "provisional", "active"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    ordering = ["code_list", "sort_order", "code"]


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
