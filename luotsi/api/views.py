"""The professional's own API tokens: the list (beginning, created, last used, expires) and
revoking one. Tokens are made by ``manage.py create_api_token``; the list never shows a token."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luotsi.api.selectors import tokens_of
from luotsi.api.services import api_token_revoke


@login_required
def token_list(request):
    return render(request, "api/tokens.html", {"tokens": list(tokens_of(request.user)),
                                               "token_days": settings.API_TOKEN_DAYS})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("The API token %(prefix)s… is revoked; it no longer works.")
                     % {"prefix": token.prefix})
    return redirect("api_tokens")
