"""Pages of the people who work estates: the property company's customer service (/property/:
its estates' complaints to accept and resolve, and publishing their disclosures), the housing
officer (/housing/: complaints handed over, stale disclosures, notices) and the 削峰斩尾
rankings (/estates/rankings/) for housing officers and the desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from issues import services as issue_services
from issues.lifecycle import IllegalTransition
from workstations import scope as places

from .. import scope
from ..forms import NoticeForm, PublishForm, ResolveForm
from ..models import Complaint, Estate
from ..rankings import rankings
from ..services import EstateError, current_disclosures, post_notice, publish_disclosure
from ..staleness import stale_map

LIST_LIMIT = 200


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _complaints(estates):
    return list(
        Complaint.objects.filter(estate__in=estates)
        .select_related("estate", "company", "issue__location", "issue__assignee")
        .order_by("-created_at")[:LIST_LIMIT]
    )


@login_required
@require_safe
def property_desk(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (scope.is_company_staff(user) or user.is_superuser):
        raise PermissionDenied(_("This page is for property company staff."))
    estates = list(scope.company_estates(user).select_related("company"))
    stale = stale_map(estates)
    current = current_disclosures(estates)
    return render(
        request,
        "estates/property_desk.html",
        {
            "estates": [
                {"estate": e, "stale": stale[e.pk], "published": sum(1 for key in current if key[0] == e.pk)}
                for e in estates
            ],
            "complaints": _complaints(estates),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    estate = get_object_or_404(Estate, pk=pk)
    if not scope.may_publish(request.user, estate):
        raise PermissionDenied(_("You can publish only for the estates your company serves."))
    form = PublishForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                d = publish_disclosure(
                    estate,
                    category=data["category"],
                    actor=request.user,
                    text=data["text"],
                    documents=data["documents"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                )
            except EstateError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Published: %(category)s, version %(n)d.")
                    % {"category": d.get_category_display(), "n": d.version},
                )
                return _see_other(reverse("estates:property_desk"))
        status = 400
    return render(request, "estates/publish.html", {"estate": estate, "form": form}, status=status)


@login_required
@require_POST
def complaint_action(request: HttpRequest, issue_id: int, action: str) -> HttpResponse:
    """Accept or resolve, for whoever holds the complaint now (the core checks it is theirs)."""
    # issue__pk, not issue_id: Django answers an id too large for the database with "no such row"
    # on the key's own field, but the foreign-key column passes it to the driver (OverflowError).
    complaint = get_object_or_404(Complaint.objects.select_related("issue"), issue__pk=issue_id)
    back = reverse("estates:housing_desk" if complaint.holder == Complaint.Holder.HOUSING else "estates:property_desk")
    if complaint.issue.assignee_id != request.user.pk:
        messages.error(request, _("This complaint is not yours to handle now."))
        return _see_other(back)
    try:
        if action == "accept":
            issue_services.accept_issue(complaint.issue, actor=request.user)
            messages.success(request, _("Accepted."))
        elif action == "resolve":
            form = ResolveForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Please say what was done."))
                return _see_other(back)
            issue_services.resolve_issue(complaint.issue, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Resolved. The resident is asked to confirm."))
        else:
            messages.error(request, _("Unknown action."))
    except (issue_services.IssueError, IllegalTransition) as exc:
        messages.error(request, exc.message)
    return _see_other(back)


@login_required
@require_safe
def housing_desk(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (scope.is_housing_officer(user) or user.is_superuser):
        raise PermissionDenied(_("This page is for housing officers."))
    estates = list(scope.housing_estates(user).select_related("company"))
    stale = stale_map(estates)
    return render(
        request,
        "estates/housing_desk.html",
        {
            "stale": [(e, stale[e.pk]) for e in estates if stale[e.pk]],
            "estates": estates,
            "complaints": _complaints(estates),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The housing officer (or the desk) posts another unit's notice on an estate's page."""
    estate = get_object_or_404(scope.visible_estates(request.user), pk=pk)
    user = request.user
    allowed = (
        user.is_superuser
        or estate in scope.housing_estates(user)
        or (estate.neighbourhood.workstation_id in places.staff_workstation_ids(user))
    )
    if not allowed:
        raise PermissionDenied(_("Only the housing officer or the workstation's staff post notices here."))
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                post_notice(estate, actor=user, **form.cleaned_data)
            except EstateError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The notice is on the estate's page."))
                return _see_other(estate.public_path())
        return render(request, "estates/notice.html", {"estate": estate, "form": form}, status=400)
    return render(request, "estates/notice.html", {"estate": estate, "form": form})


@login_required
@require_safe
def rankings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or scope.is_housing_officer(user) or places.readable_workstation_ids(user)):
        raise PermissionDenied(_("This page is for housing officers and the workstation's desk."))
    data = rankings(scope.visible_estates(user))
    # Who may open a coordination case for a recurring theme (cowork's new-case page: the
    # workstation's staff and heads).
    data["case_workstations"] = (
        {row.workstation_id for row in data["by_recurrence"]}
        if user.is_superuser
        else places.staff_workstation_ids(user)
    )
    return render(request, "estates/rankings.html", data)
