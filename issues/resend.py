"""Phase 3 of the SLA sweep (issues.escalation.sla_sweep): re-sending what the broker never got.
A report's routing is written to the outbox with the report (issues.intake); whatever is still
undelivered after a while is published again, and notifications not yet sent are handed to the
delivery task again. Both are claimed in bounded batches, as the other phases are."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F

from . import notify, publish
from .models import Outbox
from .sweeping import claimable_ids


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
