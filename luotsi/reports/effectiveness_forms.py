"""Forms of the AVAIN effectiveness report and its research file (GET, nothing is saved). They
draw their widgets like the plan's forms (``luotsi.plans.forms.PlanForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luotsi.organisation.models import Team
from luotsi.plans import sectors as plan_sectors
from luotsi.plans.forms import PlanForm
from luotsi.reports.effectiveness import (
    DEFAULT_MONTHS,
    PERIOD_CHOICES,
    EffectivenessFilters,
)
from luotsi.reports.filter_forms import PeriodFilterForm


class EffectivenessFilterForm(PeriodFilterForm, PlanForm):
    """Filters of the AVAIN effectiveness report (GET, nothing is saved)."""

    team = forms.ModelChoiceField(
        Team.objects.order_by("code"), required=False, label=_("Team"),
        empty_label=_("All teams"), help_text=_("The team of the plan's coordinator."))
    sector = forms.ChoiceField(label=_("Sector"), required=False,
                               choices=lambda: [("", _("All sectors")),
                                                *((row.code, row.label)
                                                  for row in plan_sectors.all_sectors())])

    period_choices = PERIOD_CHOICES
    default_months = DEFAULT_MONTHS

    def filters(self) -> EffectivenessFilters:
        data = self.cleaned_data
        return EffectivenessFilters(
            end=data["end"], months=data["months"], region_id=self.chosen_pk("region"),
            team_id=self.chosen_pk("team"), sector=data.get("sector") or "")


class ResearchExportForm(PlanForm):
    purpose = forms.CharField(
        label=_("Purpose of the research file"), max_length=100,
        help_text=_("For example the study's name or permit number. The same purpose gives the "
                    "same pseudonyms; another purpose gives pseudonyms that cannot be linked."))

    def clean_purpose(self) -> str:
        value = " ".join(self.cleaned_data["purpose"].split())
        if not value:
            raise forms.ValidationError(_("Give the purpose of the research file."))
        return value
