"""The kind-specific steps (answer a consult, triage and coordinate a complex matter, adopt or
decline a community idea) and the steps every kind shares (assign, reassign, hand back, hold and
resume, merge, priority and category). Each is one `transition` (issues.transitions)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Role

from . import lifecycle, notify, sla
from .lifecycle import Action
from .models import FAQ, Category, Issue, IssueEvent, Priority
from .notes import Note, system_note
from .transitions import (
    IssueError,
    is_staff_for,
    must_be_staff,
    must_be_staff_or_assignee,
    record,
    require_text,
    station_heads,
    transition,
)

User = get_user_model()


def _settled(actor, override_reason: str):
    from .services import _dispatches_settled

    return _dispatches_settled(actor, override_reason)


def _both(*checks):
    def check(issue: Issue) -> None:
        for c in checks:
            c(issue)

    return check


def _tell(user, issue: Issue, *, key: str, subject: str, body: str) -> None:
    notify.queue(user, key=key, issue=issue, subject=f"[{issue.reference}] {subject}", body=body)


def _tell_resident(issue: Issue, key: str, body: str) -> None:
    notify.queue_resident(issue, key=f"resident:{key}:{issue.pk}", body=f"{issue.reference}: {body}")


# --- consult ---------------------------------------------------------------------------------


def answer_issue(issue: Issue, *, actor, answer: str, make_faq: bool = False, override_reason: str = "") -> Issue:
    """Staff or the grid worker answer a question directly. With `make_faq`, the question and
    answer become an unpublished FAQ entry for staff to polish and publish."""
    answer = require_text(answer, _("Please write the answer."))
    now = timezone.now()

    def after(locked: Issue, old_status: str) -> None:
        if make_faq:
            FAQ.objects.create(
                workstation_id=locked.workstation_id,
                question=locked.description[:200],
                answer=answer,
                is_published=False,
            )
        _tell_resident(locked, f"answered:{now.isoformat()}", _("we have answered your question. Please check it."))

    return transition(
        issue.pk,
        Action.ANSWER,
        actor=actor,
        event_type=IssueEvent.Type.ANSWERED,
        note=answer,
        check=_both(must_be_staff_or_assignee(actor), _settled(actor, override_reason)),
        prepare=lambda locked, old: _accepted_now(locked, now),
        after=after,
        resolved_at=now,
        resolution=answer,
    )


def _accepted_now(issue: Issue, now: dt.datetime) -> list[str]:
    """Adopting, triaging or answering takes the issue on: the acceptance clock stops."""
    if issue.accepted_at is None:
        issue.accepted_at = now
    return ["accepted_at"]


# --- complex ----------------------------------------------------------------------------------


def triage_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    now = timezone.now()
    return transition(
        issue.pk,
        Action.TRIAGE,
        actor=actor,
        event_type=IssueEvent.Type.TRIAGED,
        note=note.strip(),
        check=must_be_staff(actor),
        prepare=lambda locked, old: _accepted_now(locked, now),
    )


def coordinate_issue(
    issue: Issue, *, actor, note: str = "", departments=(), due_at: dt.datetime | None = None
) -> Issue:
    """Open the coordination case: the departments get their 派单 in the same transaction."""
    from .dispatch import create_dispatch

    if due_at is not None and due_at <= timezone.now():
        raise IssueError(_("The deadline must be in the future."))

    def after(locked: Issue, old_status: str) -> None:
        for department in departments:
            create_dispatch(locked, department, actor=actor, due_at=due_at)

    return transition(
        issue.pk,
        Action.COORDINATE,
        actor=actor,
        event_type=IssueEvent.Type.COORDINATING,
        note=note.strip(),
        check=must_be_staff(actor),
        after=after,
    )


def record_milestone(issue: Issue, *, actor, note: str) -> Issue:
    note = require_text(note, _("Please describe the milestone."))
    return transition(
        issue.pk,
        Action.MILESTONE,
        actor=actor,
        event_type=IssueEvent.Type.MILESTONE,
        note=note,
        check=must_be_staff_or_assignee(actor),
    )


# --- community --------------------------------------------------------------------------------


def adopt_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    now = timezone.now()
    return transition(
        issue.pk,
        Action.ADOPT,
        actor=actor,
        event_type=IssueEvent.Type.ADOPTED,
        note=note.strip(),
        check=must_be_staff_or_assignee(actor),
        prepare=lambda locked, old: _accepted_now(locked, now),
    )


def start_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    return transition(
        issue.pk,
        Action.START,
        actor=actor,
        event_type=IssueEvent.Type.STARTED,
        note=note.strip(),
        check=must_be_staff_or_assignee(actor),
    )


def decline_issue(issue: Issue, *, actor, reason: str) -> Issue:
    reason = require_text(reason, _("Please give the reason for declining."))
    return transition(
        issue.pk,
        Action.DECLINE,
        actor=actor,
        event_type=IssueEvent.Type.DECLINED,
        note=reason,
        check=must_be_staff(actor),
        after=lambda locked, old: _tell_resident(locked, "declined", reason),
        closed_at=timezone.now(),
    )


# --- every kind ---------------------------------------------------------------------------------


def _may_handle(user, issue: Issue) -> bool:
    """A person who can be given the issue: active, and a grid worker, staff member or head of
    its workstation."""
    if user is None or not user.is_active:
        return False
    return Role.objects.filter(
        Q(kind=Role.Kind.GRID_WORKER, grid__neighbourhood__workstation_id=issue.workstation_id)
        | Q(kind__in=[Role.Kind.STAFF, Role.Kind.STATION_HEAD], workstation_id=issue.workstation_id),
        user=user,
    ).exists()


def _handler_check(actor, to):
    def check(issue: Issue) -> None:
        must_be_staff(actor)(issue)
        if not _may_handle(to, issue):
            raise IssueError(_("%(name)s does not work for this workstation.") % {"name": to})
        if issue.assignee_id == to.pk:
            raise IssueError(_("It is already with %(name)s.") % {"name": to})

    return check


def _tell_assignee(to, action: str, note: str):
    def after(locked: Issue, old_status: str) -> None:
        _tell(
            to,
            locked,
            key=f"{action}:{locked.pk}:{to.pk}:{locked.assigned_at.isoformat()}",
            subject=_("New task at %(loc)s") % {"loc": locked.location},
            body="\n".join(part for part in (locked.description, note, notify.issue_link(to.pk, locked)) if part),
        )

    return after


def assign_issue(issue: Issue, *, to, actor, note: str = "") -> Issue:
    """Staff give an unassigned (or not yet accepted) issue to someone. Before routing ran, this
    is the routing: an urgent matter goes to its departments too (send_required_dispatches)."""
    from .dispatch import send_required_dispatches

    now = timezone.now()
    tell = _tell_assignee(to, "assigned", note)

    def after(locked: Issue, old_status: str) -> None:
        tell(locked, old_status)
        if locked.routed_at == now:
            send_required_dispatches(locked, actor=actor)

    return transition(
        issue.pk,
        Action.ASSIGN,
        actor=actor,
        event_type=IssueEvent.Type.ASSIGNED,
        note=note.strip(),
        check=_handler_check(actor, to),
        prepare=lambda locked, old: ["routed_at"] if _routed(locked, now) else [],
        after=after,
        assignee=to,
        assigned_at=now,
    )


def _routed(issue: Issue, now: dt.datetime) -> bool:
    if issue.routed_at is None:
        issue.routed_at = now  # the routing task, if it still runs, finds nothing to do
        return True
    return False


def reassign_issue(issue: Issue, *, to, actor, reason: str) -> Issue:
    """Staff give the issue to someone else. Where the table sends it back to assigned (the new
    person must accept), the previous handler's acceptance and visit are cleared, as on a hand
    back (transitions._not_taken_on), and this round's deadlines count for the new person; where
    it keeps its status (a coordinated matter, a community idea) the workstation's acceptance
    stays."""
    reason = require_text(reason, _("Please give the reason for reassigning."))
    return transition(
        issue.pk,
        Action.REASSIGN,
        actor=actor,
        event_type=IssueEvent.Type.REASSIGNED,
        note=reason,
        public=False,
        check=_handler_check(actor, to),
        after=_tell_assignee(to, "reassigned", reason),
        assignee=to,
        assigned_at=timezone.now(),
    )


def hand_back_issue(issue: Issue, *, actor, reason: str) -> Issue:
    """The handler gives it back to the workstation ("not mine", "I cannot"): staff reassign it."""
    reason = require_text(reason, _("Please give the reason for handing it back."))

    def after(locked: Issue, old_status: str) -> None:
        for head in station_heads(locked.workstation_id):
            _tell(
                head,
                locked,
                key=f"handed-back:{locked.pk}:{head.pk}:{timezone.now().isoformat()}",
                subject=_("Handed back: please reassign"),
                body=reason,
            )

    return transition(
        issue.pk,
        Action.HAND_BACK,
        actor=actor,
        event_type=IssueEvent.Type.HANDED_BACK,
        note=reason,
        public=False,
        check=must_be_staff_or_assignee(actor),
        after=after,
        assignee=None,  # back to new: the acceptance and the visit go too (transitions._not_taken_on)
    )


def hold_issue(issue: Issue, *, actor, reason: str) -> Issue:
    """Waiting for the resident or a third party: the SLA clock stops until it resumes."""
    reason = require_text(reason, _("Please say what it is waiting for."))
    now = timezone.now()

    def prepare(locked: Issue, old_status: str) -> list[str]:
        locked.held_from_status = old_status
        return ["held_from_status", *sla.pause(locked, now)]

    return transition(
        issue.pk,
        Action.HOLD,
        actor=actor,
        event_type=IssueEvent.Type.HELD,
        note=reason,
        check=must_be_staff_or_assignee(actor),
        prepare=prepare,
    )


def resume_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    now = timezone.now()

    def prepare(locked: Issue, old_status: str) -> list[str]:
        locked.held_from_status = ""
        return ["held_from_status", *sla.resume(locked, now)]

    return transition(
        issue.pk,
        Action.RESUME,
        actor=actor,
        event_type=IssueEvent.Type.RESUMED,
        note=note.strip(),
        check=must_be_staff_or_assignee(actor),
        prepare=prepare,
    )


def merge_issue(issue: Issue, *, into: Issue, actor, reason: str = "") -> Issue:
    """A duplicate: closed as merged, followed on `into`. Both timelines keep their events."""
    if into.pk == issue.pk:
        raise IssueError(_("An issue cannot be merged into itself."))
    with transaction.atomic():
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        locked = {i.pk: i for i in Issue.objects.select_for_update().filter(pk__in=[issue.pk, into.pk]).order_by("pk")}
        target = locked[into.pk]
        if target.status in lifecycle.FINAL_STATUSES:
            raise IssueError(_("%(ref)s is no longer open.") % {"ref": target.reference})
        if not is_staff_for(actor, target):
            raise IssueError(_("Only the workstation's staff can do this."))
        duplicate = transition(
            issue.pk,
            Action.MERGE,
            actor=actor,
            event_type=IssueEvent.Type.MERGED,
            note=system_note(
                gettext_lazy("Merged into %(ref)s. %(reason)s"), ref=target.reference, reason=reason.strip()
            ),
            check=must_be_staff(actor),
            after=lambda dup, old: _tell_resident(
                dup, "merged", _("it is followed together with report %(ref)s.") % {"ref": target.reference}
            ),
            merged_into=target,
            closed_at=timezone.now(),
        )
        record(
            target,
            IssueEvent.Type.MERGED_IN,
            actor=actor,
            note=system_note(
                gettext_lazy("%(ref)s was merged in: %(text)s"),
                ref=duplicate.reference,
                text=duplicate.description[:200],
            ),
        )
        target.save(update_fields=["updated_at"])
    return duplicate


def _change(issue: Issue, *, actor, event_type: str, note: Note | str, prepare, after=None) -> Issue:
    """A change that is not a transition (priority, category, kind): locked, checked, audited.
    `after(issue)` runs in the same transaction, after the event."""
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        must_be_staff(actor)(locked)
        if not locked.is_open:
            raise IssueError(_("This issue is no longer open."))
        fields = prepare(locked)
        locked.save(update_fields=[*fields, "updated_at"])
        record(locked, event_type, actor=actor, note=note, public=False)
        if after is not None:
            after(locked)
    return locked


def set_priority(issue: Issue, *, priority: str, actor, reason: str = "") -> Issue:
    """A new priority re-plans this round's deadlines from its start, with the new policy (and
    the time on hold still counted as held)."""
    if priority not in Priority.values:
        raise IssueError(_("Unknown priority: %(p)s") % {"p": priority})

    def prepare(locked: Issue) -> list[str]:
        locked.priority = priority
        return ["priority", *sla.replan(locked)]  # the time on hold is kept

    note = labelled_note(Priority(priority).label, reason)
    return _change(issue, actor=actor, event_type=IssueEvent.Type.PRIORITY, note=note, prepare=prepare)


def labelled_note(label, reason: str) -> Note:
    """A new priority or kind (its label, translated when read) and the staff member's reason."""
    # Translators: a new priority or kind of matter, then the reason a staff member gave for it.
    return system_note(gettext_lazy("%(label)s %(reason)s"), label=label, reason=reason.strip())


def set_category(issue: Issue, *, category: Category | None, actor) -> Issue:
    """An urgent matter given a category is sent to its departments (send_required_dispatches)."""
    from .dispatch import send_required_dispatches

    def prepare(locked: Issue) -> list[str]:
        locked.category = category
        return ["category"]

    return _change(
        issue,
        actor=actor,
        event_type=IssueEvent.Type.CATEGORY,
        note=str(category or "—"),
        prepare=prepare,
        after=lambda locked: send_required_dispatches(locked, actor=actor),
    )
