"""The filters of the key-figure page (GET, nothing is saved)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luotsi.common.formatting import format_month
from luotsi.common.forms import DateInput, Form
from luotsi.common.periods import month_start_after
from luotsi.organisation.models import Municipality, Region, Team, TeamKind
from luotsi.reports.selectors import (
    DEFAULT_MONTHS,
    PERIOD_CHOICES,
    KpiFilters,
)

END_MONTHS_BACK = 36  # how far back the period may end


def _month_value(day: date) -> str:
    return f"{day:%Y-%m}"


class KpiFilterForm(Form):
    months = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)
    end = forms.ChoiceField(label=_("Last month of the period"), required=False)
    region = forms.ModelChoiceField(Region.objects.order_by("code"), required=False,
                                    label=_("Region"), empty_label=_("All regions"))
    team = forms.ModelChoiceField(
        Team.objects.filter(kind__in=[TeamKind.INTAKE, TeamKind.ASSESSMENT]).order_by("code"),
        required=False, label=_("Team"), empty_label=_("All teams"),
        help_text=_("The team that holds the contact now; for the pilot's measure, the team "
                    "that made the routing decision."))
    municipality = forms.ModelChoiceField(
        Municipality.objects.order_by("name_fi"), required=False, label=_("Municipality"),
        empty_label=_("All municipalities"), help_text=_("The family's municipality."))

    measure_from = forms.DateField(
        label=_("Measure from"), required=False, widget=DateInput(),
        help_text=_("The pilot measure's first day; empty for the period's first day."))
    measure_to = forms.DateField(
        label=_("Measure to"), required=False, widget=DateInput(),
        help_text=_("The pilot measure's last day; empty for the period's last day."))

    def __init__(self, data=None, *, today: date, **kwargs):
        self.today = today
        this_month = today.replace(day=1)
        data = data.copy() if data is not None else {}
        if not data.get("months"):
            data["months"] = str(DEFAULT_MONTHS)
        if not data.get("end"):
            data["end"] = _month_value(this_month)
        super().__init__(data, **kwargs)
        self.fields["months"].choices = [
            (n, ngettext("%(count)d month", "%(count)d months", n) % {"count": n})
            for n in PERIOD_CHOICES]
        self.fields["end"].choices = [
            (_month_value(month), format_month(month))
            for month in (month_start_after(this_month, -i) for i in range(END_MONTHS_BACK))]

    def clean_end(self) -> date:
        value = self.cleaned_data.get("end") or _month_value(self.today)
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)

    def clean_months(self) -> int:
        return self.cleaned_data.get("months") or DEFAULT_MONTHS

    def filters(self) -> KpiFilters:
        data = self.cleaned_data
        return KpiFilters(
            end=data["end"], months=data["months"],
            region_id=data["region"].pk if data.get("region") else None,
            team_id=data["team"].pk if data.get("team") else None,
            municipality_id=data["municipality"].pk if data.get("municipality") else None,
            measure_from=data.get("measure_from"), measure_to=data.get("measure_to"),
        )

    def clean(self):
        data = super().clean()
        first, last = data.get("measure_from"), data.get("measure_to")
        if first and last and first > last:
            self.add_error("measure_to", _("The last day cannot be before the first day."))
        return data
