"""The one way an issue's status changes, and the small checks every write uses.

`transition(issue, action, …)` takes the issue row locked (or its id, and locks it), asks the
lifecycle table (issues.lifecycle) where `action` leads for the issue's kind, sets the status,
keeps the SLA clock in step, saves with `update_fields`, writes the one IssueEvent of the change,
and, on a final status, withdraws the issue's open 派单. Notifications written by the caller in
the same transaction are delivered after the commit (issues.notify).

A service reads straight through: lock (`lock`), check (the `must_be_*` functions), change the
fields it owns on the locked row, `transition(…, fields=[…])`, queue what people are told.
Nothing else in the project assigns `Issue.status`.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import lifecycle, notify, sla
from .lifecycle import Status
from .models import Dispatch, Issue, IssueEvent
from .notes import Note, system_note
from .notes import split as split_note
from .people import is_staff_for, liaisons


class IssueError(Exception):
    """A request that the rules refuse; `message` is safe to show to the person."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Checks: each raises IssueError with the reason -------------------------------------------


def must_be_assignee(user, issue: Issue) -> None:
    if user is None or issue.assignee_id != user.pk:
        raise IssueError(_("This task is not assigned to you."))


def must_be_staff(user, issue: Issue) -> None:
    if not is_staff_for(user, issue):
        raise IssueError(_("Only the workstation's staff can do this."))


def must_be_staff_or_assignee(user, issue: Issue) -> None:
    if not (is_staff_for(user, issue) or (user is not None and issue.assignee_id == user.pk)):
        raise IssueError(_("Only the workstation's staff or the person handling it can do this."))


def must_be_open(issue: Issue) -> None:
    if not issue.is_open:
        raise IssueError(_("This issue is no longer open."))


def require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise IssueError(message)
    return text


# --- Locking, recording, moving ---------------------------------------------------------------


def lock(issue: Issue | int) -> Issue:
    """The issue row, locked until the caller's transaction ends (with its place and grid, which
    the messages name). Call inside `transaction.atomic()`."""
    pk = issue.pk if isinstance(issue, Issue) else issue
    return Issue.objects.select_for_update(of=("self",)).select_related("location", "grid").get(pk=pk)


def record(
    issue: Issue,
    event_type: str,
    *,
    actor=None,
    note: Note | str = "",
    public: bool = True,
    old_status: str = "",
    new_status: str = "",
) -> IssueEvent:
    """Append one event to the timeline (through .objects.create, so post_save receivers run).
    `note`: a person's words as they are, or issues.notes.system_note(...) for the system's."""
    text, source = split_note(note)
    return IssueEvent.objects.create(
        issue=issue,
        type=event_type,
        actor=actor,
        note=text,
        note_source=source,
        is_public=public,
        old_status=old_status,
        new_status=new_status,
    )


def transition(
    issue: Issue | int,
    action: str,
    *,
    actor,
    event_type: str,
    note: Note | str = "",
    public: bool = True,
    fields: Iterable[str] = (),
) -> Issue:
    """Move `issue` by `action` (IllegalTransition if the table refuses it for its kind and
    status) and save `fields` (what the caller changed on the locked row) with the status.

    `issue`: a row the caller locked (`lock`) in its open transaction, or an id to lock here.
    Out of on hold, the status it was held from is forgotten. Into a status where nobody has taken the issue on (new, assigned, reopened), the acceptance
    and the visit are cleared, so whoever has it next accepts and goes on site again. The next
    SLA check is recomputed for the new status. Returns the issue."""
    with transaction.atomic():
        if not isinstance(issue, Issue):
            issue = lock(issue)
        old_status = issue.status
        new_status = lifecycle.target_of(old_status, action, issue.kind, previous=issue.held_from_status)
        issue.status = new_status
        changed = {"status", "updated_at", "sla_next_at", *fields}
        if old_status == Status.ON_HOLD:
            issue.held_from_status = ""  # back where it was held from
            changed.add("held_from_status")
        if new_status in lifecycle.UNACCEPTED_STATUSES:
            issue.accepted_at = issue.on_site_at = None
            changed.update({"accepted_at", "on_site_at"})
        issue.sla_next_at = sla.next_check(issue)
        issue.save(update_fields=sorted(changed))
        record(issue, event_type, actor=actor, note=note, public=public, old_status=old_status, new_status=new_status)
        if new_status in lifecycle.FINAL_STATUSES:
            withdraw_open_dispatches(issue, actor=actor)
    return issue


def allowed(issue: Issue, action: str) -> None:
    """IllegalTransition now if the table refuses `action`: for services whose other checks
    (open 派单, say) must not speak first."""
    lifecycle.target_of(issue.status, action, issue.kind, previous=issue.held_from_status)


def status_label(status: str) -> str:
    return str(Status(status).label)


# --- An ended issue withdraws its open 派单 -------------------------------------------------------

_WITHDRAWN_BECAUSE = {
    Status.CLOSED: gettext_lazy("Withdrawn from %(dept)s: the issue was closed."),
    Status.DECLINED: gettext_lazy("Withdrawn from %(dept)s: the issue was declined."),
    Status.MERGED: gettext_lazy("Withdrawn from %(dept)s: the issue was merged into %(ref)s."),
}


def withdrawal_note(dispatch: Dispatch, issue: Issue) -> Note:
    """Why `dispatch` was withdrawn: how its issue ended (for a merge, into which report). In the
    current language, with its source for the timeline."""
    msgid = _WITHDRAWN_BECAUSE.get(issue.status, gettext_lazy("Withdrawn from %(dept)s: the issue is finished."))
    ref = issue.merged_into.reference if issue.merged_into_id else ""
    return system_note(msgid, dept=dispatch.department.name, ref=ref)


def withdraw_open_dispatches(issue: Issue, *, actor=None) -> list[Dispatch]:
    """The issue has ended (closed, declined, merged: issues.lifecycle.FINAL_STATUSES): its open
    派单 are withdrawn, each with the reason in `result`, an internal event and a word to the
    department's liaisons. Part of `transition`: the issue row locked, its status already final.
    A withdrawn dispatch is off the liaison's open list and never flagged late. Done and returned
    dispatches keep their answer.

    Nothing brings a withdrawn dispatch back: no action leads out of a final status (a resident
    reopens a resolved issue, whose dispatches were never withdrawn). Staff who take the matter
    up again (on the report it was merged into, say) send 派单 anew as they need."""
    withdrawn = list(
        Dispatch.objects.select_for_update(of=("self",))
        .filter(issue=issue, status__in=Dispatch.OPEN)
        .select_related("department")
        .order_by("id")
    )
    for dispatch in withdrawn:
        note = withdrawal_note(dispatch, issue)
        dispatch.result = note.text
        move_dispatch(dispatch, Dispatch.Status.WITHDRAWN, fields=["result"])
        record(issue, IssueEvent.Type.DISPATCH_WITHDRAWN, actor=actor, note=note, public=False)
        with notify.workstation_language():
            for liaison in liaisons(dispatch.department_id):
                notify.queue(
                    liaison,
                    key=f"dispatch-withdrawn:{dispatch.pk}:{liaison.pk}",
                    issue=issue,
                    subject=_("[%(ref)s] 派单 withdrawn: %(dept)s")
                    % {"ref": issue.reference, "dept": dispatch.department.name},
                    body=withdrawal_note(dispatch, issue).text,
                )
    return withdrawn


def move_dispatch(dispatch: Dispatch, status: str, *, fields: Iterable[str] = ()) -> Dispatch:
    """A 派单's own status (sent → acknowledged → done, or returned), with `fields` the caller set
    on the locked row. The only other place a status is assigned (issues.dispatch)."""
    dispatch.status = status
    dispatch.save(update_fields=["status", *fields])
    return dispatch
