"""Code lists of family intake for the administrator: the referral service catalogue.
Contacts and assessments hold client data and are never administered here."""

from django import forms
from django.contrib import admin

from luotsi.intake.models import ServiceCatalogueItem


@admin.register(ServiceCatalogueItem)
class ServiceCatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "provider", "provider_kind", "active"]
    list_filter = ["provider_kind", "active", "municipalities"]
    search_fields = ["code", "name_fi", "name_sv", "provider"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Municipalities as labelled checkboxes: the admin's two-pane filter widget puts ARIA
        labels on elements that may not carry them (axe: aria-prohibited-attr)."""
        if db_field.name == "municipalities":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)
