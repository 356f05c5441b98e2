"""The Celery app (worker: `celery -A minqing worker`; one `celery -A minqing beat`). Its
configuration is the CELERY_* block of minqing.settings: JSON only, late acknowledgement, time
limits, and the beat table."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minqing.settings")

app = Celery("minqing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
