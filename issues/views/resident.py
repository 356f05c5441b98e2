"""The resident side: report from a QR code, follow the report, confirm or reopen it, and the FAQ.

Nobody here is logged in. The tracking token in /t/<token>/ is the resident's only key, so
tracking pages are never cached and never leak the URL to another site in a Referer header.
"""

import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from workstations.models import Location

from .. import ratelimit, services
from ..forms import ConfirmForm, ReopenForm, ReportForm
from ..lifecycle import IllegalTransition, Status
from ..models import FAQ, Issue

HOUR = 3600

# What each status means, in the words a resident would use.
STATUS_PLAIN = {
    Status.NEW: gettext_lazy("We have received your report."),
    Status.ASSIGNED: gettext_lazy("A grid worker has been given your report."),
    Status.ACCEPTED: gettext_lazy("The grid worker is working on it."),
    Status.ON_SITE: gettext_lazy("The grid worker is at the place now."),
    Status.RESOLVED: gettext_lazy("The grid worker says it is done. Please check and tell us."),
    Status.REOPENED: gettext_lazy("You said it is not solved yet. We are looking at it again."),
    Status.CLOSED: gettext_lazy("Finished. Thank you!"),
}


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


# --- Reporting -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    location = get_object_or_404(Location.objects.select_related("grid__neighbourhood__workstation"), qr_token=token)
    if not location.is_active:
        return render(request, "issues/location_inactive.html", {"location": location}, status=410)
    if request.method == "POST":
        return _submit_report(request, location)
    form = ReportForm(initial={"kind": "", "idempotency_key": secrets.token_urlsafe(24)})
    return _report_page(request, location, form)


def _submit_report(request: HttpRequest, location: Location) -> HttpResponse:
    if request.POST.get("website", "").strip():
        return _report_page(
            request, location, _kept_form(request), status=400, notice=_("Sorry, we could not accept this report.")
        )
    if not _within_rate_limits(request, location):
        return _report_page(
            request,
            location,
            _kept_form(request),
            status=429,
            notice=_("Many reports were sent from here in the last hour. Please wait a while and send again."),
        )
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, location, form, status=400)
    try:
        issue, tracking_token, created = services.create_issue(location, **form.issue_fields())
    except services.IssueError as exc:
        form.add_error(None, exc.message)
        return _report_page(request, location, form, status=400)
    messages.success(
        request,
        _("Thank you. Your report %(ref)s has been received.") % {"ref": issue.reference},
    )
    return _see_other(reverse("track", args=[tracking_token]))


def _within_rate_limits(request: HttpRequest, location: Location) -> bool:
    ip = ratelimit.client_ip(request)
    return ratelimit.hit(f"report:ip:{ip}", settings.RATELIMIT_REPORTS_PER_IP, HOUR) and ratelimit.hit(
        f"report:loc:{location.pk}", settings.RATELIMIT_REPORTS_PER_LOCATION, HOUR
    )


def _kept_form(request: HttpRequest) -> ReportForm:
    """An unbound form showing what the person typed, without checking or processing it."""
    kept = {name: request.POST.get(name, "") for name in ("kind", "description", "name", "phone")}
    kept["idempotency_key"] = request.POST.get("idempotency_key") or secrets.token_urlsafe(24)
    return ReportForm(initial=kept)


def _report_page(
    request: HttpRequest, location: Location, form: ReportForm, *, status: int = 200, notice: str = ""
) -> HttpResponse:
    context = {
        "location": location,
        "workstation": location.grid.neighbourhood.workstation,
        "form": form,
        "notice": notice,
        # A browser never re-sends chosen files with a page it gets back.
        "photos_lost": request.method == "POST" and bool(request.FILES),
    }
    return render(request, "issues/report.html", context, status=status)


# --- Tracking ------------------------------------------------------------------------------


def _private(view):
    """The token in the URL is a secret: keep the page out of caches and other sites' Referer
    headers. Not "no-referrer": Chromium then sends `Origin: null` with the page's own forms and
    Django's CSRF check refuses them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _issue_or_404(token: str) -> Issue:
    issue = services.find_by_token(token)
    if issue is None:
        raise Http404
    return issue


def _track_page(
    request: HttpRequest,
    issue: Issue,
    token: str,
    *,
    confirm_form: ConfirmForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    location = issue.location
    if issue.assignee_id:
        handler = _("A grid worker")
    elif issue.routed_at:
        handler = _("The workstation staff")
    else:
        handler = _("Being passed to a grid worker")
    context = {
        "issue": issue,
        "token": token,
        "location": location,
        "workstation": location.grid.neighbourhood.workstation,
        "status_plain": STATUS_PLAIN.get(issue.status, issue.get_status_display()),
        "handler": handler,
        "events": list(issue.events.filter(is_public=True).order_by("created_at", "id")),
        "photos": list(issue.photos.order_by("id")),
        "can_answer": issue.status == Status.RESOLVED,
        "confirm_form": confirm_form or ConfirmForm(),
        "reopen_form": reopen_form or ReopenForm(),
        "track_url": request.build_absolute_uri(reverse("track", args=[token])),
    }
    return render(request, "issues/track.html", context, status=status)


@_private
@require_safe
def track(request: HttpRequest, token: str) -> HttpResponse:
    return _track_page(request, _issue_or_404(token), token)


@_private
@require_POST
def track_confirm(request: HttpRequest, token: str) -> HttpResponse:
    issue = _issue_or_404(token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _track_page(request, issue, token, confirm_form=form, status=400)
    try:
        services.confirm_issue(issue, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
    except (services.IssueError, IllegalTransition) as exc:
        messages.error(request, exc.message)
        return _see_other(reverse("track", args=[token]))
    messages.success(request, _("Thank you for telling us. This report is now closed."))
    return _see_other(reverse("track", args=[token]))


@_private
@require_POST
def track_reopen(request: HttpRequest, token: str) -> HttpResponse:
    issue = _issue_or_404(token)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _track_page(request, issue, token, reopen_form=form, status=400)
    try:
        services.reopen_issue(issue, reason=form.cleaned_data["reason"])
    except (services.IssueError, IllegalTransition) as exc:
        messages.error(request, exc.message)
        return _see_other(reverse("track", args=[token]))
    messages.success(request, _("Sorry it is not solved yet. We have sent it back to the grid worker."))
    return _see_other(reverse("track", args=[token]))


# --- Common questions ----------------------------------------------------------------------


@require_safe
def faq(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    entries = FAQ.objects.filter(is_published=True)
    if query:
        entries = entries.filter(Q(question__icontains=query) | Q(answer__icontains=query))
    return render(request, "issues/faq.html", {"entries": list(entries.order_by("category", "id")), "query": query})
