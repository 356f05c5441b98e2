"""The primitives every write to an issue uses: one locked, checked, audited transition.

`transition` locks the row, checks who may act, asks the lifecycle table for the target status
(per kind), applies the changes, keeps the SLA clock in step, and writes the IssueEvent, all in
one atomic block. Services in issues.services, issues.handling and issues.dispatch build on it.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from workstations import scope
from workstations.models import Role

from . import lifecycle, sla
from .lifecycle import Status
from .models import Issue, IssueEvent
from .notes import Note
from .notes import split as split_note

logger = logging.getLogger(__name__)
User = get_user_model()


class IssueError(Exception):
    """A request that the rules refuse; `message` is safe to show to the person."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


Check = Callable[[Issue], None]


def is_staff_for(user, issue: Issue) -> bool:
    """Staff or a station head of the issue's workstation (or a superuser)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or issue.workstation_id in scope.staff_workstation_ids(user)


def must_be_assignee(user) -> Check:
    def check(issue: Issue) -> None:
        if user is None or issue.assignee_id != user.pk:
            raise IssueError(_("This task is not assigned to you."))

    return check


def must_be_staff(user) -> Check:
    def check(issue: Issue) -> None:
        if not is_staff_for(user, issue):
            raise IssueError(_("Only the workstation's staff can do this."))

    return check


def must_be_staff_or_assignee(user) -> Check:
    def check(issue: Issue) -> None:
        if not (is_staff_for(user, issue) or (user is not None and issue.assignee_id == user.pk)):
            raise IssueError(_("Only the workstation's staff or the person handling it can do this."))

    return check


def require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise IssueError(message)
    return text


def station_heads(workstation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            roles__kind=Role.Kind.STATION_HEAD, roles__workstation_id=workstation_id, is_active=True
        ).distinct()
    )


def record(
    issue: Issue, event_type: str, *, actor=None, note: Note | str = "", public: bool = True, **statuses
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
        old_status=statuses.get("old_status", ""),
        new_status=statuses.get("new_status", ""),
    )


def transition(
    issue_id: int,
    action: str,
    *,
    actor,
    event_type: str,
    note: Note | str = "",
    public: bool = True,
    check: Check | None = None,
    prepare: Callable[[Issue, str], list[str]] | None = None,
    after: Callable[[Issue, str], None] | None = None,
    **changes,
) -> Issue:
    """Lock the row, check, move it by the table, apply `changes`, keep the SLA clock in step and
    write the event. `prepare(issue, old_status)` may change more fields before the save (returning their
    names; it gets the old status too); `after(issue, old_status)` runs inside the same transaction (notifications,
    dispatches): its writes commit or roll back with the transition."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().select_related("location", "grid").get(pk=issue_id)
        if check is not None:
            check(issue)
        old_status = issue.status
        new_status = lifecycle.target_of(old_status, action, issue.kind, previous=issue.held_from_status)
        issue.status = new_status
        for field, value in changes.items():
            setattr(issue, field, value)
        fields = {"status", "updated_at", *changes}
        if new_status in lifecycle.UNACCEPTED_STATUSES:
            fields.update(_not_taken_on(issue))
        if prepare is not None:
            fields.update(prepare(issue, old_status))
        if "sla_next_at" not in fields:
            issue.sla_next_at = sla.next_check(issue)
            fields.add("sla_next_at")
        issue.save(update_fields=sorted(fields))
        record(issue, event_type, actor=actor, note=note, public=public, old_status=old_status, new_status=new_status)
        if new_status in lifecycle.FINAL_STATUSES:
            from .dispatch import withdraw_open_dispatches

            withdraw_open_dispatches(issue, actor=actor)
        if after is not None:
            # What others are told is in the workstation's language, not the actor's page's.
            with translation.override(settings.LANGUAGE_CODE):
                after(issue, old_status)
    return issue


def _not_taken_on(issue: Issue) -> list[str]:
    """Into a status where nobody has taken the issue on (handed back, reassigned, reopened):
    no acceptance and no visit are on record, so whoever has it next accepts and goes on site
    again, and the deadlines of those steps count for them."""
    issue.accepted_at = issue.on_site_at = None
    return ["accepted_at", "on_site_at"]


def status_label(status: str) -> str:
    return str(Status(status).label)
