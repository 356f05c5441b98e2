from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware import csrf
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from issues.dispatch import is_liaison
from observability.health import beat_freshness
from workstations import scope

from .celery import app as celery_app


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own desk; anonymous visitors get the public front page."""
    user = request.user
    if user.is_authenticated:
        if scope.is_staff_member(user):
            return redirect("staff_dashboard")
        if scope.is_grid_worker(user):
            return redirect("tasks")
        if is_liaison(user):
            return redirect("dispatches")
    return render(request, "home.html")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    beat = beat_freshness()  # observability: the last SLA sweep and the queue depth
    healthy = healthy and beat["sweep"] != "late"
    return JsonResponse({"status": "ok" if healthy else "error", **checks, **beat}, status=200 if healthy else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (a page kept open for long, cookies blocked): say so
    in plain words, show back what the person wrote, and lead to the page again. Django's own page
    is technical and, under the site's CSP, unstyled."""
    written = request.POST.get("description") or request.POST.get("note") or ""
    context = {
        "written": written,
        "no_cookie": reason == csrf.REASON_NO_CSRF_COOKIE,
        # Every form posts to a page that a GET opens again (tracking forms lead back to it).
        "again": request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts=None) else "/",
    }
    return render(request, "403_csrf.html", context, status=403)
