from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from luotsi.organisation.forms import LoginForm
from luotsi.organisation.oidc import oidc_configured, provider_logout_url


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.GET.get("expired") == "1"
        context["oidc_enabled"] = oidc_configured()
        context["oidc_refused"] = self.request.GET.get("oidc") == "refused"
        return context


class LogoutView(auth_views.LogoutView):
    """Signs out here, and at the identity provider too when the session began there."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and oidc_configured():
            url = provider_logout_url(request, id_token)
            if url:
                # The sign-out form's redirect leaves the site: CSP's form-action names the
                # provider's origin (config/settings.py).
                response = HttpResponseRedirect(url)
        return response
