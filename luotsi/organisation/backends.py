"""Signing in: the one place that decides whether an account may sign in at all.

Every sign-in path passes here: the app's login page, Django admin's login page, the session of
a request already signed in (``get_user``) and the API's bearer tokens (``luotsi.api.auth``).
django-axes' backend stays first in ``AUTHENTICATION_BACKENDS`` so a throttled attempt never
reaches the password check.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def may_sign_in(user) -> bool:
    """Active accounts only, and demo logins (published password) only in demo mode."""
    if not getattr(user, "is_active", False):
        return False
    return not (getattr(user, "is_demo", False) and not settings.DEMO_MODE)


class LuotsiModelBackend(ModelBackend):
    """Django's user-name and password backend that refuses demo logins outside demo mode."""

    def user_can_authenticate(self, user) -> bool:
        return may_sign_in(user)
