"""Bearer tokens of the API: who may use one, and the security log of every refusal."""

from __future__ import annotations

import logging

from django.utils import timezone
from ninja.security import HttpBearer

from luotsi.api.models import MAX_TOKEN_LENGTH, ApiToken, hash_token
from luotsi.api.throttling import RefusedTokenThrottle
from luotsi.common.addresses import client_address
from luotsi.organisation.backends import may_sign_in
from luotsi.organisation.permissions import Action, has_permission

security_log = logging.getLogger("luotsi.security")


def _refuse(request, reason: str, record: ApiToken | None = None) -> None:
    """Write the refusal to the security log (never the token itself) and answer 401."""
    security_log.warning(
        "API token refused: %s", reason,
        extra={"event": "api_token_refused", "reason": reason,
               "token_id": record.pk if record else None,
               "username": record.user.get_username() if record else "",
               "address": client_address(request), "path": request.path,
               "request_id": getattr(request, "request_id", "")})


class TokenAuth(HttpBearer):
    """Bearer tokens from ``manage.py create_api_token``: unknown, revoked and expired tokens, and
    tokens of accounts that may not sign in (inactive; demo logins outside demo mode) or may not
    use the API, answer 401; each refusal is logged to ``luotsi.security``. Refusals count
    against the client address (``throttling.RefusedTokenThrottle``): over the limit the address
    is answered 429 before any token is looked at."""

    def __call__(self, request):
        refused = RefusedTokenThrottle()
        refused.refuse_if_over(request)
        request.luotsi_token_checked = False
        user = super().__call__(request)
        if not user:
            if not request.luotsi_token_checked:
                _refuse(request, "no bearer token")
            refused.count_refusal(request)
        return user

    def authenticate(self, request, token: str):
        request.luotsi_token_checked = True
        if len(token) > MAX_TOKEN_LENGTH:
            return _refuse(request, "too long")
        record = (ApiToken.objects.select_related("user")
                  .filter(token_hash=hash_token(token)).first())
        if record is None:
            return _refuse(request, "unknown")
        if record.revoked_at is not None:
            return _refuse(request, "revoked", record)
        if record.is_expired:
            return _refuse(request, "expired", record)
        user = record.user
        if not may_sign_in(user):
            return _refuse(request, "account may not sign in", record)
        if not has_permission(user, Action.USE_API) and not has_permission(
            user, Action.ACCESS_LOG_REPORT
        ):
            return _refuse(request, "role may not use the API", record)
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = user
        request.luotsi_token_id = record.pk
        return user
