"""Dispatch latency: a report's commit → its assignment, through a real Celery worker, against the
round trip of a no-op task through the same broker and the same worker.

- dispatch: `issues.services.create_issue` (an urgent report) in this process. The moment its
  transaction commits is taken by an on_commit callback registered before create_issue runs,
  so it is the first to run after COMMIT, before the outbox relay publishes the routing task.
  The latency is Issue.assigned_at, set by `route_issue` on the worker, minus that moment.
- no-op: the moment before `bench.noop` (bench/_dispatch_app.py) is published, to the moment the
  worker started it (the task writes time.time() to a marker file).
Both are wall-clock differences between two processes on this machine. Samples are sequential
and interleaved (no-op, dispatch, no-op, ...), each preceded by an unmeasured no-op; each waits
until the worker has finished the task (a `done-<task id>` marker file, polled every POLL
seconds up to a deadline) before the next one is sent. The worker is `celery worker --pool=solo -c 1` on a queue of its own.

Stack: SQLite + the filesystem transport under a scratch VAR_DIR when DATABASE_URL is unset;
with DATABASE_URL, a scratch PostgreSQL database `minqing_bench_dispatch` (created, migrated,
dropped afterwards) and Redis: REDIS_URL if given, else redis://127.0.0.1:6379/13.

Prints:
  dispatch_latency_stack: the database and broker used
  dispatch_latency_p50 / _p95: commit → assignment (ms)
  noop_roundtrip_p50 / _p95: publish → the no-op's start on the worker (ms)
  dispatch_latency_p95_vs_noop_ratio: dispatch p95 / no-op p95 (goal ≤ 3)
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BENCH_DB = "minqing_bench_dispatch"
BENCH_REDIS = "redis://127.0.0.1:6379/13"
SAMPLES = int(os.environ.get("BENCH_DISPATCH_SAMPLES", "200"))
WARMUP = 5
POLL = 0.005  # seconds between looks for a marker file
TASK_DEADLINE = 15.0  # seconds one task may take before the benchmark gives up
READY_DEADLINE = 60.0

ROUTE_TASK = "issues.tasks.route_issue_task"


def scratch_postgres() -> str | None:
    """With DATABASE_URL set: a fresh `minqing_bench_dispatch` beside it, and Redis db 13 unless
    REDIS_URL is given. Returns the scratch database URL (None on SQLite)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    bench_url = parsed._replace(path="/" + BENCH_DB).geturl()
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("REDIS_URL", BENCH_REDIS)
    return bench_url


def drop_postgres(bench_url: str | None) -> None:
    if not bench_url:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(urlparse(bench_url)._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


bench_db = scratch_postgres()
MARKERS = Path(tempfile.mkdtemp(prefix="minqing-dispatch-"))
os.environ["BENCH_DISPATCH_DIR"] = str(MARKERS)
os.environ["BENCH_DISPATCH_QUEUE"] = f"bench_dispatch_{os.getpid()}_{uuid.uuid4().hex[:6]}"

from _report import figure  # noqa: E402
from _setup import django_setup  # noqa: E402

scratch = django_setup()

from _dispatch_app import QUEUE, app, noop  # noqa: E402
from celery.signals import after_task_publish  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from issues import services  # noqa: E402
from issues.models import Issue, IssueEvent  # noqa: E402
from workstations.models import Grid, Location, Neighbourhood, Role, Subdistrict, Workstation  # noqa: E402

published: list[tuple[str, str]] = []  # (task name, task id) as this process publishes them


@after_task_publish.connect(weak=False)
def _published(sender=None, headers=None, **kwargs) -> None:
    published.append((sender, (headers or {}).get("id")))


def stack() -> str:
    if connection.vendor == "postgresql":
        database = f"postgresql ({connection.settings_dict['NAME']})"
    else:
        database = "sqlite (DATABASE_URL not set)"
    if settings.REDIS_URL:
        broker = f"redis ({settings.REDIS_URL})"
    else:
        broker = f"filesystem (polling every {app.conf.broker_transport_options['polling_interval'] * 1000:g} ms)"
    return f"{database} + {broker}"


def world() -> Location:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    sub = Subdistrict.objects.create(name="天平街道", slug="tp", code="TP")
    ws = Workstation.objects.create(subdistrict=sub, area_name="梧桐片区", name="梧桐片区工作站", slug="wutong")
    hood = Neighbourhood.objects.create(workstation=ws, name="永嘉新村", slug="yj")
    grid = Grid.objects.create(neighbourhood=hood, name="第一网格", code="g1")
    loc = Location.objects.create(grid=grid, name="永嘉路580弄")
    head = User.objects.create_user("head", email="head@example.invalid")
    worker = User.objects.create_user("grid", email="grid@example.invalid")
    Role.objects.create(user=head, kind=Role.Kind.STATION_HEAD, workstation=ws)
    Role.objects.create(user=worker, kind=Role.Kind.GRID_WORKER, grid=grid)
    return loc


# --- The worker --------------------------------------------------------------------------------


def wait_for(path: Path, deadline: float, worker: subprocess.Popen) -> None:
    end = time.monotonic() + deadline
    while not path.exists():
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited ({worker.returncode}) while waiting for {path.name}")
        if time.monotonic() > end:
            raise TimeoutError(f"no {path.name} after {deadline:g} s")
        time.sleep(POLL)


def start_worker(log) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "celery", "-A", "_dispatch_app", "worker", "--pool=solo", "-c", "1"]
    command += ["-Q", QUEUE, "-n", f"{QUEUE}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += ["--loglevel=WARNING"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(MARKERS / "ready", READY_DEADLINE, worker)
    return worker


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM is Celery's warm shutdown: finish the current task, then exit."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def delete_queue() -> None:
    """Redis keeps an abandoned queue forever; the filesystem one goes with the scratch folder."""
    if not settings.REDIS_URL:
        return
    try:
        with app.connection_for_write() as conn:
            queue = app.amqp.queues[QUEUE].bind(conn.default_channel)
            queue.declare()  # so this new channel knows the binding it is to remove
            queue.delete()
    except Exception as exc:  # noqa: BLE001 - tidying up only
        print(f"# could not delete queue {QUEUE}: {exc}", file=sys.stderr)


# --- One sample of each ------------------------------------------------------------------------


def one_noop(worker: subprocess.Popen) -> float:
    sent = time.time()
    task_id = noop.apply_async(retry=False).id
    wait_for(MARKERS / f"done-{task_id}", TASK_DEADLINE, worker)
    started = float((MARKERS / f"noop-{task_id}").read_text())
    return started - sent


def one_dispatch(location: Location, n: int, worker: subprocess.Popen) -> float:
    committed: list[float] = []
    published.clear()
    # The outer block makes create_issue's own block a savepoint and this one the transaction
    # that commits; nothing else is written in it. Registered first, `mark` runs first after
    # the COMMIT, ahead of the relay's publish.
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.time()))
        issue, _token, created = services.create_issue(
            location,
            kind="urgent",
            description=f"弄堂口电线被扯断了，还在冒火花（第{n}次）",
            idempotency_key=str(uuid.uuid4()),
        )
    assert created
    routes = [task_id for name, task_id in published if name == ROUTE_TASK]
    if len(routes) != 1:
        raise RuntimeError(f"expected one routing task published after the commit, saw {published}")
    wait_for(MARKERS / f"done-{routes[0]}", TASK_DEADLINE, worker)
    assigned_at, status = Issue.objects.values_list("assigned_at", "status").get(pk=issue.pk)
    if assigned_at is None:
        raise RuntimeError(f"issue {issue.pk} was routed but not assigned (status {status})")
    return assigned_at.timestamp() - committed[0]


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    start = time.monotonic()
    call_command("migrate", verbosity=0)
    location = world()
    log_path = MARKERS / "worker.log"
    with open(log_path, "w") as log:
        worker = start_worker(log)
        try:
            for n in range(WARMUP):  # connections, imports, first queries: not counted
                one_noop(worker)
                one_dispatch(location, -n, worker)
            noops, dispatches = [], []
            for n in range(SAMPLES):
                # An unmeasured no-op before each sample: the `done` marker is written before the
                # worker acknowledges the task and closes its database connection, so a sample
                # sent right after a routing task would wait out that task's tail. This way each
                # sample, of either kind, follows the same thing: a finished no-op.
                one_noop(worker)
                noops.append(one_noop(worker))
                one_noop(worker)
                dispatches.append(one_dispatch(location, n, worker))
        except BaseException:
            stop_worker(worker)
            log.flush()
            print(log_path.read_text()[-4000:], file=sys.stderr)
            raise
        stop_worker(worker)
    assigned = IssueEvent.objects.filter(type=IssueEvent.Type.ASSIGNED).count()
    issues = Issue.objects.count()
    if assigned != issues:
        raise RuntimeError(f"{issues} issues but {assigned} ASSIGNED events")
    d50, d95 = percentile(dispatches, 50) * 1000, percentile(dispatches, 95) * 1000
    n50, n95 = percentile(noops, 50) * 1000, percentile(noops, 95) * 1000
    figure("dispatch_latency_stack", stack())
    figure("dispatch_latency_samples", f"{SAMPLES} each, sequential, worker --pool=solo -c 1")
    figure("dispatch_latency_p50", d50, "ms", digits=1)
    figure("dispatch_latency_p95", d95, "ms", digits=1)
    figure("noop_roundtrip_p50", n50, "ms", digits=1)
    figure("noop_roundtrip_p95", n95, "ms", digits=1)
    figure("dispatch_latency_p95_vs_noop_ratio", d95 / n95, goal="≤ 3")
    figure("dispatch_latency_bench_time", time.monotonic() - start, "s", digits=1)


if __name__ == "__main__":
    try:
        main()
    finally:
        delete_queue()
        drop_postgres(bench_db)
        shutil.rmtree(MARKERS, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)  # ours (mkdtemp), used as VAR_DIR or not
