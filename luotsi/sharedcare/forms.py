"""Forms of shared-client work. They shape input; the services validate and decide. A field the
service always needs is required here too, with the service's own message, so that the page marks
it "(required)" before anything is sent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luotsi.common.forms import DateInput, Form, OnceForm, TimeInput
from luotsi.organisation.models import Team, User
from luotsi.organisation.permissions import ROLE_PERMISSIONS, Action
from luotsi.plans import sectors as plan_sectors
from luotsi.plans.forms import withholding_choices
from luotsi.plans.models import Step
from luotsi.sharedcare.models import ChecklistAnswer, ConsultationBasis, Meeting

DECISION_ROWS = 4
CLOSE_PERSON_ROWS = 2
EMPTY = [("", "—")]


def professionals():
    roles = [role for role, actions in ROLE_PERMISSIONS.items() if Action.VIEW_CLIENT in actions]
    return User.objects.filter(is_active=True, role__in=roles).order_by("last_name", "first_name",
                                                                        "pk")


def professional_choices(users) -> list[tuple[str, str]]:
    return [(str(u.pk), (u.get_full_name() or u.username) + (f" ({u.title})" if u.title else ""))
            for u in users]


def _date(**kwargs):
    return forms.DateField(widget=DateInput(), **kwargs)


def _needed(message) -> dict:
    """A required field's messages: ``message`` when it is left empty."""
    return {"required": message}


class ConfirmForm(Form):
    consent_given = forms.BooleanField(
        label=_("The client consents to cooperation between the sectors chosen below "
                "(Social Welfare Act, section 41)"),
        error_messages=_needed(_("The client's consent to multi-sector cooperation is needed "
                                 "to confirm a shared client.")))
    consent_sectors = forms.MultipleChoiceField(
        label=_("Sectors the consent covers"), choices=plan_sectors.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_needed(_("Choose the sectors the consent covers.")))
    consent_scope = forms.CharField(label=_("What the consent covers"), max_length=300,
                                    error_messages=_needed(_("Write what the consent covers.")))
    consent_from = _date(label=_("Consent valid from"),
                         error_messages=_needed(_("Give the date the consent starts.")))
    consent_until = _date(label=_("Consent valid until"), required=False)
    consent_open_ended = forms.BooleanField(
        label=_("The client agrees to a consent without an end date (in force until they "
                "withdraw it)"), required=False)
    coordinator = forms.ChoiceField(
        label=_("Coordinator (the client's contact person)"),
        error_messages=_needed(_("Name the coordinator the client can contact.")))
    care_team = forms.MultipleChoiceField(label=_("Care team"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, items=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"answer_{item.pk}"] = forms.ChoiceField(
                label=item.label(), help_text=item.guidance(),
                choices=ChecklistAnswer.Answer.choices, widget=forms.RadioSelect,
                error_messages=_needed(_("Answer this question with the client.")))
        choices = professional_choices(users)
        self.fields["coordinator"].choices = EMPTY + choices
        self.fields["care_team"].choices = choices

    def checklist_fields(self):
        return [self[f"answer_{item.pk}"] for item in self.items]

    def answers(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"answer_{item.pk}") or ""
                for item in self.items}


class DeclineForm(Form):
    reason = forms.CharField(label=_("Reason for declining"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages=_needed(_("Write the reason for declining.")))


class EndForm(Form):
    """The reason first; ``confirmed`` is set by the confirmation step's button, which comes
    only after the page has said what ending the coordination means."""

    reason = forms.CharField(label=_("Why the coordination ends"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages=_needed(_("Write why the coordination ends.")))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError(_("Write why the coordination ends."))
        return reason


class MeetingForm(OnceForm):
    held_at_date = _date(label=_("Date"),
                         error_messages=_needed(_("Give the date and time of the meeting.")))
    held_at_time = forms.TimeField(
        label=_("Time"), widget=TimeInput(),
        error_messages=_needed(_("Give the date and time of the meeting.")))
    kind = forms.ChoiceField(label=_("How the meeting is held"), choices=Meeting.Kind.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    client_present = forms.BooleanField(label=_("The client takes part"), required=False)
    professionals = forms.MultipleChoiceField(label=_("Professionals taking part"),
                                              required=False,
                                              widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label=_("Agenda"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 5}))
    minutes_withheld_ground = forms.ChoiceField(
        label=_("Minutes shown to the client"), required=False,
        help_text=_("Leave the notes and decisions out of the client's own view only on a ground "
                    "in law; the ground is recorded and the client is told that something is "
                    "not shown."))

    def __init__(self, *args, users=(), owners=(), new_decisions=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professionals"].choices = professional_choices(users)
        self.fields["minutes_withheld_ground"].choices = withholding_choices()
        for i in range(1, CLOSE_PERSON_ROWS + 1):
            self.fields[f"close_name_{i}"] = forms.CharField(
                label=_("Close person's name"), max_length=200, required=False)
            self.fields[f"close_relation_{i}"] = forms.CharField(
                label=_("Relation to the client"), max_length=100, required=False)
        owner_choices = [(Step.Owner.CLIENT.value, _("The client"))] + [
            (f"user:{pk}", label) for pk, label in professional_choices(owners)]
        self.decision_rows = DECISION_ROWS if new_decisions else 0
        for i in range(1, self.decision_rows + 1):
            self.fields[f"what_{i}"] = forms.CharField(label=_("Decision"), max_length=300,
                                                       required=False)
            self.fields[f"owner_{i}"] = forms.ChoiceField(label=_("Who does it"),
                                                          choices=owner_choices, required=False)
            self.fields[f"due_{i}"] = _date(label=_("By when"), required=False)

    def close_rows(self):
        return [(self[f"close_name_{i}"], self[f"close_relation_{i}"])
                for i in range(1, CLOSE_PERSON_ROWS + 1)]

    def decision_fields(self):
        return [(i, self[f"what_{i}"], self[f"owner_{i}"], self[f"due_{i}"])
                for i in range(1, self.decision_rows + 1)]


class ConsultationForm(OnceForm):
    sector = forms.ChoiceField(label=_("Sector of the expert"),
                               choices=lambda: EMPTY + plan_sectors.choices(),
                               error_messages=_needed(_("Choose the expert's sector.")))
    expert = forms.ChoiceField(label=_("Expert"), required=False)
    expert_team = forms.ChoiceField(label=_("or the expert team"), required=False)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 5}),
                               error_messages=_needed(_("Write the question.")))
    basis = forms.ChoiceField(
        label=_("Basis for disclosing the client's data"), widget=forms.RadioSelect,
        help_text=_("The client's consent and contact with another authority (SHL 41 §) need the "
                    "client's consent in force covering the expert's sector, recorded in the "
                    "client plan."),
        error_messages=_needed(_("A consultation needs the client's consent or a statutory "
                                 "basis.")))
    due_on = _date(label=_("Answer needed by"),
                   error_messages=_needed(_("Give the date by when the answer is needed.")))

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = EMPTY + professional_choices(users)
        # Any code is let through to the service, which refuses a basis not offered (the
        # child-welfare duty to notify) in the same words on the form, the API and the service.
        self.fields["basis"].choices = [
            (b.code, f"{b.name} ({b.source})") for b in ConsultationBasis.objects.filter(
                offered=True)]
        self.fields["basis"].valid_value = lambda value: True  # type: ignore[method-assign]
        self.fields["expert_team"].choices = EMPTY + [
            (str(t.pk), t.name) for t in Team.objects.exclude(kind="administration")
            .order_by("code")]


class AnswerForm(Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}),
                             error_messages=_needed(_("Write the answer.")))
