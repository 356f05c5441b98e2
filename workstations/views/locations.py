"""Staff pages for locations: the list with scans against reports, one location's page with its
code's history, the printable poster, and rotating, revoking and reinstating a code."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from issues.models import Issue

from .. import scope, services
from ..models import Location, ScanCount
from .access import manager_required, staff_required

STATS_DAYS = 30
POSTER_SIZES = ("a4", "a5")
POSTER_LANGUAGES = ("zh-hans", "en")


def _with_counts(locations, since: dt.date):
    """Annotate scans, stale scans and reports since `since`: one query, whatever the count."""
    days = ScanCount.objects.filter(location=OuterRef("pk"), day__gte=since).values("location")
    reports = (
        Issue.objects.filter(location=OuterRef("pk"), created_at__date__gte=since)
        .order_by()
        .values("location")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = 0
    return locations.annotate(
        scans=Coalesce(Subquery(days.annotate(n=Sum("scans")).values("n"), output_field=IntegerField()), zero),
        stale_scans=Coalesce(
            Subquery(days.annotate(n=Sum("stale_scans")).values("n"), output_field=IntegerField()), zero
        ),
        reports=Coalesce(Subquery(reports, output_field=IntegerField()), zero),
    )


@require_safe
@staff_required
def staff_locations(request: HttpRequest) -> HttpResponse:
    since = timezone.localdate() - dt.timedelta(days=STATS_DAYS - 1)
    locations = _with_counts(scope.visible_locations(request.user), since).select_related(
        "grid__neighbourhood__workstation"
    )
    locations = locations.order_by(
        "grid__neighbourhood__workstation__name",
        "grid__neighbourhood__workstation_id",
        "grid__neighbourhood__name",
        "grid__neighbourhood_id",
        "grid__name",
        "grid_id",
        "name",
    )
    context = {"locations": list(locations), "stats_days": STATS_DAYS}
    return render(request, "workstations/locations.html", context)


class RotateForm(forms.Form):
    GRACE_CHOICES = [
        ("30", gettext_lazy("for 30 days (new posters go up meanwhile)")),
        ("7", gettext_lazy("for 7 days")),
        ("0", gettext_lazy("not at all: the old code stops now")),
    ]
    grace_days = forms.TypedChoiceField(
        label=gettext_lazy("The old poster keeps working"), choices=GRACE_CHOICES, coerce=int, initial="30"
    )
    note = forms.CharField(label=gettext_lazy("Why (optional)"), max_length=200, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why (optional)"), max_length=200, required=False)


@require_safe
@staff_required
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible(request, pk))


def _visible(request: HttpRequest, pk: int) -> Location:
    return get_object_or_404(
        scope.visible_locations(request.user).select_related("grid__neighbourhood__workstation"), pk=pk
    )


def _detail_page(
    request: HttpRequest, location: Location, *, rotate_form=None, note_form=None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    since = today - dt.timedelta(days=STATS_DAYS - 1)
    daily = {c.day: c for c in location.scan_counts.filter(day__gte=since)}
    reports_by_day: dict[dt.date, int] = {}
    for created in Issue.objects.filter(location=location, created_at__date__gte=since).values_list(
        "created_at", flat=True
    ):
        day = timezone.localdate(created)
        reports_by_day[day] = reports_by_day.get(day, 0) + 1
    days = [today - dt.timedelta(days=n) for n in range(14)]
    context = {
        "location": location,
        "workstation": location.grid.neighbourhood.workstation,
        "can_manage": scope.can_manage_workstation(request.user, location.grid.neighbourhood.workstation_id),
        "state": services.resolve_qr_token(location.qr_token)[1],
        "events": list(location.events.select_related("actor")[:20]),
        "retired": list(location.retired_codes.order_by("-retired_at")[:5]),
        "now": timezone.now(),
        "stats_days": STATS_DAYS,
        "scans": sum(c.scans for c in daily.values()),
        "stale_scans": sum(c.stale_scans for c in daily.values()),
        "reports": sum(reports_by_day.values()),
        "recent": [
            {"day": d, "scans": daily[d].scans if d in daily else 0, "reports": reports_by_day.get(d, 0)} for d in days
        ],
        "rotate_form": rotate_form or RotateForm(),
        "note_form": note_form or NoteForm(),
    }
    return render(request, "workstations/location_detail.html", context, status=status)


@require_safe
@staff_required
def location_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A print view of one poster (A4 or A5), for a browser's Print. No server-side font: the
    browser's own CJK font renders the text."""
    location = _visible(request, pk)
    size = request.GET.get("size", "a4")
    size = size if size in POSTER_SIZES else "a4"
    language = request.GET.get("lang", "zh-hans")
    language = language if language in POSTER_LANGUAGES else "zh-hans"
    context = {
        "location": location,
        "workstation": location.grid.neighbourhood.workstation,
        "size": size,
        "sizes": POSTER_SIZES,
        "poster_language": language,
        "url": location.typed_url(),
    }
    return render(request, "workstations/poster.html", context)


def _managed(request: HttpRequest, pk: int) -> Location:
    return get_object_or_404(scope.managed_locations(request.user), pk=pk)


def _back(location: Location) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("location_detail", args=[location.pk]), status=303)


@require_POST
@manager_required
def location_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    location = _managed(request, pk)
    form = RotateForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, _visible(request, pk), rotate_form=form, status=400)
    grace = dt.timedelta(days=form.cleaned_data["grace_days"])
    was_revoked = location.qr_revoked_at is not None
    location = services.rotate_qr(location, actor=request.user, grace=grace, note=form.cleaned_data["note"])
    if was_revoked or not grace:
        messages.success(request, _("New QR code issued. The old code no longer opens the report form."))
    else:
        until = timezone.localtime(timezone.now() + grace)
        messages.success(
            request,
            _("New QR code issued. Old posters keep working until %(date)s: put the new poster up before then.")
            % {"date": until.strftime("%Y-%m-%d")},
        )
    return _back(location)


@require_POST
@manager_required
def location_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    location = _managed(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, _visible(request, pk), note_form=form, status=400)
    if location.qr_revoked_at is not None:
        messages.info(request, _("This code was already revoked."))
        return _back(location)
    services.revoke_qr(location, actor=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("QR code revoked. Residents who scan it now see the workstation's phone number."))
    return _back(location)


@require_POST
@manager_required
def location_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    location = _managed(request, pk)
    if location.qr_revoked_at is None:
        messages.info(request, _("This code is not revoked."))
        return _back(location)
    services.reinstate_qr(location, actor=request.user)
    messages.success(request, _("QR code reinstated. Posters already up work again."))
    return _back(location)
