"""Every write to an issue goes through a function here. Views, tasks and the admin call these;
none of them sets `status` itself. Each transition checks `lifecycle`, saves with
`update_fields` and appends an `IssueEvent` in the same transaction."""

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workstations.models import Location, Role
from workstations.services import grid_worker_for

from . import lifecycle, notify, sla
from .lifecycle import Action, Status
from .models import Issue, IssueEvent, IssuePhoto, Kind, ReferenceCounter, hash_token

logger = logging.getLogger(__name__)
User = get_user_model()

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class IssueError(Exception):
    """A request that the rules refuse; `message` is safe to show to the person."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Creating ------------------------------------------------------------------------------


def tracking_token_for(idempotency_key: str | None) -> str:
    """The resident's secret link token. With an idempotency key it is derived from it, so a
    retried submission can lead back to the same tracking page although we store only a hash."""
    if idempotency_key:
        digest = hmac.new(settings.SECRET_KEY.encode(), b"tracking:" + idempotency_key.encode(), hashlib.sha256)
        return digest.hexdigest()[:40]
    return secrets.token_urlsafe(24)


def valid_idempotency_key(key: str | None) -> str | None:
    """Keys the page generates are random and long; anything else is ignored, not trusted."""
    return key if key and IDEMPOTENCY_KEY_RE.match(key) else None


def next_reference(location: Location, when: dt.datetime) -> str:
    prefix = f"{location.grid.neighbourhood.workstation.subdistrict.code}-{timezone.localtime(when):%Y%m%d}"
    with transaction.atomic():
        if not ReferenceCounter.objects.filter(prefix=prefix).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(prefix=prefix, value=1)
            except IntegrityError:
                ReferenceCounter.objects.filter(prefix=prefix).update(value=F("value") + 1)
        value = ReferenceCounter.objects.get(prefix=prefix).value
    return f"{prefix}-{value:04d}"


def create_issue(
    location: Location,
    *,
    description: str,
    kind: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: Iterable[ContentFile] = (),
    idempotency_key: str | None = None,
) -> tuple[Issue, str, bool]:
    """Write a resident's report and queue its routing after commit.

    Returns (issue, tracking token, created). A second submission with the same idempotency key
    returns the first issue with `created` False and writes nothing.
    """
    key = valid_idempotency_key(idempotency_key)
    token = tracking_token_for(key)
    if key:
        existing = Issue.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, token, False
    now = timezone.now()
    kind = kind or Kind.CONSULT
    if kind not in Kind.values:
        raise IssueError(_("Unknown kind of matter: %(kind)s") % {"kind": kind})
    accept_due, resolve_due = sla.deadlines(kind, now)
    try:
        with transaction.atomic():
            issue = Issue.objects.create(
                reference=next_reference(location, now),
                kind=kind,
                description=description.strip(),
                reporter_name=reporter_name.strip(),
                reporter_phone=reporter_phone.strip(),
                location=location,
                workstation_id=location.grid.neighbourhood.workstation_id,
                grid_id=location.grid_id,
                tracking_token_hash=hash_token(token),
                idempotency_key=key,
                accept_due_at=accept_due,
                resolve_due_at=resolve_due,
            )
            for photo in photos:
                IssuePhoto.objects.create(issue=issue, image=photo)
            IssueEvent.objects.create(issue=issue, type=IssueEvent.Type.CREATED, new_status=Status.NEW)
            transaction.on_commit(lambda: publish_route(issue.pk), robust=True)
    except IntegrityError:
        # The same key raced in from a second tap: the first one won.
        existing = Issue.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, token, False
    return issue, token, True


def find_by_token(token: str) -> Issue | None:
    return (
        Issue.objects.select_related("location__grid__neighbourhood__workstation")
        .filter(tracking_token_hash=hash_token(token))
        .first()
    )


def publish_route(issue_id: int) -> None:
    """Hand the routing to Celery. If the broker is down the issue stays unrouted in the
    database and the SLA sweep sends it again; the resident never sees the error."""
    from .tasks import route_issue_task

    try:
        route_issue_task.apply_async(args=[issue_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the outbox row is the record
        logger.warning("could not publish routing of issue %s; the sweep will retry", issue_id, exc_info=True)


# --- Transitions ---------------------------------------------------------------------------


def _transition(
    issue_id: int,
    action: str,
    *,
    actor: User | None,
    event_type: str,
    note: str = "",
    public: bool = True,
    check=None,
    **changes,
) -> Issue:
    """Lock the row, check the table, apply `changes`, write the event. One atomic block."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue_id)
        if check is not None:
            check(issue)
        new_status = lifecycle.target_of(issue.status, action)
        old_status = issue.status
        issue.status = new_status
        for field, value in changes.items():
            setattr(issue, field, value)
        issue.save(update_fields=["status", "updated_at", *changes])
        IssueEvent.objects.create(
            issue=issue,
            type=event_type,
            actor=actor,
            old_status=old_status,
            new_status=new_status,
            note=note,
            is_public=public,
        )
    return issue


def _must_be_assignee(user: User):
    def check(issue: Issue) -> None:
        if issue.assignee_id != user.pk:
            raise IssueError(_("This task is not assigned to you."))

    return check


def route_issue(issue_id: int) -> Issue | None:
    """Give a new issue to its grid's worker. Safe to run twice: only a NEW, unrouted issue
    is routed, and the claim is a compare-and-set on `routed_at`."""
    now = timezone.now()
    with transaction.atomic():
        issue = (
            Issue.objects.select_for_update()
            .select_related("location", "grid")
            .filter(pk=issue_id, routed_at__isnull=True)
            .first()
        )
        if issue is None:
            return None
        worker = grid_worker_for(issue.grid)
        if worker is None:
            issue.routed_at = now
            issue.save(update_fields=["routed_at", "updated_at"])
            IssueEvent.objects.create(
                issue=issue,
                type=IssueEvent.Type.UNROUTED,
                note=_("No grid worker is set for %(grid)s.") % {"grid": issue.grid},
                is_public=False,
            )
            heads = station_heads(issue.workstation_id)
        else:
            old = issue.status
            issue.status = lifecycle.target_of(issue.status, Action.ASSIGN)
            issue.assignee = worker
            issue.routed_at = issue.assigned_at = now
            issue.save(update_fields=["status", "assignee", "routed_at", "assigned_at", "updated_at"])
            IssueEvent.objects.create(
                issue=issue,
                type=IssueEvent.Type.ASSIGNED,
                old_status=old,
                new_status=issue.status,
                note=_("A grid worker of %(grid)s is on it.") % {"grid": issue.grid},
            )
    if worker is None:
        for head in heads:
            notify.send(
                head,
                key=f"unrouted:{issue.pk}:{head.pk}",
                issue=issue,
                subject=_("[%(ref)s] No grid worker to route to") % {"ref": issue.reference},
                body=_("Issue %(ref)s at %(loc)s has no grid worker. Please assign it.")
                % {"ref": issue.reference, "loc": issue.location},
            )
    else:
        notify.send(
            worker,
            key=f"assigned:{issue.pk}:{worker.pk}:{issue.assigned_at.isoformat()}",
            issue=issue,
            subject=_("[%(ref)s] New task at %(loc)s") % {"ref": issue.reference, "loc": issue.location},
            body=_("%(kind)s: %(text)s\nOpen your task list: %(url)s")
            % {"kind": issue.get_kind_display(), "text": issue.description, "url": settings.SITE_URL + "/tasks/"},
        )
    return issue


def accept_issue(issue: Issue, *, actor: User) -> Issue:
    return _transition(
        issue.pk,
        Action.ACCEPT,
        actor=actor,
        event_type=IssueEvent.Type.ACCEPTED,
        check=_must_be_assignee(actor),
        accepted_at=timezone.now(),
    )


def arrive_issue(issue: Issue, *, actor: User) -> Issue:
    return _transition(
        issue.pk,
        Action.ARRIVE,
        actor=actor,
        event_type=IssueEvent.Type.ARRIVED,
        check=_must_be_assignee(actor),
        on_site_at=timezone.now(),
    )


def resolve_issue(issue: Issue, *, actor: User, note: str) -> Issue:
    note = note.strip()
    if not note:
        raise IssueError(_("Please say what was done."))
    return _transition(
        issue.pk,
        Action.RESOLVE,
        actor=actor,
        event_type=IssueEvent.Type.RESOLVED,
        note=note,
        check=_must_be_assignee(actor),
        resolved_at=timezone.now(),
        resolution=note,
    )


def confirm_issue(issue: Issue, *, rating: int, comment: str = "") -> Issue:
    """The resident confirms it is solved and rates the handling; this closes the loop."""
    if rating not in range(1, 6):
        raise IssueError(_("Please choose a rating from 1 to 5."))
    return _transition(
        issue.pk,
        Action.CONFIRM,
        actor=None,
        event_type=IssueEvent.Type.CONFIRMED,
        note=_("Rated %(n)s of 5.") % {"n": rating} + (f" {comment.strip()}" if comment.strip() else ""),
        closed_at=timezone.now(),
        rating=rating,
        rating_comment=comment.strip(),
    )


def reopen_issue(issue: Issue, *, reason: str) -> Issue:
    """The resident says it is not solved: back to the same grid worker, with the reason.

    The reopened issue is a new round of work: its SLA clock restarts now and it can be
    escalated again if this round misses its deadlines."""
    reason = reason.strip()
    if not reason:
        raise IssueError(_("Please tell us what is still wrong."))
    accept_due, resolve_due = sla.deadlines(issue.kind, timezone.now())
    issue = _transition(
        issue.pk,
        Action.REOPEN,
        actor=None,
        event_type=IssueEvent.Type.REOPENED,
        note=reason,
        resolved_at=None,
        accepted_at=None,
        on_site_at=None,
        accept_due_at=accept_due,
        resolve_due_at=resolve_due,
        overdue_at=None,
    )
    if issue.assignee_id:
        notify.send(
            issue.assignee,
            key=f"reopened:{issue.pk}:{issue.updated_at.isoformat()}",
            issue=issue,
            subject=_("[%(ref)s] Reopened by the resident") % {"ref": issue.reference},
            body=reason,
        )
    return issue


# --- The SLA sweep -------------------------------------------------------------------------


def station_heads(workstation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            roles__kind=Role.Kind.STATION_HEAD, roles__workstation_id=workstation_id, is_active=True
        ).distinct()
    )


def overdue_issues(now: dt.datetime):
    open_statuses = list(lifecycle.OPEN_STATUSES)
    return Issue.objects.filter(overdue_at__isnull=True, status__in=open_statuses).filter(
        Q(accepted_at__isnull=True, accept_due_at__lt=now) | Q(resolved_at__isnull=True, resolve_due_at__lt=now)
    )


def escalate_overdue(issue_id: int, *, now: dt.datetime) -> bool:
    """Mark one issue overdue and escalate it to its station head, exactly once.

    The claim is a compare-and-set on `overdue_at`: of two sweeps that find the same issue,
    one updates the row and escalates; the other updates nothing and stops. The claim re-checks
    that the issue is still open and overdue: it may have been accepted or closed since the
    sweep listed it."""
    with transaction.atomic():
        if not overdue_issues(now).filter(pk=issue_id).update(overdue_at=now):
            return False
        issue = Issue.objects.select_related("location").get(pk=issue_id)
        missed = (
            _("acceptance")
            if issue.accepted_at is None and issue.accept_due_at and issue.accept_due_at < now
            else _("resolution")
        )
        IssueEvent.objects.create(
            issue=issue,
            type=IssueEvent.Type.OVERDUE,
            note=_("The %(what)s deadline was missed.") % {"what": missed},
            is_public=False,
        )
        heads = station_heads(issue.workstation_id)
        IssueEvent.objects.create(
            issue=issue,
            type=IssueEvent.Type.ESCALATED,
            note=_("Escalated to the station head: %(names)s")
            % {"names": ", ".join(h.get_full_name() or h.username for h in heads) or "—"},
            is_public=False,
        )
    for head in heads:
        notify.send(
            head,
            key=f"escalated:{issue.pk}:{head.pk}",
            issue=issue,
            subject=_("[%(ref)s] Overdue: %(loc)s") % {"ref": issue.reference, "loc": issue.location},
            body=_("The %(what)s deadline of %(ref)s was missed. %(url)s")
            % {"what": missed, "ref": issue.reference, "url": settings.SITE_URL + f"/staff/issues/{issue.pk}/"},
        )
    return True


def sla_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """One sweep: escalate missed deadlines, and re-send routing that never happened."""
    now = now or timezone.now()
    escalated = 0
    for issue_id in overdue_issues(now).order_by("id").values_list("id", flat=True)[:batch]:
        escalated += escalate_overdue(issue_id, now=now)
    cutoff = now - dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    resend = list(
        Issue.objects.filter(routed_at__isnull=True, created_at__lt=cutoff).values_list("id", flat=True)[:batch]
    )
    for issue_id in resend:
        publish_route(issue_id)
    return {"escalated": escalated, "resent": len(resend)}
