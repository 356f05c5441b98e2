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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Department, Role

from . import notify
from .models import Dispatch, Issue, IssueEvent
from .notes import system_note
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
