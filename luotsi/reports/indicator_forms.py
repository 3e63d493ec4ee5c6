"""Filters of the indicators page (GET, nothing is saved)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luotsi.organisation.models import Municipality
from luotsi.reports.filter_forms import PeriodFilterForm
from luotsi.reports.indicators import DEFAULT_MONTHS, PERIOD_CHOICES, Filters


class IndicatorFilterForm(PeriodFilterForm):
    municipality = forms.ModelChoiceField(Municipality.objects.order_by("name_fi"),
                                          required=False, label=_("Municipality"),
                                          empty_label=_("All municipalities"))

    period_choices = PERIOD_CHOICES
    default_months = DEFAULT_MONTHS
    end_months_back = 60

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].label_from_instance = lambda region: region.name
        self.fields["municipality"].label_from_instance = lambda municipality: municipality.name

    def clean(self):
        data = super().clean()
        region, municipality = data.get("region"), data.get("municipality")
        if region and municipality and municipality.region_id != region.pk:
            self.add_error("municipality", _("This municipality is not in the chosen region."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(end=data["end"], months=data["months"], region_id=self.chosen_pk("region"),
                       municipality_id=self.chosen_pk("municipality"))
