"""Celery tasks take ids, call services, and are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int, attempts: int | None = None) -> bool | None:
    return services.attempt(delivery_id, attempts)


@shared_task
def sweep() -> int:
    return services.sweep()
