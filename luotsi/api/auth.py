from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from luotsi.api.models import ApiToken, hash_token
from luotsi.organisation.backends import may_sign_in
from luotsi.organisation.permissions import Action, has_permission


class TokenAuth(HttpBearer):
    """Bearer tokens from ``manage.py create_api_token``. Demo users only in demo mode."""

    def authenticate(self, request, token: str):
        record = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if record is None:
            return None
        user = record.user
        if not may_sign_in(user):
            return None
        if not has_permission(user, Action.USE_API) and not has_permission(
            user, Action.ACCESS_LOG_REPORT
        ):
            return None
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = user
        return user
