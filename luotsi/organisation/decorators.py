"""The one permission guard of views and services: a role may do an action or it may not
(``permissions.ROLE_PERMISSIONS``). A refusal is ``PermissionDenied`` (the 403 page, or the API's
403 answer); which clients a permitted user may see is the access gateway's business, not this.

- ``@action_required(Action.MANAGE_TEAM)`` on a view, below ``@login_required`` and the method
  and cache decorators, so the order of the checks stays: signed in, method, action.
- ``require_action(user, Action.VIEW_CLIENT)`` in a service, an API operation or a helper.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from luotsi.organisation.permissions import has_permission


def require_action(user, *actions: str) -> None:
    """Refuse (``PermissionDenied``) unless ``user``'s role may do every one of ``actions``."""
    if not actions:
        raise TypeError("require_action() needs at least one action")
    for action in actions:
        if not has_permission(user, action):
            raise PermissionDenied


def action_required(*actions: str) -> Callable:
    """A view decorator: the view runs only for a user whose role may do every one of
    ``actions``; anyone else gets the 403 page."""
    if not actions:
        raise TypeError("action_required() needs at least one action")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            require_action(request.user, *actions)
            return view(request, *args, **kwargs)

        guarded.required_actions = actions
        return guarded

    return decorator
