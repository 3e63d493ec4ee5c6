"""Filters of the indicators page (GET, nothing is saved)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luotsi.organisation.forms import MunicipalityInRegionMixin
from luotsi.organisation.models import Municipality
from luotsi.reports.filter_forms import PeriodFilterForm
from luotsi.reports.indicators import DEFAULT_MONTHS, PERIOD_CHOICES, Filters


class IndicatorFilterForm(MunicipalityInRegionMixin, PeriodFilterForm):
    municipality = forms.ModelChoiceField(Municipality.objects.order_by("name_fi"),
                                          required=False, label=_("Municipality"),
                                          empty_label=_("All municipalities"))

    period_choices = PERIOD_CHOICES
    default_months = DEFAULT_MONTHS
    end_months_back = 60

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(end=data["end"], months=data["months"], region_id=self.chosen_pk("region"),
                       municipality_id=self.chosen_pk("municipality"))
