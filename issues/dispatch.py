"""派单: asking departments to act on an issue, and their answers.

Each Dispatch has its own deadline and status: sent → acknowledged → done, or returned with a
reason. Department liaisons act on their own dispatches; staff send them. An issue resolves only
when its required dispatches are no longer open (done, or returned and dealt with), unless staff
override with a written reason (see issues.services.resolve_issue).
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Department

from . import notify, sla
from .lifecycle import OPEN_STATUSES
from .models import Dispatch, Issue, IssueEvent, Kind
from .notes import system_note
from .people import is_liaison, liaison_department_ids, liaisons, station_heads  # noqa: F401 - part of this surface
from .transitions import (  # noqa: F401 - withdrawal: part of this surface, done by every final transition
    IssueError,
    lock,
    move_dispatch,
    must_be_open,
    must_be_staff,
    record,
    require_text,
    withdraw_open_dispatches,
    withdrawal_note,
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
        locked = lock(issue)
        must_be_staff(actor, locked)
        must_be_open(locked)
        if due_at is not None and due_at <= timezone.now():
            raise IssueError(_("The deadline must be in the future."))
        dispatch = create_dispatch(locked, to, actor=actor, due_at=due_at, instructions=instructions, required=required)
        if dispatch is None:
            raise IssueError(_("%(dept)s already has this issue.") % {"dept": to.name})
    return dispatch


def _locked(dispatch: Dispatch, *, actor, allowed: tuple[str, ...]) -> tuple[Dispatch, Issue]:
    """The dispatch and its issue, locked, after checking the liaison and the dispatch's status."""
    dispatch = Dispatch.objects.select_for_update().select_related("department").get(pk=dispatch.pk)
    issue = lock(dispatch.issue_id)
    if not (actor.is_superuser or dispatch.department_id in liaison_department_ids(actor)):
        raise IssueError(_("This dispatch is for another department."))
    if dispatch.status not in allowed:
        raise IssueError(
            _("This cannot be done now: the dispatch is “%(status)s”.") % {"status": dispatch.get_status_display()}
        )
    return dispatch, issue


@translation.override(settings.LANGUAGE_CODE)  # the workstation's language, not the liaison's page's
def _tell_handler(issue: Issue, dispatch: Dispatch, event_type: str, note: str) -> None:
    """The person handling the issue (or the station heads) hears when a department finishes or
    returns its part."""
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


def acknowledge_dispatch(dispatch: Dispatch, *, actor) -> Dispatch:
    with transaction.atomic():
        dispatch, issue = _locked(dispatch, actor=actor, allowed=(Dispatch.Status.SENT,))
        dispatch.acknowledged_at = timezone.now()
        move_dispatch(dispatch, Dispatch.Status.ACKNOWLEDGED, fields=["acknowledged_at"])
        record(issue, IssueEvent.Type.DISPATCH_ACK, actor=actor, note=dispatch.department.name)
    return dispatch


def complete_dispatch(dispatch: Dispatch, *, actor, note: str) -> Dispatch:
    note = require_text(note, _("Please say what the department did."))
    with transaction.atomic():
        dispatch, issue = _locked(dispatch, actor=actor, allowed=Dispatch.OPEN)
        now = timezone.now()
        dispatch.done_at, dispatch.result = now, note
        dispatch.acknowledged_at = dispatch.acknowledged_at or now
        move_dispatch(dispatch, Dispatch.Status.DONE, fields=["done_at", "acknowledged_at", "result"])
        record(issue, IssueEvent.Type.DISPATCH_DONE, actor=actor, note=f"{dispatch.department.name}: {note}")
        _tell_handler(issue, dispatch, IssueEvent.Type.DISPATCH_DONE, note)
    return dispatch


def return_dispatch(dispatch: Dispatch, *, actor, reason: str) -> Dispatch:
    reason = require_text(reason, _("Please give the reason for returning it."))
    with transaction.atomic():
        dispatch, issue = _locked(dispatch, actor=actor, allowed=Dispatch.OPEN)
        dispatch.returned_at, dispatch.result = timezone.now(), reason
        move_dispatch(dispatch, Dispatch.Status.RETURNED, fields=["returned_at", "result"])
        record(
            issue,
            IssueEvent.Type.DISPATCH_RETURN,
            actor=actor,
            note=f"{dispatch.department.name}: {reason}",
            public=False,
        )
        _tell_handler(issue, dispatch, IssueEvent.Type.DISPATCH_RETURN, reason)
    return dispatch
