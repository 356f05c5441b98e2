"""How many Celery messages wait in the broker's default queue."""

import os

from django.conf import settings

QUEUE = "celery"


def depth() -> int | None:
    """Messages waiting (None when the broker cannot be asked)."""
    try:
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            try:
                return int(client.llen(QUEUE))
            finally:
                client.close()
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return sum(1 for name in os.listdir(folder) if name.endswith(".msg"))
    except Exception:  # noqa: BLE001 - a broker outage is reported as unknown
        return None
