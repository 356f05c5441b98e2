"""QR codes: what a scanned code opens (`qr_entry`, used by the resident's report view) and the
code images staff download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .. import scope
from ..models import Location
from ..qr import qr_png, qr_svg
from ..services import QRState, record_scan, resolve_qr_token, token_for_short_code


def qr_entry(request: HttpRequest, token: str) -> tuple[Location, HttpResponse | None]:
    """Resolve a scanned token for /q/<token>/ and count the scan.

    Returns (location, None) when the report form should be shown or processed, or
    (location, response) when the code leads elsewhere: a rotated code in its grace period
    redirects to the current URL; a revoked, replaced or retired code gets the "no longer in
    use" page with the workstation's contact (410). An unknown token is a 404."""
    location, state = resolve_qr_token(token)
    if location is None:
        raise Http404
    counting = request.method == "GET"
    if state is QRState.ALIAS and request.method != "POST":
        # The current URL counts the scan when the browser arrives there. A form opened before
        # the rotation and sent afterwards is still accepted here.
        query = request.META.get("QUERY_STRING", "")
        return location, HttpResponseRedirect(location.report_path() + (f"?{query}" if query else ""))
    if state.is_stopped:
        if counting:
            record_scan(location, stale=True)
        context = {"location": location, "workstation": location.grid.neighbourhood.workstation, "state": state}
        response = render(request, "workstations/qr_stopped.html", context, status=410)
        return location, response
    if counting:
        record_scan(location)
    return location, None


@require_safe
def short_code_entry(request: HttpRequest, code: str) -> HttpResponse:
    """/k/<code>: the address typed from a poster (Location.typed_url) leads to its QR code's own
    address, which counts the scan and knows whether the code is current, replaced or stopped."""
    token = token_for_short_code(code)
    if token is None:
        raise Http404
    return HttpResponseRedirect(reverse("report", args=[token]))


def _location_code(request: HttpRequest, pk: int) -> Location:
    return get_object_or_404(scope.visible_locations(request.user), pk=pk)


def _code_response(location: Location, body: bytes, content_type: str, extension: str, download: bool):
    response = HttpResponse(body, content_type=content_type)
    if download:
        response["Content-Disposition"] = f'attachment; filename="qr-location-{location.pk}.{extension}"'
    # The code carries the location's token: no shared caches, and a rotation shows at once.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
@login_required
def location_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The PNG QR code of one location's report URL; 404 outside the user's workstations."""
    location = _location_code(request, pk)
    box_size = 20 if request.GET.get("size") == "large" else 10
    body = qr_png(location.report_url(), box_size=box_size)
    return _code_response(location, body, "image/png", "png", bool(request.GET.get("download")))


@require_safe
@login_required
def location_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The same code as SVG: sharp at any print size."""
    location = _location_code(request, pk)
    body = qr_svg(location.report_url())
    return _code_response(location, body, "image/svg+xml", "svg", bool(request.GET.get("download")))
