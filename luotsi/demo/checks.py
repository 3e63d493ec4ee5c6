"""The deployment check that no demo account or demo data is left where demo mode is off.

Demo logins are users marked ``is_demo`` (password ``demo``, published in README); the demo
county's client relationships carry the seed's ``source`` (``seeding.SOURCE`` and the other
``demo`` sources of the flows). Either outside demo mode means a database seeded for a
demonstration is serving as a real one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError, transaction

DEMO_RELATIONSHIP_SOURCES = ("demo-seed", "demo-seed:break-the-glass", "demo:sharedcare")


def demo_leftovers() -> dict[str, int]:
    """How many demo logins and demo client relationships the database holds."""
    from django.contrib.auth import get_user_model

    from luotsi.access.models import ClientRelationship

    return {
        "logins": get_user_model().objects.filter(is_demo=True).count(),
        "relationships": ClientRelationship.objects.filter(
            source__in=DEMO_RELATIONSHIP_SOURCES).count(),
    }


@register(Tags.security, deploy=True)
def no_demo_data_outside_demo_mode(app_configs, **kwargs):
    if settings.DEMO_MODE:
        return []  # luotsi.E001 already reports demo mode itself
    try:
        with transaction.atomic():  # a failure stays in here
            found = demo_leftovers()
    except DatabaseError:
        return []  # no database yet (or not migrated): nothing can be left over
    if not any(found.values()):
        return []
    return [
        Error(
            f"The database holds demo data outside demo mode: {found['logins']} demo logins and "
            f"{found['relationships']} demo client relationships.",
            hint="Demo logins are refused outside demo mode, but a database seeded with the "
            "demo county must never hold real client data: start from an empty database.",
            id="luotsi.E002",
        )
    ]
