"""派单 for department liaisons: their departments' dispatches, and acknowledge / done / return.

Views only read input, scope the list to the liaison's departments and call issues.dispatch;
a refusal (IssueError) is shown as a message, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import dispatch as dispatching
from ..models import Dispatch
from ..transitions import IssueError

NOTE_MAX_LENGTH = 2000
RECENT = 30
ACTIONS = ("acknowledge", "done", "return")


def _scoped(user):
    queryset = Dispatch.objects.all()
    if not user.is_superuser:
        queryset = queryset.filter(department_id__in=dispatching.liaison_department_ids(user))
    return queryset


def _must_be_liaison(user) -> None:
    if not (user.is_superuser or dispatching.is_liaison(user)):
        raise PermissionDenied(_("This page is for department liaisons."))


@require_safe
@login_required
def dispatches(request: HttpRequest) -> HttpResponse:
    _must_be_liaison(request.user)
    rows = _scoped(request.user).select_related("department", "issue__location", "issue__workstation")
    open_rows = list(rows.filter(status__in=Dispatch.OPEN).order_by("due_at", "id"))
    closed_rows = list(
        rows.exclude(status__in=Dispatch.OPEN)
        .select_related("issue__merged_into")
        .order_by("-created_at", "-id")[:RECENT]
    )
    now = timezone.now()
    for row in open_rows:
        row.is_late = row.due_at < now
    for row in closed_rows:
        # What the department did or why it returned it; for a withdrawn one, why, in the
        # reader's language (`result` keeps it in the language it was written in).
        row.outcome = (
            dispatching.withdrawal_note(row, row.issue).text if row.status == Dispatch.Status.WITHDRAWN else row.result
        )
    return render(
        request,
        "issues/dispatch_list.html",
        {"open_dispatches": open_rows, "closed_dispatches": closed_rows, "note_max_length": NOTE_MAX_LENGTH},
    )


@require_POST
@login_required
def dispatch_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    _must_be_liaison(request.user)
    row = get_object_or_404(_scoped(request.user), pk=pk)
    text = request.POST.get("note" if action == "done" else "reason", "")
    try:
        if len(text) > NOTE_MAX_LENGTH:
            raise IssueError(_("Please keep the note under %(n)s characters.") % {"n": NOTE_MAX_LENGTH})
        if action == "acknowledge":
            dispatching.acknowledge_dispatch(row, actor=request.user)
            done = _("Acknowledged. The workstation can see that your department is on it.")
        elif action == "done":
            dispatching.complete_dispatch(row, actor=request.user, note=text)
            done = _("Marked done. Thank you.")
        else:
            dispatching.return_dispatch(row, actor=request.user, reason=text)
            done = _("Returned to the workstation with your reason.")
    except IssueError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    response = redirect("dispatches")
    response.status_code = 303
    return response
