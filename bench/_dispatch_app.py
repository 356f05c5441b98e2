"""The Celery app of bench/dispatch_latency.py, for its publisher and for its worker subprocess
(`celery -A _dispatch_app worker`, with bench/ on PYTHONPATH).

It is the project's own app (minqing.celery: the settings' CELERY_* block, issues.tasks), with
three additions that change nothing about how a task travels:
- a queue of the benchmark's own (BENCH_DISPATCH_QUEUE), so no other worker on the same broker
  takes its tasks and its worker takes nobody else's;
- on the filesystem transport, a short polling interval (see FS_POLLING_INTERVAL), and message
  files written whole (see _atomic_put);
- a no-op task, and signal handlers that leave marker files in BENCH_DISPATCH_DIR: `ready` when
  the worker is ready, `done-<task id>` when any task has finished (written after the task, so
  it costs the measured moments nothing).
"""

import os
import time
import uuid
from pathlib import Path

from celery.signals import task_postrun, worker_ready
from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from minqing.celery import app

# kombu's filesystem transport lists its folder every `polling_interval` seconds (default 1 s)
# and sleeps in between, which would put up to a second of sleep into every sample. The worker
# consumes both the routing task and the no-op from this one queue with this one interval, so
# both measurements carry the same polling delay (on average half of it). Redis needs nothing:
# the worker blocks in BRPOP and wakes when a message is pushed (kombu would take a polling
# interval as the BRPOP timeout, which only makes it wake up more often when idle).
FS_POLLING_INTERVAL = 0.005

QUEUE = os.environ["BENCH_DISPATCH_QUEUE"]
MARKERS = Path(os.environ["BENCH_DISPATCH_DIR"])


def _atomic_put(self, queue, payload, **kwargs):
    """kombu 5.7's filesystem Channel._put creates `<n>_<uuid>.<queue>.msg`, then writes it; _get
    moves and reads the file without looking at the lock, so a poll that falls between the two
    reads an empty message, and the worker dies ("Unrecoverable error: JSONDecodeError", kombu
    issue #1551). Polling every 5 ms hit it within ~40 samples. Here the message is written under
    a name _get ignores (`....msg.tmp`) and renamed into place, so it appears whole. Same files,
    same folder, one rename more: the publish costs the same on both measured paths."""
    name = f"{int(round(time.monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
    final = os.path.join(self.data_folder_out, name)
    try:
        with open(final + ".tmp", "wb") as f:
            f.write(str_to_bytes(dumps(payload)))
        os.replace(final + ".tmp", final)
    except OSError as exc:
        raise ChannelError(f"Cannot add file {final!r} to directory") from exc


if app.conf.broker_url.startswith("filesystem"):
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": FS_POLLING_INTERVAL,
    }
    filesystem.Channel._put = _atomic_put
app.conf.task_default_queue = QUEUE


def _write(name: str, text: str) -> None:
    """Write a marker whole or not at all (the benchmark polls for it from another process)."""
    tmp = MARKERS / f".{name}.tmp"
    tmp.write_text(text)
    tmp.rename(MARKERS / name)


# The same options as issues.tasks.route_issue_task, so the two go through the worker alike.
@app.task(name="bench.noop", bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=30, time_limit=45)
def noop(self) -> None:
    """Record when the worker started this task (wall clock, as timezone.now() in the app)."""
    started = time.time()
    _write(f"noop-{self.request.id}", repr(started))


@worker_ready.connect(weak=False)
def _ready(**kwargs) -> None:
    _write("ready", str(os.getpid()))


@task_postrun.connect(weak=False)
def _done(task_id=None, **kwargs) -> None:
    _write(f"done-{task_id}", "")
