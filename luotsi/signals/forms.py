"""The forms of intervention points and early rules (the report's filters: GET, nothing saved;
the backtest's as-of date)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luotsi.common.formatting import format_month
from luotsi.common.forms import DateInput, Form
from luotsi.common.periods import month_start_after
from luotsi.organisation.forms import MunicipalityInRegionMixin
from luotsi.organisation.models import Municipality, Region
from luotsi.signals.backtest import NotEnoughHistory, check_history
from luotsi.signals.report import DEFAULT_MONTHS, PERIOD_CHOICES, Filters

END_MONTHS_BACK = 60


class InterventionFilterForm(MunicipalityInRegionMixin, Form):
    months = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)
    end = forms.ChoiceField(label=_("Last month of the period"), required=False)
    region = forms.ModelChoiceField(Region.objects.order_by("code"), required=False,
                                    label=_("Region"), empty_label=_("All regions"))
    municipality = forms.ModelChoiceField(Municipality.objects.order_by("name_fi"),
                                          required=False, label=_("Municipality"),
                                          empty_label=_("All municipalities"))

    def __init__(self, data=None, *, today: date, **kwargs):
        self.today = today
        this_month = today.replace(day=1)
        data = data.copy() if data is not None else {}
        data.setdefault("months", str(DEFAULT_MONTHS))
        data.setdefault("end", f"{this_month:%Y-%m}")
        super().__init__(data, **kwargs)
        self.fields["months"].choices = [
            (n, ngettext("%(count)d month", "%(count)d months", n) % {"count": n})
            for n in PERIOD_CHOICES]
        months = [month_start_after(this_month, -i) for i in range(END_MONTHS_BACK)]
        self.fields["end"].choices = [(f"{m:%Y-%m}", format_month(m)) for m in months]

    def clean_months(self) -> int:
        return self.cleaned_data.get("months") or DEFAULT_MONTHS

    def clean_end(self) -> date:
        value = self.cleaned_data.get("end") or f"{self.today:%Y-%m}"
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(end=data["end"], months=data["months"],
                       region_id=data["region"].pk if data.get("region") else None,
                       municipality_id=data["municipality"].pk if data.get("municipality")
                       else None)


class BacktestForm(Form):
    as_of = forms.DateField(label=_("As-of date"), widget=DateInput,
                            help_text=_("The date whose flags the early rules are measured "
                                        "against; 12 months and the rules' window of history "
                                        "before it are needed."))

    def clean_as_of(self) -> date:
        value = self.cleaned_data["as_of"]
        try:
            check_history(value)
        except NotEnoughHistory as exc:
            raise forms.ValidationError(exc.message) from exc
        return value
