"""Writes of the API app: a professional revokes one of their own tokens."""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from luotsi.api.models import ApiToken

security_log = logging.getLogger("luotsi.security")


@transaction.atomic
def api_token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoke ``actor``'s token ``token_id`` at once. Another's token is "not found"; revoking a
    revoked token changes nothing."""
    token = (ApiToken.objects.select_for_update()
             .filter(pk=token_id, user=actor).first())
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_log.info("API token revoked", extra={
            "event": "api_token_revoked", "token_id": token.pk,
            "username": actor.get_username()})
    return token
