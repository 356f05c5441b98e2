"""The public door of the core: every write to an issue, by name, for views, API endpoints,
Celery tasks, the admin and the apps built on top. Each lives in the module of its topic (see
the README's layout section); this module only gathers them, so callers need one import.

- intake (issues.intake): create_issue; the QR form's submit_report (issues.resident);
  the desk's log_matter (issues.worklog)
- handling (issues.handling): accept, arrive, resolve, answer, triage, coordinate, assign …,
  and what staff correct: set_kind, set_priority, set_category
- 派单 (issues.dispatch): dispatch_issue and the department's answers
- the resident (issues.resident): find_by_token, confirm, reopen, notes, closing unanswered
- routing (issues.routing) and the SLA sweep (issues.escalation)

Every status change inside them is issues.transitions.transition."""

from .contact import may_call, reveal_phone, shown_phone, shown_phones
from .dispatch import acknowledge_dispatch, complete_dispatch, dispatch_issue, return_dispatch
from .escalation import escalate_overdue, overdue_issues, sla_sweep
from .handling import (
    accept_issue,
    add_work_note,
    adopt_issue,
    answer_issue,
    arrive_issue,
    assign_issue,
    confirm_kind,
    coordinate_issue,
    decline_issue,
    hand_back_issue,
    hold_issue,
    labelled_note,
    merge_issue,
    reassign_issue,
    record_milestone,
    request_coordination,
    resolve_issue,
    resume_issue,
    set_category,
    set_kind,
    set_priority,
    start_issue,
    triage_issue,
)
from .intake import MAX_PHOTOS_PER_ISSUE, create_issue, match_category, next_reference
from .people import is_staff_for, station_heads
from .publish import route as publish_route
from .resident import (
    add_resident_note,
    awaiting_confirmation_too_long,
    close_unconfirmed,
    confirm_issue,
    find_by_token,
    photos_of,
    public_events,
    reopen_issue,
    submit_report,
)
from .routing import route_issue
from .tracking import valid_idempotency_key
from .transitions import IssueError
from .worklog import log_matter

__all__ = [
    "MAX_PHOTOS_PER_ISSUE",
    "IssueError",
    "accept_issue",
    "acknowledge_dispatch",
    "add_resident_note",
    "add_work_note",
    "adopt_issue",
    "answer_issue",
    "arrive_issue",
    "assign_issue",
    "awaiting_confirmation_too_long",
    "close_unconfirmed",
    "complete_dispatch",
    "confirm_issue",
    "confirm_kind",
    "coordinate_issue",
    "create_issue",
    "decline_issue",
    "dispatch_issue",
    "escalate_overdue",
    "find_by_token",
    "hand_back_issue",
    "hold_issue",
    "is_staff_for",
    "labelled_note",
    "log_matter",
    "match_category",
    "merge_issue",
    "next_reference",
    "overdue_issues",
    "photos_of",
    "public_events",
    "publish_route",
    "reassign_issue",
    "record_milestone",
    "reopen_issue",
    "request_coordination",
    "resolve_issue",
    "resume_issue",
    "return_dispatch",
    "may_call",
    "reveal_phone",
    "route_issue",
    "set_category",
    "set_kind",
    "set_priority",
    "shown_phone",
    "shown_phones",
    "sla_sweep",
    "start_issue",
    "station_heads",
    "submit_report",
    "triage_issue",
    "valid_idempotency_key",
]
