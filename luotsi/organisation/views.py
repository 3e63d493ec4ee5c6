from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from luotsi.organisation import second_factor
from luotsi.organisation.forms import LoginForm, SecondFactorForm
from luotsi.organisation.models import RecoveryCodeSet
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


# --- the second factor of password sign-ins (luotsi.organisation.second_factor) ----------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return url if next_url == reverse("home") else f"{url}?{urlencode({'next': next_url})}"


def _paused_answer() -> HttpResponse:
    """django-axes' middleware replaces this with its "paused" page (429)."""
    return HttpResponse(status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_view(request):
    """The code after the password: six digits from the authenticator app or a recovery code."""
    user = getattr(request, "second_factor_user", None)
    if user is None:
        return redirect("home" if request.user.is_authenticated else "login")
    next_url = _next_url(request)
    if second_factor.authenticator(user) is None:
        return redirect(_with_next("second_factor_enrol", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        if second_factor.paused(request, user):
            return _paused_answer()
        if form.is_valid():
            device = second_factor.verify(user, form.cleaned_data["code"])
            if device is not None:
                second_factor.complete(request, user, device)
                if isinstance(device, RecoveryCodeSet):
                    left = second_factor.recovery_codes_left(user)
                    messages.warning(request, ngettext(
                        "You signed in with a recovery code, which no longer works. %(left)d "
                        "recovery code is left; make new ones on the two-step verification "
                        "page.",
                        "You signed in with a recovery code, which no longer works. %(left)d "
                        "recovery codes are left; make new ones on the two-step verification "
                        "page.", left) % {"left": left})
                return redirect(next_url)
            if second_factor.record_failure(request, user, kind="code"):
                return _paused_answer()
            form.add_error("code", _("The code is not correct. Enter the code your "
                                     "authenticator app shows now, or an unused recovery code."))
    return render(request, "registration/second_factor.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request):
    """The first sign-in with a password: the authenticator app added (a QR code, or the secret
    typed) and confirmed with a code from it; then the recovery codes, shown once."""
    user = getattr(request, "second_factor_user", None)
    if user is None:
        return redirect("home" if request.user.is_authenticated else "login")
    next_url = _next_url(request)
    if second_factor.authenticator(user) is not None:
        return redirect(_with_next("second_factor", next_url))
    device = second_factor.pending_authenticator(user)
    form = SecondFactorForm(request.POST or None, recovery=False)
    if request.method == "POST":
        if second_factor.paused(request, user):
            return _paused_answer()
        if form.is_valid():
            codes = second_factor.confirm_enrolment(user, device, form.cleaned_data["code"])
            if codes is not None:
                second_factor.complete(request, user, second_factor.authenticator(user))
                return render(request, "registration/recovery_codes.html",
                              {"codes": codes, "next": next_url, "enrolled": True})
            if second_factor.record_failure(request, user, kind="enrolment"):
                return _paused_answer()
            form.add_error("code", _("The code is not correct. Check that the app was set up "
                                     "with this secret and enter the code it shows now."))
    return render(request, "registration/second_factor_enrol.html", {
        "form": form, "next": next_url, "enrolment": second_factor.enrolment_of(device)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_account(request):
    """The professional's two-step verification: since when, how many recovery codes are left,
    and new recovery codes (the old ones void) for a current code of the authenticator."""
    device = second_factor.authenticator(request.user)
    form = SecondFactorForm(request.POST or None, recovery=False)
    if request.method == "POST" and device is not None:
        if second_factor.paused(request, request.user):
            return _paused_answer()
        if form.is_valid():
            codes = second_factor.regenerate_recovery_codes(request, request.user,
                                                            form.cleaned_data["code"])
            if codes is not None:
                return render(request, "registration/recovery_codes.html",
                              {"codes": codes, "next": reverse("second_factor_account"),
                               "enrolled": False})
            if second_factor.record_failure(request, request.user, kind="regenerate"):
                return _paused_answer()
            form.add_error("code", _("The code is not correct. Enter the code your "
                                     "authenticator app shows now."))
    return render(request, "registration/second_factor_account.html", {
        "device": device, "form": form,
        "codes_left": second_factor.recovery_codes_left(request.user) if device else 0})
