"""Celery tasks take ids, call services, and are safe to run twice. The services publish them by
name (issues.publish), so nothing below imports this module.

Everything a task does is also on record in the database (the outbox, unsent notifications,
deadline columns), so a lost or duplicated message changes nothing: the sweep re-publishes what
is still undone, and each service checks under a lock that the work is still to do. Hence
`acks_late` with `reject_on_worker_lost`: a worker killed mid-task leaves the message to be
delivered again, and running it again is harmless.
"""

import datetime as dt
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import escalation, notify, resident, routing

logger = logging.getLogger(__name__)

# Background work is short; a stuck one is stopped well before the next sweep.
LIMITS = {"soft_time_limit": 30, "time_limit": 45}


@shared_task(acks_late=True, reject_on_worker_lost=True, **LIMITS)
def route_issue_task(issue_id: int) -> None:
    routing.route_issue(issue_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **LIMITS)
def deliver_notifications_task(ids: list[int] | None = None) -> int:
    """Deliver the given notifications, or (None) whatever is waiting. Each is claimed by
    compare-and-set first, so two runs never send one twice."""
    if ids is None:
        ids = notify.pending_ids(older_than=dt.timedelta(), batch=escalation.batch_size())
    return sum(notify.deliver(pk) for pk in ids)


@shared_task(soft_time_limit=50, time_limit=55)
def sla_sweep() -> dict:
    """Beat runs this every minute. A full batch sweeps again at once, to drain a backlog in
    bounded steps rather than one long transaction."""
    result = escalation.sla_sweep()
    if result.get("more"):
        try:
            sla_sweep.apply_async(retry=False)
        except Exception:  # noqa: BLE001 - the next beat tick carries on
            logger.warning("could not queue the next sweep", exc_info=True)
    return result


@shared_task(soft_time_limit=50, time_limit=55)
def close_unconfirmed() -> int:
    """Resolved issues the resident never answered: reminded the day before, then closed with no
    rating (beat, every 15 min). Safe to run twice or in parallel: a reminder's key is unique,
    and resident.close_unconfirmed re-checks each row under its lock. A failed reminder batch is
    logged and the closing still runs (the next tick reminds). Returns how many were closed."""
    try:
        resident.remind_unconfirmed()
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - closing on time matters more; the next tick tries again
        logger.exception("could not send the reminders of unconfirmed reports")
    return resident.close_unconfirmed()
