"""Template context for every page: demo mode, what the user may do (``can``), the idle timeout,
and the main navigation (``nav``).

The navigation keeps the daily work in plain sight (home, persons, the intake queue, my work,
client plans, shared clients, consultations) and puts the rest under disclosure menus: register
(a contact, a person), reports (key figures, effectiveness, indicators, the access-log report)
and management (caseload, emergency accesses, administration), so that it fits on one line.
Which links a user sees follows the role × action table exactly as before the grouping: each
link names the actions it needs (all of them), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY

from luotsi.organisation.permissions import Action, has_permission


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str
    needs: tuple[Action, ...] = ()  # all of these; none: every signed-in user


@dataclass(frozen=True)
class NavMenu:
    key: str
    label: str
    links: tuple[NavLink, ...]


MAIN_LINKS = (
    NavLink("home", _("Home")),
    NavLink("person_search", _("Persons"), (Action.SEARCH_PERSONS,)),
    NavLink("intake:queue", _("Intake queue"), (Action.VIEW_CLIENT,)),
    NavLink("intake:my_work", _("My work"), (Action.VIEW_CLIENT,)),
    NavLink("plan_list", _("Client plans"), (Action.VIEW_CLIENT,)),
    NavLink("sharedcare:candidates", _("Shared clients"), (Action.VIEW_CLIENT,)),
    NavLink("sharedcare:consultations", _("Consultations"), (Action.VIEW_CLIENT,)),
)

MENUS = (
    NavMenu("register", pgettext_lazy("navigation menu", "Register"), (
        NavLink("intake:contact_create", _("Register a contact"),
                (Action.VIEW_CLIENT, Action.CREATE_PERSON)),
        NavLink("person_create", _("Register a person"), (Action.CREATE_PERSON,)),
    )),
    NavMenu("reports", pgettext_lazy("navigation menu", "Reports"), (
        NavLink("reports_kpis", _("Key figures of family intake"), (Action.MANAGE_TEAM,)),
        NavLink("plan_effectiveness", _("Effectiveness of client plans (AVAIN)"),
                (Action.MANAGE_TEAM,)),
        NavLink("usage:indicators", _("Indicators of shared clients"), (Action.MANAGE_TEAM,)),
        NavLink("signals:intervention_points", _("Intervention points"), (Action.MANAGE_TEAM,)),
        NavLink("signals:early_rules", _("Early-warning rules"), (Action.MANAGE_TEAM,)),
        NavLink("foresight:forecast", _("Workload forecast"), (Action.MANAGE_TEAM,)),
        NavLink("access_log_report", _("Access-log report"), (Action.ACCESS_LOG_REPORT,)),
    )),
    NavMenu("management", pgettext_lazy("navigation menu", "Management"), (
        NavLink("intake:caseload", _("Caseload"), (Action.MANAGE_TEAM,)),
        NavLink("emergency_reviews", _("Emergency accesses"), (Action.REVIEW_BREAK_GLASS,)),
        NavLink("admin:index", _("Administration"), (Action.ADMINISTER,)),
    )),
)


def _current(path: str, urls: list[str]) -> str | None:
    """The link of the page shown: the longest link that the path starts with (home only on
    itself), so that /plans/effectiveness/ marks the report, not the client plans."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len) if matches else None


def navigation(request, can: dict[str, bool]) -> dict | None:
    """The main navigation for the signed-in user: ``main`` links and ``menus`` (each with its
    ``links``), every link with ``url``, ``label`` and ``current``; empty menus left out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None

    def visible(links):
        return [(link, reverse(link.url_name)) for link in links
                if all(can[action.value] for action in link.needs)]

    main = visible(MAIN_LINKS)
    menus = [(menu, visible(menu.links)) for menu in MENUS]
    menus = [(menu, links) for menu, links in menus if links]
    urls = [url for _link, url in main] + [url for _menu, links in menus for _link, url in links]
    current = _current(request.path, urls)

    def shaped(links):
        return [{"url": url, "label": link.label, "current": url == current}
                for link, url in links]

    shaped_menus = []
    for menu, links in menus:
        items = shaped(links)
        shaped_menus.append({"key": menu.key, "label": menu.label, "links": items,
                             "current": any(item["current"] for item in items)})
    return {"main": shaped(main), "menus": shaped_menus}


def luotsi(request):
    user = getattr(request, "user", None)
    can = {action.value: has_permission(user, action) for action in Action}
    return {
        "demo_mode": settings.DEMO_MODE,
        "can": can,
        "nav": navigation(request, can),
        "idle_timeout_minutes": settings.IDLE_TIMEOUT_MINUTES,
        "login_pause_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        # Signed in with a second factor (no query: the session says so): the header links the
        # professional's two-step verification page.
        "second_factor_on": DEVICE_ID_SESSION_KEY in getattr(request, "session", {}),
    }
