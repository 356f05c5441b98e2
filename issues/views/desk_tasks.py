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
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from workstations import scope
from workstations.models import Location, Neighbourhood

from .. import services
from ..dispatch import open_required
from ..lifecycle import OPEN_STATUSES, Action, Status, allowed_actions
from ..models import Intake, Issue
from ..notes import Note, system_note
from .desk_common import attempt, int_or_none, next_deadline, see_other
from .desk_forms import TEXT_MAX, PatrolForm, photos_from

RECENT_DONE = 20
TASK_PAGE_SIZE = 20
LAST_TASK_PAGE = 10_000
# The urgency bands of the phone's list, most pressing first: the list is ordered by band, then
# by place (neighbourhood, location), then by the deadline.
LATE, TODAY, LATER, NO_CLOCK = range(4)
BANDS = {
    LATE: gettext_lazy("Overdue"),
    TODAY: gettext_lazy("Due today"),
    LATER: gettext_lazy("Later"),
    NO_CLOCK: gettext_lazy("No deadline running"),
}
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


def _pending_due() -> Case:
    """In SQL, the deadline `next_deadline` shows: the first still pending of accept, arrive,
    resolve (they fall in that order)."""
    return Case(
        When(accepted_at__isnull=True, accept_due_at__isnull=False, then=F("accept_due_at")),
        When(on_site_at__isnull=True, arrive_due_at__isnull=False, then=F("arrive_due_at")),
        When(resolved_at__isnull=True, then=F("resolve_due_at")),
        default=Value(None),
        output_field=DateTimeField(),
    )


def _banded(tasks: QuerySet, now: dt.datetime) -> QuerySet:
    """Each task with its urgency band: overdue, due by the end of today (local), later, or no
    clock running (on hold, or no deadline)."""
    end_of_today = dt.datetime.combine(
        timezone.localdate(now) + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    return tasks.annotate(due=_pending_due()).annotate(
        band=Case(
            When(status=Status.ON_HOLD, then=Value(NO_CLOCK)),
            When(Q(overdue_at__isnull=False) | Q(due__lt=now), then=Value(LATE)),
            When(due__lt=end_of_today, then=Value(TODAY)),
            When(due__isnull=False, then=Value(LATER)),
            default=Value(NO_CLOCK),
            output_field=IntegerField(),
        )
    )


class TaskFilters:
    """The phone list's query string: status, neighbourhood, page; anything unknown ignored."""

    STATUSES = [(value, label) for value, label in Status.choices if value in OPEN_STATUSES]

    def __init__(self, request: HttpRequest) -> None:
        get = request.GET
        self.status = get.get("status", "") if get.get("status") in OPEN_STATUSES else ""
        self.hood = int_or_none(get.get("hood"))
        self.page = min(max(int_or_none(get.get("page")) or 1, 1), LAST_TASK_PAGE)

    def apply(self, tasks: QuerySet) -> QuerySet:
        if self.status:
            tasks = tasks.filter(status=self.status)
        if self.hood:
            tasks = tasks.filter(grid__neighbourhood_id=self.hood)
        return tasks

    @property
    def narrowed(self) -> bool:
        return bool(self.status or self.hood)


def _group(tasks: list[Issue]) -> list[dict]:
    """Consecutive tasks of one band, and within it of one place, as headed groups."""
    bands: list[dict] = []
    for task in tasks:
        if not bands or bands[-1]["band"] != task.band:
            bands.append({"band": task.band, "label": BANDS[task.band], "places": []})
        places = bands[-1]["places"]
        if not places or places[-1]["location"].pk != task.location_id:
            places.append({"location": task.location, "tasks": []})
        places[-1]["tasks"].append(task)
    return bands


@require_safe
@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """My open tasks, overdue and today's first, grouped by place, a page at a time; the same
    queries whatever their number (the band counts are one aggregate)."""
    user = request.user
    _require_worker(user)
    now = timezone.now()
    filters = TaskFilters(request)
    mine = scope.assigned_tasks(user, Issue.objects.all())
    open_mine = mine.filter(status__in=OPEN_STATUSES)
    shown = _banded(filters.apply(open_mine), now)
    counts = shown.aggregate(total=Count("pk"), **{f"band{band}": Count("pk", filter=Q(band=band)) for band in BANDS})
    start = (filters.page - 1) * TASK_PAGE_SIZE
    rows = list(
        shown.select_related("location", "grid__neighbourhood").order_by(
            "band", "grid__neighbourhood__name", "location__name", F("due").asc(nulls_last=True), "created_at", "pk"
        )[start : start + TASK_PAGE_SIZE + 1]
    )
    has_next = len(rows) > TASK_PAGE_SIZE
    open_tasks = [_decorate(t, now) for t in rows[:TASK_PAGE_SIZE]]
    done = (
        list(mine.exclude(status__in=OPEN_STATUSES).select_related("location").order_by("-updated_at")[:RECENT_DONE])
        if filters.page == 1 and not filters.narrowed
        else []
    )
    return render(
        request,
        "issues/tasks.html",
        {
            "open_tasks": open_tasks,
            "groups": _group(open_tasks),
            "band_counts": [(BANDS[band], counts[f"band{band}"], band) for band in BANDS if counts[f"band{band}"]],
            "total": counts["total"],
            "has_next": has_next,
            "page_number": filters.page,
            "filters": filters,
            "status_choices": TaskFilters.STATUSES,
            "neighbourhoods": Neighbourhood.objects.filter(pk__in=open_mine.values("grid__neighbourhood_id")).order_by(
                "name"
            ),
            "done_tasks": done,
            "now": now,
        },
    )


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


def _task_page(
    request: HttpRequest, issue: Issue, *, note_text: str = "", resolve_text: str = "", status: int = 200
) -> HttpResponse:
    """The task; `note_text` / `resolve_text`: a refused note's or resolution's words, kept in
    their field (issue 14)."""
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
            "resolve_text": resolve_text,
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
    services.resolve_issue(issue, actor=user, note=note, photos=photos_from(request))
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
    if not done and action == Action.RESOLVE:  # a refused photo: what was done stays written
        return _task_page(request, _my_task(request, pk), resolve_text=request.POST.get("note", ""), status=400)
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
