from celery import shared_task

from . import erasure


@shared_task(name="privacy.tasks.erase_expired")
def erase_expired() -> int:
    return erasure.erase_expired()
