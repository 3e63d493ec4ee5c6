"""Home page, health check and error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from luotsi.access.gateway import log_listed_ids
from luotsi.access.models import Basis, Category, ClientRelationship
from luotsi.access.selectors import emergency_accesses_for_review
from luotsi.intake.selectors import home_summary
from luotsi.organisation.permissions import Action, has_permission

# A home-page count of queue rows stops here ("more than …"), as the queue's own count does.
HOME_COUNT_LIMIT = 1000


@login_required
def home(request):
    """What needs doing today, for the signed-in professional. Each line that counts items is
    counted by the selector of the list it links to, under the filters of that link."""
    user = request.user
    now = timezone.now()
    context = {"now": now}
    if has_permission(user, Action.VIEW_CLIENT):
        active = ClientRelationship.objects.filter(starts_at__lte=now).exclude(ends_at__lte=now)
        context["my_client_count"] = (
            active.filter(user=user).exclude(basis=Basis.EMERGENCY)
            .values("person_id").distinct().count()
        )
        context["team_client_count"] = (
            active.filter(team_id__in=user.team_ids()).values("person_id").distinct().count()
        )
        context["my_emergency"] = list(
            active.filter(user=user, basis=Basis.EMERGENCY)
            .select_related("person").order_by("-starts_at")[:20]
        )
        # The persons named are logged as listed, each with the user's basis (emergency).
        log_listed_ids(user, [rel.person_id for rel in context["my_emergency"]],
                       category=Category.BASIC_DATA, detail="home: your emergency accesses")
        context["intake"] = _linked(home_summary(user, limit=HOME_COUNT_LIMIT))
    if has_permission(user, Action.VIEW_CLIENT):
        context["plan_reviews"] = _plan_reviews_due(user)
        context["consultations"] = _consultations_waiting(user)
    if has_permission(user, Action.REVIEW_BREAK_GLASS):
        context["review_count"] = emergency_accesses_for_review(user).count()
    return render(request, "home.html", context)


_HOME_LINES = {
    "deadlines_overdue": ("intake:my_work", "deadlines-heading"),
    "deadlines_due_soon": ("intake:my_work", "deadlines-heading"),
    "urgent_waiting": ("intake:queue", ""),
    "urgency_unassessed": ("intake:queue", ""),
    "unread_notifications": ("intake:my_work", "notifications-heading"),
}


def _linked(summary: dict) -> dict:
    """Each home line with the address of the list it counts, carrying that list's filters."""
    for key, line in summary.items():
        name, anchor = _HOME_LINES[key]
        query = urlencode(line["query"])
        line["url"] = reverse(name) + (f"?{query}" if query else "") + (
            f"#{anchor}" if anchor else "")
    return summary


def _plan_reviews_due(user) -> dict:
    """Plans to review within two weeks or overdue, counted as the plan list filtered to them
    (``reviews_due``, the list the line links to) and the first ones named; the clients named
    are logged like search results."""
    from luotsi.plans.selectors import reviews_due

    due = reviews_due(user)
    plans = list(due.select_related("person")[:HOME_PLANS_NAMED])
    count = len(plans) if len(plans) < HOME_PLANS_NAMED else due.count()
    today = timezone.localdate()
    for plan in plans:
        plan.overdue = plan.review_on < today
    log_listed_ids(user, [p.person_id for p in plans], category=Category.PLAN,
                   detail="plan reviews due")
    return {"count": count, "named": plans}


HOME_PLANS_NAMED = 10


def _consultations_waiting(user) -> dict:
    """Consultations asked of this professional or their teams and not yet answered (counts
    only: no client names on the home page)."""
    from django.db.models import Count, Q

    from luotsi.sharedcare.selectors import work_list

    today = timezone.localdate()
    return work_list(user).order_by().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))


@require_GET
def healthz(request):
    """Liveness and database reachability for the load balancer (no personal data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness: 200 only when the database answers and every migration is applied; otherwise
    503 with the reason, so a load balancer sends no traffic to a process that cannot serve."""
    from django.db import DatabaseError
    from django.db.migrations.executor import MigrationExecutor

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return JsonResponse({"status": "unavailable", "reason": "database unreachable",
                             "error": exc.__class__.__name__}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "reason": "migrations not applied",
                             "pending": [f"{migration.app_label}.{migration.name}"
                                         for migration, _backwards in pending]}, status=503)
    return JsonResponse({"status": "ready"})


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (an old page, a session that ended): the page
    of the area it came from, the client's own under /oma/, the staff layout elsewhere."""
    if getattr(request, "client_area", False):  # the client's own area (luotsi.oma)
        return render(request, "oma/csrf_failure.html", {
            "oma_idle_minutes": settings.CLIENT_IDLE_TIMEOUT_MINUTES}, status=403)
    return render(request, "errors/csrf_failure.html", status=403)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "Not found.", "fields": []}}, status=404
        )
    if getattr(request, "client_area", False):  # the client's own area (luotsi.oma)
        return render(request, "oma/404.html", {
            "oma_idle_minutes": settings.CLIENT_IDLE_TIMEOUT_MINUTES}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return HttpResponse(
        _static_500(), status=500
    )


def _static_500() -> str:
    return (
        '<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Virhe – Luotsi</title>'
        "</head><body><main><h1>Tapahtui virhe / Ett fel inträffade / An error occurred</h1>"
        "<p>Virhe on kirjattu. Yritä uudelleen. / Felet har loggats. / The error has been "
        "logged. Please try again.</p></main></body></html>"
    )
