"""The capacity forms of the team lead and the what-if panel (GET, nothing saved)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from luotsi.common.forms import DateInput, Form, OnceForm, refuse_last_before_first
from luotsi.foresight import defaults
from luotsi.foresight.models import GapKind, StaffRole, WorkKind
from luotsi.foresight.services import effort_problem, fte_problem
from luotsi.foresight.workload import WhatIf


def _decimal(label, *, help_text="", required=True, places=2, digits=5):
    return forms.DecimalField(label=label, help_text=help_text, required=required,
                              max_digits=digits, decimal_places=places,
                              widget=forms.NumberInput(attrs={"step": "0.01"}))


class _PerCodeForm(Form):
    """One decimal field per code of ``codes`` (a code list's ``TextChoices``), in the list's
    order after the declared fields: named ``<field_prefix>_<code>``, labelled ``label(the code's
    label)`` and checked by ``problem`` (the service's own check)."""

    codes: type[TextChoices]
    field_prefix: str

    @staticmethod
    def label(name) -> str:
        raise NotImplementedError

    @staticmethod
    def problem(value: Decimal) -> str | None:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in self.codes.choices:
            self.fields[f"{self.field_prefix}_{code}"] = _decimal(self.label(name))

    def clean(self):
        data = super().clean()
        for code in self.codes.values:
            field = f"{self.field_prefix}_{code}"
            problem = self.problem(data[field]) if field in data else None
            if problem:
                self.add_error(field, problem)
        return data

    def by_code(self) -> dict[str, Decimal]:
        """Code → the figure entered for it."""
        return {code: self.cleaned_data[f"{self.field_prefix}_{code}"] for code in self.codes.values}


class CapacityForm(_PerCodeForm):
    """The team's working time and its staff by role (full-time equivalents)."""

    codes = StaffRole
    field_prefix = "fte"
    problem = staticmethod(fte_problem)

    weekly_hours = _decimal(_("Hours of a full-time week"), digits=4, help_text=_(
        "KVTES: 38.25 hours a week."))
    client_work_share = forms.IntegerField(
        label=_("Share of working time for client work (%)"), help_text=_(
            "The rest goes to team meetings, supervision, training and administration."))

    @staticmethod
    def label(name) -> str:
        return _("%(role)s: full-time equivalents") % {"role": name}

    def clean(self):
        data = super().clean()
        hours = data.get("weekly_hours")
        if hours is not None and (hours <= 0 or hours > defaults.MAX_WEEKLY_HOURS):
            self.add_error("weekly_hours", _(
                "A full-time week has more than 0 and at most %(max)s hours.") % {
                "max": defaults.MAX_WEEKLY_HOURS})
        share = data.get("client_work_share")
        if share is not None and not 1 <= share <= 100:
            self.add_error("client_work_share", _("The share is a percentage from 1 to 100."))
        return data

    def fte(self) -> dict[str, Decimal]:
        return self.by_code()


class EffortForm(_PerCodeForm):
    """The expected effort of one item of each kind of work, in hours."""

    codes = WorkKind
    field_prefix = "effort"
    problem = staticmethod(effort_problem)

    @staticmethod
    def label(name) -> str:
        return _("%(work)s: hours") % {"work": name}

    def hours(self) -> dict[str, Decimal]:
        return self.by_code()


class GapForm(OnceForm):
    """An absence or a vacancy of some of a role's working time for a period."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *GapKind.choices])
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *StaffRole.choices])
    fte = _decimal(_("Full-time equivalents away"))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200, help_text=_(
        "For example “annual leave” or “post being filled”; no client data."))

    def clean(self):
        data = super().clean()
        fte = data.get("fte")
        if fte is not None:
            problem = fte_problem(fte) or (
                _("An absence or a vacancy is more than 0 full-time equivalents.")
                if fte == 0 else None)
            if problem:
                self.add_error("fte", problem)
        refuse_last_before_first(self, "starts_on", "ends_on")
        return data


class WhatIfForm(Form):
    """The forecast's horizon, the team shown in detail and the what-if changes (GET)."""

    weeks = forms.IntegerField(label=_("Weeks ahead"), required=False, help_text=_(
        "From 1 to 52 weeks; this week is the first."))
    team = forms.ChoiceField(label=_("Team in detail"), required=False)
    add_fte = _decimal(_("Add staff (full-time equivalents)"), required=False)
    add_role = forms.ChoiceField(label=_("Role of the added staff"), choices=StaffRole.choices,
                                 required=False)
    add_from = forms.IntegerField(label=_("From week"), required=False, help_text=_(
        "The week number on this page (1 is this week) from which the added or moved staff "
        "works."))
    move_fte = _decimal(_("Move staff to another team (full-time equivalents)"),
                        required=False)
    move_role = forms.ChoiceField(label=_("Role of the moved staff"),
                                  choices=StaffRole.choices, required=False)
    move_to = forms.ChoiceField(label=_("Move to team"), required=False)
    effort_kind = forms.ChoiceField(label=_("Change the effort of"), required=False,
                                    choices=[("", _("No change")), *WorkKind.choices])
    effort_hours = _decimal(_("New effort (hours)"), required=False)

    def __init__(self, data=None, *, teams, **kwargs):
        data = data.copy() if data is not None else {}
        for name, value in (("weeks", str(defaults.DEFAULT_HORIZON_WEEKS)), ("add_from", "1"),
                            ("add_role", StaffRole.SOCIAL_WORKER),
                            ("move_role", StaffRole.SOCIAL_WORKER)):
            if not data.get(name):
                data[name] = value
        if not data.get("team") and teams:
            data["team"] = teams[0].code
        super().__init__(data, **kwargs)
        self.teams = {team.code: team for team in teams}
        choices = [(team.code, team.name) for team in teams]
        self.fields["team"].choices = choices
        self.fields["move_to"].choices = [("", _("No move")), *choices]

    def clean_weeks(self):
        weeks = self.cleaned_data.get("weeks") or defaults.DEFAULT_HORIZON_WEEKS
        if not 1 <= weeks <= defaults.MAX_HORIZON_WEEKS:
            raise forms.ValidationError(_("The forecast reaches from 1 to %(max)s weeks ahead.")
                                        % {"max": defaults.MAX_HORIZON_WEEKS})
        return weeks

    def clean(self):
        data = super().clean()
        weeks = data.get("weeks") or defaults.DEFAULT_HORIZON_WEEKS
        first = data.get("add_from")
        if first is not None and not 1 <= first <= weeks:
            self.add_error("add_from", _("Choose a week from 1 to %(weeks)s.") % {"weeks": weeks})
        for name in ("add_fte", "move_fte"):
            value = data.get(name)
            problem = fte_problem(value) if value is not None else None
            if problem:
                self.add_error(name, problem)
        if data.get("move_fte") and not data.get("move_to"):
            self.add_error("move_to", _("Choose the team the staff moves to."))
        if data.get("move_to") and data.get("move_to") == data.get("team"):
            self.add_error("move_to", _("Choose another team than the one in detail."))
        if data.get("effort_kind"):
            problem = effort_problem(data.get("effort_hours"))
            if problem:
                self.add_error("effort_hours", problem)
        elif data.get("effort_hours") is not None:
            self.add_error("effort_kind", _("Choose the work whose effort changes."))
        return data

    def detail_team(self):
        return self.teams.get(self.cleaned_data.get("team"))

    def what_if(self) -> WhatIf:
        data = self.cleaned_data
        team = self.detail_team()
        move_to = self.teams.get(data.get("move_to") or "")
        return WhatIf(
            team_id=team.pk if team else None,
            add_fte=float(data.get("add_fte") or 0), add_role=data.get("add_role")
            or StaffRole.SOCIAL_WORKER, add_from=data.get("add_from") or 1,
            move_fte=float(data.get("move_fte") or 0),
            move_role=data.get("move_role") or StaffRole.SOCIAL_WORKER,
            move_to=move_to.pk if move_to else None,
            effort_kind=data.get("effort_kind") or None,
            effort_hours=float(data["effort_hours"]) if data.get("effort_hours") else None)
