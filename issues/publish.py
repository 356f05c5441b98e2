"""Handing work to Celery, by task name: the services below the tasks never import them.

Every message here is also on record in the database (an outbox row, an unsent notification),
so a broker that is down loses nothing: the failure is logged, never raised, and the SLA sweep
publishes again what is still undone (issues.resend)."""

import datetime as dt
import logging

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)

ROUTE_ISSUE = "issues.tasks.route_issue_task"
DELIVER_NOTIFICATIONS = "issues.tasks.deliver_notifications_task"


def resend_after() -> dt.timedelta:
    """How long published work may stay undone before the sweep publishes it again."""
    return dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)


def _task(task_name: str):
    """The registered task of this name. A worker registers every app's tasks when it starts; a
    web process (gunicorn) or a management command imports no tasks module (nothing below the
    tasks imports them), so the first publish there loads them the way the worker does."""
    tasks = current_app.tasks
    if task_name not in tasks:
        current_app.loader.import_default_modules()
    return tasks[task_name]


def send(task_name: str, args: list) -> bool:
    """Publish one message; False (logged) if the broker refused it."""
    try:
        _task(task_name).apply_async(args=args, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the database is the record
        logger.warning("could not publish %s%s; the sweep will retry", task_name, args, exc_info=True)
        return False
    return True


def route(issue_id: int) -> None:
    """Route a new report (issues.routing.route_issue) in a worker."""
    send(ROUTE_ISSUE, [issue_id])


def delivery(ids: list[int] | None) -> None:
    """Deliver these notifications (None: whatever is waiting) in a worker."""
    send(DELIVER_NOTIFICATIONS, [ids])
