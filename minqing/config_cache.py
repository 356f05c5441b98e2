"""Configuration that changes a few times a year, read once per process instead of once per request.

A resident's report needs the category keyword rules, the SLA policies, the working-day
overrides and whether any webhook subscription exists. Those are admin edits, made a few times a
year, while every QR scan reads them. So each process keeps what it loaded, per name, in a
snapshot tagged with a version number kept in the shared cache (Redis in production, a file in
the embedded setup):

- `get(name, load)` reads the version (one cache get per request, no query). While it is the
  snapshot's, the value loaded before is returned; otherwise a new, empty snapshot starts and
  `load()` runs.
- `watch(*models)` makes a save or delete of a row of those models (post_save / post_delete)
  drop this process's snapshot at once, and bump the shared version after the commit, so that
  every other process loads again on its next request. Bumping after the commit means no
  process can reload before the new rows are visible to it.
- If the shared cache is unreachable, every `get` loads from the database (correct, slower).

Staleness: edits through model saves (the admin, the API, services) are seen by every process
on its next request after the commit. Writes that send no signals (`QuerySet.update()`,
`bulk_create`, raw SQL, another program writing the database) are seen after MAX_AGE_SECONDS at
the latest, or at once after `bump()`. Values in a snapshot are shared by the requests of a
process: callers must not change them.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

VERSION_KEY = "minqing:config-version"
MAX_AGE_SECONDS = 300.0

T = TypeVar("T")


class _Snapshot:
    def __init__(self, version: str | None) -> None:
        self.version = version
        self.born = time.monotonic()
        self.values: dict[str, object] = {}


_snapshot = _Snapshot(None)
_lock = threading.Lock()


# Within one request the version is read once (a report asks for several values).
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_started, dispatch_uid="config-cache:request-started")
request_finished.connect(_request_finished, dispatch_uid="config-cache:request-finished")


def _shared_version() -> str | None:
    """The version in the shared cache (read once per request), set to a new one if the cache
    has none (emptied, or evicted). None if the cache cannot be reached."""
    in_request = getattr(_request, "active", False)
    if in_request and _request.version is not None:
        return _request.version
    version = _read_shared_version()
    if in_request:
        _request.version = version
    return version


def _read_shared_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - any cache failure: read from the database instead
        logger.warning("config cache: the shared cache cannot be read; loading from the database", exc_info=True)
        return None
    return version


def get(name: str, load: Callable[[], T]) -> T:
    """The value `load()` returned in this process for the current configuration version."""
    global _snapshot
    version = _shared_version()
    if version is None:
        return load()
    with _lock:
        snapshot = _snapshot
        if snapshot.version != version or time.monotonic() - snapshot.born > MAX_AGE_SECONDS:
            snapshot = _snapshot = _Snapshot(version)
        if name in snapshot.values:
            return snapshot.values[name]  # type: ignore[return-value]
    value = load()
    with _lock:
        if _snapshot is snapshot:
            snapshot.values[name] = value
    return value


def clear_local() -> None:
    """Forget this process's snapshot (tests call this between tests)."""
    global _snapshot
    with _lock:
        _snapshot = _Snapshot(None)
    _request.version = None


def _publish_new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - other processes then see the edit after MAX_AGE_SECONDS
        logger.warning("config cache: could not publish a new version", exc_info=True)


def bump() -> None:
    """The configuration changed: drop this process's copy now, and every process's after the
    current transaction commits (at once outside a transaction)."""
    clear_local()
    transaction.on_commit(_publish_new_version, robust=True)


def _changed(sender, raw: bool = False, **kwargs) -> None:
    bump()


def watch(*models) -> None:
    """A save or delete of any of `models` bumps the configuration version."""
    for model in models:
        uid = f"config-cache:{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
