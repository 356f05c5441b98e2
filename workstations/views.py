"""The workstation's locations and their QR codes, for staff."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import scope
from .models import Location
from .qr import qr_png


def staff_required(view: Callable) -> Callable:
    """Login first (redirect to the login page), then staff of a workstation or 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not scope.is_staff_member(request.user):
            raise PermissionDenied(_("This page is for workstation staff."))
        return view(request, *args, **kwargs)

    return wrapper


def locations_in_scope(user):
    """Locations of the workstations `user` works for (superuser: all)."""
    locations = Location.objects.all()
    if not user.is_superuser:
        locations = locations.filter(grid__neighbourhood__workstation_id__in=scope.staff_workstation_ids(user))
    return locations


@staff_required
def staff_locations(request: HttpRequest) -> HttpResponse:
    locations = (
        locations_in_scope(request.user)
        .select_related("grid__neighbourhood__workstation")
        .order_by(
            "grid__neighbourhood__workstation__name",
            "grid__neighbourhood__workstation_id",
            "grid__neighbourhood__name",
            "grid__neighbourhood_id",
            "grid__name",
            "grid_id",
            "name",
        )
    )
    return render(request, "workstations/locations.html", {"locations": list(locations)})


@login_required
def location_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The PNG QR code of one location's report URL; 404 outside the user's workstations."""
    location = get_object_or_404(locations_in_scope(request.user), pk=pk)
    response = HttpResponse(qr_png(location.report_url()), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="qr-location-{location.pk}.png"'
    # The code carries the location's secret token: no shared caches.
    patch_cache_control(response, private=True, max_age=3600)
    return response
