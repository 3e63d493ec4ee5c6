from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
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

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_demo and not settings.DEMO_MODE:
            raise forms.ValidationError(self.error_messages["demo_login"], code="demo_login")
