"""The grid worker's phone (/tasks/): my tasks by deadline with countdowns, one task with its
address and actions (accept, on-site check-in with the phone's location if allowed, notes and
photos, resolve, hand back, ask for coordination), and patrol reports (网格员走访).

Built for a weak connection: small pages, no chart library, one small script
(static/js/desk-tasks.js) that only adds the ticking countdowns and the location; every form
works without it."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from workstations import scope
from workstations.models import Location

from .. import services
from ..dispatch import open_required
from ..lifecycle import OPEN_STATUSES, Action, Status, allowed_actions
from ..models import Intake, Issue
from ..notes import Note, system_note
from .desk_common import attempt, next_deadline, see_other
from .desk_forms import TEXT_MAX, PatrolForm, photos_from

RECENT_DONE = 20
RESOLUTION_MAX_LENGTH = TEXT_MAX
# Buttons of the task page, in order; the lifecycle table says which apply now.
TASK_ACTIONS = (Action.ACCEPT, Action.ARRIVE, Action.RESOLVE)
# Everything a worker can post to /tasks/<pk>/<action>/.
POSTABLE = (*TASK_ACTIONS, "hand_back", "coordinate", "note", "phone")


def _require_worker(user) -> None:
    if not (scope.is_grid_worker(user) or user.is_superuser):
        raise PermissionDenied(_("This page is for grid workers."))


def _decorate(task: Issue, now: dt.datetime) -> Issue:
    task.deadline_name, task.deadline = next_deadline(task)
    task.is_late = bool(task.deadline and task.deadline < now) or bool(task.overdue_at)
    return task


@require_safe
@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_worker(user)
    now = timezone.now()
    mine = scope.assigned_tasks(user, Issue.objects.select_related("location"))
    open_tasks = [_decorate(t, now) for t in mine.filter(status__in=OPEN_STATUSES)]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    open_tasks.sort(key=lambda t: (t.deadline or far, t.created_at))
    done = list(mine.exclude(status__in=OPEN_STATUSES).order_by("-updated_at")[:RECENT_DONE])
    return render(request, "issues/tasks.html", {"open_tasks": open_tasks, "done_tasks": done, "now": now})


def _my_task(request: HttpRequest, pk: int) -> Issue:
    return get_object_or_404(
        Issue.objects.select_related("location", "grid__neighbourhood", "workstation"),
        pk=pk,
        assignee_id=request.user.pk,
    )


@require_safe
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _my_task(request, pk))


def _task_page(request: HttpRequest, issue: Issue, *, note_text: str = "", status: int = 200) -> HttpResponse:
    """The task; `note_text`: a refused note's words, kept in its field (issue 14)."""
    issue = _decorate(issue, timezone.now())
    allowed = set(allowed_actions(issue.status, issue.kind))
    waiting_for = ""
    if Action.RESOLVE in allowed:
        # Required 派单 still open: resolving would be refused (only staff may override), so the
        # page says what it waits for instead of offering the form.
        pending = open_required(issue).select_related("department").order_by("id")
        if names := "、".join(d.department.name for d in pending):
            waiting_for = _("Waiting for: %(depts)s. Staff can resolve anyway with a written reason.") % {
                "depts": names
            }
    return render(
        request,
        "issues/task_detail.html",
        {
            "issue": issue,
            "actions": [a for a in TASK_ACTIONS if a in allowed],
            "can_hand_back": Action.HAND_BACK in allowed,
            "can_note": issue.status not in (Status.CLOSED, Status.DECLINED, Status.MERGED),
            "events": issue.events.select_related("actor"),
            "photos": issue.photos.all(),
            "note_max_length": RESOLUTION_MAX_LENGTH,
            "waiting_for": waiting_for,
            "resident_phone": services.shown_phone(issue, request.user),
            "note_text": note_text,
        },
        status=status,
    )


def check_in_note(post) -> Note | str:
    """Where the phone said it was, if the worker allowed the browser to tell (validated)."""
    try:
        lat, lng = float(post.get("latitude", "")), float(post.get("longitude", ""))
    except ValueError:
        return ""
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return ""
    try:
        accuracy = max(0, round(float(post.get("accuracy", ""))))
    except ValueError:
        accuracy = None
    where = f"{lat:.5f}, {lng:.5f}"
    if accuracy is not None:
        where += f" (±{accuracy} m)"
    return system_note(gettext_lazy("Checked in on site at %(where)s."), where=where)


def _run(request: HttpRequest, issue: Issue, action: str) -> str:
    post, user = request.POST, request.user
    if action == Action.ACCEPT:
        services.accept_issue(issue, actor=user)
        return _("Accepted. The resident can see that you are on it.")
    if action == Action.ARRIVE:
        services.arrive_issue(issue, actor=user, note=check_in_note(post))
        return _("Marked as on site.")
    if action == "hand_back":
        services.hand_back_issue(issue, actor=user, reason=post.get("reason", ""))
        return _("Handed back to the workstation.")
    if action == "coordinate":
        services.request_coordination(issue, actor=user, reason=post.get("reason", ""))
        return _("Sent back to the workstation as a matter that needs coordination.")
    if action == "phone":
        services.reveal_phone(issue, actor=user)
        return _("The resident's number is shown for 15 minutes. That you had it shown is on record.")
    if action == "note":
        services.add_work_note(issue, actor=user, note=post.get("note", "")[:TEXT_MAX], photos=photos_from(request))
        return _("Note added.")
    note = post.get("note", "")
    if len(note) > RESOLUTION_MAX_LENGTH:
        raise services.IssueError(_("Please keep the note under %(n)s characters.") % {"n": RESOLUTION_MAX_LENGTH})
    services.resolve_issue(issue, actor=user, note=note)
    return _("Resolved. The resident can now confirm it on their tracking page.")


@require_POST
@login_required
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in POSTABLE:
        raise Http404
    issue = _my_task(request, pk)
    done = attempt(request, lambda: _run(request, issue, action))
    if not done and action == "note":  # the words stay on the page, beside the reason
        return _task_page(request, _my_task(request, pk), note_text=request.POST.get("note", ""), status=400)
    # Handed back or sent for coordination: no longer mine, back to the list.
    still_mine = Issue.objects.filter(pk=issue.pk, assignee_id=request.user.pk).exists()
    return see_other(reverse("task_detail", args=[issue.pk]) if still_mine else reverse("tasks"))


# --- Patrol (网格员走访) ------------------------------------------------------------------------


def patrol_locations(user):
    """Locations of the workstations whose grids this worker covers, their own grids first."""
    grids = [r.grid_id for r in user.roles.all() if r.grid_id]
    return (
        Location.objects.filter(grid__neighbourhood__workstation__neighbourhoods__grids__in=grids, is_active=True)
        .distinct()
        .select_related("grid")
        .order_by("grid__name", "name")
        if grids
        else Location.objects.none()
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def patrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_worker(user)
    locations = patrol_locations(user)
    if request.method == "POST":
        form = PatrolForm(request.POST, request.FILES, locations=locations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue, _token = services.log_matter(
                    data["location"],
                    channel=Intake.PATROL,
                    description=data["description"],
                    kind=data["kind"],
                    photos=data["photos"],
                    actor=user,
                )
            except services.IssueError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Logged. It is on your task list as %(ref)s.") % {"ref": issue.reference})
                return see_other(reverse("task_detail", args=[issue.pk]))
        status = 400
    else:
        mine = Q(grid__in=[r.grid_id for r in user.roles.all() if r.grid_id])
        first = locations.filter(mine).first()
        form = PatrolForm(locations=locations, initial={"location": first})
        status = 200
    return render(request, "issues/tasks_patrol.html", {"form": form}, status=status)
