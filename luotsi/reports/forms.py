"""The filters of the key-figure page (GET, nothing is saved)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luotsi.common.forms import DateInput, refuse_last_before_first
from luotsi.organisation.models import Municipality, Team, TeamKind
from luotsi.reports.filter_forms import PeriodFilterForm
from luotsi.reports.selectors import (
    DEFAULT_MONTHS,
    PERIOD_CHOICES,
    KpiFilters,
)


class KpiFilterForm(PeriodFilterForm):
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

    period_choices = PERIOD_CHOICES
    default_months = DEFAULT_MONTHS

    def filters(self) -> KpiFilters:
        data = self.cleaned_data
        return KpiFilters(
            end=data["end"], months=data["months"],
            region_id=self.chosen_pk("region"), team_id=self.chosen_pk("team"),
            municipality_id=self.chosen_pk("municipality"),
            measure_from=data.get("measure_from"), measure_to=data.get("measure_to"),
        )

    def clean(self):
        data = super().clean()
        refuse_last_before_first(self, "measure_from", "measure_to")
        return data
