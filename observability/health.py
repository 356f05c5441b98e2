"""What /healthz adds: the last SLA sweep (beat runs one a minute) and the broker's queue depth."""

from django.conf import settings
from django.utils import timezone

from . import queue, tasks


def beat_freshness() -> dict:
    """{"sweep": "ok" | "late" | "not seen yet", "last_sweep": ISO time or None, "queue_depth": n}.
    Late when the last sweep is older than HEALTHZ_SWEEP_LATE_SECONDS (5 minutes): beat or every
    worker is down. A sweep never seen (the cache was emptied, nothing ran yet) is not an error."""
    swept = tasks.last_sweep()
    if swept is None:
        state = "not seen yet"
    elif (timezone.now() - swept).total_seconds() > settings.HEALTHZ_SWEEP_LATE_SECONDS:
        state = "late"
    else:
        state = "ok"
    return {"sweep": state, "last_sweep": swept.isoformat() if swept else None, "queue_depth": queue.depth()}
