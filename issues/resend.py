"""Phase 3 of the SLA sweep (issues.escalation.sla_sweep): re-sending what the broker never got.
A report's routing is written to the outbox with the report (issues.intake); whatever is still
undelivered after a while is published again, and notifications not yet sent are handed to the
delivery task again. Both are claimed in bounded batches, as the other phases are."""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy

from . import notify, publish
from .models import IssueEvent, IssuePhoto, Outbox, PendingPhoto
from .notes import system_note
from .photos import STORAGE_ERRORS
from .sweeping import claimable_ids
from .transitions import record

log = logging.getLogger(__name__)


def resend_outbox(now: dt.datetime, *, batch: int) -> int:
    with transaction.atomic():
        pending = Outbox.objects.filter(done_at__isnull=True, publish_after__lte=now)
        candidates = claimable_ids(pending, "publish_after", batch)
        if not candidates:
            return 0
        # Compare-and-set in one UPDATE per row: the candidates still pending move to `later`, and
        # those are the ones this sweeper took (on PostgreSQL they are locked since the SELECT; on
        # SQLite the transaction holds the write lock). Not a sentinel and then a second UPDATE:
        # PostgreSQL re-checks the foreign keys of a row updated twice in one transaction at the
        # commit, which waits for the issue row that a worker routing it holds, while that worker
        # waits for this outbox row: a deadlock.
        later = now + publish.resend_after()
        pending.filter(pk__in=candidates).update(publish_after=later, attempts=F("attempts") + 1)
        issue_ids = list(
            Outbox.objects.filter(pk__in=candidates, publish_after=later).values_list("issue_id", flat=True)
        )
        transaction.on_commit(lambda: [publish.route(pk) for pk in issue_ids], robust=True)
    return len(issue_ids)


def redeliver(now: dt.datetime, *, batch: int) -> int:
    ids = notify.pending_ids(
        older_than=dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS), batch=batch, now=now
    )
    if ids:
        publish.delivery(ids)
    return len(ids)


def store_pending_photos(now: dt.datetime, *, batch: int) -> int:
    """Photos that came while the media store was down (issues.intake.save_photos): store each
    now, as the IssuePhoto it would have been; one that fails again waits another minute. A
    claimed row is deleted in the transaction that creates its photo, so two sweepers never store
    it twice. Returns how many were stored."""
    stored = 0
    ids = list(
        PendingPhoto.objects.filter(retry_after__lte=now).order_by("retry_after").values_list("pk", flat=True)[:batch]
    )
    for pk in ids:
        with transaction.atomic():
            pending = claimable_ids(PendingPhoto.objects.filter(pk=pk, retry_after__lte=now), "retry_after", 1)
            if not pending:
                continue
            row = PendingPhoto.objects.select_related("issue").filter(pk=pk).first()
            if row is None:  # stored by another sweeper meanwhile
                continue
            try:
                with transaction.atomic():
                    IssuePhoto.objects.create(
                        issue=row.issue,
                        image=ContentFile(bytes(row.image), name="photo.jpg"),
                        thumbnail=ContentFile(bytes(row.thumbnail), name="photo-thumb.jpg"),
                        is_public=row.is_public,
                        is_after_repair=row.is_after_repair,
                    )
            except STORAGE_ERRORS as error:
                log.warning("media store still failing for a photo of %s", row.issue.reference)
                PendingPhoto.objects.filter(pk=pk).update(
                    retry_after=now + publish.resend_after(), attempts=F("attempts") + 1, last_error=str(error)[:300]
                )
                continue
            row.delete()
            record(
                row.issue,
                IssueEvent.Type.NOTE,
                note=system_note(gettext_lazy("A photo kept while the media store was down is now stored.")),
                public=False,
            )
            stored += 1
    return stored
