"""What each mark says, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luotsi.common.formatting import format_month
from luotsi.intake.models import InitialAssessment
from luotsi.signals.detection import Mark
from luotsi.signals.models import SignalKind
from luotsi.usage.models import EventKind, EventSector


def _sector(value: str) -> str:
    return str(dict(EventSector.choices).get(value, value))


def what_happened(mark: Mark) -> str:
    """One sentence: what happened at the mark."""
    kind = mark.definition.kind
    parameters = mark.definition.parameters or {}
    if kind == SignalKind.SECTORS_IN_MONTH:
        return _("Services in %(count)s sectors in %(month)s: %(sectors)s.") % {
            "count": len(mark.detail.get("sectors", [])), "month": format_month(mark.on),
            "sectors": ", ".join(_sector(s) for s in mark.detail.get("sectors", []))}
    if kind == SignalKind.REPEATED_EVENTS:
        label = str(dict(EventKind.choices).get(parameters.get("event_kind"),
                                                 parameters.get("event_kind")))
        return _("%(count)s events of the kind “%(kind)s” within %(days)s days "
                 "(%(total)s in all before the flag).") % {
            "count": parameters.get("count"), "kind": label,
            "days": parameters.get("window_days"), "total": mark.occurrences}
    if kind == SignalKind.INTAKE_CLOSED:
        outcome = str(dict(InitialAssessment.Outcome.choices).get(parameters.get("outcome"),
                                                                  parameters.get("outcome")))
        return ngettext("A family-intake contact was closed: %(outcome)s.",
                        "%(count)s family-intake contacts were closed: %(outcome)s.",
                        mark.occurrences) % {"outcome": outcome, "count": mark.occurrences}
    if kind == SignalKind.PERIOD_ENDED_WITHOUT_PLAN:
        return _("%(sector)s ended without a client plan: no events for %(days)s days after "
                 "this day.") % {"sector": _sector(parameters.get("sector", "")),
                                 "days": parameters.get("gap_days")}
    if kind == SignalKind.FIRST_IN_SECTOR:
        return _("The first event in %(sector)s.") % {
            "sector": _sector(parameters.get("sector", ""))}
    return mark.definition.label()


def lead(mark: Mark) -> str:
    """How long before the flag the mark came."""
    months = mark.lead_months
    if months == 0:
        return ngettext("%(days)s day before the first flag",
                        "%(days)s days before the first flag",
                        mark.lead_days) % {"days": mark.lead_days}
    return ngettext("%(months)s month (%(days)s days) before the first flag",
                    "%(months)s months (%(days)s days) before the first flag",
                    months) % {"months": months, "days": mark.lead_days}
