"""Signing in: the one place that decides whether an account may sign in at all.

Every sign-in path passes here: the app's login page, Django admin's login page, the session of
a request already signed in (``get_user``) and the API's bearer tokens (``luotsi.api.auth``).
django-axes' backend stays first in ``AUTHENTICATION_BACKENDS`` so a throttled attempt never
reaches the password check.

Besides django-axes' limit per (user name, address), this backend pauses sign-in for one
account after ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures from any addresses, and, once the failures
over all accounts reach ``LOGIN_GLOBAL_FAILURE_LIMIT`` (password spraying: many user names, few
tries each), every address that failed in the window; both within the pause window
``AXES_COOLOFF_TIME``, counted from django-axes' failure log (a database table, so every web
process counts together). A paused attempt is answered as django-axes answers its own (429,
the "locked out" page) and counts as a failure, so an attack that goes on keeps the pause on.
"""

from __future__ import annotations

import logging

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from luotsi.common.addresses import client_address

security_log = logging.getLogger("luotsi.security")

# The sign-in fields' bounds, checked before anything is looked up or hashed: a password hasher
# (Argon2) on a megabyte of input costs seconds of CPU, a cheap way to tie up the server.
MAX_USERNAME_LENGTH = 150  # the user model's own bound
MAX_PASSWORD_LENGTH = 1024

# The demo county's published password (README, ``make run``). Outside demo mode it signs in
# nobody, whatever the account's demo flag says: an account seeded by the demo and later kept
# (its flag cleared by hand) still carries it.
DEMO_PASSWORD = "demo"  # noqa: S105 - published, refused outside demo mode


def may_sign_in(user) -> bool:
    """Active accounts only, and demo logins (published password) only in demo mode."""
    if not getattr(user, "is_active", False):
        return False
    return not (getattr(user, "is_demo", False) and not settings.DEMO_MODE)


def sign_in_pause_reason(request, username: str | None) -> str | None:
    """Why sign-in is paused for this user name from this request's address, if it is."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessFailureLog.objects.filter(attempt_time__gte=since)
    account_limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if username and account_limit and failures.filter(username=username).count() >= account_limit:
        return "account"
    global_limit = settings.LOGIN_GLOBAL_FAILURE_LIMIT
    if global_limit and failures.count() >= global_limit and failures.filter(
            ip_address=client_address(request)).exists():
        return "global"
    return None


class LuotsiModelBackend(ModelBackend):
    """Django's user-name and password backend that refuses demo logins and the published demo
    password outside demo mode and applies the per-account and global sign-in limits."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Over-long input is never hashed, whichever form (or caller) passed it on.
        if ((password is not None and len(password) > MAX_PASSWORD_LENGTH)
                or (username is not None and len(username) > MAX_USERNAME_LENGTH)):
            return None
        if password == DEMO_PASSWORD and not settings.DEMO_MODE:
            security_log.warning("Sign-in with the published demo password refused", extra={
                "event": "demo_password_refused", "username": username or ""})
            return None
        if request is not None:
            reason = sign_in_pause_reason(request, username)
            if reason:
                security_log.warning("Sign-in paused: %s limit", reason, extra={
                    "event": "sign_in_paused", "reason": reason, "username": username or "",
                    "address": client_address(request)})
                request.axes_locked_out = True  # django-axes' middleware answers 429
                request.axes_credentials = {"username": username}
                raise PermissionDenied  # no other backend is asked; counted as a failure
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        return may_sign_in(user)
