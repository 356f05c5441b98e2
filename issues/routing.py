"""Routing a new report (the routing task's work): assignment to whoever is on duty and, for
urgent matters, 派单 in parallel to the departments its category needs.

The report's outbox row was written with it (issues.intake); `route_issue` is safe to run any
number of times: only an unrouted issue is routed, under a row lock, and the outbox row is
marked done in the same transaction. What it tells people is written in the workstation's
language, whichever request or worker runs it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.services import grid_worker_for

from . import extensions, notify
from .dispatch import send_required_dispatches
from .lifecycle import Action, Status
from .models import Issue, IssueEvent, Kind, NotificationKind, Outbox
from .notes import system_note
from .people import station_heads
from .signals import issue_routed
from .transitions import record, transition


def route_issue(issue_id: int) -> Issue | None:
    """Give a new issue to whoever is on duty for its grid; for an urgent one, send 派单 to its
    category's departments at the same time (issues.dispatch.send_required_dispatches, also when
    staff got to the issue first). Returns None if it was routed already (staff assigning it
    before routing ran did both)."""
    now = timezone.now()
    with notify.workstation_language(), transaction.atomic():
        issue = (
            Issue.objects.select_for_update(of=("self",))
            .select_related("location", "grid")
            .filter(pk=issue_id, routed_at__isnull=True)
            .first()
        )
        Outbox.objects.filter(issue_id=issue_id, topic=Outbox.Topic.ROUTE, done_at__isnull=True).update(done_at=now)
        if issue is None:
            return None
        issue.routed_at = now
        worker = claimed = None
        if issue.status == Status.NEW and not issue.assignee_id:
            claimed = _claimed_by_extension(issue, now)
            if claimed is None:
                worker = grid_worker_for(issue.grid, at=now, urgent=issue.kind == Kind.URGENT)
        if claimed is not None:
            # Another app routed it itself, through issues.transitions (estates: a property-service
            # complaint to the estate's property company first, 有事先找我).
            issue = claimed
        elif worker is not None:
            issue.assignee, issue.assigned_at = worker, now
            transition(
                issue,
                Action.ASSIGN,
                actor=None,
                event_type=IssueEvent.Type.ASSIGNED,
                note=system_note(gettext_lazy("A grid worker of %(grid)s is on it."), grid=issue.grid.name),
                fields=["assignee", "assigned_at", "routed_at"],
            )
            _tell_assigned(issue, worker, now)
        else:
            # Staff got to it first (assigned, answered, merged, put on hold), or nobody is on
            # duty: nothing to route, but the resident hears it arrived.
            issue.save(update_fields=["routed_at", "updated_at"])
            if issue.status == Status.NEW and not issue.assignee_id:
                _tell_unrouted(issue)
            _tell_resident_received(issue)
        send_required_dispatches(issue, inline=True)
        issue_routed.send(sender=Issue, issue=issue)
    return issue


def _claimed_by_extension(issue: Issue, now) -> Issue | None:
    """The first `route` extension (issues.extensions) that routes the issue itself, before the
    grid worker's assignment; it must save `routed_at` with its own transition."""
    for hook in extensions.hooks("route"):
        claimed = hook(issue, now)
        if claimed is not None:
            return claimed
    return None


def _tell_assigned(issue: Issue, worker, now) -> None:
    notify.queue(
        worker,
        key=f"assigned:{issue.pk}:{worker.pk}:{now.isoformat()}",
        issue=issue,
        subject=_("[%(ref)s] New task at %(loc)s") % {"ref": issue.reference, "loc": issue.location},
        body=_("%(kind)s: %(text)s\nOpen your task list: %(url)s")
        % {"kind": issue.get_kind_display(), "text": issue.description, "url": notify.issue_link(worker.pk, issue)},
        inline=True,
    )
    notify.queue_resident(
        issue,
        key=f"resident:assigned:{issue.pk}",
        kind=NotificationKind.RECEIVED,
        body=_("Your report %(ref)s has been given to a grid worker.") % {"ref": issue.reference},
        inline=True,
    )


def _tell_unrouted(issue: Issue) -> None:
    record(
        issue,
        IssueEvent.Type.UNROUTED,
        note=system_note(gettext_lazy("No grid worker is set for %(grid)s."), grid=issue.grid.name),
        public=False,
    )
    for head in station_heads(issue.workstation_id):
        notify.queue(
            head,
            key=f"unrouted:{issue.pk}:{head.pk}",
            issue=issue,
            subject=_("[%(ref)s] No grid worker to route to") % {"ref": issue.reference},
            body=_("Issue %(ref)s at %(loc)s has no grid worker. Please assign it.")
            % {"ref": issue.reference, "loc": issue.location},
            inline=True,
        )


def _tell_resident_received(issue: Issue) -> None:
    """Routing gave the report to nobody (staff had it first, or no grid worker is set): the
    resident who left a phone still hears, once, that it arrived and who will arrange it."""
    notify.queue_resident(
        issue,
        key=f"resident:received:{issue.pk}",
        kind=NotificationKind.RECEIVED,
        body=_("Your report %(ref)s has been received. The workstation will arrange for it to be handled.")
        % {"ref": issue.reference},
        inline=True,
    )
