from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from luotsi.common import validation
from luotsi.organisation.backends import MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH


class MunicipalityInRegionMixin:
    """A filter form's optional ``region`` and ``municipality``, each shown by its name in the
    active language; a municipality must be in the chosen region (refused on ``municipality``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda region: region.name
        self.fields["municipality"].label_from_instance = lambda municipality: municipality.name

    def clean(self):
        data = super().clean()
        region, municipality = data.get("region"), data.get("municipality")
        if region and municipality and municipality.region_id != region.pk:
            self.add_error("municipality", _("This municipality is not in the chosen region."))
        return data


class GuardedSignInMixin:
    """The user name and the password get a length bound and the control-character check of
    ``luotsi.common.validation`` (Django's sign-in form has neither). A refused field never
    reaches ``authenticate``, so no password is hashed for it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in (("username", MAX_USERNAME_LENGTH), ("password", MAX_PASSWORD_LENGTH)):
            field = self.fields[name]
            field.max_length = limit
            field.validators = [*field.validators, MaxLengthValidator(limit),
                                validation.TextValidator(multiline=False)]
            field.widget.attrs["maxlength"] = str(limit)


class LoginForm(GuardedSignInMixin, AuthenticationForm):
    """The login page. Whether an account may sign in is decided by the authentication backend
    (``luotsi.organisation.backends``); this form only explains a refused demo login."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "demo_login": _("Demo logins work only when Luotsi runs in demo mode."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        # No autofocus: the first Tab must reach the skip link and the language choice.
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def get_invalid_login_error(self):
        """A demo login refused outside demo mode is told why (their names are published)."""
        username = self.cleaned_data.get("username")
        if (not settings.DEMO_MODE and username
                and get_user_model().objects.filter(username=username, is_demo=True).exists()):
            return ValidationError(self.error_messages["demo_login"], code="demo_login")
        return super().get_invalid_login_error()


class AdminLoginForm(GuardedSignInMixin, AdminAuthenticationForm):
    """The admin site's sign-in form, with the same bounds as the login page."""


class SecondFactorForm(forms.Form):
    """A code of the second factor: six digits from the authenticator app or, where
    ``recovery`` is allowed, a recovery code."""

    code = forms.CharField(max_length=20, validators=[validation.TextValidator(multiline=False)])

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery = recovery
        field = self.fields["code"]
        field.label = _("Code")
        field.help_text = (
            _("The six digits your authenticator app shows for Luotsi, or one of your recovery "
              "codes.") if recovery else
            _("The six digits your authenticator app shows for Luotsi."))
        field.widget.attrs.update({
            "autocomplete": "one-time-code", "maxlength": "20", "spellcheck": "false",
            "autocapitalize": "none", "inputmode": "text" if recovery else "numeric"})

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not self.recovery and not code.isdigit():
            raise ValidationError(_("Enter the six digits your authenticator app shows."),
                                  code="digits")
        return code
