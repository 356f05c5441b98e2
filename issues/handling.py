"""Handling an issue, step by step: the kind-specific steps (answer a consult, triage and
coordinate a complex matter, adopt or decline a community idea), the handler's own steps
(accept, on site, resolve, hand back, ask for coordination, work notes), the steps every kind
shares (assign, reassign, hold and resume, merge) and what staff correct (kind, priority,
category).

Every body reads the same way: lock the row, check, change the fields, `transition` (which sets
the status and writes the event: issues.transitions), queue what people are told."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import lifecycle, notify, sla
from .dispatch import create_dispatch, open_required, send_required_dispatches
from .intake import MAX_PHOTOS_PER_ISSUE, save_photos
from .lifecycle import Action, Status
from .models import FAQ, Category, Issue, IssueEvent, Kind, NotificationKind, Priority
from .notes import Note, system_note
from .people import is_staff_for, may_handle, station_heads
from .transitions import (
    IssueError,
    allowed,
    lock,
    must_be_assignee,
    must_be_open,
    must_be_staff,
    must_be_staff_or_assignee,
    record,
    require_text,
    transition,
)

User = get_user_model()


# --- What people are told ------------------------------------------------------------------------


def _tell(user, issue: Issue, *, key: str, subject: str, body: str) -> None:
    with notify.workstation_language():
        notify.queue(user, key=key, issue=issue, subject=f"[{issue.reference}] {subject}", body=body)


def _tell_resident(issue: Issue, key: str, body: str) -> None:
    notify.queue_resident(issue, key=f"resident:{key}:{issue.pk}", body=f"{issue.reference}: {body}")


def _tell_heads(issue: Issue, *, key: str, subject: str, body: str) -> None:
    for head in station_heads(issue.workstation_id):
        _tell(head, issue, key=f"{key}:{issue.pk}:{head.pk}:{timezone.now().isoformat()}", subject=subject, body=body)


def _tell_new_handler(issue: Issue, to, *, action: str, note: str) -> None:
    with notify.workstation_language():
        _tell(
            to,
            issue,
            key=f"{action}:{issue.pk}:{to.pk}:{issue.assigned_at.isoformat()}",
            subject=_("New task at %(loc)s") % {"loc": issue.location},
            body="\n".join(part for part in (issue.description, note, notify.issue_link(to.pk, issue)) if part),
        )


# --- Checks shared by several steps -------------------------------------------------------------


def _dispatches_settled(issue: Issue, *, actor, override_reason: str) -> None:
    """Required 派单 still open block resolving, unless staff override in writing (the override
    is then on the timeline: record_override)."""
    names = _pending_departments(issue)
    if not names:
        return
    if not override_reason.strip():
        raise IssueError(
            _("Waiting for: %(depts)s. Staff can resolve anyway with a written reason.") % {"depts": names}
        )
    if not is_staff_for(actor, issue):
        raise IssueError(_("Only the workstation's staff can resolve with departments still working."))


def _pending_departments(issue: Issue) -> str:
    return "、".join(d.department.name for d in open_required(issue).select_related("department"))


def _record_override(issue: Issue, *, actor, override_reason: str) -> None:
    names = _pending_departments(issue)
    if names:
        record(issue, IssueEvent.Type.OVERRIDE, actor=actor, note=f"{names}: {override_reason.strip()}", public=False)


def _handler_check(issue: Issue, *, actor, to) -> None:
    must_be_staff(actor, issue)
    if not may_handle(to, issue):
        raise IssueError(_("%(name)s does not work for this workstation.") % {"name": to})
    if issue.assignee_id == to.pk:
        raise IssueError(_("It is already with %(name)s.") % {"name": to})


def _take_on(issue: Issue, now: dt.datetime) -> list[str]:
    """Adopting, triaging or answering takes the issue on: the acceptance clock stops."""
    if issue.accepted_at is None:
        issue.accepted_at = now
    return ["accepted_at"]


# --- The handler's steps ------------------------------------------------------------------------


def accept_issue(issue: Issue, *, actor) -> Issue:
    """The assignee takes the issue on. Of two concurrent accepts, the second finds the issue
    accepted already and gets IllegalTransition (a 409 in the API, a message on the page)."""
    with transaction.atomic():
        locked = lock(issue)
        must_be_assignee(actor, locked)
        locked.accepted_at = timezone.now()
        return transition(
            locked, Action.ACCEPT, actor=actor, event_type=IssueEvent.Type.ACCEPTED, fields=["accepted_at"]
        )


def arrive_issue(issue: Issue, *, actor, note: Note | str = "") -> Issue:
    """On site: the resident's timeline says so. `note`: the desk's check-in adds where the phone
    was (if the worker allowed it), as a system_note; that is the worker's whereabouts, so it goes
    on the staff's timeline only, as a note beside the public event."""
    note = note if isinstance(note, Note) else note.strip()
    with transaction.atomic():
        locked = lock(issue)
        must_be_assignee(actor, locked)
        locked.on_site_at = timezone.now()
        transition(locked, Action.ARRIVE, actor=actor, event_type=IssueEvent.Type.ARRIVED, fields=["on_site_at"])
        if note.text if isinstance(note, Note) else note:
            record(locked, IssueEvent.Type.NOTE, actor=actor, note=note, public=False)
    return locked


def resolve_issue(issue: Issue, *, actor, note: str, override_reason: str = "", photos=()) -> Issue:
    """The assignee (or, for coordinated and community matters, staff) says it is done. Required
    dispatches must be done first, unless staff override with `override_reason`. `photos`
    (issues.photos.CleanPhoto, optional): taken after the repair; the resident sees them with
    what was done."""
    note = require_text(note, _("Please say what was done."))
    with transaction.atomic():
        locked = lock(issue)
        if locked.kind in (Kind.CONSULT, Kind.URGENT):
            must_be_assignee(actor, locked)
        else:
            must_be_staff_or_assignee(actor, locked)
        allowed(locked, Action.RESOLVE)
        _dispatches_settled(locked, actor=actor, override_reason=override_reason)
        if photos and locked.photos.count() + len(photos) > MAX_PHOTOS_PER_ISSUE:
            raise IssueError(_("A report can have at most %(max)d photos in all.") % {"max": MAX_PHOTOS_PER_ISSUE})
        _record_override(locked, actor=actor, override_reason=override_reason)
        save_photos(locked, photos, public=True, after_repair=True)
        locked.resolved_at, locked.resolution = timezone.now(), note
        transition(
            locked,
            Action.RESOLVE,
            actor=actor,
            event_type=IssueEvent.Type.RESOLVED,
            note=note,
            fields=["resolved_at", "resolution"],
        )
        with notify.workstation_language():
            notify.queue_resident(
                locked,
                key=f"resident:resolved:{locked.pk}:{locked.resolved_at.isoformat()}",
                kind=NotificationKind.RESOLVED,
                body=_(
                    "Your report %(ref)s is resolved. Please open your tracking link to confirm or tell us it is "
                    "not solved."
                )
                % {"ref": locked.reference},
            )
    return locked


def hand_back_issue(issue: Issue, *, actor, reason: str) -> Issue:
    """The handler gives it back to the workstation ("not mine", "I cannot"): staff reassign it.
    Back to new: the acceptance and the visit go too (issues.transitions.transition)."""
    reason = require_text(reason, _("Please give the reason for handing it back."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        locked.assignee = None
        transition(
            locked,
            Action.HAND_BACK,
            actor=actor,
            event_type=IssueEvent.Type.HANDED_BACK,
            note=reason,
            public=False,
            fields=["assignee"],
        )
        with notify.workstation_language():
            _tell_heads(locked, key="handed-back", subject=_("Handed back: please reassign"), body=reason)
    return locked


def request_coordination(issue: Issue, *, actor, reason: str) -> Issue:
    """The grid worker cannot solve it alone: it becomes a complex matter (难事共办) and goes back
    to the workstation, whose staff triage it and send 派单."""
    reason = require_text(reason, _("Please say why it needs coordination."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_assignee(actor, locked)
        locked.assignee = None
        transition(
            locked,
            Action.HAND_BACK,
            actor=actor,
            event_type=IssueEvent.Type.HANDED_BACK,
            note=system_note(gettext_lazy("Needs coordination: %(reason)s"), reason=reason),
            public=False,
            fields=["assignee"],
        )
        # Then a complex matter (the hand back followed the flow of the kind it had), with the
        # deadlines of the new kind's policy from the round's start.
        locked.kind = Kind.COMPLEX
        locked.save(update_fields=["kind", *sla.replan(locked)])
        for head in station_heads(locked.workstation_id):
            with notify.workstation_language():
                notify.queue(
                    head,
                    key=f"coordination:{locked.pk}:{head.pk}:{timezone.now().isoformat()}",
                    issue=locked,
                    subject=_("[%(ref)s] Coordination requested") % {"ref": locked.reference},
                    body=reason,
                )
    return locked


def add_work_note(issue: Issue, *, actor, note: str = "", photos=()) -> IssueEvent:
    """The handler (or staff) records what they saw or did, with photos (issues.photos.CleanPhoto).
    Internal: the resident's timeline does not show it."""
    note = note.strip()
    if not note and not photos:
        raise IssueError(_("Please write something or choose a photo."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        if locked.status in lifecycle.FINAL_STATUSES:
            raise IssueError(_("This issue is no longer open."))
        if photos and locked.photos.count() + len(photos) > MAX_PHOTOS_PER_ISSUE:
            raise IssueError(_("A report can have at most %(max)d photos in all.") % {"max": MAX_PHOTOS_PER_ISSUE})
        save_photos(locked, photos, public=False)  # a work note is internal
        if photos and note:
            note = system_note(gettext_lazy("%(note)s\nAdded %(n)d photo(s)."), note=note, n=len(photos))
        elif photos:
            note = system_note(gettext_lazy("Added %(n)d photo(s)."), n=len(photos))
        event = record(locked, IssueEvent.Type.NOTE, actor=actor, note=note, public=False)
        locked.save(update_fields=["updated_at"])
    return event


# --- consult ---------------------------------------------------------------------------------


def answer_issue(issue: Issue, *, actor, answer: str, make_faq: bool = False, override_reason: str = "") -> Issue:
    """Staff or the grid worker answer a question directly. With `make_faq`, the question and
    answer become an unpublished FAQ entry for staff to polish and publish."""
    answer = require_text(answer, _("Please write the answer."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        _dispatches_settled(locked, actor=actor, override_reason=override_reason)
        _record_override(locked, actor=actor, override_reason=override_reason)
        now = timezone.now()
        locked.resolved_at, locked.resolution = now, answer
        transition(
            locked,
            Action.ANSWER,
            actor=actor,
            event_type=IssueEvent.Type.ANSWERED,
            note=answer,
            fields=["resolved_at", "resolution", *_take_on(locked, now)],
        )
        if make_faq:
            FAQ.objects.create(
                workstation_id=locked.workstation_id,
                question=locked.description[:200],
                answer=answer,
                is_published=False,
            )
        with notify.workstation_language():
            _tell_resident(locked, f"answered:{now.isoformat()}", _("we have answered your question. Please check it."))
    return locked


# --- complex ----------------------------------------------------------------------------------


def triage_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff(actor, locked)
        taken = _take_on(locked, timezone.now())
        return transition(
            locked, Action.TRIAGE, actor=actor, event_type=IssueEvent.Type.TRIAGED, note=note.strip(), fields=taken
        )


def coordinate_issue(
    issue: Issue, *, actor, note: str = "", departments=(), due_at: dt.datetime | None = None
) -> Issue:
    """Open the coordination case: the departments get their 派单 in the same transaction."""
    if due_at is not None and due_at <= timezone.now():
        raise IssueError(_("The deadline must be in the future."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff(actor, locked)
        transition(locked, Action.COORDINATE, actor=actor, event_type=IssueEvent.Type.COORDINATING, note=note.strip())
        for department in departments:
            create_dispatch(locked, department, actor=actor, due_at=due_at)
    return locked


def record_milestone(issue: Issue, *, actor, note: str) -> Issue:
    note = require_text(note, _("Please describe the milestone."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        return transition(locked, Action.MILESTONE, actor=actor, event_type=IssueEvent.Type.MILESTONE, note=note)


# --- community --------------------------------------------------------------------------------


def adopt_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        taken = _take_on(locked, timezone.now())
        return transition(
            locked, Action.ADOPT, actor=actor, event_type=IssueEvent.Type.ADOPTED, note=note.strip(), fields=taken
        )


def start_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        return transition(locked, Action.START, actor=actor, event_type=IssueEvent.Type.STARTED, note=note.strip())


def decline_issue(issue: Issue, *, actor, reason: str) -> Issue:
    reason = require_text(reason, _("Please give the reason for declining."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff(actor, locked)
        locked.closed_at = timezone.now()
        transition(
            locked, Action.DECLINE, actor=actor, event_type=IssueEvent.Type.DECLINED, note=reason, fields=["closed_at"]
        )
        with notify.workstation_language():
            _tell_resident(locked, "declined", reason)
    return locked


# --- every kind ---------------------------------------------------------------------------------


def assign_issue(issue: Issue, *, to, actor, note: str = "") -> Issue:
    """Staff give an unassigned (or not yet accepted) issue to someone. Before routing ran, this
    is the routing: an urgent matter goes to its departments too (send_required_dispatches), and
    the routing task, if it still runs, finds nothing to do."""
    with transaction.atomic():
        locked = lock(issue)
        _handler_check(locked, actor=actor, to=to)
        now = timezone.now()
        routing_now = locked.routed_at is None
        locked.assignee, locked.assigned_at = to, now
        if routing_now:
            locked.routed_at = now
        transition(
            locked,
            Action.ASSIGN,
            actor=actor,
            event_type=IssueEvent.Type.ASSIGNED,
            note=note.strip(),
            fields=["assignee", "assigned_at", *(["routed_at"] if routing_now else [])],
        )
        _tell_new_handler(locked, to, action="assigned", note=note.strip())
        if routing_now:
            send_required_dispatches(locked, actor=actor)
    return locked


def reassign_issue(issue: Issue, *, to, actor, reason: str) -> Issue:
    """Staff give the issue to someone else. Where the table sends it back to assigned (the new
    person must accept), the previous handler's acceptance and visit are cleared, as on a hand
    back, and this round's deadlines count for the new person; where it keeps its status (a
    coordinated matter, a community idea) the workstation's acceptance stays."""
    reason = require_text(reason, _("Please give the reason for reassigning."))
    with transaction.atomic():
        locked = lock(issue)
        _handler_check(locked, actor=actor, to=to)
        locked.assignee, locked.assigned_at = to, timezone.now()
        transition(
            locked,
            Action.REASSIGN,
            actor=actor,
            event_type=IssueEvent.Type.REASSIGNED,
            note=reason,
            public=False,
            fields=["assignee", "assigned_at"],
        )
        _tell_new_handler(locked, to, action="reassigned", note=reason)
    return locked


def hold_issue(issue: Issue, *, actor, reason: str) -> Issue:
    """Waiting for the resident or a third party: the SLA clock stops until it resumes."""
    reason = require_text(reason, _("Please say what it is waiting for."))
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        locked.held_from_status = locked.status
        paused = sla.pause(locked, timezone.now())
        return transition(
            locked,
            Action.HOLD,
            actor=actor,
            event_type=IssueEvent.Type.HELD,
            note=reason,
            fields=["held_from_status", *paused],
        )


def resume_issue(issue: Issue, *, actor, note: str = "") -> Issue:
    """Back to where it was held from; the deadlines move on by the time on hold (issues.sla)."""
    with transaction.atomic():
        locked = lock(issue)
        must_be_staff_or_assignee(actor, locked)
        shifted = sla.resume(locked, timezone.now())
        return transition(
            locked, Action.RESUME, actor=actor, event_type=IssueEvent.Type.RESUMED, note=note.strip(), fields=shifted
        )


def merge_issue(issue: Issue, *, into: Issue, actor, reason: str = "") -> Issue:
    """A duplicate: closed as merged, followed on `into`. Both timelines keep their events."""
    if into.pk == issue.pk:
        raise IssueError(_("An issue cannot be merged into itself."))
    with transaction.atomic():
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        pair = Issue.objects.select_for_update(of=("self",)).select_related("location", "grid")
        locked = {i.pk: i for i in pair.filter(pk__in=[issue.pk, into.pk]).order_by("pk")}
        duplicate, target = locked[issue.pk], locked[into.pk]
        if target.status in lifecycle.FINAL_STATUSES:
            raise IssueError(_("%(ref)s is no longer open.") % {"ref": target.reference})
        must_be_staff(actor, target)
        must_be_staff(actor, duplicate)
        duplicate.merged_into, duplicate.closed_at = target, timezone.now()
        transition(
            duplicate,
            Action.MERGE,
            actor=actor,
            event_type=IssueEvent.Type.MERGED,
            note=system_note(
                gettext_lazy("Merged into %(ref)s. %(reason)s"), ref=target.reference, reason=reason.strip()
            ),
            fields=["merged_into", "closed_at"],
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
        with notify.workstation_language():
            _tell_resident(
                duplicate, "merged", _("it is followed together with report %(ref)s.") % {"ref": target.reference}
            )
    return duplicate


# --- What staff correct: kind, priority, category (no status change) ------------------------------


def labelled_note(label, reason: str) -> Note:
    """A new priority or kind (its label, translated when read) and the staff member's reason."""
    # Translators: a new priority or kind of matter, then the reason a staff member gave for it.
    return system_note(gettext_lazy("%(label)s %(reason)s"), label=label, reason=reason.strip())


def _lock_for_correction(issue: Issue, *, actor) -> Issue:
    locked = lock(issue)
    must_be_staff(actor, locked)
    must_be_open(locked)
    return locked


def _resumable(issue: Issue, kind: str) -> bool:
    """An issue on hold can go back, as `kind`, to the status it was held from."""
    if issue.status != Status.ON_HOLD:
        return True
    try:
        lifecycle.target_of(issue.status, Action.RESUME, kind, previous=issue.held_from_status)
    except lifecycle.IllegalTransition:
        return False
    return True


def set_kind(issue: Issue, *, kind: str, actor, reason: str = "") -> Issue:
    """Staff correct the kind (a "consult" that is really urgent): the deadlines are re-planned
    from the round's start with the new kind's policy, and an issue made urgent is sent to its
    category's departments (send_required_dispatches). Refused where the new kind's flow has no
    way on from the current status."""
    if kind not in Kind.values:
        raise IssueError(_("Unknown kind of matter: %(kind)s") % {"kind": kind})
    with transaction.atomic():
        locked = _lock_for_correction(issue, actor=actor)
        if locked.kind == kind:
            raise IssueError(_("It is already of this kind."))
        if not set(lifecycle.allowed_actions(locked.status, kind)) - {Action.MERGE} or not _resumable(locked, kind):
            raise IssueError(
                _("The kind cannot be changed while the issue is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        locked.kind = kind
        locked.urgent_keywords = ""  # staff have decided the kind: nothing left to check
        replanned = sla.replan(locked)
        locked.save(update_fields=["kind", "urgent_keywords", *replanned, "updated_at"])
        record(locked, IssueEvent.Type.KIND, actor=actor, note=labelled_note(Kind(kind).label, reason), public=False)
        send_required_dispatches(locked, actor=actor)
    return locked


def confirm_kind(issue: Issue, *, actor) -> Issue:
    """Staff looked at a report flagged for its urgent words and keep its kind: the flag is
    cleared, with an internal event."""
    with transaction.atomic():
        locked = _lock_for_correction(issue, actor=actor)
        if not locked.urgent_keywords:
            raise IssueError(_("There is nothing to check on this report's kind."))
        locked.urgent_keywords = ""
        locked.save(update_fields=["urgent_keywords", "updated_at"])
        note = labelled_note(Kind(locked.kind).label, _("(checked, kept)"))
        record(locked, IssueEvent.Type.KIND, actor=actor, note=note, public=False)
    return locked


def set_priority(issue: Issue, *, priority: str, actor, reason: str = "") -> Issue:
    """A new priority re-plans this round's deadlines from its start, with the new policy (and
    the time on hold still counted as held)."""
    if priority not in Priority.values:
        raise IssueError(_("Unknown priority: %(p)s") % {"p": priority})
    with transaction.atomic():
        locked = _lock_for_correction(issue, actor=actor)
        locked.priority = priority
        replanned = sla.replan(locked)
        locked.save(update_fields=["priority", *replanned, "updated_at"])
        note = labelled_note(Priority(priority).label, reason)
        record(locked, IssueEvent.Type.PRIORITY, actor=actor, note=note, public=False)
    return locked


def set_category(issue: Issue, *, category: Category | None, actor) -> Issue:
    """An urgent matter given a category is sent to its departments (send_required_dispatches)."""
    with transaction.atomic():
        locked = _lock_for_correction(issue, actor=actor)
        locked.category = category
        locked.save(update_fields=["category", "updated_at"])
        record(locked, IssueEvent.Type.CATEGORY, actor=actor, note=str(category or "—"), public=False)
        send_required_dispatches(locked, actor=actor)
    return locked
