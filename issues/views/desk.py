"""The desk: the workstation staff dashboard and the grid worker's task list.

Views only read input, ask `workstations.scope` what the person may see, and call
`issues.services`; none of them sets `status`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workstations import scope
from workstations.views import staff_required

from .. import services
from ..lifecycle import OPEN_STATUSES, Action, IllegalTransition, Status, allowed_actions
from ..models import Issue, Kind

PAGE_SIZE = 50
# What a grid worker can do from the task page, in the order the buttons appear.
TASK_ACTIONS = (Action.ACCEPT, Action.ARRIVE, Action.RESOLVE)
RESOLUTION_MAX_LENGTH = 2000
RECENT_DONE = 20


def _staff_issues(user):
    """Issues of the workstations `user` staffs (superuser: all). Tasks merely assigned to a
    staff member elsewhere do not belong on this dashboard."""
    issues = scope.visible_issues(user, Issue.objects.all())
    if not user.is_superuser:
        issues = issues.filter(workstation_id__in=scope.staff_workstation_ids(user))
    return issues


# --- Workstation staff -----------------------------------------------------------------------


@staff_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    issues = _staff_issues(request.user)
    counts = issues.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, overdue_at__isnull=False)),
    )
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    # Unknown values are ignored rather than answered with an empty list.
    if status == "open":
        issues = issues.filter(status__in=OPEN_STATUSES)
    elif status == "overdue":
        issues = issues.filter(status__in=OPEN_STATUSES, overdue_at__isnull=False)
    elif status in Status.values:
        issues = issues.filter(status=status)
    else:
        status = ""
    if kind in Kind.values:
        issues = issues.filter(kind=kind)
    else:
        kind = ""
    issues = issues.select_related("location", "grid", "assignee").order_by("-created_at", "-pk")
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "issues/staff_dashboard.html",
        {
            "page": page,
            "counts": counts,
            "status": status,
            "kind": kind,
            "status_choices": Status.choices,
            "kind_choices": Kind.choices,
        },
    )


@staff_required
def staff_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(
        _staff_issues(request.user).select_related("location", "grid__neighbourhood", "workstation", "assignee"),
        pk=pk,
    )
    return render(
        request,
        "issues/staff_issue.html",
        {
            "issue": issue,
            "events": issue.events.select_related("actor"),
            "photos": issue.photos.all(),
        },
    )


# --- Grid workers ----------------------------------------------------------------------------


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (scope.is_grid_worker(user) or user.is_superuser):
        raise PermissionDenied(_("This page is for grid workers."))
    mine = scope.assigned_tasks(user, Issue.objects.select_related("location"))
    open_tasks = list(
        mine.filter(status__in=OPEN_STATUSES).order_by(F("resolve_due_at").asc(nulls_last=True), "created_at")
    )
    done = list(mine.exclude(status__in=OPEN_STATUSES).order_by("-updated_at")[:RECENT_DONE])
    now = timezone.now()
    for task in open_tasks:
        task.is_late = bool(task.resolve_due_at and task.resolve_due_at < now)
    return render(request, "issues/tasks.html", {"open_tasks": open_tasks, "done_tasks": done})


def _my_task(request: HttpRequest, pk: int) -> Issue:
    return get_object_or_404(
        Issue.objects.select_related("location", "grid", "workstation"), pk=pk, assignee_id=request.user.pk
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _my_task(request, pk)
    allowed = set(allowed_actions(issue.status))
    return render(
        request,
        "issues/task_detail.html",
        {
            "issue": issue,
            "actions": [a for a in TASK_ACTIONS if a in allowed],
            "events": issue.events.select_related("actor"),
            "photos": issue.photos.all(),
            "is_late": bool(issue.is_open and issue.resolve_due_at and issue.resolve_due_at < timezone.now()),
            "note_max_length": RESOLUTION_MAX_LENGTH,
        },
    )


@require_POST
@login_required
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TASK_ACTIONS:
        raise Http404
    issue = _my_task(request, pk)
    try:
        if action == Action.ACCEPT:
            services.accept_issue(issue, actor=request.user)
            done = _("Accepted. The resident can see that you are on it.")
        elif action == Action.ARRIVE:
            services.arrive_issue(issue, actor=request.user)
            done = _("Marked as on site.")
        else:
            note = request.POST.get("note", "")
            if len(note) > RESOLUTION_MAX_LENGTH:
                raise services.IssueError(
                    _("Please keep the note under %(n)s characters.") % {"n": RESOLUTION_MAX_LENGTH}
                )
            services.resolve_issue(issue, actor=request.user, note=note)
            done = _("Resolved. The resident can now confirm it on their tracking page.")
    except (services.IssueError, IllegalTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    response = redirect("task_detail", pk=issue.pk)
    response.status_code = 303
    return response
