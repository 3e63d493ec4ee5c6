"""The plan's sectors as data (``PlanSector``): which are offered, their names, and which service
tasks work in them. Every check and choice list of a sector reads them here.

The table is small and read on nearly every plan page, so a process keeps it for
``CACHE_SECONDS`` and reads it again when that time has passed, when a code it does not know is
asked for (a sector just added in another process), or at once when a sector is saved or deleted
in this process. A renamed sector therefore shows under its new name everywhere within
``CACHE_SECONDS``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from luotsi.plans.models import PlanSector

CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class SectorRow:
    code: str
    names: dict[str, str]
    active: bool
    service_tasks: tuple[str, ...]

    @property
    def label(self) -> str:
        language = (get_language() or "fi")[:2]
        return self.names.get(language) or self.names["fi"]


_cache: tuple[float, dict[str, SectorRow]] | None = None


def clear() -> None:
    global _cache
    _cache = None


def _load() -> dict[str, SectorRow]:
    global _cache
    rows = {s.code: SectorRow(code=s.code, names={"fi": s.name_fi, "sv": s.name_sv,
                                                  "en": s.name_en},
                              active=s.active, service_tasks=tuple(s.service_tasks or ()))
            for s in PlanSector.objects.order_by("sort_order", "code")}
    _cache = (time.monotonic(), rows)
    return rows


def _rows(code: str | None = None) -> dict[str, SectorRow]:
    cached = _cache
    if cached is None or time.monotonic() - cached[0] > CACHE_SECONDS:
        return _load()
    if code is not None and code not in cached[1]:
        return _load()
    return cached[1]


def all_sectors() -> list[SectorRow]:
    """Every sector, offered or not, in its order."""
    return list(_rows().values())


def is_known(code: str) -> bool:
    """A sector that exists (offered or no longer offered): the value of a recorded row."""
    return bool(code) and code in _rows(code)


def is_active(code: str) -> bool:
    """A sector offered for new sections, services, consents and consultations."""
    row = _rows(code).get(code) if code else None
    return row is not None and row.active


def active_codes() -> list[str]:
    return [row.code for row in _rows().values() if row.active]


def choices() -> list[tuple[str, str]]:
    """The offered sectors as a form's choices, in their order, named in the active language."""
    return [(row.code, row.label) for row in _rows().values() if row.active]


def sector_label(code: str) -> str:
    """A sector's name in the active language; an unknown code as it is."""
    if not code:
        return ""
    row = _rows(code).get(code)
    return row.label if row is not None else code


def sectors_of_service_task(task: str) -> set[str]:
    """The sectors professionals of a team with service task ``task`` work in."""
    return {row.code for row in _rows().values() if task in row.service_tasks}


def sector_of_service_task(task: str) -> str:
    """The first sector (in order) of a service task, or ``""``."""
    for row in _rows().values():
        if task in row.service_tasks:
            return row.code
    return ""


def _changed(sender, **kwargs) -> None:
    clear()


post_save.connect(_changed, sender=PlanSector, dispatch_uid="plans.sectors.saved")
post_delete.connect(_changed, sender=PlanSector, dispatch_uid="plans.sectors.deleted")
