"""Administration of the organisation: counties, regions, the municipality → region routing
table, teams and professionals. Client data is never administered here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from luotsi.organisation import audit
from luotsi.organisation.models import County, Municipality, Region, Team, User


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "county"]
    list_select_related = ["county"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "region"]
    list_editable = ["region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_fi", "name_sv"]

    def get_changelist_form(self, request, **kwargs):
        """Each row's region select gets an accessible name (the list has no per-row labels)."""
        base = super().get_changelist_form(request, **kwargs)

        class RoutingForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if "region" in self.fields and self.instance.pk:
                    wrapper = self.fields["region"].widget
                    inner = getattr(wrapper, "widget", wrapper)
                    inner.attrs = {**inner.attrs, "aria-label": _(
                        "Region of %(municipality)s") % {"municipality": self.instance}}

        return RoutingForm


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "service_task", "kind", "region"]
    list_filter = ["service_task", "kind", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_fi"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "title", "role", "is_active", "is_demo"]
    list_filter = ["role", "is_active", "is_demo", "teams"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Work"), {"fields": ["title", "role", "teams", "phone", "language", "is_demo"]}),
    ]
    filter_horizontal = ["teams", "groups", "user_permissions"]

    def save_model(self, request, obj, form, change):
        """Remember the stored role, flags and teams before the change (see save_related)."""
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        request._luotsi_before = audit.snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Teams are saved here, after the user: then the whole change is known and announced
        to the access log (``audit.professional_access_changed``)."""
        super().save_related(request, form, formsets, change)
        audit.announce(actor=request.user, professional=form.instance,
                       before=getattr(request, "_luotsi_before", None))
