"""Finding a report again, for residents: the list kept on this phone asks for the current state
of its reports (one query for all), and a report can be found by its reference number and the
last four digits of the phone left with it, without the QR code or the link.

The lookup never tells "no such report" from "wrong digits" (one answer for both), is rate-limited
per client and per reference, and compares the digits in constant time; reading a reference
number off a poster or a neighbour's screen is not enough."""

import hmac
import re
import unicodedata

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import ratelimit, tracking
from ..models import Issue, hash_token
from ..plain import STATUS_PLAIN

HOUR = 3600
MAX_TOKENS = 50
STATUS_CHECKS_PER_IP_PER_HOUR = 120
LOOKUPS_PER_IP_PER_HOUR = 10
LOOKUPS_PER_REFERENCE_PER_HOUR = 5
TOKEN_IN_URL = re.compile(r"/t/([A-Za-z0-9_-]{16,64})/")
REFERENCE_RE = re.compile(r"^[A-Z0-9]{1,12}-\d{8}-\d{4,6}$")


def _when(value) -> str:
    """A time as the tracking page writes it (DATETIME_FORMAT, in the page's language)."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


@require_POST
def my_reports_status(request: HttpRequest) -> JsonResponse:
    """The current state of the reports this phone keeps: POST `urls` (their tracking links, as
    the phone stored them). JSON {url: {reference, words, status, status_plain, received}}; links
    that lead nowhere are left out. One query whatever the number of links."""
    if not ratelimit.hit(f"my-status:ip:{ratelimit.client_ip(request)}", STATUS_CHECKS_PER_IP_PER_HOUR, HOUR):
        return JsonResponse({"reports": {}, "error": _("Too many requests. Please wait a little.")}, status=429)
    tokens = {}
    for url in request.POST.getlist("urls")[:MAX_TOKENS]:
        found = TOKEN_IN_URL.search(url)
        if found:
            tokens[hash_token(found.group(1))] = url
    issues = Issue.objects.filter(tracking_token_hash__in=list(tokens)).only(
        "reference", "description", "status", "created_at", "updated_at", "tracking_token_hash"
    )
    reports = {
        tokens[issue.tracking_token_hash]: {
            "reference": issue.reference,
            "words": Truncator(issue.description).chars(40),
            "status": str(issue.get_status_display()).capitalize(),
            "status_plain": str(STATUS_PLAIN.get(issue.status, "")),
            "received": _when(issue.created_at),
            "updated": _when(issue.updated_at),
        }
        for issue in issues
    }
    return JsonResponse({"reports": reports})


def _normalized_reference(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).upper().split())


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def find_by_reference(reference: str, last_four: str) -> Issue | None:
    """The issue with this reference whose resident left a phone ending in `last_four`; None
    otherwise (no such report, no phone, other digits: the caller cannot tell which)."""
    reference, last_four = _normalized_reference(reference), _digits(last_four)
    if not REFERENCE_RE.match(reference) or len(last_four) != 4:
        return None
    issue = Issue.objects.filter(reference=reference).only("reporter_phone", "idempotency_key", "reference").first()
    phone = _digits(issue.reporter_phone) if issue is not None else ""
    # Compared whatever was found, so that the time taken says nothing either.
    matches = hmac.compare_digest((phone[-4:] if len(phone) >= 4 else "----").encode(), last_four.encode())
    return issue if issue is not None and matches else None


@require_http_methods(["GET", "HEAD", "POST"])
def find_report(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST `reference` and `last_four`: 303 to the tracking page when both match;
    otherwise the form again with what was typed and one answer for every failure."""
    context = {"reference": "", "last_four": "", "error": "", "no_link": False}
    if request.method != "POST":
        return render(request, "issues/find.html", context)
    reference = request.POST.get("reference", "")[:40]
    last_four = request.POST.get("last_four", "")[:10]
    context.update(reference=reference, last_four=last_four)
    ip = ratelimit.client_ip(request)
    allowed = ratelimit.hit(f"find:ip:{ip}", LOOKUPS_PER_IP_PER_HOUR, HOUR) and ratelimit.hit(
        f"find:ref:{_normalized_reference(reference)}", LOOKUPS_PER_REFERENCE_PER_HOUR, HOUR
    )
    if not allowed:
        context["error"] = _("Too many tries. Please wait an hour, or phone the workstation.")
        return render(request, "issues/find.html", context, status=429)
    issue = find_by_reference(reference, last_four)
    if issue is None:
        context["error"] = _(
            "No report matches this reference number and these digits. Please check both: the "
            "reference number is on the page you saw after sending (like TP-20261204-0001)."
        )
        return render(request, "issues/find.html", context, status=200)
    if not issue.idempotency_key:
        # Its link was made at random and only its digest is kept: it cannot be made again.
        context["no_link"] = True
        context["workstation"] = issue.workstation
        return render(request, "issues/find.html", context)
    token = tracking.token_of(issue)
    if token is None:
        context["no_link"] = True
        context["workstation"] = issue.workstation
        return render(request, "issues/find.html", context)
    response = HttpResponse(status=303)
    response["Location"] = reverse("track", args=[token])
    return response
