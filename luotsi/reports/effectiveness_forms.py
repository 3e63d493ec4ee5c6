"""Forms of the AVAIN effectiveness report and its research file (GET, nothing is saved). They
draw their widgets like the plan's forms (``luotsi.plans.forms.PlanForm``)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luotsi.common.formatting import format_month
from luotsi.common.periods import month_start_after
from luotsi.organisation.models import Region, Team
from luotsi.plans.forms import PlanForm
from luotsi.plans.models import Sector
from luotsi.reports.effectiveness import (
    DEFAULT_MONTHS,
    PERIOD_CHOICES,
    EffectivenessFilters,
)


class EffectivenessFilterForm(PlanForm):
    """Filters of the AVAIN effectiveness report (GET, nothing is saved)."""

    months = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)
    end = forms.ChoiceField(label=_("Last month of the period"), required=False)
    region = forms.ModelChoiceField(queryset=None, required=False, label=_("Region"),
                                    empty_label=_("All regions"))
    team = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Team"), empty_label=_("All teams"),
        help_text=_("The team of the plan's coordinator."))
    sector = forms.ChoiceField(label=_("Sector"), required=False,
                               choices=[("", _("All sectors")), *Sector.choices])

    def __init__(self, data=None, *, today, **kwargs):
        self.today = today
        this_month = today.replace(day=1)
        data = data.copy() if data is not None else {}
        data.setdefault("months", str(DEFAULT_MONTHS))
        data.setdefault("end", f"{this_month:%Y-%m}")
        super().__init__(data, **kwargs)
        self.default_months = DEFAULT_MONTHS
        self.fields["region"].queryset = Region.objects.order_by("code")
        self.fields["team"].queryset = Team.objects.order_by("code")
        self.fields["months"].choices = [
            (n, ngettext("%(count)d month", "%(count)d months", n) % {"count": n})
            for n in PERIOD_CHOICES]
        months = [month_start_after(this_month, -i) for i in range(36)]
        self.fields["end"].choices = [(f"{m:%Y-%m}", format_month(m)) for m in months]

    def clean_months(self) -> int:
        return self.cleaned_data.get("months") or self.default_months

    def clean_end(self) -> date:
        value = self.cleaned_data.get("end") or f"{self.today:%Y-%m}"
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)

    def filters(self) -> EffectivenessFilters:
        data = self.cleaned_data
        return EffectivenessFilters(
            end=data["end"], months=data["months"],
            region_id=data["region"].pk if data.get("region") else None,
            team_id=data["team"].pk if data.get("team") else None,
            sector=data.get("sector") or "")


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
