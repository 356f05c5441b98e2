"""Calling the resident. The phone number a resident leaves is masked everywhere (138****1234);
the grid worker who has the issue and the workstation's staff, who may need to call, can have it
shown, and each time is on the issue's internal timeline with who it was."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations import scope

from .models import Issue, IssueEvent
from .notes import system_note
from .transitions import IssueError, record

SHOWN_FOR = dt.timedelta(minutes=15)  # after that the page masks it again; showing it is logged anew


def reveal_phone(issue: Issue, *, actor) -> str:
    """The resident's number, for `actor` to call: the issue's grid worker, its workstation's staff
    and station heads (readers such as supervisors never). Recorded as an internal event."""
    if not issue.reporter_phone:
        raise IssueError(_("The resident left no phone number."))
    if not scope.can_act_on_issue(actor, issue):
        raise IssueError(_("Only the issue's grid worker and the workstation's staff may call the resident."))
    who = actor.get_full_name() or actor.get_username()
    note = system_note(gettext_lazy("The resident's phone number was shown to %(who)s, to call."), who=who)
    record(issue, IssueEvent.Type.PHONE_SHOWN, actor=actor, note=note, public=False)
    return issue.reporter_phone


def shown_phone(issue: Issue, user) -> str:
    """The number, if `user` had it shown in the last SHOWN_FOR and may still call; else ""."""
    if not issue.reporter_phone or not scope.can_act_on_issue(user, issue):
        return ""
    recent = IssueEvent.objects.filter(
        issue_id=issue.pk,
        type=IssueEvent.Type.PHONE_SHOWN,
        actor_id=user.pk,
        created_at__gte=timezone.now() - SHOWN_FOR,
    )
    return issue.reporter_phone if recent.exists() else ""
