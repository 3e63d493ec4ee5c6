"""Parts of the shared client's page offered by capabilities above sharedcare.

``sharedcare`` never imports the apps built on it (e.g. ``luotsi.signals``, the intervention
points on the service path). Such an app offers its part of the page in a module named
``shared_client_page`` with a function ``sections(user, access, today, loaded) ->
list[Section]``, found once at start-up (as the person page's history is,
``luotsi.people.history``). The page has already been allowed and logged by the gateway
(``access``) and has read the person's flags and shared-client decision (``loaded``): a section
uses those rather than reading them again, and reads only that person's other data, in a fixed
number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luotsi.common import app_hooks
from luotsi.sharedcare.models import SharedClient
from luotsi.usage.models import Flag


@dataclass
class Section:
    """One part of the page: ``template`` renders with ``context`` after the service path."""

    key: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class Loaded:
    """What the page has already read of the person: their current flags, those of inactive
    rules too (the page's why shows the active rules' alone), with each flag's rule; and the
    decision on them as a shared client, if any."""

    flags: list[Flag]
    shared: SharedClient | None


def sections(user, access, today, loaded: Loaded) -> list[Section]:
    return app_hooks.sections("shared_client_page", "sections", user, access, today, loaded)
