"""The organisers' side (logged in): initiatives and the residents' ideas waiting to be taken up,
an event's page (confirmed, waiting, checked in, no-shows; publish, seats, approval, cancel),
the check-in page for the phone at the door, the record afterwards and the monthly exports."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from issues.lifecycle import OPEN_STATUSES
from issues.models import Issue, Kind
from workstations import scope

from .. import exports, services
from ..forms import ActivityForm, RecordForm
from ..models import Activity, Initiative, SignUp


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _organised(request: HttpRequest, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("workstation", "location", "initiative", "neighbourhood"), pk=pk
    )
    if not services.can_organise(request.user, activity):
        raise PermissionDenied
    return activity


def _managed_initiative(request: HttpRequest, pk: int) -> Initiative:
    initiative = get_object_or_404(Initiative.objects.select_related("workstation"), pk=pk)
    if not scope.can_manage_workstation(request.user, initiative.workstation_id):
        raise PermissionDenied
    return initiative


@login_required
@require_safe
def initiatives(request: HttpRequest) -> HttpResponse:
    """Initiatives with their counts, and the residents' `community` ideas still to be taken up."""
    ws_ids = scope.staff_workstation_ids(request.user)
    rows = Initiative.objects.select_related("workstation")
    ideas = Issue.objects.filter(kind=Kind.COMMUNITY, status__in=OPEN_STATUSES, initiative__isnull=True)
    if not request.user.is_superuser:
        if not ws_ids:
            raise PermissionDenied
        rows = rows.filter(workstation_id__in=ws_ids)
        ideas = ideas.filter(workstation_id__in=ws_ids)
    context = {
        "initiatives": exports.initiative_counts(rows),
        "ideas": list(ideas.select_related("location").order_by("-created_at")[:50]),
        "activities": list(
            services.organised_activities(request.user)
            .select_related("workstation")
            .filter(ends_at__gte=timezone.now() - dt.timedelta(days=31))
            .order_by("starts_at")[:100]
        ),
        "month": timezone.localdate().strftime("%Y-%m"),
    }
    return render(request, "community/initiatives.html", context)


@login_required
@require_POST
def adopt(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.select_related("workstation"), pk=issue_id)
    if not scope.can_manage_workstation(request.user, issue.workstation_id):
        raise PermissionDenied
    try:
        initiative = services.adopt_idea(issue, actor=request.user, title=request.POST.get("title", ""))
    except services.CommunityError as exc:
        messages.error(request, exc.message)
        return _see_other(reverse("community:initiatives"))
    messages.success(request, _("The idea is now an initiative. The resident sees it on their tracking page."))
    return _see_other(reverse("community:initiative", args=[initiative.pk]))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative(request: HttpRequest, pk: int) -> HttpResponse:
    """An initiative: its events, and a form for a new one (the admin has every field)."""
    initiative = _managed_initiative(request, pk)
    form = ActivityForm(request.POST or None)
    if request.method == "POST":
        if "status" in request.POST:
            try:
                services.set_initiative_status(initiative, status=request.POST["status"], actor=request.user)
            except services.CommunityError as exc:
                messages.error(request, exc.message)
            return _see_other(reverse("community:initiative", args=[pk]))
        if (
            form.is_valid()
            and form.cleaned_data["reserved_seats"]
            and form.cleaned_data["reserved_group"] == Activity.ReservedGroup.PARTNER
            and not initiative.partners.exists()
        ):
            form.add_error(
                "reserved_group",
                _("The initiative has no partner units yet: add them first, or keep the seats another way."),
            )
        if form.is_valid():
            activity = form.save(commit=False)
            activity.workstation = initiative.workstation
            activity.initiative = initiative
            activity.save()
            activity.organisers.add(request.user)
            activity.partners.set(initiative.partners.all())
            messages.success(request, _("The event is saved as a draft. Publish it when it is ready."))
            return _see_other(reverse("community:manage", args=[activity.pk]))
    return render(
        request,
        "community/initiative.html",
        {
            "initiative": initiative,
            "activities": list(initiative.activities.order_by("starts_at")),
            "form": form,
            "statuses": Initiative.Status.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


def _manage_page(request: HttpRequest, activity: Activity, *, show_phones: bool = False, status: int = 200):
    signups = list(activity.signups.select_related("partner_unit").order_by("created_at", "id"))
    now = timezone.now()
    groups = {key: [s for s in signups if s.status == key] for key in SignUp.Status.values}
    confirmed = groups[SignUp.Status.CONFIRMED]
    context = {
        "activity": activity,
        "seats": services.seats_of(activity),
        "pending": groups[SignUp.Status.PENDING],
        "confirmed": [s for s in confirmed if not s.walk_in],
        "offered": groups[SignUp.Status.OFFERED],
        "waiting": groups[SignUp.Status.WAITING],
        "walk_ins": [s for s in confirmed if s.walk_in],
        "checked_in": [s for s in confirmed if s.checked_in_at],
        "no_shows": [s for s in confirmed if not s.checked_in_at and not s.walk_in] if now >= activity.ends_at else [],
        "ended": now >= activity.ends_at,
        "show_phones": show_phones,
        "log": list(activity.log.select_related("signup", "actor").order_by("-created_at", "-id")[:30]),
    }
    return render(request, "community/manage.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    if request.method != "POST":
        return _manage_page(request, activity)
    action = request.POST.get("action", "")
    try:
        if action == "publish":
            services.publish_activity(activity, actor=request.user)
            messages.success(request, _("Published. The public page and its QR code work now."))
        elif action == "capacity":
            services.change_capacity(
                activity,
                capacity=_number(request.POST.get("capacity")),
                reserved_seats=_number(request.POST.get("reserved_seats", activity.reserved_seats)),
                actor=request.user,
            )
            messages.success(request, _("Seats changed."))
        elif action == "cancel":
            services.cancel_activity(activity, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The event is cancelled; everyone signed up is told."))
        elif action in ("approve", "refuse"):
            signup = get_object_or_404(SignUp, pk=request.POST.get("signup"), activity=activity)
            services.decide_signup(signup, approve=action == "approve", actor=request.user)
        elif action == "phones":
            services.show_phones(activity, actor=request.user)
            return _manage_page(request, activity, show_phones=True)
        else:
            raise Http404
    except services.CommunityError as exc:
        messages.error(request, exc.message)
        return _manage_page(request, activity, status=400)
    return _see_other(reverse("community:manage", args=[pk]))


def _number(value) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise services.CommunityError(_("Please write the number of seats as a number.")) from None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page at the door: a code typed, or opened from the resident's QR (?code=)."""
    activity = _organised(request, pk)
    code = request.POST.get("code", request.GET.get("code", ""))
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "walk_in":
                services.add_walk_in(
                    activity,
                    name=request.POST.get("name", ""),
                    seats=request.POST.get("seats", "1") or "1",
                    actor=request.user,
                )
                messages.success(request, _("Walk-in added."))
            else:
                signup = services.check_in(activity, code=code, actor=request.user)
                messages.success(
                    request, _("Welcome, %(name)s (%(n)d seats).") % {"name": signup.name, "n": signup.seats}
                )
                if signup.in_reserved_group:
                    messages.warning(
                        request,
                        _("A reserved seat: %(basis)s. Please check it (an ID card, a work badge).")
                        % {"basis": signup.reserved_basis()},
                    )
            return _see_other(reverse("community:checkin", args=[pk]))
        except services.CommunityError as exc:
            messages.error(request, exc.message)
            status = 400
    counts = activity.signups.aggregate(
        present=Count("pk", filter=Q(checked_in_at__isnull=False)),
        expected=Count("pk", filter=Q(status=SignUp.Status.CONFIRMED, walk_in=False)),
    )
    return render(request, "community/checkin.html", {"activity": activity, "code": code, **counts}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The record afterwards: summary, photos, follow-ups (which may become issues)."""
    activity = _organised(request, pk)
    form = RecordForm(initial={"summary": activity.summary})
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "follow_up":
                services.add_follow_up(
                    activity,
                    text=request.POST.get("text", ""),
                    actor=request.user,
                    as_issue=request.POST.get("as_issue") == "1",
                )
                messages.success(request, _("Follow-up recorded."))
                return _see_other(reverse("community:record", args=[pk]))
            form = RecordForm(request.POST, request.FILES)
            if form.is_valid():
                services.record_summary(
                    activity,
                    summary=form.cleaned_data["summary"],
                    photos=form.cleaned_data["photos"],
                    actor=request.user,
                )
                messages.success(request, _("The record is saved."))
                return _see_other(reverse("community:record", args=[pk]))
            status = 400
        except services.CommunityError as exc:
            messages.error(request, exc.message)
            status = 400
    attendance = exports.attendance(activity)
    context = {
        "activity": activity,
        "form": form,
        "attendance": attendance,
        "photos": list(activity.photos.all()),
        "follow_ups": list(activity.follow_ups.select_related("issue")),
        "partners": list(activity.partners.all()),
    }
    return render(request, "community/record.html", context, status=status)


@login_required
@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """活动台账 of one month (?month=2026-12) of the events this person organises."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        month = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = timezone.localdate().replace(day=1)
    activities = exports.month_activities(services.organised_activities(request.user), month)
    if fmt == "csv":
        body, content_type = exports.as_csv(activities), "text/csv; charset=utf-8"
    else:
        body = exports.as_xlsx(activities, title=f"{month:%Y-%m}")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="activities-{month:%Y-%m}.{fmt}"'
    return response
