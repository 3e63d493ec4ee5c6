"""The identification rules for the administrator, and read-only bookkeeping of imports and runs.

Service events and flags are client data and are never administered here. A rule's conditions
change only through a draft (``RuleVersion``): the rule's own page names it and offers "Make a
draft"; the draft's page shows how many persons it would flag on today's date beside the active
version, as last computed when asked for ("Save and compute the preview":
``services.rule_version_preview``, which keeps the figures on the draft; opening the page counts
nothing), and "Activate" makes it the rule's next version (``services.rule_version_activate``).
Model ``clean()`` refuses conditions that cannot match anyone with a message naming the field,
before the draft is saved and again on activation. A new rule is created with its first draft,
and counts only once that is activated.
"""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from luotsi.common.formatting import format_date, format_datetime
from luotsi.common.forms import GuardedInputMixin
from luotsi.usage import services
from luotsi.usage.models import (
    EventKind,
    EventSector,
    IdentificationRule,
    IdentificationRun,
    ImportBatch,
    RuleConditions,
    RuleVersion,
)

CONDITIONS = list(RuleConditions.CONDITION_FIELDS)


class RuleConditionsForm(GuardedInputMixin, forms.ModelForm):
    """The conditions, with the sectors and kinds as lists of boxes to tick."""

    sectors_together = forms.MultipleChoiceField(
        label=_("sectors used together"), required=False, choices=EventSector.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The person must have events in every one of these sectors within the "
                    "window (at least two; none: no such condition)."))
    event_kinds = forms.MultipleChoiceField(
        label=_("service kinds counted"), required=False, choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only events of these kinds count, for the measure and the sectors alike "
                    "(none: every kind)."))


@admin.register(IdentificationRule)
class IdentificationRuleAdmin(admin.ModelAdmin):
    form = RuleConditionsForm
    list_display = ["code", "name_fi", "version", "measure", "threshold", "min_age", "max_age",
                    "window_days", "active"]
    list_filter = ["active", "measure"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]

    def get_fieldsets(self, request, obj=None):
        conditions = (CONDITIONS if obj is None
                      else ["version", *CONDITIONS, "draft_link"])
        return [
            (None, {"fields": ["code", "active"]}),
            (_("Name"), {"fields": ["name_fi", "name_sv", "name_en"]}),
            (_("Explanation"), {"fields": ["explanation_fi", "explanation_sv",
                                           "explanation_en"]}),
            (_("Conditions") if obj is not None else _("Conditions of the first draft"),
             {"fields": conditions}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["version", *CONDITIONS, "draft_link"]

    @admin.display(description=_("Draft"))
    def draft_link(self, obj: IdentificationRule) -> str:
        draft = obj.versions.filter(status=RuleVersion.Status.DRAFT).first()
        if draft is not None:
            return format_html('<a href="{}">{}</a>', reverse(
                "admin:usage_ruleversion_change", args=[draft.pk]), _("Edit the draft"))
        return format_html('<a href="{}?rule={}">{}</a>', reverse(
            "admin:usage_ruleversion_add"), obj.pk, _("Make a draft of new conditions"))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.version = 0  # counts once its first draft is activated
        super().save_model(request, obj, form, change)
        obj._first_draft = services.rule_draft_start(actor=request.user, rule=obj)

    def response_add(self, request, obj, post_url_continue=None):
        draft = getattr(obj, "_first_draft", None)
        if draft is None or "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, _("The rule was saved with its conditions as a draft. Check "
                                    "how many persons it would flag, then activate it."))
        return HttpResponseRedirect(reverse("admin:usage_ruleversion_change", args=[draft.pk]))


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    form = RuleConditionsForm
    list_display = ["rule", "number", "status", "measure", "threshold", "min_age", "max_age",
                    "created_at", "activated_at"]
    list_filter = ["status"]
    search_fields = ["rule__code", "rule__name_fi"]
    change_form_template = "admin/usage/ruleversion/change_form.html"

    def get_fieldsets(self, request, obj=None):
        about = ["rule"] if obj is None else ["rule", "number", "status", "created_by",
                                              "activated_at", "activated_by"]
        sets = [(None, {"fields": about}), (_("Conditions"), {"fields": CONDITIONS})]
        if obj is not None and obj.status == RuleVersion.Status.DRAFT:
            sets.append((_("Preview"), {"fields": ["preview"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["rule", "number", "status", "created_by", "activated_at", "activated_by",
                 "preview"]
        if obj.status != RuleVersion.Status.DRAFT:
            fixed += CONDITIONS
        return fixed

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        rule_id = request.GET.get("rule", "")
        if rule_id.isdigit():
            rule = IdentificationRule.objects.filter(pk=int(rule_id)).first()
            if rule is not None:
                initial.update(rule.conditions())
        return initial

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != RuleVersion.Status.DRAFT:
            return False  # a version that has counted is history: it is read, not changed
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != RuleVersion.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.status = RuleVersion.Status.DRAFT
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        context["can_activate"] = obj is not None and obj.status == RuleVersion.Status.DRAFT
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        # Both buttons post the change form: the draft is saved (the change permission checked,
        # as for every save of it) before it is previewed or activated.
        here = reverse("admin:usage_ruleversion_change", args=[obj.pk])
        if "_preview" in request.POST:
            try:
                services.rule_version_preview(actor=request.user, version=obj)
            except ValidationError as error:
                for problems in error.message_dict.values():
                    for problem in problems:
                        messages.error(request, problem)
                return HttpResponseRedirect(here)
            messages.success(request, _("The draft was saved and its preview computed."))
            return HttpResponseRedirect(f"{here}#rule-preview-date")
        if "_activate" not in request.POST:
            return super().response_change(request, obj)
        try:
            version = services.rule_version_activate(actor=request.user, version=obj)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                label = (RuleVersion._meta.get_field(field).verbose_name
                         if field in {f.name for f in RuleVersion._meta.fields} else field)
                for problem in problems:
                    messages.error(request, f"{label}: {problem}")
            return HttpResponseRedirect(here)
        messages.success(request, _("Version %(number)s of “%(rule)s” is now active; the next "
                                    "identification run flags by it.") % {
            "number": version.number, "rule": version.rule})
        return HttpResponseRedirect(here)

    @admin.display(description=_("How many it would flag"))
    def preview(self, obj: RuleVersion) -> str:
        """The last computed preview (``services.rule_version_preview``), with when and what
        over it was computed; nothing is counted here."""
        figures = obj.preview_figures
        if not figures or obj.preview_computed_at is None:
            return format_html('<p id="rule-preview-date">{}</p>', _(
                "Not computed yet: “Save and compute the preview” counts the persons on today's "
                "date."))
        rows = [(_("This draft would flag"), figures["would_flag"])]
        if figures["active_flags"] is None:
            rows.append((_("Active version"), _("none yet")))
        else:
            rows += [
                (_("The active version %(number)s flags") % {
                    "number": figures["active_version"]}, figures["active_flags"]),
                (_("Difference"), f"{figures['would_flag'] - figures['active_flags']:+d}"),
                (_("Flagged by this draft only"), figures["added"]),
                (_("No longer flagged"), figures["removed"]),
            ]
        imported = figures["import"]
        if imported is None:
            over = _("Computed %(computed)s; no import of events recorded then.") % {
                "computed": format_datetime(obj.preview_computed_at)}
        else:
            over = _("Computed %(computed)s over the events up to the import of %(imported)s "
                     "(%(source)s).") % {
                "computed": format_datetime(obj.preview_computed_at),
                "imported": format_datetime(datetime.fromisoformat(imported["started_at"])),
                "source": imported["source"]}
        return format_html(
            '<p id="rule-preview-date">{}</p><table class="rule-preview"><tbody>{}</tbody>'
            '</table><p id="rule-preview-computed">{}</p>{}',
            _("Persons with events, counted on %(date)s with today's events.") % {
                "date": format_date(date.fromisoformat(figures["as_of"]))},
            format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows),
            over,
            format_html_join("", '<p class="rule-preview-stale">{}</p>',
                             ((reason,) for reason in self._changed_since(obj, figures))))

    @staticmethod
    def _changed_since(obj: RuleVersion, figures: dict) -> list[str]:
        """Why the stored preview may no longer hold (one statement: the latest import)."""
        reasons = []
        if figures["conditions"] != obj.conditions():
            reasons.append(_("The draft's conditions have changed since."))
        if figures["active_version"] != obj.rule.version:
            reasons.append(_("The rule's active version has changed since."))
        latest = services.latest_import()
        if (latest or {}).get("id") != (figures["import"] or {}).get("id"):
            reasons.append(_("Events have been imported since."))
        if figures["as_of"] != timezone.localdate().isoformat():
            reasons.append(_("It was counted on an earlier day."))
        if reasons:
            reasons.append(_("Compute it again to see the figures of now."))
        return reasons


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
