"""Administration of the organisation: counties, regions, the municipality → region routing
table, teams and professionals. Client data is never administered here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from luotsi.common.admin import LabelledModelAdmin
from luotsi.organisation import audit, second_factor
from luotsi.organisation.models import County, Municipality, Region, Team, User


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "county"]
    list_select_related = ["county"]


@admin.register(Municipality)
class MunicipalityAdmin(LabelledModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "region"]
    list_editable = ["region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "service_task", "kind", "region"]
    list_filter = ["service_task", "kind", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_fi"]


admin.site.unregister(Group)
# An authenticator's secret is the professional's alone: never shown in the admin (django-otp
# registers its own page); an administrator only resets it (UserAdmin's action).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Permissions as a plain labelled list, not the two-pane filter widget, whose ARIA labels
    sit on elements that may not carry them (axe: aria-prohibited-attr)."""

    filter_horizontal = ()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "title", "role", "qualification",
                    "is_active", "is_demo", "two_step_verification"]
    actions = ["reset_second_factor"]
    list_filter = ["role", "qualification", "is_active", "is_demo", "teams"]
    search_fields = [*BaseUserAdmin.search_fields, "registration_number"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Work"), {"fields": ["title", "role", "teams", "phone", "language", "is_demo"]}),
        (_("Qualification"), {"fields": ["qualification", "registration_number"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Qualification"), {"fields": ["role", "qualification", "registration_number"]}),
    ]
    # Set by Luotsi, not typed: shown, not edited (their split date and time inputs would
    # have no labels either).
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()  # see formfield_for_manytomany

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Teams and groups as labelled checkboxes, permissions as a plain labelled list:
        the admin's two-pane filter widget puts ARIA labels on elements that may not carry
        them (axe: aria-prohibited-attr)."""
        if db_field.name in ("teams", "groups"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(authenticator_enrolled=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))

    @admin.display(boolean=True, description=_("two-step verification"),
                   ordering="authenticator_enrolled")
    def two_step_verification(self, obj) -> bool:
        return bool(getattr(obj, "authenticator_enrolled", False))

    @admin.action(description=_("Reset two-step verification of the selected professionals"),
                  permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """Another administrator removes a professional's authenticator and recovery codes (a
        lost phone): their sessions end and their next password sign-in sets up a new one.
        Written to the access log, where the data-protection officer sees it."""
        for professional in queryset:
            try:
                done = second_factor.second_factor_reset(actor=request.user,
                                                         professional=professional)
            except PermissionDenied:
                self.message_user(request, gettext(
                    "You cannot reset your own two-step verification: ask another "
                    "administrator."), messages.ERROR)
                continue
            if done:
                self.message_user(request, gettext(
                    "Two-step verification of %(name)s is reset: their sessions ended, and "
                    "they set up an authenticator app again at their next sign-in.")
                    % {"name": professional.get_username()}, messages.SUCCESS)
            else:
                self.message_user(request, gettext(
                    "%(name)s had no two-step verification to reset.")
                    % {"name": professional.get_username()}, messages.WARNING)

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
