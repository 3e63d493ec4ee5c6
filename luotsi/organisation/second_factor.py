"""The second factor of password sign-ins: a code from an authenticator app (TOTP).

Outside demo mode every sign-in with a password — the login page, the admin's login page or any
other caller of ``django.contrib.auth.login`` with the password backend — leaves a session that
belongs to nobody until the second factor is given. The one place that decides it is
``SecondFactorMiddleware``, which every request passes after Django's authentication middleware:

- a session signed in by any backend but the identity provider's (OpenID Connect, where the
  provider does the strong authentication) needs a device recorded in the session
  (``django_otp.DEVICE_ID_SESSION_KEY``), still existing, confirmed and the user's own;
- until then ``request.user`` is anonymous and every page but the code pages, signing out and
  the language choice answers with a redirect to the code page (the API, which has its own bearer
  tokens, sees an anonymous session); the user is at ``request.second_factor_user``;
- a session verified by a device that has since been removed (reset by an administrator) ends.

Demo mode keeps the plain demo logins: no second factor there.

Devices are django-otp's: ``TOTPDevice`` (the authenticator; enrolled at the first sign-in and
confirmed with a code before it counts; each code accepted once) and ``RecoveryCodeSet`` (ten
one-time codes, stored as digests). Wrong codes are counted as failed sign-ins by django-axes and
Luotsi's account and global limits (``luotsi.organisation.backends``), so the same pause applies
to passwords and codes, and each is written to the ``luotsi.security`` log.
"""

from __future__ import annotations

import logging
import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from luotsi.common.addresses import client_address
from luotsi.organisation import audit
from luotsi.organisation.backends import sign_in_pause_reason
from luotsi.organisation.models import RecoveryCode, RecoveryCodeSet

security_log = logging.getLogger("luotsi.security")

# Sessions begun by these backends need no second factor: the identity provider authenticated
# the professional strongly itself.
EXEMPT_BACKENDS = frozenset({"luotsi.organisation.oidc.LuotsiOIDCBackend"})
# What a session waiting for its second factor may reach (URL names).
PENDING_ROUTES = frozenset({"second_factor", "second_factor_enrol", "logout", "set_language",
                            "healthz", "readyz"})
RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")


def required(session) -> bool:
    """Whether this signed-in session needs a second factor (outside demo mode, any sign-in but
    the identity provider's)."""
    return (not settings.DEMO_MODE and SESSION_KEY in session
            and session.get(BACKEND_SESSION_KEY) not in EXEMPT_BACKENDS)


def verified_device(session, user) -> Device | None:
    """The device that verified this session, if it still exists, is confirmed and is the
    user's."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


def authenticator(user) -> TOTPDevice | None:
    """The professional's confirmed authenticator, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def _pending_route(request) -> bool:
    try:
        return resolve(request.path_info).url_name in PENDING_ROUTES
    except Resolver404:
        return False


def code_page_url(request) -> str:
    target = request.get_full_path() if request.method == "GET" else ""
    query = f"?{urlencode({'next': target})}" if target and target != "/" else ""
    return reverse("second_factor") + query


class SecondFactorMiddleware:
    """The one gate of password sign-ins (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and required(session):
            answer = self._gate(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    @staticmethod
    def _gate(request):
        user = request.user
        if not user.is_authenticated:
            return None  # the session's account may no longer sign in: already nobody's
        if DEVICE_ID_SESSION_KEY in request.session:
            device = verified_device(request.session, user)
            if device is not None:
                user.otp_device = device
                return None
            security_log.warning("Session ended: its second factor was removed", extra={
                "event": "second_factor_session_ended", "user": user.pk,
                "address": client_address(request)})
            request.session.flush()
            request.user = AnonymousUser()
            return redirect_to_login(request.get_full_path())
        request.second_factor_user = user
        request.user = AnonymousUser()

        async def anonymous():
            return AnonymousUser()

        request.auser = anonymous
        if _pending_route(request) or request.path_info.startswith("/api/"):
            return None
        return HttpResponseRedirect(code_page_url(request))


# --- sign-in limits ----------------------------------------------------------------------------


def paused(request, user) -> bool:
    """Whether sign-in is paused for this account from this address (django-axes' limit, or the
    account and global limits); a paused attempt counts as a failure, as for passwords."""
    credentials = {"username": user.get_username()}
    reason = sign_in_pause_reason(request, user.get_username())
    if not reason and not AxesProxyHandler.is_locked(request, credentials):
        return False
    security_log.warning("Second factor refused: sign-in paused", extra={
        "event": "second_factor_paused", "user": user.pk, "reason": reason or "address",
        "address": client_address(request)})
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    _end_pending_session(request, credentials)
    return True


def _end_pending_session(request, credentials: dict) -> None:
    request.session.flush()
    request.axes_locked_out = True  # django-axes' middleware answers 429, the "paused" page
    request.axes_credentials = credentials


def record_failure(request, user, *, kind: str) -> bool:
    """A wrong code: logged and counted as a failed sign-in. True when it started a pause (the
    waiting session has then ended)."""
    credentials = {"username": user.get_username()}
    security_log.warning("Wrong second-factor code", extra={
        "event": "second_factor_failed", "user": user.pk, "kind": kind,
        "address": client_address(request)})
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False) or sign_in_pause_reason(
            request, user.get_username()):
        _end_pending_session(request, credentials)
        return True
    return False


def _forget_failures(request, user) -> None:
    AxesProxyHandler.reset_attempts(username=user.get_username(),
                                    ip_address=client_address(request))


def _reset_failures_on_complete_sign_in(sender, request, user, **kwargs) -> None:
    """A sign-in that needs no second factor is complete at once: its failures are forgotten
    (django-axes' reset on success, which Luotsi does itself: ``AXES_RESET_ON_SUCCESS`` would
    forget wrong codes at the password)."""
    if request is not None and hasattr(request, "session") and not required(request.session):
        _forget_failures(request, user)


user_logged_in.connect(_reset_failures_on_complete_sign_in,
                       dispatch_uid="luotsi_reset_failures_on_complete_sign_in")


# --- verifying a code ---------------------------------------------------------------------------


def verify(user, code: str) -> Device | None:
    """The device that accepts ``code``: the authenticator for six digits, else an unused
    recovery code (used up). Devices are locked for the check, so a code counts once."""
    code = "".join(code.split())
    with transaction.atomic():
        if TOTP_CODE.match(code):
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            devices = RecoveryCodeSet.objects.select_for_update().filter(user=user,
                                                                        confirmed=True)
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def complete(request, user, device: Device) -> None:
    """The second factor given: the session is the user's from now on, under a new key."""
    request.session.cycle_key()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user = user
    _forget_failures(request, user)
    security_log.info("Second factor given", extra={
        "event": "second_factor_verified", "user": user.pk,
        "kind": "recovery_code" if isinstance(device, RecoveryCodeSet) else "authenticator",
        "address": client_address(request)})


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """What an authenticator app needs: the otpauth URI (also as a QR code) and its secret."""

    uri: str
    secret: str

    @property
    def secret_groups(self) -> str:
        """The secret in groups of four, for typing."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))

    @property
    def qr_data_uri(self) -> str:
        """The URI as a QR code, an SVG image in a data: URI (``img-src data:`` in the CSP)."""
        return segno.make(self.uri, error="m").svg_data_uri(scale=5, border=4)


def enrolment_of(device: TOTPDevice) -> Enrolment:
    return Enrolment(uri=device.config_url, secret=b32encode(device.bin_key).decode())


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being enrolled (not confirmed yet; the same secret on every visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def _new_recovery_codes(user) -> list[str]:
    codes, _created = RecoveryCodeSet.objects.get_or_create(
        user=user, defaults={"name": "recovery codes", "confirmed": True})
    return codes.replace_codes(RECOVERY_CODE_COUNT)


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice, code: str) -> list[str] | None:
    """The authenticator confirmed with a code from it: it counts from now on, and ten new
    recovery codes are made (returned, the only time they exist in clear). None: wrong code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    code = "".join(code.split())
    if device.confirmed or not TOTP_CODE.match(code) or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    security_log.info("Authenticator enrolled", extra={"event": "second_factor_enrolled",
                                                        "user": user.pk})
    return _new_recovery_codes(user)


@transaction.atomic
def enrol_confirmed(user) -> tuple[Enrolment, list[str]]:
    """An authenticator and recovery codes made at once, for ``manage.py create_admin``: the
    operator at the server's console adds it to the app, and the first sign-in asks its code."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return enrolment_of(device), _new_recovery_codes(user)


def regenerate_recovery_codes(request, user, code: str) -> list[str] | None:
    """New recovery codes for the signed-in professional, the old ones void; asks a current code
    of the authenticator. None: a wrong code (logged and counted as a failed sign-in)."""
    code = "".join(code.split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and TOTP_CODE.match(code) and device.verify_token(code):
            codes = _new_recovery_codes(user)
            security_log.info("Recovery codes regenerated", extra={
                "event": "recovery_codes_regenerated", "user": user.pk,
                "address": client_address(request)})
            return codes
    return None


# --- reset by another administrator -------------------------------------------------------------


def _end_sessions_of(user) -> int:
    """End every session of ``user`` (sessions are not indexed by user: each live one is read)."""
    from django.contrib.sessions.models import Session

    ended = [session.pk for session in Session.objects.filter(expire_date__gt=timezone.now())
             if session.get_decoded().get(SESSION_KEY) == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def second_factor_reset(*, actor, professional) -> bool:
    """Remove the professional's authenticator and recovery codes and end their sessions: their
    next password sign-in enrols a new authenticator. Only another administrator may do it;
    written to the access log (shown to the data-protection officer) and the security log.
    False: there was nothing to reset."""
    if not (actor.is_active and actor.is_staff and actor.has_perm("organisation.change_user")):
        raise PermissionDenied
    if actor.pk == professional.pk:
        raise PermissionDenied  # another administrator resets one's own
    removed, _by_model = TOTPDevice.objects.filter(user=professional).delete()
    removed_codes, _by_model = RecoveryCodeSet.objects.filter(user=professional).delete()
    if not removed and not removed_codes:
        return False
    sessions = _end_sessions_of(professional)
    audit.professional_access_changed.send(
        sender=type(professional), actor=actor, professional=professional, created=False,
        changes=["second factor reset (authenticator and recovery codes removed, "
                 f"{sessions} session(s) ended)"])
    security_log.warning("Second factor reset", extra={
        "event": "second_factor_reset", "user": professional.pk, "actor": actor.pk})
    return True
