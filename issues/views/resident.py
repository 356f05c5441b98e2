"""The resident side: report from a QR code, follow the report, add to it, confirm or reopen it,
the FAQ (with suggestions while typing), and the list of this browser's own reports.

Nobody here is logged in. The tracking token in /t/<token>/ is the resident's only key, so
tracking pages are never cached and never leak the URL to another site in a Referer header.
Every page here runs a fixed, small number of queries (tests/resident/test_queries.py).
"""

import json
import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from workstations.models import Location
from workstations.views.qr import qr_entry

from .. import extensions, keywords, ratelimit, services
from .. import faq as faq_index
from ..forms import ConfirmForm, NoteForm, ReopenForm, ReportForm
from ..lifecycle import IllegalTransition, Status
from ..models import Issue, IssueEvent
from ..plain import STATUS_PLAIN, done_sentences, event_plain, handler_role, kind_label

HOUR = 3600
MINUTE = 60
FAQ_SUGGESTIONS_PER_IP_PER_MINUTE = 120
# Each note tells the grid worker: a link kept open in a script must not flood their phone.
NOTES_PER_ISSUE_PER_HOUR = 20
NOTES_PER_IP_PER_HOUR = 60


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


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


# --- Reporting -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    # Rotated, revoked and retired codes, and the scan counter: workstations.views.qr.
    location, elsewhere = qr_entry(request, token)
    if elsewhere is not None:
        return elsewhere
    if request.method == "POST":
        return _submit_report(request, location)
    # Rendered on every scan. A per-process cache of the rendered page (the CSRF token and the
    # idempotency key written into it) saved 14-20 % of a resident path's CPU on
    # bench/resident_path.py, under the 25 % a hand-made speed-up must show, so it went.
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
            busy=True,
        )
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, location, form, status=400)
    try:
        issue, tracking_token, created = services.submit_report(location, **form.issue_fields())
    except services.IssueError as exc:
        form.add_error(None, exc.message)
        return _report_page(request, location, form, status=400)
    messages.success(request, _("Thank you. Your report %(ref)s has been received.") % {"ref": issue.reference})
    if getattr(issue, "photos_waiting", 0):
        messages.warning(
            request,
            _(
                "Your photo could not be stored just now. It is kept with your report and will appear "
                "here shortly: there is no need to send it again."
            ),
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
    kept["property_service"] = request.POST.get("property_service") == "1"
    kept["idempotency_key"] = request.POST.get("idempotency_key") or secrets.token_urlsafe(24)
    return ReportForm(initial=kept)


def _report_page(
    request: HttpRequest,
    location: Location,
    form: ReportForm,
    *,
    status: int = 200,
    notice: str = "",
    busy: bool = False,
) -> HttpResponse:
    context = {
        "location": location,
        "workstation": location.grid.neighbourhood.workstation,
        "form": form,
        "notice": notice,
        "busy": busy,  # refused by a rate limit: what cannot wait goes by phone
        # A browser never re-sends chosen files with a page it gets back.
        "photos_lost": request.method == "POST" and bool(request.FILES),
        # For the browser's "this sounds urgent" hint (issues.keywords; cached, no query).
        "urgent_words": json.dumps(keywords.active_phrases(), ensure_ascii=False),
        # Apps above the core (estates: the 物业服务 choice at a location inside an estate; from a
        # per-process snapshot, no query).
        **extensions.context("report_context", location),
    }
    return render(request, "issues/report.html", context, status=status)


# --- Tracking ------------------------------------------------------------------------------


def _issue_or_404(token: str) -> Issue:
    issue = services.find_by_token(token)
    if issue is None:
        raise Http404
    return issue


def _form_address(view):
    """The address a tracking page's form posts to. A page answered from it (a note's error
    message) keeps it in the address bar, so switching the language or reloading opens it with
    GET: that leads back to the tracking page."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            _issue_or_404(token)
            return _see_other(reverse("track", args=[token]))
        return view(request, token, *args, **kwargs)

    return require_http_methods(["GET", "HEAD", "POST"])(wrapper)


# The note form's two inputs, as an empty form renders them: the same on every tracking page of a
# language, so each process renders them once per language (Django renders a widget through a
# template of its own, which costs more than the rest of the form).
_blank_note_inputs: dict[str, dict[str, str]] = {}


def _note_inputs(form: NoteForm) -> dict:
    if form.is_bound:
        return {"note": form["note"], "photos": form["photos"]}
    language = translation.get_language()
    inputs = _blank_note_inputs.get(language)
    if inputs is None:
        inputs = _blank_note_inputs[language] = {"note": str(form["note"]), "photos": str(form["photos"])}
    return inputs


def _track_page(
    request: HttpRequest,
    issue: Issue,
    token: str,
    *,
    note_form: NoteForm | None = None,
    confirm_form: ConfirmForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    events = services.public_events(issue)
    resolved_plain, done_steps = done_sentences(issue, events)
    for event in events:
        event.plain = done_steps.get(event.pk) or event_plain(event)
    can_add, can_answer = issue.is_open, issue.status == Status.RESOLVED
    status_label = issue.get_status_display()
    photos = services.photos_of(issue)
    note_form = (note_form or NoteForm()) if can_add else None
    context = {
        "issue": issue,
        "token": token,
        "location": issue.location,
        "workstation": issue.workstation,
        "kind_label": kind_label(issue),
        "status_label": status_label,
        "status_plain": resolved_plain or STATUS_PLAIN.get(issue.status, status_label),
        "handler": handler_role(issue),
        "events": events,
        "photos": [photo for photo in photos if not photo.is_after_repair],
        "repair_photos": [photo for photo in photos if photo.is_after_repair],
        "can_add": can_add,
        "can_answer": can_answer,
        # Closed on the resident's own word, with or without a rating.
        "confirmed": issue.status == Status.CLOSED and any(e.type == IssueEvent.Type.CONFIRMED for e in events),
        "confirm_days": settings.RESIDENT_CONFIRM_DAYS,
        # Only the forms the page shows are built.
        "note_form": note_form,
        "note_inputs": _note_inputs(note_form) if note_form is not None else None,
        "confirm_form": (confirm_form or ConfirmForm()) if can_answer else None,
        "reopen_form": (reopen_form or ReopenForm()) if can_answer else None,
        "track_url": request.build_absolute_uri(reverse("track", args=[token])),
        # Apps above the core (estates: who has a property-service complaint now, and why).
        **extensions.context("track_context", issue),
    }
    return render(request, "issues/track.html", context, status=status)


@_private
@require_safe
def track(request: HttpRequest, token: str) -> HttpResponse:
    return _track_page(request, _issue_or_404(token), token)


@_private
@_form_address
def track_note(request: HttpRequest, token: str) -> HttpResponse:
    issue = _issue_or_404(token)
    form = NoteForm(request.POST, request.FILES)
    if not _notes_within_rate_limits(request, issue):
        messages.error(request, _("Many notes were sent in the last hour. Please wait a while and send again."))
        kept = NoteForm({"note": request.POST.get("note", "")})  # what was typed, without the photos
        return _track_page(request, issue, token, note_form=kept, status=429)
    if not form.is_valid():
        return _track_page(request, issue, token, note_form=form, status=400)
    try:
        services.add_resident_note(issue, note=form.cleaned_data["note"], photos=form.cleaned_data["photos"])
    except services.IssueError as exc:
        messages.error(request, exc.message)
        return _track_page(request, issue, token, note_form=form, status=409)
    messages.success(request, _("Thank you. The grid worker can see what you added."))
    return _see_other(reverse("track", args=[token]) + "#h-timeline")


def _notes_within_rate_limits(request: HttpRequest, issue: Issue) -> bool:
    ip = ratelimit.client_ip(request)
    return ratelimit.hit(f"note:ip:{ip}", NOTES_PER_IP_PER_HOUR, HOUR) and ratelimit.hit(
        f"note:issue:{issue.pk}", NOTES_PER_ISSUE_PER_HOUR, HOUR
    )


@_private
@_form_address
def track_confirm(request: HttpRequest, token: str) -> HttpResponse:
    issue = _issue_or_404(token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _track_page(request, issue, token, confirm_form=form, status=400)
    rating = form.cleaned_data["rating"]
    try:
        services.confirm_issue(issue, rating=rating, comment=form.cleaned_data["comment"])
    except (services.IssueError, IllegalTransition) as exc:
        current = services.find_by_token(token)
        if not (current.status == Status.CLOSED and current.rating == rating):  # else a second tap
            messages.error(request, exc.message)
            return _see_other(reverse("track", args=[token]))
    messages.success(request, _("Thank you for telling us. This report is now closed."))
    return _see_other(reverse("track", args=[token]))


@_private
@_form_address
def track_reopen(request: HttpRequest, token: str) -> HttpResponse:
    issue = _issue_or_404(token)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _track_page(request, issue, token, reopen_form=form, status=400)
    try:
        services.reopen_issue(issue, reason=form.cleaned_data["reason"])
    except (services.IssueError, IllegalTransition) as exc:
        if services.find_by_token(token).status != Status.REOPENED:  # else a second tap
            messages.error(request, exc.message)
            return _see_other(reverse("track", args=[token]))
    messages.success(request, _("Sorry it is not solved yet. We have sent it back to the grid worker."))
    return _see_other(reverse("track", args=[token]))


@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    """The reports sent from this browser. The list lives in the browser (localStorage) and is
    drawn by static/js/my-reports.js: the server knows nothing of who sent what."""
    return render(request, "issues/my_reports.html")


# --- Common questions ----------------------------------------------------------------------


@require_safe
def faq(request: HttpRequest) -> HttpResponse:
    """The answers residents of the workstation `?ws=<slug>` see (the report page links here with
    it); without it, only those meant for everyone."""
    query = request.GET.get("q", "").strip()[:100]
    place = faq_index.place(request.GET.get("ws", "")[:100])
    if query:
        entries = [hit.entry for hit in faq_index.search(query, workstation=place)]
    else:
        entries = faq_index.published(workstation=place)
    categories = []
    for entry in entries:
        if not categories or categories[-1]["name"] != entry.category:
            categories.append({"name": entry.category, "slug": f"cat-{len(categories) + 1}", "entries": []})
        categories[-1]["entries"].append(entry)
    return render(
        request,
        "issues/faq.html",
        # With a query the answers come best first, without one by category.
        {
            "query": query,
            "hits": entries if query else [],
            "categories": [] if query else categories,
            "ws": place.slug if place else "",
        },
    )


@require_safe
def faq_suggest(request: HttpRequest) -> JsonResponse:
    """Published answers that fit what the resident is typing: JSON for static/js/faq-suggest.js.

    Cheap by design (an in-memory index, no query) and rate-limited per client."""
    ip = ratelimit.client_ip(request)
    if not ratelimit.hit(f"faq-suggest:ip:{ip}", FAQ_SUGGESTIONS_PER_IP_PER_MINUTE, MINUTE):
        return JsonResponse(
            {"results": [], "error": _("Too many questions at once. Please wait a minute.")}, status=429
        )
    text = request.GET.get("q", "")[:500]
    place = faq_index.place(request.GET.get("ws", "")[:100])
    page = f"{reverse('faq')}?ws={place.slug}" if place else reverse("faq")
    results = [
        {
            "id": hit.entry.id,
            "question": hit.entry.question,
            "answer": Truncator(hit.entry.answer).chars(160),
            "url": f"{page}#faq-{hit.entry.id}",
        }
        for hit in faq_index.suggest(text, workstation=place)
    ]
    response = JsonResponse({"results": results})
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
