"""API tokens: only a hash is stored; the token is shown once, when created."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "lts_"  # noqa: S105 - a public prefix, not a secret
# Issued tokens have 47 characters; anything much longer is refused before it is hashed.
MAX_TOKEN_LENGTH = 128
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6  # what the token list shows to tell tokens apart


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A professional's bearer token. It expires ``API_TOKEN_DAYS`` (90) after it was made and can
    be revoked by its owner (``/account/api-tokens/``); expired and revoked tokens answer 401."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("professional"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("beginning"), max_length=20, blank=True, editable=False,
                              help_text=_("The first characters of the token, to tell it apart."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.user} {self.name}".strip()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @classmethod
    def issue(cls, user, name: str = "") -> tuple[ApiToken, str]:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = cls.objects.create(
            user=user, name=name, token_hash=hash_token(token),
            prefix=token[:SHOWN_PREFIX_LENGTH],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS))
        return record, token


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST sent with an ``Idempotency-Key`` (see ``idempotency.py``).

    A key belongs to one professional: the same key from another user is another record. The
    request fingerprint (method, path with query and the canonical body) tells a retry of the same
    request from a different request reusing the key. Only successful outcomes are stored, in
    the same transaction as the write they describe, so a replay never repeats the write.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("professional"))
    key = models.CharField(_("idempotency key"), max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.path} [{self.key}]"
