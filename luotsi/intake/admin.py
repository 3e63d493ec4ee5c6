"""Code lists of family intake for the administrator: the referral service catalogue.
Contacts and assessments hold client data and are never administered here."""

from django.contrib import admin

from luotsi.intake.models import ServiceCatalogueItem


@admin.register(ServiceCatalogueItem)
class ServiceCatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "provider", "provider_kind", "active"]
    list_filter = ["provider_kind", "active", "municipalities"]
    search_fields = ["code", "name_fi", "name_sv", "provider"]
    filter_horizontal = ["municipalities"]
