"""派单: asking departments to act on an issue, and their answers.

Each Dispatch has its own deadline and status: sent → acknowledged → done, or returned with a
reason. Department liaisons act on their own dispatches; staff send them. An issue resolves only
when its required dispatches are no longer open (done, or returned and dealt with), unless staff
override with a written reason (see issues.services.resolve_issue).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Department, Role

from . import notify, sla
from .lifecycle import OPEN_STATUSES, Status
from .models import Dispatch, Issue, IssueEvent, Kind
from .notes import Note, system_note
from .transitions import IssueError, is_staff_for, record, require_text

User = get_user_model()


def liaison_department_ids(user) -> set[int]:
    """Departments `user` acts for as a liaison (cached on the user object for one request)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_minqing_liaison_departments", None)
    if cached is None:
        cached = set(
            Role.objects.filter(user=user, kind=Role.Kind.LIAISON, department__isnull=False).values_list(
                "department_id", flat=True
            )
        )
        user._minqing_liaison_departments = cached
    return cached


def is_liaison(user) -> bool:
    return bool(liaison_department_ids(user))


def liaisons(department_id: int) -> list[User]:
    return list(
        User.objects.filter(
            roles__kind=Role.Kind.LIAISON, roles__department_id=department_id, is_active=True
        ).distinct()
    )


def serves(department: Department, issue: Issue) -> bool:
    """Whether `department` may be sent `issue`: only the departments of its own subdistrict."""
    return department.subdistrict_id == issue.workstation.subdistrict_id


def open_required(issue: Issue):
    return Dispatch.objects.filter(issue=issue, required=True, status__in=Dispatch.OPEN)


@translation.override(settings.LANGUAGE_CODE)  # the workstation's language, not the actor's page's
def _tell_liaisons(dispatch: Dispatch, issue: Issue, *, inline: bool) -> None:
    for liaison in liaisons(dispatch.department_id):
        notify.queue(
            liaison,
            key=f"dispatch:{dispatch.pk}:{liaison.pk}",
            issue=issue,
            subject=_("[%(ref)s] 派单 for %(dept)s, due %(due)s")
            % {
                "ref": issue.reference,
                "dept": dispatch.department.name,
                "due": timezone.localtime(dispatch.due_at).strftime("%Y-%m-%d %H:%M"),
            },
            body=_("%(kind)s at %(loc)s: %(text)s\n%(instructions)s\nYour list: %(url)s")
            % {
                "kind": issue.get_kind_display(),
                "loc": issue.location,
                "text": issue.description,
                "instructions": dispatch.instructions,
                "url": settings.SITE_URL + "/dispatches/",
            },
            inline=inline,
        )


def create_dispatch(
    issue: Issue,
    department: Department,
    *,
    actor=None,
    due_at: dt.datetime | None = None,
    instructions: str = "",
    required: bool = True,
    inline: bool = False,
) -> Dispatch | None:
    """Inside the caller's transaction (the issue row locked): one dispatch, its event and the
    liaisons' notifications. None if the department already has an open dispatch for the issue.
    A department of another subdistrict is refused (IssueError): subdistricts never see each
    other's issues."""
    if not serves(department, issue):
        raise IssueError(_("%(dept)s is not a department of this subdistrict.") % {"dept": department.name})
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.create(
                issue=issue,
                department=department,
                due_at=due_at or issue.resolve_due_at or timezone.now() + dt.timedelta(days=1),
                instructions=instructions.strip(),
                required=required,
                created_by=actor,
            )
    except IntegrityError:
        return None
    record(
        issue,
        IssueEvent.Type.DISPATCHED,
        actor=actor,
        note=system_note(gettext_lazy("Sent to %(dept)s."), dept=department.name),
    )
    _tell_liaisons(dispatch, issue, inline=inline)
    return dispatch


def dispatch_issue(
    issue: Issue,
    *,
    to: Department,
    actor,
    due_at: dt.datetime | None = None,
    instructions: str = "",
    required: bool = True,
) -> Dispatch:
    """Staff send an open issue to a department (派单)."""
    with transaction.atomic():
        locked = Issue.objects.select_for_update().select_related("location").get(pk=issue.pk)
        if not is_staff_for(actor, locked):
            raise IssueError(_("Only the workstation's staff can do this."))
        if not locked.is_open:
            raise IssueError(_("This issue is no longer open."))
        if due_at is not None and due_at <= timezone.now():
            raise IssueError(_("The deadline must be in the future."))
        dispatch = create_dispatch(locked, to, actor=actor, due_at=due_at, instructions=instructions, required=required)
        if dispatch is None:
            raise IssueError(_("%(dept)s already has this issue.") % {"dept": to.name})
    return dispatch


def _act(dispatch_id: int, *, actor, allowed: tuple[str, ...], event_type: str, note: str = "", **changes) -> Dispatch:
    """Lock the dispatch (and its issue), check the liaison and the dispatch's status, apply."""
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().select_related("department").get(pk=dispatch_id)
        issue = Issue.objects.select_for_update().select_related("location").get(pk=dispatch.issue_id)
        if not (actor.is_superuser or dispatch.department_id in liaison_department_ids(actor)):
            raise IssueError(_("This dispatch is for another department."))
        if dispatch.status not in allowed:
            raise IssueError(
                _("This cannot be done now: the dispatch is “%(status)s”.") % {"status": dispatch.get_status_display()}
            )
        for field, value in changes.items():
            setattr(dispatch, field, value)
        dispatch.save(update_fields=list(changes))
        record(
            issue,
            event_type,
            actor=actor,
            note=f"{dispatch.department.name}: {note}" if note else dispatch.department.name,
            public=event_type != IssueEvent.Type.DISPATCH_RETURN,
        )
        if event_type in (IssueEvent.Type.DISPATCH_DONE, IssueEvent.Type.DISPATCH_RETURN):
            _tell_handler(issue, dispatch, event_type, note)
    return dispatch


@translation.override(settings.LANGUAGE_CODE)  # the workstation's language, not the liaison's page's
def _tell_handler(issue: Issue, dispatch: Dispatch, event_type: str, note: str) -> None:
    """The person handling the issue (or the station heads) hears when a department finishes or
    returns its part."""
    from .transitions import station_heads

    people = [issue.assignee] if issue.assignee_id else station_heads(issue.workstation_id)
    what = _("done") if event_type == IssueEvent.Type.DISPATCH_DONE else _("returned")
    for person in people:
        notify.queue(
            person,
            key=f"{event_type}:{dispatch.pk}:{person.pk}",
            issue=issue,
            subject=_("[%(ref)s] %(dept)s: %(what)s")
            % {"ref": issue.reference, "dept": dispatch.department.name, "what": what},
            body=note,
        )


# --- The issue's life: urgent matters are dispatched, ended issues withdraw ------------------------


def send_required_dispatches(issue: Issue, *, actor=None, inline: bool = False) -> list[Dispatch]:
    """The rule of urgent matters (急事快办): an open urgent issue with a category is sent, as
    required 派单, to that category's departments of its own subdistrict. Called wherever an issue
    may become so (routing, a new kind, a new category), inside the caller's transaction with the
    issue row locked. A department that has had a dispatch for the issue already (open, done or
    returned: it answered) is not sent another; staff may send one again by hand.

    A department never gets a deadline already past: the issue's resolution deadline, or, if that
    has passed (an issue made urgent late in its round), the urgent policy's from now."""
    if issue.kind != Kind.URGENT or not issue.category_id or issue.status not in OPEN_STATUSES:
        return []
    departments = (
        issue.category.departments.filter(subdistrict__workstations=issue.workstation_id)
        .exclude(dispatches__issue=issue)
        .order_by("name", "id")
    )
    now = timezone.now()
    due_at = issue.resolve_due_at
    if due_at is None or due_at <= now:
        due_at = sla.plan(issue.kind, issue.priority, now).resolve_due_at
    sent = [create_dispatch(issue, department, actor=actor, due_at=due_at, inline=inline) for department in departments]
    return [d for d in sent if d is not None]


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
    department's liaisons. Inside the caller's transaction, the issue row locked and its status
    already final. A withdrawn dispatch is off the liaison's open list and never flagged late.
    Done and returned dispatches keep their answer.

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
        dispatch.status = Dispatch.Status.WITHDRAWN
        dispatch.result = note.text
        dispatch.save(update_fields=["status", "result"])
        record(issue, IssueEvent.Type.DISPATCH_WITHDRAWN, actor=actor, note=note, public=False)
        _tell_withdrawn(dispatch, issue)
    return withdrawn


@translation.override(settings.LANGUAGE_CODE)  # the workstation's language, not the actor's page's
def _tell_withdrawn(dispatch: Dispatch, issue: Issue) -> None:
    for liaison in liaisons(dispatch.department_id):
        notify.queue(
            liaison,
            key=f"dispatch-withdrawn:{dispatch.pk}:{liaison.pk}",
            issue=issue,
            subject=_("[%(ref)s] 派单 withdrawn: %(dept)s")
            % {"ref": issue.reference, "dept": dispatch.department.name},
            body=withdrawal_note(dispatch, issue).text,
        )


def acknowledge_dispatch(dispatch: Dispatch, *, actor) -> Dispatch:
    return _act(
        dispatch.pk,
        actor=actor,
        allowed=(Dispatch.Status.SENT,),
        event_type=IssueEvent.Type.DISPATCH_ACK,
        status=Dispatch.Status.ACKNOWLEDGED,
        acknowledged_at=timezone.now(),
    )


def complete_dispatch(dispatch: Dispatch, *, actor, note: str) -> Dispatch:
    note = require_text(note, _("Please say what the department did."))
    now = timezone.now()
    return _act(
        dispatch.pk,
        actor=actor,
        allowed=Dispatch.OPEN,
        event_type=IssueEvent.Type.DISPATCH_DONE,
        note=note,
        status=Dispatch.Status.DONE,
        done_at=now,
        acknowledged_at=dispatch.acknowledged_at or now,
        result=note,
    )


def return_dispatch(dispatch: Dispatch, *, actor, reason: str) -> Dispatch:
    reason = require_text(reason, _("Please give the reason for returning it."))
    return _act(
        dispatch.pk,
        actor=actor,
        allowed=Dispatch.OPEN,
        event_type=IssueEvent.Type.DISPATCH_RETURN,
        note=reason,
        status=Dispatch.Status.RETURNED,
        returned_at=timezone.now(),
        result=reason,
    )
