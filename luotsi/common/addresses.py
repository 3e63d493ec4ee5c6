"""The client's network address, the same for login throttling, API rate limits and logs.

By default it is ``REMOTE_ADDR``, the peer of the connection: a header such as
``X-Forwarded-For`` is set by whoever sends the request and is trusted only when Luotsi is told
how many proxies of its own stand in front of it (``LUOTSI_TRUSTED_PROXY_COUNT``, default 0).
With N trusted proxies the client is the N-th address from the right of ``X-Forwarded-For``
(each proxy appends the address it received the request from); anything left of it was written
by the client and is ignored. A header with fewer addresses than that falls back to REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if part.strip()]
        if len(forwarded) >= count:
            address = _valid(forwarded[-count])
            if address:
                return address
    return remote
