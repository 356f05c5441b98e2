"""The resident's side of the loop: the QR form's report (through the one intake,
issues.intake), what a tracking link shows, notes and photos added while the report is open,
and, when the resident never answers, a reminder and then closing. `photos` here are
issues.photos.CleanPhoto objects (already re-encoded)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Location

from . import notify, publish, sla
from .intake import MAX_PHOTOS_PER_ISSUE, create_issue, save_photos
from .lifecycle import Action, Status
from .models import Intake, Issue, IssueEvent, IssuePhoto, Notification, NotificationKind, hash_token
from .notes import split, system_note
from .people import station_heads
from .transitions import IssueError, lock, transition

# --- What a tracking link shows (the page and the API) ------------------------------------------


def find_by_token(token: str) -> Issue | None:
    """The issue of a tracking token, with its place and workstation (one query; the workstation
    is denormalised onto the issue, so no more of the place hierarchy is needed)."""
    if not token:
        return None
    return Issue.objects.select_related("location", "workstation").filter(tracking_token_hash=hash_token(token)).first()


def public_events(issue: Issue) -> list[IssueEvent]:
    """The timeline the resident sees, oldest first."""
    return list(IssueEvent.objects.filter(issue_id=issue.pk, is_public=True).order_by("created_at", "id"))


def photos_of(issue: Issue) -> list[IssuePhoto]:
    """The photos the resident sees: those that came with public events (the report, their notes)."""
    return list(IssuePhoto.objects.filter(issue_id=issue.pk, is_public=True).order_by("id"))


def submit_report(
    location: Location,
    *,
    description: str,
    kind: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    photos=(),
    idempotency_key: str | None = None,
    property_service: bool = False,
) -> tuple[Issue, str, bool]:
    """A resident's report from the QR form: the one intake (issues.intake.create_issue, which
    applies the keyword rules), with its photos, in one transaction. `property_service`: the
    resident chose 物业服务 (offered at a location inside an estate)."""
    return create_issue(
        location,
        description=description,
        kind=kind,
        channel=Intake.QR,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        photos=photos,
        idempotency_key=idempotency_key,
        property_service=property_service,
    )


def add_resident_note(issue: Issue, *, note: str = "", photos=()) -> IssueEvent:
    """The resident adds a few words or photos while the report is open. The assignee is told."""
    note = note.strip()
    if not note and not photos:
        raise IssueError(_("Please write something or choose a photo."))
    with transaction.atomic():
        issue = Issue.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=issue.pk)
        if not issue.is_open:
            raise IssueError(_("This report is no longer open, so nothing can be added to it."))
        if photos and issue.photos.count() + len(photos) > MAX_PHOTOS_PER_ISSUE:
            raise IssueError(_("A report can have at most %(max)d photos in all.") % {"max": MAX_PHOTOS_PER_ISSUE})
        save_photos(issue, photos, public=True)
        written = note or system_note(gettext_lazy("Added %(n)d photo(s)."), n=len(photos))
        note, source = split(written)
        event = IssueEvent.objects.create(
            issue=issue, type=IssueEvent.Type.RESIDENT_NOTE, note=note, note_source=source
        )
        issue.save(update_fields=["updated_at"])
        if issue.assignee is not None:
            # Recorded with the note, delivered by a worker after the commit.
            notify.queue(
                issue.assignee,
                key=f"resident-note:{event.pk}",
                issue=issue,
                subject=_("[%(ref)s] The resident added something") % {"ref": issue.reference},
                body=note,
            )
    return event


# --- The resident's answer -----------------------------------------------------------------------


def confirm_issue(issue: Issue, *, rating: int | None = None, comment: str = "") -> Issue:
    """The resident confirms it is solved, and may rate the handling (a rating is offered, never
    required: without one the issue counts as solved but not in the satisfaction rate); this
    closes the loop."""
    if rating is not None and rating not in range(1, 6):
        raise IssueError(_("Please choose a rating from 1 to 5."))
    comment = comment.strip()
    if rating is None:
        note = system_note(gettext_lazy("Solved, without a rating. %(comment)s"), comment=comment)
    else:
        note = system_note(gettext_lazy("Rated %(n)s of 5. %(comment)s"), n=rating, comment=comment)
    with transaction.atomic():
        locked = lock(issue)
        locked.closed_at, locked.rating, locked.rating_comment = timezone.now(), rating, comment
        return transition(
            locked,
            Action.CONFIRM,
            actor=None,
            event_type=IssueEvent.Type.CONFIRMED,
            note=note,
            fields=["closed_at", "rating", "rating_comment"],
        )


def reopen_issue(issue: Issue, *, reason: str) -> Issue:
    """The resident says it is not solved: back to the same handler, with the reason.

    The reopened issue is a new round of work: its SLA clock restarts now and it can be
    escalated again (from the bottom of the ladder) if this round misses its deadlines."""
    reason = reason.strip()
    if not reason:
        raise IssueError(_("Please tell us what is still wrong."))
    with transaction.atomic():
        locked = lock(issue)
        now = timezone.now()
        locked.resolved_at = None  # and, being reopened, the acceptance and the visit (transition)
        new_round = sla.start_round(locked, now)
        transition(
            locked,
            Action.REOPEN,
            actor=None,
            event_type=IssueEvent.Type.REOPENED,
            note=reason,
            fields=["resolved_at", *new_round],
        )
        people = [locked.assignee] if locked.assignee_id else station_heads(locked.workstation_id)
        with notify.workstation_language():
            for person in people:
                notify.queue(
                    person,
                    key=f"reopened:{locked.pk}:{person.pk}:{now.isoformat()}",
                    issue=locked,
                    subject=_("[%(ref)s] Reopened by the resident") % {"ref": locked.reference},
                    body=reason,
                )
    return locked


# --- Waiting for the resident's answer: a reminder the day before, then closing ----------------


def reminder_key(issue: Issue) -> str:
    """One reminder per resolution round: an issue reopened and resolved again has a new
    resolved_at, so a new key (as the "resolved" message of issues.handling.resolve_issue)."""
    return f"resident:confirm-reminder:{issue.pk}:{issue.resolved_at.isoformat()}"


def due_for_reminder(now: dt.datetime):
    """Resolved issues in their last day before closing (resolved RESIDENT_CONFIRM_DAYS - 1 days
    ago or more, but not yet RESIDENT_CONFIRM_DAYS), whose resident left a phone and has not been
    reminded this round. The last condition is a NOT EXISTS on the issue's own notifications
    (an index probe on notification.issue_id): a reminder written after the issue was resolved,
    i.e. this round's, so an issue leaves the selection once reminded instead of being picked
    again at every beat tick for the rest of the day; a reminder of an earlier round (written
    before the resident reopened it) does not count."""
    days = settings.RESIDENT_CONFIRM_DAYS
    reminded = Notification.objects.filter(
        issue=OuterRef("pk"), kind=NotificationKind.REMINDER, created_at__gte=OuterRef("resolved_at")
    )
    return (
        Issue.objects.filter(
            status=Status.RESOLVED,
            resolved_at__lte=now - dt.timedelta(days=days - 1),
            resolved_at__gt=now - dt.timedelta(days=days),
        )
        .exclude(reporter_phone="")
        .filter(~Exists(reminded))
    )


def _taken_for_reminder(now: dt.datetime, batch: int) -> list[Issue]:
    """Up to `batch` issues due for a reminder, locked until the commit (rows another
    transaction holds, e.g. the resident confirming right now, are skipped: the next tick sees
    them again, if they are still resolved)."""
    return list(
        due_for_reminder(now)
        .select_for_update(skip_locked=True)
        .order_by("resolved_at", "id")
        .only("id", "reference", "reporter_phone", "resolved_at")[:batch]
    )


def remind_unconfirmed(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """The day before an unanswered report is closed, its resident (if they left a phone) is
    reminded by SMS, once per resolution round; the tracking link is added when it is sent
    (notify.with_tracking_link). Returns how many issues were taken.

    A batch is two statements however large it is: the due issues (due_for_reminder, locked
    while the reminders are written, so none is written for a report answered meanwhile) and one
    INSERT of their notifications. Two sweepers at once write the same (key, channel) at most
    once: the INSERT skips keys already there (the unique constraint), so a sweeper that read
    the issues before the other's commit adds nothing. A full batch leaves the rest to the next
    beat tick (every 15 minutes; the reminder window is a day). Nothing when
    RESIDENT_CONFIRM_DAYS is 1 or less: the day before closing is the day it was resolved."""
    if settings.RESIDENT_CONFIRM_DAYS <= 1:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        issues = _taken_for_reminder(now, batch)
        if not issues:
            return 0
        with translation.override(settings.LANGUAGE_CODE):  # residents are written to in Chinese
            text = _(
                "Your report %(ref)s has been resolved. Please confirm by tomorrow whether it is solved; "
                "without an answer it will be closed as 'no rating'."
            )
        notifications = [
            n
            for issue in issues
            for n in notify.build_for_resident(
                issue, key=reminder_key(issue), body=text % {"ref": issue.reference}, kind=NotificationKind.REMINDER
            )
        ]
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        # Whatever is unsent: the new rows' ids are not known (skipped conflicts).
        transaction.on_commit(lambda: publish.delivery(None), robust=True)
    return len(issues)


def awaiting_confirmation_too_long(now: dt.datetime):
    """Resolved issues the resident has not answered for RESIDENT_CONFIRM_DAYS."""
    cutoff = now - dt.timedelta(days=settings.RESIDENT_CONFIRM_DAYS)
    return Issue.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff)


def close_unconfirmed(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close, with no rating, what the resident has not confirmed in time. Never counted as
    satisfied: the rating stays empty. Safe with two sweepers: each row is re-checked under
    its lock, and one that was confirmed or reopened meanwhile is left alone."""
    now = now or timezone.now()
    closed = 0
    ids = list(awaiting_confirmation_too_long(now).order_by("resolved_at").values_list("id", flat=True)[:batch])
    for issue_id in ids:
        with transaction.atomic():
            issue = (
                awaiting_confirmation_too_long(now)
                .select_for_update(of=("self",))
                .select_related("workstation")  # its phone, for the resident's closing notice
                .filter(pk=issue_id)
                .first()
            )
            if issue is None:
                continue
            issue.closed_at = now
            transition(
                issue,
                Action.CLOSE_UNCONFIRMED,
                actor=None,
                event_type=IssueEvent.Type.UNCONFIRMED,
                note=system_note(
                    gettext_lazy("No answer from the resident within %(n)d days: closed without a rating."),
                    n=settings.RESIDENT_CONFIRM_DAYS,
                ),
                fields=["closed_at"],
            )
            _tell_closed_unanswered(issue)
        closed += 1
    return closed


def _tell_closed_unanswered(issue: Issue) -> None:
    """The resident who left a phone hears that the report was closed for want of an answer, and
    what to do if it is not solved."""
    values = {"ref": issue.reference, "n": settings.RESIDENT_CONFIRM_DAYS, "phone": issue.workstation.phone}
    with translation.override(settings.LANGUAGE_CODE):  # residents are written to in Chinese
        if values["phone"]:
            body = _(
                "Your report %(ref)s was closed because we had no answer within %(n)d days. If it is not "
                "solved, please report it again or call the workstation: %(phone)s."
            )
        else:
            body = _(
                "Your report %(ref)s was closed because we had no answer within %(n)d days. If it is not "
                "solved, please report it again."
            )
        body = body % values
    notify.queue_resident(issue, key=f"resident:closed-unanswered:{issue.pk}", body=body, kind=NotificationKind.CLOSED)
