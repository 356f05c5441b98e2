"""Celery tasks take ids, call services, and are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def route_issue_task(issue_id: int) -> None:
    services.route_issue(issue_id)


@shared_task
def sla_sweep() -> dict:
    return services.sla_sweep()
