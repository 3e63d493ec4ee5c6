"""The filters every report starts from (GET, nothing is saved): the period, as a number of
months ending with a chosen month (by default the current month and the report's default
length), and the region."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luotsi.common.formatting import format_month
from luotsi.common.forms import Form
from luotsi.common.periods import month_start_after
from luotsi.organisation.models import Region


class PeriodFilterForm(Form):
    """A report's filter form; a report's form adds its own filters after these and sets the
    period's lengths (``period_choices``, ``default_months``) and how far back the period may
    end (``end_months_back``)."""

    months = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)
    end = forms.ChoiceField(label=_("Last month of the period"), required=False)
    region = forms.ModelChoiceField(Region.objects.order_by("code"), required=False,
                                    label=_("Region"), empty_label=_("All regions"))

    period_choices: Sequence[int]
    default_months: int
    end_months_back = 36

    def __init__(self, data=None, *, today: date, **kwargs):
        self.today = today
        this_month = today.replace(day=1)
        data = data.copy() if data is not None else {}
        data.setdefault("months", str(self.default_months))
        data.setdefault("end", f"{this_month:%Y-%m}")
        super().__init__(data, **kwargs)
        self.fields["months"].choices = [
            (n, ngettext("%(count)d month", "%(count)d months", n) % {"count": n})
            for n in self.period_choices]
        months = [month_start_after(this_month, -i) for i in range(self.end_months_back)]
        self.fields["end"].choices = [(f"{m:%Y-%m}", format_month(m)) for m in months]

    def clean_months(self) -> int:
        return self.cleaned_data.get("months") or self.default_months

    def clean_end(self) -> date:
        value = self.cleaned_data.get("end") or f"{self.today:%Y-%m}"
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)

    def chosen_pk(self, name: str) -> int | None:
        """The id of the object chosen in the filter ``name``, or None for all."""
        chosen = self.cleaned_data.get(name)
        return chosen.pk if chosen else None
