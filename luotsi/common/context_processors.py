from django.conf import settings

from luotsi.organisation.permissions import Action, has_permission


def luotsi(request):
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "can": {action.value: has_permission(user, action) for action in Action},
        "idle_timeout_minutes": settings.IDLE_TIMEOUT_MINUTES,
    }
