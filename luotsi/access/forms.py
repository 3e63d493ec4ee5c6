from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luotsi.access.models import Basis
from luotsi.common.forms import DateInput, Form
from luotsi.people import hetu as hetu_module


class PeriodForm(Form):
    """A period of log records: it ends no later than today and not before it starts."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        super().clean()
        data = self.cleaned_data
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
    """The person is named by one of: the identity code, the temporary identifier, or the name
    and date of birth."""

    field_order = ["hetu", "temporary_id", "name", "birth_date", "start", "end",
                   "special_reason"]

    hetu = forms.CharField(label=_("Personal identity code"), max_length=20, required=False)
    temporary_id = forms.CharField(label=_("Temporary identifier"), max_length=20,
                                   required=False,
                                   help_text=_("For a person without a personal identity code."))
    name = forms.CharField(label=_("Last and first names"), max_length=300, required=False,
                           help_text=_("With the date of birth, when there is no identity code "
                                       "or temporary identifier."))
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    special_reason = forms.CharField(
        label=_("Special reason (period more than two years back)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Log data older than two years are given only for a special reason, e.g. a "
                    "suspected unauthorised use."),
    )

    def clean_hetu(self):
        return hetu_module.clean_field(self.cleaned_data["hetu"])

    def clean_temporary_id(self):
        return self.cleaned_data["temporary_id"].strip().upper()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        ways = [name for name, given in (
            ("hetu", data.get("hetu") or "hetu" in self.errors),
            ("temporary_id", data.get("temporary_id")),
            ("name", data.get("name") or data.get("birth_date") or "birth_date" in self.errors),
        ) if given]
        if not ways:
            self.add_error("hetu", _("Give the personal identity code, the temporary identifier, "
                                     "or the name and date of birth."))
        elif len(ways) > 1:
            self.add_error(ways[1], _("Give only one of: the personal identity code, the "
                                      "temporary identifier, or the name and date of birth."))
        elif ways == ["name"] and "birth_date" not in self.errors:
            if not data.get("name"):
                self.add_error("name", _("Give the name with the date of birth."))
            elif not data.get("birth_date"):
                self.add_error("birth_date", _("Give the date of birth with the name."))
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


class EmergencyReviewForm(Form):
    finding = forms.ChoiceField(
        label=_("Finding"), widget=forms.RadioSelect,
        choices=[("justified", _("Justified")), ("unjustified", _("Not justified"))],
    )
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
