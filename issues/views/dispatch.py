"""派单 for department liaisons: their departments' dispatches, and acknowledge / done / return.

Views only read input, scope the list to the liaison's departments and call issues.dispatch;
a refusal (IssueError) is shown as a message, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import dispatch as dispatching
from .. import services
from ..models import Channel, Dispatch, IssuePhoto, NotificationPreference
from ..plain import EVENT_PLAIN, done_sentences
from ..transitions import IssueError

NOTE_MAX_LENGTH = 2000
RECENT = 30
ACTIONS = ("acknowledge", "done", "return", "phone")


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
    # The card shows what the liaison needs to do the job: the photos the resident sees (not
    # those of internal notes), the grid worker to talk to, the resident's masked phone.
    open_rows = list(
        rows.filter(status__in=Dispatch.OPEN)
        .select_related("issue__assignee")
        .prefetch_related(
            Prefetch(
                "issue__photos",
                queryset=IssuePhoto.objects.filter(is_public=True).order_by("pk"),
                to_attr="shown_photos",
            ),
            Prefetch(
                "issue__assignee__notification_preferences",
                queryset=NotificationPreference.objects.filter(channel=Channel.SMS, enabled=True).exclude(address=""),
                to_attr="sms",
            ),
        )
        .order_by("due_at", "id")
    )
    phones = services.shown_phones(open_rows, request.user)
    closed_rows = list(
        rows.exclude(status__in=Dispatch.OPEN)
        .select_related("issue__merged_into")
        .order_by("-created_at", "-id")[:RECENT]
    )
    now = timezone.now()
    for row in open_rows:
        row.is_late = row.due_at < now
        row.resident_phone = phones.get(row.issue_id, "")
        worker = row.issue.assignee
        row.worker_phone = worker.sms[0].address if worker is not None and worker.sms else ""
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
    row = get_object_or_404(_scoped(request.user).select_related("issue"), pk=pk)
    text = request.POST.get("note" if action == "done" else "reason", "")
    try:
        if len(text) > NOTE_MAX_LENGTH:
            raise IssueError(_("Please keep the note under %(n)s characters.") % {"n": NOTE_MAX_LENGTH})
        if action == "phone":
            services.reveal_phone(row.issue, actor=request.user)
            done = _("The resident's number is shown for 15 minutes. That you had it shown is on record.")
        elif action == "acknowledge":
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
    response = redirect(reverse("dispatches") + f"#dispatch-{row.pk}" if action == "phone" else reverse("dispatches"))
    response.status_code = 303
    return response


@require_safe
@login_required
def dispatch_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue's public timeline, as the resident sees it (the same words), for the liaison of
    a department it was dispatched to: no names or phones, no internal notes, and none of the
    resident's buttons (the tracking link itself stays the resident's)."""
    _must_be_liaison(request.user)
    row = get_object_or_404(_scoped(request.user).select_related("issue__location", "department"), pk=pk)
    issue = row.issue
    events = services.public_events(issue)
    _resolved, done_steps = done_sentences(issue, events)
    for event in events:
        event.plain = done_steps.get(event.pk) or EVENT_PLAIN.get(event.type) or event.get_type_display()
    return render(request, "issues/dispatch_timeline.html", {"d": row, "issue": issue, "events": events})
