"""The person page's history: what each capability holds about a person, as the worker may see
it.

``people`` comes before the capabilities (intake, plans, shared clients) in the dependency
direction, so it never imports them. Each capability offers its part in a module named
``person_history`` with a function ``person_history(user, person) -> list[Section]``, found
once at start-up like Django's admin modules. A section reads its rows through the access
gateway (``filter_visible``) in a fixed number of queries; the page logs one record for each
category of data it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luotsi.common import app_hooks


@dataclass
class Section:
    """One part of a person's history for the person page.

    ``template`` renders ``rows``; ``category`` is the access-log category of the data shown;
    ``family`` are (label, person) pairs the capability knows of the person's family (e.g. the
    guardians registered in a contact), shown under the family and named only when the viewer
    may see that person: each person carries ``access_basis`` (``gateway.basis_of`` read with
    the family, for ``Category.BASIC_DATA``), or the person page reads the bases itself.
    """

    key: str
    title: str
    template: str
    category: str
    rows: list = field(default_factory=list)
    family: list = field(default_factory=list)
    order: int = 100


def sections(user, person) -> list[Section]:
    return app_hooks.sections("person_history", "person_history", user, person)
