from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luotsi.access.models import Basis
from luotsi.common.forms import DateInput
from luotsi.people import hetu as hetu_module


class PeriodForm(forms.Form):
    """A period of log records: it ends no later than today and not before it starts."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period is before its start."))
        if end and end > timezone.localdate():
            self.add_error("end", _("The period cannot end in the future."))
        return data


def _basis_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Basis"), required=False,
                             choices=[("", _("All bases")), *Basis.choices])


class AccessLogReportForm(PeriodForm):
    field_order = ["hetu", "start", "end", "special_reason"]

    hetu = forms.CharField(label=_("Personal identity code"), max_length=20)
    special_reason = forms.CharField(
        label=_("Special reason (period more than two years back)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Log data older than two years are given only for a special reason, e.g. a "
                    "suspected unauthorised use."),
    )

    def clean_hetu(self):
        try:
            return hetu_module.parse(self.cleaned_data["hetu"]).value
        except hetu_module.HetuError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        start = data.get("start")
        limit = timezone.localdate() - timedelta(days=365 * settings.ACCESS_LOG_REPORT_FREE_YEARS)
        if start and start < limit and not (data.get("special_reason") or "").strip():
            self.add_error(
                "special_reason",
                _("The period starts more than two years back: give the special reason."),
            )
        return data


class PersonReportForm(AccessLogReportForm):
    """A person's access-log report, optionally of one basis."""

    basis = _basis_field()


class UnnamedRecordsForm(PeriodForm):
    """Records naming no person, for a period and optionally one basis."""

    basis = _basis_field()


class EmergencyReviewForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"), widget=forms.RadioSelect,
        choices=[("justified", _("Justified")), ("unjustified", _("Not justified"))],
    )
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
