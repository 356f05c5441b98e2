"""Intake: the one way a report becomes an issue, whatever door it came through — the QR form
(issues.resident.submit_report), the REST API, Open311, the desk's walk-in and phone log and
patrol finds (issues.worklog.log_matter), and the apps built on top (estates, events …).

`create_issue` applies every rule of a new report in one transaction: the urgent-keyword rule
(issues.keywords: 燃气, 漏电 … flag the issue for staff and make it urgent when no kind was
chosen), the category (the text's keywords, unless the caller knows it), the SLA plan, the
reference number, the photos, and the outbox row that promises its routing (published after the
commit: issues.publish; re-published by the sweep if the broker was down)."""

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing import config_cache
from workstations.models import Location

from . import keywords, publish, sla, tracking
from .lifecycle import Status
from .models import (
    Category,
    Intake,
    Issue,
    IssueEvent,
    IssuePhoto,
    Kind,
    Outbox,
    PendingPhoto,
    Priority,
    ReferenceCounter,
    hash_token,
)
from .notes import system_note
from .photos import STORAGE_ERRORS
from .transitions import IssueError, record

MAX_PHOTOS_PER_ISSUE = 12
log = logging.getLogger(__name__)


def _active_categories() -> list[tuple[Category, list[str]]]:
    return [(c, c.keyword_list()) for c in Category.objects.filter(is_active=True).order_by("name", "id")]


def match_category(description: str) -> Category | None:
    """The first active category (by name) one of whose keywords appears in the text. The
    categories are read once per process and configuration version (minqing.config_cache)."""
    for category, words in config_cache.get("issues.categories", _active_categories):
        if any(word in description for word in words):
            return category
    return None


def next_reference(location: Location, when: dt.datetime) -> str:
    """The next number of the day for the location's subdistrict: one upsert that returns the new
    value where the database can (PostgreSQL, SQLite 3.35+). Inside the caller's transaction the
    counter row stays locked until the commit, so numbers are never handed out twice."""
    prefix = f"{location.grid.neighbourhood.workstation.subdistrict.code}-{timezone.localtime(when):%Y%m%d}"
    if connection.features.can_return_columns_from_insert:
        # The ORM has no upsert that returns the new value; one statement instead of three.
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


def save_photos(issue: Issue, photos, *, public: bool, after_repair: bool = False) -> int:
    """`photos`: issues.photos.CleanPhoto objects (already re-encoded, with their thumbnails).
    `public`: whether the event they come with is on the resident's timeline (a photo is shown
    to the resident only then). `after_repair`: taken by the handler when resolving.

    When the media store does not answer, the report is not lost with its photo: the photo's
    bytes wait in the database (PendingPhoto) until the SLA sweep stores them, and an internal
    event tells staff. Returns how many photos wait (also left on `issue.photos_waiting`)."""
    waiting: list[PendingPhoto] = []
    error: BaseException | None = None
    for photo in photos:
        try:
            with transaction.atomic():
                IssuePhoto.objects.create(
                    issue=issue,
                    image=photo.image,
                    thumbnail=photo.thumbnail,
                    is_public=public,
                    is_after_repair=after_repair,
                )
        except STORAGE_ERRORS as exc:
            error = exc
            log.warning("media store failed for a photo of %s; kept for the sweep", issue.reference, exc_info=True)
            waiting.append(
                PendingPhoto(
                    issue=issue,
                    image=_bytes(photo.image),
                    thumbnail=_bytes(photo.thumbnail),
                    is_public=public,
                    is_after_repair=after_repair,
                    retry_after=timezone.now(),
                    last_error=str(error)[:300],
                )
            )
    if waiting:
        PendingPhoto.objects.bulk_create(waiting)
        note = system_note(
            gettext_lazy(
                "%(n)d photo(s) could not be stored: the media store did not answer (%(error)s). "
                "They are kept with the report and stored as soon as the store answers again."
            ),
            n=len(waiting),
            error=str(error)[:200],
        )
        record(issue, IssueEvent.Type.FLAGGED, note=note, public=False)
    issue.photos_waiting = len(waiting)
    return len(waiting)


def _bytes(content) -> bytes:
    content.seek(0)
    return content.read()


def _write_route_outbox(issue: Issue, now: dt.datetime) -> None:
    """Inside the issue's transaction: the promise to route it, and its publish after commit."""
    Outbox.objects.create(topic=Outbox.Topic.ROUTE, issue=issue, publish_after=now + publish.resend_after())
    issue_id = issue.pk
    transaction.on_commit(lambda: publish.route(issue_id), robust=True)


def create_issue(
    location: Location,
    *,
    description: str,
    kind: str = "",
    default_kind: str = Kind.CONSULT,
    channel: str = Intake.QR,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos=(),
    idempotency_key: str | None = None,
    priority: str = Priority.NORMAL,
    category: Category | None = None,
    property_service: bool = False,
) -> tuple[Issue, str, bool]:
    """Write a report, its deadlines, its photos and the outbox row that promises its routing, in
    one transaction; its routing is published after the commit.

    `kind`: what the reporter chose, kept as it is. Without one, a report whose text holds an
    urgent keyword (issues.keywords) is urgent, so that a gas smell never waits a working day;
    otherwise it is `default_kind` (Open311: its service's kind). Words found are kept on the
    issue and, unless the reporter chose urgent themselves, flagged for staff to check the kind
    (an internal event). `category`, when the caller knows it (an Open311
    service of one category), is kept; otherwise the text's keywords choose it. `channel`: the
    door it came through (issues.models.Intake). `property_service`: the resident chose 物业服务 at a
    location inside an estate (an app above the core routes it; issues.extensions "route").

    Returns (issue, tracking token, created). A second submission with the same idempotency key
    returns the first issue with `created` False and writes nothing: the unique key refuses its
    INSERT (the transaction, reference number and photos included, rolls back).

    Categories, keywords and SLA policies are read once per configuration version (no query
    while unchanged)."""
    if kind and kind not in Kind.values:
        raise IssueError(_("Unknown kind of matter: %(kind)s") % {"kind": kind})
    if priority not in Priority.values:
        raise IssueError(_("Unknown priority: %(p)s") % {"p": priority})
    if channel not in Intake.values:
        raise IssueError(_("Unknown channel: %(c)s") % {"c": channel})
    description = description.strip()
    found = keywords.matches(description)
    key = tracking.valid_idempotency_key(idempotency_key)
    token = tracking.new_token(key)
    now = timezone.now()
    issue = Issue(
        kind=kind or (Kind.URGENT if found else default_kind),
        priority=priority,
        description=description,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        location=location,
        workstation_id=location.grid.neighbourhood.workstation_id,
        grid_id=location.grid_id,
        channel=channel,
        tracking_token_hash=hash_token(token),
        idempotency_key=key,
        category=category or match_category(description),
        # A reporter who chose urgent themselves left nothing for staff to check.
        urgent_keywords="" if kind == Kind.URGENT else "、".join(found)[:200],
        property_service=bool(property_service),
    )
    sla.start_round(issue, now, calendar=sla.cached_calendar(), table=sla.cached_targets())
    try:
        with transaction.atomic():
            issue.reference = next_reference(location, now)
            issue.save(force_insert=True)
            record(issue, IssueEvent.Type.CREATED, new_status=Status.NEW)
            if issue.urgent_keywords and kind != Kind.URGENT:  # a reporter's own "urgent" needs no check
                note = system_note(
                    gettext_lazy("Urgent keywords in the report: %(words)s. Please check the kind."),
                    words=issue.urgent_keywords,
                )
                record(issue, IssueEvent.Type.FLAGGED, note=note, public=False)
            # Staff's photos of a walk-in or a call stay internal, as their notes are.
            save_photos(issue, photos, public=channel in (Intake.QR, Intake.API))
            _write_route_outbox(issue, now)
    except IntegrityError:
        # The same key was sent before, or raced in from a second tap: the first one won.
        existing = Issue.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return _repeated(existing, location), tracking.token_of(existing) or token, False
    return issue, token, True


def _repeated(existing: Issue, location: Location) -> Issue:
    """The first issue of a repeated idempotency key, if it was sent at the same place. Keys are
    the caller's to choose: the same key from another place (another workstation's system) is
    refused, never answered with someone else's issue and its resident's tracking token."""
    if existing.location_id != location.pk:
        raise IssueError(_("This idempotency key was already used for another report."))
    return existing
