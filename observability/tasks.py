"""Celery signals: a task published during a request carries its id in the message headers, and
the worker's log lines for that task carry it again; the SLA sweep's last run is noted for
/healthz and /metrics."""

import logging

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.cache import cache
from django.utils import timezone

from . import requestid

logger = logging.getLogger("observability.task")
LAST_SWEEP_KEY = "observability:last-sweep"
SWEEP_TASK = "issues.tasks.sla_sweep"
_tokens: dict[str, object] = {}


@before_task_publish.connect(dispatch_uid="observability.request_id_out")
def add_request_id(sender=None, headers=None, **kwargs) -> None:
    request_id = requestid.current.get()
    if request_id and headers is not None and not headers.get("request_id"):
        headers["request_id"] = request_id


@task_prerun.connect(dispatch_uid="observability.request_id_in")
def take_request_id(sender=None, task_id=None, task=None, **kwargs) -> None:
    request_id = getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id")
    _tokens[task_id] = requestid.current.set(request_id or f"task-{task_id}")
    logger.info("task %s started", task.name)


@task_postrun.connect(dispatch_uid="observability.request_id_done")
def drop_request_id(sender=None, task_id=None, task=None, **kwargs) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        requestid.current.reset(token)
    if task is not None and task.name == SWEEP_TASK:
        note_sweep()


def note_sweep() -> None:
    try:
        cache.set(LAST_SWEEP_KEY, timezone.now().isoformat(), timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the sweep; /healthz will say
        pass


def last_sweep():
    import datetime as dt

    try:
        value = cache.get(LAST_SWEEP_KEY)
    except Exception:  # noqa: BLE001
        return None
    return dt.datetime.fromisoformat(value) if value else None
