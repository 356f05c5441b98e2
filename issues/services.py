"""Every write to an issue goes through a function here (or in the topic modules it gathers:
issues.routing, issues.handling, issues.dispatch, issues.escalation). Views, API endpoints, tasks
and the admin call these; none of them sets `status` itself. Each transition checks the
lifecycle table, saves with `update_fields` and appends an `IssueEvent` in the same transaction
(issues.transitions)."""

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
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing import rows
from workstations.models import Location

from . import lifecycle, notify, sla
from .dispatch import (  # noqa: F401 - the public surface of issues.services
    acknowledge_dispatch,
    complete_dispatch,
    dispatch_issue,
    return_dispatch,
)
from .escalation import escalate_overdue, overdue_issues, sla_sweep  # noqa: F401
from .handling import (  # noqa: F401
    adopt_issue,
    answer_issue,
    assign_issue,
    coordinate_issue,
    decline_issue,
    hand_back_issue,
    hold_issue,
    merge_issue,
    reassign_issue,
    record_milestone,
    resume_issue,
    set_category,
    set_priority,
    start_issue,
    triage_issue,
)
from .lifecycle import Action, Status
from .models import Category, Issue, IssueEvent, IssuePhoto, Kind, Priority, ReferenceCounter, hash_token
from .notes import Note, system_note
from .routing import match_category, publish_route, route_issue, write_route_outbox  # noqa: F401
from .transitions import IssueError, must_be_assignee, must_be_staff_or_assignee, station_heads  # noqa: F401
from .transitions import transition as _transition

logger = logging.getLogger(__name__)
User = get_user_model()

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_must_be_assignee = must_be_assignee


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
    """The next number of the day for the location's subdistrict: one upsert that returns the new
    value where the database can (PostgreSQL, SQLite 3.35+). Inside the caller's transaction the
    counter row stays locked until the commit, so numbers are never handed out twice."""
    prefix = f"{location.grid.neighbourhood.workstation.subdistrict.code}-{timezone.localtime(when):%Y%m%d}"
    if connection.features.can_return_columns_from_insert:
        table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (prefix, value) VALUES (%s, 1) "
                f"ON CONFLICT (prefix) DO UPDATE SET value = {table}.value + 1 RETURNING value",
                [prefix],
            )
            (value,) = cursor.fetchone()
        return f"{prefix}-{value:04d}"
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
    priority: str = Priority.NORMAL,
    urgent_keywords: str = "",
    category: Category | None = None,
    property_service: bool = False,
) -> tuple[Issue, str, bool]:
    """Write a resident's report, its deadlines and the outbox row that promises its routing, in
    one transaction; publish the routing after the commit. `urgent_keywords` (issues.keywords'
    words found in the text) flags the issue for staff, with an internal event. `category`, when
    the caller knows it (an Open311 service of one category), is kept; otherwise the text's
    keywords choose it.

    Returns (issue, tracking token, created). A second submission with the same idempotency key
    returns the first issue with `created` False and writes nothing: the unique key refuses its
    INSERT (the transaction, reference number included, rolls back) and the first is returned.
    With photos the key is looked up first, so that a retry stores no files.

    Categories and SLA policies come from minqing.config_cache (no query while unchanged)."""
    key = valid_idempotency_key(idempotency_key)
    token = tracking_token_for(key)
    if key and photos:
        existing = Issue.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _repeated(existing, location), token, False
    now = timezone.now()
    kind = kind or Kind.CONSULT
    if kind not in Kind.values:
        raise IssueError(_("Unknown kind of matter: %(kind)s") % {"kind": kind})
    if priority not in Priority.values:
        raise IssueError(_("Unknown priority: %(p)s") % {"p": priority})
    description = description.strip()
    issue = Issue(
        kind=kind,
        priority=priority,
        description=description,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        location=location,
        workstation_id=location.grid.neighbourhood.workstation_id,
        grid_id=location.grid_id,
        tracking_token_hash=hash_token(token),
        idempotency_key=key,
        category=category or match_category(description),
        urgent_keywords=urgent_keywords[:200],
        property_service=bool(property_service),
    )
    sla.start_round(issue, now, calendar=sla.cached_calendar(), table=sla.cached_targets())
    try:
        with transaction.atomic():
            issue.reference = next_reference(location, now)
            rows.insert(issue)  # issue.save(force_insert=True), its statement built once
            for photo in photos:
                IssuePhoto.objects.create(issue=issue, image=photo)
            rows.insert(IssueEvent(issue=issue, type=IssueEvent.Type.CREATED, new_status=Status.NEW))
            if issue.urgent_keywords:
                note, source = system_note(
                    gettext_lazy("Urgent keywords in the report: %(words)s. Please check the kind."),
                    words=issue.urgent_keywords,
                )
                rows.insert(
                    IssueEvent(
                        issue=issue, type=IssueEvent.Type.FLAGGED, note=note, note_source=source, is_public=False
                    )
                )
            write_route_outbox(issue, now)
    except IntegrityError:
        # The same key was sent before, or raced in from a second tap: the first one won.
        existing = Issue.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return _repeated(existing, location), token, False
    return issue, token, True


def _repeated(existing: Issue, location: Location) -> Issue:
    """The first issue of a repeated idempotency key, if it was sent at the same place. Keys are
    the caller's to choose: the same key from another place (another workstation's system) is
    refused, never answered with someone else's issue and its resident's tracking token."""
    if existing.location_id != location.pk:
        raise IssueError(_("This idempotency key was already used for another report."))
    return existing


# --- The handler's steps -------------------------------------------------------------------


def accept_issue(issue: Issue, *, actor: User) -> Issue:
    """The assignee takes the issue on. Of two concurrent accepts, the second finds the issue
    accepted already and gets IllegalTransition (a 409 in the API, a message on the page)."""
    return _transition(
        issue.pk,
        Action.ACCEPT,
        actor=actor,
        event_type=IssueEvent.Type.ACCEPTED,
        check=must_be_assignee(actor),
        accepted_at=timezone.now(),
    )


def arrive_issue(issue: Issue, *, actor: User, note: Note | str = "") -> Issue:
    """On site: the resident's timeline says so. `note`: the desk's check-in adds where the phone
    was (if the worker allowed it), as a system_note; that is the worker's whereabouts, so it goes
    on the staff's timeline only, as a note beside the public event."""
    from .transitions import record

    note = note if isinstance(note, Note) else note.strip()

    def staff_note(locked: Issue, old_status: str) -> None:
        if note.text if isinstance(note, Note) else note:
            record(locked, IssueEvent.Type.NOTE, actor=actor, note=note, public=False)

    return _transition(
        issue.pk,
        Action.ARRIVE,
        actor=actor,
        event_type=IssueEvent.Type.ARRIVED,
        check=must_be_assignee(actor),
        after=staff_note,
        on_site_at=timezone.now(),
    )


def _dispatches_settled(actor, override_reason: str):
    """A check: required dispatches still open block resolving, unless staff override in writing."""
    from .dispatch import open_required
    from .transitions import is_staff_for, record

    reason = (override_reason or "").strip()

    def check(issue: Issue) -> None:
        pending = list(open_required(issue).select_related("department"))
        if not pending:
            return
        names = "、".join(d.department.name for d in pending)
        if not reason:
            raise IssueError(
                _("Waiting for: %(depts)s. Staff can resolve anyway with a written reason.") % {"depts": names}
            )
        if not is_staff_for(actor, issue):
            raise IssueError(_("Only the workstation's staff can resolve with departments still working."))
        record(issue, IssueEvent.Type.OVERRIDE, actor=actor, note=f"{names}: {reason}", public=False)

    return check


def _resolved_notice(issue: Issue, old_status: str) -> None:
    notify.queue_resident(
        issue,
        key=f"resident:resolved:{issue.pk}:{issue.resolved_at.isoformat()}",
        body=_(
            "Your report %(ref)s is resolved. Please open your tracking link to confirm or tell us it is not solved."
        )
        % {"ref": issue.reference},
    )


def resolve_issue(issue: Issue, *, actor: User, note: str, override_reason: str = "") -> Issue:
    """The assignee (or, for coordinated and community matters, staff) says it is done. Required
    dispatches must be done first, unless staff override with `override_reason`."""
    note = note.strip()
    if not note:
        raise IssueError(_("Please say what was done."))
    settled = _dispatches_settled(actor, override_reason)
    who = must_be_assignee(actor) if issue.kind in (Kind.CONSULT, Kind.URGENT) else must_be_staff_or_assignee(actor)

    def check(locked: Issue) -> None:
        who(locked)
        lifecycle.target_of(locked.status, Action.RESOLVE, locked.kind)
        settled(locked)

    now = timezone.now()
    return _transition(
        issue.pk,
        Action.RESOLVE,
        actor=actor,
        event_type=IssueEvent.Type.RESOLVED,
        note=note,
        check=check,
        after=_resolved_notice,
        resolved_at=now,
        resolution=note,
    )


# --- The resident's answer -----------------------------------------------------------------


def confirm_issue(issue: Issue, *, rating: int, comment: str = "") -> Issue:
    """The resident confirms it is solved and rates the handling; this closes the loop."""
    if rating not in range(1, 6):
        raise IssueError(_("Please choose a rating from 1 to 5."))
    return _transition(
        issue.pk,
        Action.CONFIRM,
        actor=None,
        event_type=IssueEvent.Type.CONFIRMED,
        note=system_note(gettext_lazy("Rated %(n)s of 5. %(comment)s"), n=rating, comment=comment.strip()),
        closed_at=timezone.now(),
        rating=rating,
        rating_comment=comment.strip(),
    )


def reopen_issue(issue: Issue, *, reason: str) -> Issue:
    """The resident says it is not solved: back to the same handler, with the reason.

    The reopened issue is a new round of work: its SLA clock restarts now and it can be
    escalated again (from the bottom of the ladder) if this round misses its deadlines."""
    reason = reason.strip()
    if not reason:
        raise IssueError(_("Please tell us what is still wrong."))
    now = timezone.now()

    def new_round(locked: Issue, old_status: str) -> list[str]:
        locked.resolved_at = None  # and, being reopened, the acceptance and the visit (transitions)
        return ["resolved_at", *sla.start_round(locked, now)]

    def tell(locked: Issue, old_status: str) -> None:
        people = [locked.assignee] if locked.assignee_id else station_heads(locked.workstation_id)
        for person in people:
            notify.queue(
                person,
                key=f"reopened:{locked.pk}:{person.pk}:{now.isoformat()}",
                issue=locked,
                subject=_("[%(ref)s] Reopened by the resident") % {"ref": locked.reference},
                body=reason,
            )

    return _transition(
        issue.pk,
        Action.REOPEN,
        actor=None,
        event_type=IssueEvent.Type.REOPENED,
        note=reason,
        prepare=new_round,
        after=tell,
    )


# --- Resident ------------------------------------------------------------------------------
# The resident's side of the loop (issue 4) lives in issues.resident; part of this surface.

from .contact import reveal_phone, shown_phone  # noqa: E402,F401 - part of the public surface
from .resident import (  # noqa: E402,F401
    MAX_PHOTOS_PER_ISSUE,
    _save_photos,
    add_resident_note,
    awaiting_confirmation_too_long,
    close_unconfirmed,
    find_by_token,
    photos_of,
    public_events,
    submit_report,
)

# --- Desk ----------------------------------------------------------------------------------
# The workstation desk's writes (issue 6): a matter's kind, a handler's notes and photos, a grid
# worker asking for coordination. Matters logged at the window, by phone or on patrol are
# issues.worklog.log_matter.
from .worklog import log_matter  # noqa: E402,F401 - part of the public surface


def _replan(issue: Issue) -> list[str]:
    """This round's deadlines again from its start, for the issue's (new) kind and priority,
    keeping the time it spent on hold (issues.sla.replan)."""
    return sla.replan(issue)


def _resumable(issue: Issue, kind: str) -> bool:
    """An issue on hold can go back, as `kind`, to the status it was held from."""
    if issue.status != Status.ON_HOLD:
        return True
    try:
        lifecycle.target_of(issue.status, Action.RESUME, kind, previous=issue.held_from_status)
    except lifecycle.IllegalTransition:
        return False
    return True


def set_kind(issue: Issue, *, kind: str, actor: User, reason: str = "") -> Issue:
    """Staff correct the kind (a "consult" that is really urgent): the deadlines are re-planned
    from the round's start with the new kind's policy, and an issue made urgent is sent to its
    category's departments (send_required_dispatches). Refused where the new kind's flow has no
    way on from the current status."""
    from .dispatch import send_required_dispatches
    from .handling import _change, labelled_note

    if kind not in Kind.values:
        raise IssueError(_("Unknown kind of matter: %(kind)s") % {"kind": kind})

    def prepare(locked: Issue) -> list[str]:
        if locked.kind == kind:
            raise IssueError(_("It is already of this kind."))
        if not set(lifecycle.allowed_actions(locked.status, kind)) - {Action.MERGE} or not _resumable(locked, kind):
            raise IssueError(
                _("The kind cannot be changed while the issue is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        locked.kind = kind
        return ["kind", *_replan(locked)]

    note = labelled_note(Kind(kind).label, reason)
    return _change(
        issue,
        actor=actor,
        event_type=IssueEvent.Type.KIND,
        note=note,
        prepare=prepare,
        after=lambda locked: send_required_dispatches(locked, actor=actor),
    )


def add_work_note(issue: Issue, *, actor: User, note: str = "", photos=()) -> IssueEvent:
    """The handler (or staff) records what they saw or did, with photos (issues.photos.CleanPhoto).
    Internal: the resident's timeline does not show it."""
    from .transitions import record

    note = note.strip()
    if not note and not photos:
        raise IssueError(_("Please write something or choose a photo."))
    with transaction.atomic():
        locked = Issue.objects.select_for_update(of=("self",)).get(pk=issue.pk)
        must_be_staff_or_assignee(actor)(locked)
        if locked.status in lifecycle.FINAL_STATUSES:
            raise IssueError(_("This issue is no longer open."))
        if photos and locked.photos.count() + len(photos) > MAX_PHOTOS_PER_ISSUE:
            raise IssueError(_("A report can have at most %(max)d photos in all.") % {"max": MAX_PHOTOS_PER_ISSUE})
        _save_photos(locked, photos)
        if photos and note:
            note = system_note(gettext_lazy("%(note)s\nAdded %(n)d photo(s)."), note=note, n=len(photos))
        elif photos:
            note = system_note(gettext_lazy("Added %(n)d photo(s)."), n=len(photos))
        event = record(locked, IssueEvent.Type.NOTE, actor=actor, note=note, public=False)
        locked.save(update_fields=["updated_at"])
    return event


def request_coordination(issue: Issue, *, actor: User, reason: str) -> Issue:
    """The grid worker cannot solve it alone: it becomes a complex matter (难事共办) and goes back
    to the workstation, whose staff triage it and send 派单."""
    from .transitions import require_text

    reason = require_text(reason, _("Please say why it needs coordination."))

    def prepare(locked: Issue, old_status: str) -> list[str]:
        locked.kind = Kind.COMPLEX
        return ["kind", *_replan(locked)]

    def after(locked: Issue, old_status: str) -> None:
        for head in station_heads(locked.workstation_id):
            notify.queue(
                head,
                key=f"coordination:{locked.pk}:{head.pk}:{timezone.now().isoformat()}",
                issue=locked,
                subject=_("[%(ref)s] Coordination requested") % {"ref": locked.reference},
                body=reason,
            )

    return _transition(
        issue.pk,
        Action.HAND_BACK,
        actor=actor,
        event_type=IssueEvent.Type.HANDED_BACK,
        note=system_note(gettext_lazy("Needs coordination: %(reason)s"), reason=reason),
        public=False,
        check=must_be_assignee(actor),
        prepare=prepare,
        after=after,
        assignee=None,  # back to new: the acceptance and the visit go too (transitions._not_taken_on)
    )
