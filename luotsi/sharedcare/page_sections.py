"""Parts of the shared client's page offered by capabilities above sharedcare.

``sharedcare`` never imports the apps built on it (e.g. ``luotsi.signals``, the intervention
points on the service path). Such an app offers its part of the page in a module named
``shared_client_page`` with a function ``sections(user, access, today) -> list[Section]``,
found once at start-up (as the person page's history is, ``luotsi.people.history``). The page
has already been allowed and logged by the gateway (``access``); a section reads only that
person's data, in a fixed number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luotsi.common import app_hooks


@dataclass
class Section:
    """One part of the page: ``template`` renders with ``context`` after the service path."""

    key: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def sections(user, access, today) -> list[Section]:
    return app_hooks.sections("shared_client_page", "sections", user, access, today)
