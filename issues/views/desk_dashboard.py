"""The staff dashboard (/staff/): the queues a workstation works from, filters, Chinese search,
sorting, and bulk actions. The list part is also served alone (header `X-Desk-Fragment`) so that
static/js/desk.js can refresh it in place every 30 seconds.

Every list runs the same queries whatever the number of issues: queue counts ride on the
(workstation, status) index and only touch open issues, and the page fetches one page of rows
plus one (no COUNT over the whole history)."""

import datetime as dt

from django.contrib import messages
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from workstations import scope
from workstations.models import Department, Grid, Neighbourhood
from workstations.views import manager_required, staff_required

from .. import extensions, search, services
from ..escalation import overdue_issues
from ..lifecycle import OPEN_STATUSES, Action, Status, allowed_actions
from ..models import Dispatch, Issue, Kind, Priority
from .desk_common import (
    REFUSED,
    date_param,
    desk_issues,
    handlers_for,
    in_workstation,
    int_or_none,
    next_deadline,
    see_other,
    workstation_choice,
)

PAGE_SIZE = 50
LAST_PAGE = 100_000  # a page number beyond it is this page (empty): the offset stays a number the database takes
SOON = dt.timedelta(hours=1)
RUNNING = [s for s in OPEN_STATUSES if s != Status.ON_HOLD]

QUEUES = {
    "open": gettext_lazy("All open"),
    "new": gettext_lazy("New, not triaged"),
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due within the hour"),
    "urgent": gettext_lazy("Urgent and open"),
    "departments": gettext_lazy("Waiting on departments"),
    "confirm": gettext_lazy("Waiting for the resident"),
    "all": gettext_lazy("Everything"),
}
SORTS = {
    "deadline": (gettext_lazy("Deadline first"), [F("resolve_due_at").asc(nulls_last=True), "created_at", "pk"]),
    "newest": (gettext_lazy("Newest first"), ["-created_at", "-pk"]),
    "oldest": (gettext_lazy("Oldest first"), ["created_at", "pk"]),
    "priority": (gettext_lazy("Priority, then deadline"), ["priority", F("resolve_due_at").asc(nulls_last=True), "pk"]),
    "updated": (gettext_lazy("Recently changed"), ["-updated_at", "-pk"]),
}
BULK_ACTIONS = {
    "assign": gettext_lazy("Assign to"),
    "priority": gettext_lazy("Set priority"),
    "kind": gettext_lazy("Set kind"),
    "dispatch": gettext_lazy("派单 to department"),
    "merge": gettext_lazy("Merge into the oldest selected"),
}


def waiting_on_departments() -> Exists:
    return Exists(Dispatch.objects.filter(issue=OuterRef("pk"), status__in=Dispatch.OPEN))


def queue(issues: QuerySet, name: str, now: dt.datetime) -> QuerySet:
    """The issues of one queue. Every queue but "all" reads unfinished issues only (open, or
    resolved and awaiting the resident: never closed), through the `issue_ws_unfinished` index."""
    if name == "all":
        return issues
    unfinished = issues.filter(closed_at__isnull=True)
    if name == "new":
        return unfinished.filter(status=Status.NEW)
    if name == "overdue":
        return unfinished & overdue_issues(now)
    if name == "due_soon":
        soon = now + SOON
        return unfinished.filter(status__in=RUNNING, paused_at__isnull=True).filter(
            Q(accepted_at__isnull=True, accept_due_at__gte=now, accept_due_at__lt=soon)
            | Q(on_site_at__isnull=True, arrive_due_at__gte=now, arrive_due_at__lt=soon)
            | Q(resolved_at__isnull=True, resolve_due_at__gte=now, resolve_due_at__lt=soon)
        )
    if name == "urgent":
        return unfinished.filter(status__in=OPEN_STATUSES).filter(Q(kind=Kind.URGENT) | Q(priority=Priority.HIGH))
    if name == "departments":
        return unfinished.filter(status__in=OPEN_STATUSES).filter(waiting_on_departments())
    if name == "confirm":
        return unfinished.filter(status=Status.RESOLVED)
    return unfinished.filter(status__in=OPEN_STATUSES)


def queue_counts(issues: QuerySet, now: dt.datetime) -> dict[str, int]:
    """One COUNT per queue (not "all"), each over open issues through the status index."""
    return {name: queue(issues, name, now).count() for name in QUEUES if name != "all"}


class Filters:
    """The dashboard's query string, read once, with anything unknown ignored."""

    def __init__(self, request: HttpRequest) -> None:
        get = request.GET
        self.queue = get.get("queue", "open") if get.get("queue") in QUEUES else "open"
        self.kind = get.get("kind", "") if get.get("kind") in Kind.values else ""
        self.status = get.get("status", "") if get.get("status") in Status.values else ""
        self.hood = int_or_none(get.get("hood"))
        self.grid = int_or_none(get.get("grid"))
        self.dept = int_or_none(get.get("dept"))
        self.date_from = date_param(request, "from")
        self.date_to = date_param(request, "to")
        self.q = get.get("q", "").strip()[:100]
        # Apps' filters (issues.extensions "desk_filters": estates by estate and company).
        self.extra_specs = extensions.desk_filters()
        self.extra = {spec.name: int_or_none(get.get(spec.name)) for spec in self.extra_specs}
        default_sort = "newest" if self.queue in ("all", "confirm") else "deadline"
        self.sort = get.get("sort", default_sort) if get.get("sort") in SORTS else default_sort
        self.page = min(max(int_or_none(get.get("page")) or 1, 1), LAST_PAGE)

    def apply(self, issues: QuerySet) -> QuerySet:
        if self.kind:
            issues = issues.filter(kind=self.kind)
        if self.status:
            issues = issues.filter(status=self.status)
        if self.hood:
            issues = issues.filter(grid__neighbourhood_id=self.hood)
        if self.grid:
            issues = issues.filter(grid_id=self.grid)
        if self.dept:
            issues = issues.filter(Exists(Dispatch.objects.filter(issue=OuterRef("pk"), department_id=self.dept)))
        tz = timezone.get_current_timezone()
        if self.date_from:
            issues = issues.filter(created_at__gte=dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz))
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            issues = issues.filter(created_at__lt=end)
        for spec in self.extra_specs:
            if self.extra[spec.name]:
                issues = spec.apply(issues, self.extra[spec.name])
        return issues

    def extra_choices(self, ws_ids) -> list[tuple[extensions.DeskFilter, list, int | None]]:
        """Each app filter with its choices for these workstations and the value picked."""
        shown = []
        for spec in self.extra_specs:
            choices = spec.choices(ws_ids)
            if choices:
                shown.append((spec, choices, self.extra[spec.name]))
        return shown

    @property
    def more_count(self) -> int:
        """How many of the filters folded under "More filters" are set (shown on its toggle)."""
        return sum(
            bool(v) for v in (self.kind, self.status, self.hood, self.grid, self.dept, self.date_from, self.date_to)
        ) + sum(bool(v) for v in self.extra.values())

    @property
    def narrowed(self) -> bool:
        return any(
            [self.kind, self.status, self.hood, self.grid, self.dept, self.date_from, self.date_to, self.q]
            + list(self.extra.values())
        )


def _page(issues: QuerySet, filters: Filters, now: dt.datetime) -> dict:
    fuzzy = False
    if filters.q:
        issues, fuzzy = search.search(issues, filters.q)
    order = SORTS[filters.sort][1]
    if not fuzzy:
        issues = issues.order_by(*order)
    start = (filters.page - 1) * PAGE_SIZE
    rows = list(
        issues.select_related("location", "grid__neighbourhood", "assignee", "category", "workstation").annotate(
            waiting=waiting_on_departments()
        )[start : start + PAGE_SIZE + 1]
    )
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for issue in rows:
        issue.deadline_name, issue.deadline = next_deadline(issue)
        issue.late = issue.is_open and (bool(issue.overdue_at) or bool(issue.deadline and issue.deadline < now))
    return {"rows": rows, "has_next": has_next, "fuzzy": fuzzy, "page_number": filters.page}


@require_safe
@staff_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    user = request.user
    choices, chosen = workstation_choice(request)
    issues = in_workstation(desk_issues(user), chosen)
    filters = Filters(request)
    context = {
        "filters": filters,
        "counts": queue_counts(issues, now),
        "queues": QUEUES.items(),
        "now": now,
        # Checkboxes only for those who can act on what they select (readers change nothing).
        "can_manage": user.is_superuser or bool(scope.staff_workstation_ids(user)),
        # A 工作站 column for those who read several workstations and have not picked one.
        "show_workstation": chosen is None and len(choices) > 1,
        **_page(filters.apply(queue(issues, filters.queue, now)), filters, now),
    }
    if request.headers.get("X-Desk-Fragment"):
        # static/js/desk.js refreshing the queues and the list in place.
        response = render(request, "issues/staff_dashboard_live.html", context)
        response["Vary"] = "X-Desk-Fragment"
        return response
    ws_ids = [chosen.pk] if chosen else [w.pk for w in choices]
    context.update(
        {
            "workstations": choices,
            "chosen": chosen,
            "sorts": [(k, v[0]) for k, v in SORTS.items()],
            "kind_choices": Kind.choices,
            "status_choices": Status.choices,
            "priority_choices": Priority.choices,
            "neighbourhoods": scope.places(user, Neighbourhood.objects.filter(workstation_id__in=ws_ids)).order_by(
                "name"
            ),
            "grids": scope.places(user, Grid.objects.filter(neighbourhood__workstation_id__in=ws_ids)).order_by("name"),
            "departments": scope.places(user, Department.objects.filter(subdistrict__workstations__in=ws_ids)).order_by(
                "name"
            ),
            "extra_filters": filters.extra_choices(ws_ids),
            "handlers": handlers_for(ws_ids) if ws_ids else [],
            "bulk_actions": BULK_ACTIONS.items(),
        }
    )
    return render(request, "issues/staff_dashboard.html", context)


# --- Bulk actions ---------------------------------------------------------------------------------


def _bulk_one(action: str, issue: Issue, data, actor, context: dict) -> None:
    """One selected issue through the service its action names."""
    if action == "assign":
        to = context["to"]
        if Action.ASSIGN in allowed_actions(issue.status, issue.kind):
            services.assign_issue(issue, to=to, actor=actor, note=data.get("note", ""))
        else:
            services.reassign_issue(
                issue, to=to, actor=actor, reason=data.get("note", "") or _("Reassigned at the desk.")
            )
    elif action == "priority":
        services.set_priority(issue, priority=data.get("priority", ""), actor=actor)
    elif action == "kind":
        services.set_kind(issue, kind=data.get("kind", ""), actor=actor)
    elif action == "dispatch":
        services.dispatch_issue(issue, to=context["department"], actor=actor, instructions=data.get("note", ""))
    elif action == "merge":
        services.merge_issue(issue, into=context["into"], actor=actor, reason=data.get("note", ""))


@require_POST
@manager_required
def staff_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the selected issues, each through its service; report what was done
    and, per issue, why anything was refused."""
    back = request.POST.get("next", "")
    if not back.startswith("/staff/"):
        back = reverse("staff_dashboard")
    action = request.POST.get("action", "")
    ids = [i for i in (int_or_none(x) for x in request.POST.getlist("ids")) if i][:200]
    if action not in BULK_ACTIONS or not ids:
        messages.error(request, _("Choose some issues and an action."))
        return see_other(back)
    selected = list(desk_issues(request.user).filter(pk__in=ids).order_by("created_at", "pk"))
    context: dict = {}
    if action == "assign":
        ws_ids = {i.workstation_id for i in selected}
        context["to"] = handlers_for(ws_ids).filter(pk=int_or_none(request.POST.get("to"))).first()
        if context["to"] is None:
            messages.error(request, _("Choose who should take them."))
            return see_other(back)
    if action == "dispatch":
        departments = scope.places(request.user, Department.objects.all())
        context["department"] = departments.filter(pk=int_or_none(request.POST.get("department"))).first()
        if context["department"] is None:
            messages.error(request, _("Choose a department."))
            return see_other(back)
    if action == "merge":
        if len(selected) < 2:
            messages.error(request, _("Select at least two issues to merge."))
            return see_other(back)
        context["into"], selected = selected[0], selected[1:]
    done, refused = 0, []
    for issue in selected:
        try:
            _bulk_one(action, issue, request.POST, request.user, context)
        except REFUSED as exc:
            refused.append(f"{issue.reference}: {exc.message}")
        else:
            done += 1
    if done:
        messages.success(request, _("Done for %(n)d issue(s).") % {"n": done})
    for line in refused[:10]:
        messages.error(request, line)
    return see_other(back)
