"""Routing a new report: the outbox row written with it, the relay that publishes it, and the
task's work: assignment to whoever is on duty and, for urgent matters, 派单 in parallel to the
departments its category needs.

The Outbox row is written in the same transaction as the issue. `publish_route` hands it to
Celery after the commit; if the broker is down the row stays undone and the SLA sweep publishes
it again a minute later. `route_issue` is safe to run any number of times: only an unrouted issue
is routed, under a row lock, and the outbox row is marked done in the same transaction.
"""

import datetime as dt
import inspect
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing import config_cache, rows
from workstations.services import grid_worker_for

from . import extensions, lifecycle, notify, sla
from .dispatch import send_required_dispatches
from .lifecycle import Action, Status
from .models import Category, Issue, IssueEvent, Kind, Outbox
from .notes import system_note
from .transitions import record, station_heads

logger = logging.getLogger(__name__)


def resend_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)


def _active_categories() -> list[tuple[Category, list[str]]]:
    return [(c, c.keyword_list()) for c in Category.objects.filter(is_active=True).order_by("name", "id")]


def match_category(description: str) -> Category | None:
    """The first active category (by name) one of whose keywords appears in the text. The
    categories are read once per process and configuration version (minqing.config_cache)."""
    for category, words in config_cache.get("issues.categories", _active_categories):
        if any(word in description for word in words):
            return category
    return None


def write_route_outbox(issue: Issue, now: dt.datetime) -> None:
    """Inside the issue's transaction: the promise to route it, and its publish after commit."""
    rows.insert(Outbox(topic=Outbox.Topic.ROUTE, issue=issue, publish_after=now + resend_after()))
    issue_id = issue.pk
    transaction.on_commit(lambda: publish_route(issue_id), robust=True)


def publish_route(issue_id: int) -> None:
    """Hand the routing to Celery. If the broker is down the outbox row stays undone and the SLA
    sweep sends it again; the resident never sees the error."""
    from .tasks import route_issue_task

    try:
        route_issue_task.apply_async(args=[issue_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the outbox row is the record
        logger.warning("could not publish routing of issue %s; the sweep will retry", issue_id, exc_info=True)


def _on_duty(issue: Issue, now: dt.datetime):
    """workstations.services.grid_worker_for, with the moment and urgency when it takes them."""
    params = inspect.signature(grid_worker_for).parameters
    if "urgent" in params:
        return grid_worker_for(issue.grid, at=now, urgent=issue.kind == Kind.URGENT)
    return grid_worker_for(issue.grid)


def route_issue(issue_id: int) -> Issue | None:
    """Give a new issue to whoever is on duty for its grid; for an urgent one, send 派单 to its
    category's departments at the same time (issues.dispatch.send_required_dispatches, also when
    staff got to the issue first). Returns None if it was routed already (staff assigning it
    before routing ran did both). What it tells people is written in the workstation's language,
    whichever request or worker runs it."""
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        issue = (
            Issue.objects.select_for_update()
            .select_related("location", "grid")
            .filter(pk=issue_id, routed_at__isnull=True)
            .first()
        )
        Outbox.objects.filter(issue_id=issue_id, topic=Outbox.Topic.ROUTE, done_at__isnull=True).update(done_at=now)
        if issue is None:
            return None
        issue.routed_at = now
        if issue.status != Status.NEW or issue.assignee_id:
            # Staff got to it first (assigned, answered, merged, put on hold): nothing to route,
            # but an urgent matter still goes to its departments (if it is open and they have not
            # had it yet).
            issue.save(update_fields=["routed_at", "updated_at"])
            _tell_resident_received(issue)
            send_required_dispatches(issue, inline=True)
            return issue
        for hook in extensions.hooks("route"):
            # Another app routes it (estates: a property-service complaint to its company).
            claimed = hook(issue, now)
            if claimed is not None:
                send_required_dispatches(claimed, inline=True)
                return claimed
        worker = _on_duty(issue, now)
        if worker is None:
            issue.save(update_fields=["routed_at", "updated_at"])
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
            _tell_resident_received(issue)
        else:
            old = issue.status
            issue.status = lifecycle.target_of(issue.status, Action.ASSIGN, issue.kind)
            issue.assignee = worker
            issue.assigned_at = now
            issue.sla_next_at = sla.next_check(issue)
            issue.save(update_fields=["status", "assignee", "routed_at", "assigned_at", "sla_next_at", "updated_at"])
            record(
                issue,
                IssueEvent.Type.ASSIGNED,
                old_status=old,
                new_status=issue.status,
                note=system_note(gettext_lazy("A grid worker of %(grid)s is on it."), grid=issue.grid.name),
            )
            notify.queue(
                worker,
                key=f"assigned:{issue.pk}:{worker.pk}:{now.isoformat()}",
                issue=issue,
                subject=_("[%(ref)s] New task at %(loc)s") % {"ref": issue.reference, "loc": issue.location},
                body=_("%(kind)s: %(text)s\nOpen your task list: %(url)s")
                % {
                    "kind": issue.get_kind_display(),
                    "text": issue.description,
                    "url": notify.issue_link(worker.pk, issue),
                },
                inline=True,
            )
            notify.queue_resident(
                issue,
                key=f"resident:assigned:{issue.pk}",
                body=_("Your report %(ref)s has been given to a grid worker.") % {"ref": issue.reference},
                inline=True,
            )
        send_required_dispatches(issue, inline=True)
    return issue


def _tell_resident_received(issue: Issue) -> None:
    """Routing gave the report to nobody (staff had it first, or no grid worker is set): the
    resident who left a phone still hears, once, that it arrived and who will arrange it."""
    notify.queue_resident(
        issue,
        key=f"resident:received:{issue.pk}",
        body=_("Your report %(ref)s has been received. The workstation will arrange for it to be handled.")
        % {"ref": issue.reference},
        inline=True,
    )
