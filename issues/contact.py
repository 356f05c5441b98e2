"""Calling the resident. The phone number a resident leaves is masked everywhere (138****1234);
the grid worker who has the issue, the workstation's staff and the liaison of a department with an
open 派单 of it, who may need to call, can have it shown, and each time is on the issue's internal
timeline with who it was."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations import scope

from .models import Dispatch, Issue, IssueEvent
from .notes import system_note
from .people import liaison_department_ids
from .transitions import IssueError, record

SHOWN_FOR = dt.timedelta(minutes=15)  # after that the page masks it again; showing it is logged anew


def may_call(user, issue: Issue) -> bool:
    """The issue's grid worker, its workstation's staff and station heads, and a liaison of a
    department whose 派单 of the issue is still open (readers such as supervisors never)."""
    if scope.can_act_on_issue(user, issue):
        return True
    departments = liaison_department_ids(user)
    return bool(departments) and (
        Dispatch.objects.filter(issue_id=issue.pk, department_id__in=departments, status__in=Dispatch.OPEN).exists()
    )


def reveal_phone(issue: Issue, *, actor) -> str:
    """The resident's number, for `actor` to call (see `may_call`). Recorded as an internal event."""
    if not issue.reporter_phone:
        raise IssueError(_("The resident left no phone number."))
    if not may_call(actor, issue):
        raise IssueError(
            _(
                "Only the issue's grid worker, the workstation's staff and the departments working on it "
                "may call the resident."
            )
        )
    who = actor.get_full_name() or actor.get_username()
    note = system_note(gettext_lazy("The resident's phone number was shown to %(who)s, to call."), who=who)
    record(issue, IssueEvent.Type.PHONE_SHOWN, actor=actor, note=note, public=False)
    return issue.reporter_phone


def shown_phone(issue: Issue, user) -> str:
    """The number, if `user` had it shown in the last SHOWN_FOR and may still call; else ""."""
    if not issue.reporter_phone or not may_call(user, issue):
        return ""
    recent = IssueEvent.objects.filter(
        issue_id=issue.pk,
        type=IssueEvent.Type.PHONE_SHOWN,
        actor_id=user.pk,
        created_at__gte=timezone.now() - SHOWN_FOR,
    )
    return issue.reporter_phone if recent.exists() else ""


def shown_phones(dispatches, user) -> dict[int, str]:
    """For a liaison's list of 派单: issue id → the resident's number, for the open ones whose
    number `user` had shown in the last SHOWN_FOR. One query, whatever the list's length."""
    issues = {d.issue_id: d.issue for d in dispatches if d.status in Dispatch.OPEN and d.issue.reporter_phone}
    if not issues:
        return {}
    recent = IssueEvent.objects.filter(
        issue_id__in=issues,
        type=IssueEvent.Type.PHONE_SHOWN,
        actor_id=user.pk,
        created_at__gte=timezone.now() - SHOWN_FOR,
    ).values_list("issue_id", flat=True)
    return {pk: issues[pk].reporter_phone for pk in set(recent)}
