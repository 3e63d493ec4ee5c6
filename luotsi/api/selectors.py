"""Reads of the API app shaped for pages."""

from __future__ import annotations

from django.db.models import QuerySet

from luotsi.api.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """The professional's own tokens, newest first (one query)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
