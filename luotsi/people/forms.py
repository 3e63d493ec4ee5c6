from django import forms
from django.utils.translation import gettext_lazy as _

from luotsi.common.forms import DateInput, Form, OnceForm
from luotsi.organisation.models import Municipality
from luotsi.people import hetu as hetu_module
from luotsi.people.models import INTERPRETER_LANGUAGES, Language


class PersonSearchForm(Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=150,
                           help_text=_("Last name, or last and first name, from the beginning."))
    hetu = forms.CharField(label=_("Personal identity code"), required=False, max_length=20)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=DateInput())

    def clean_hetu(self):
        return hetu_module.clean_field(self.cleaned_data["hetu"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not (data.get("name") or data.get("hetu") or data.get("birth_date")):
            if not self.errors:
                raise forms.ValidationError(
                    _("Give a name, a personal identity code or a date of birth."))
        return data


class PersonForm(OnceForm):
    hetu = forms.CharField(label=_("Personal identity code"), required=False, max_length=20)
    temporary = forms.BooleanField(
        label=_("No personal identity code: give a temporary identifier"), required=False)
    first_name = forms.CharField(label=_("First names"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    birth_date = forms.DateField(label=_("Date of birth (without a personal identity code)"),
                                 required=False, widget=DateInput())
    expected_birth_date = forms.DateField(label=_("Expected date of birth (unborn child)"),
                                          required=False,
                                          widget=DateInput())
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial="fi")
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter's language"), required=False,
        choices=[("", "—"), *INTERPRETER_LANGUAGES],
        help_text=_("The language the interpreter speaks with the client."))
    municipality_code = forms.ChoiceField(label=_("Municipality of residence"), required=False)
    street_address = forms.CharField(label=_("Street address"), required=False, max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=10)
    post_office = forms.CharField(label=_("Post office"), required=False, max_length=100)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    safety_ban = forms.BooleanField(label=_("Safety ban (turvakielto)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality_code"]
        assert isinstance(municipality, forms.ChoiceField)
        municipality.choices = [("", "—")] + [
            (m.code, str(m)) for m in Municipality.objects.order_by("name_fi")
        ]


class EmergencyAccessForm(Form):
    """Emergency access to the person of an identity code, or of the person page just opened
    (``person_id``, from the address the not-found page posts to)."""

    # Set by the view from the address (``/persons/<id>/emergency/``), never a form field.
    person_id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                   widget=forms.HiddenInput)
    hetu = forms.CharField(label=_("Personal identity code"), max_length=20, required=False)
    reason = forms.CharField(
        label=_("Reason for emergency access"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you need this person's data now without a client relationship. The "
                    "access is logged and reviewed by your team lead."),
    )

    def clean_hetu(self):
        return hetu_module.clean_field(self.cleaned_data["hetu"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("person_id") and not data.get("hetu") and "hetu" not in self.errors:
            self.add_error("hetu", _("Enter a personal identity code."))
        return data
