"""Nothing lost, nothing done twice, against a real Redis and a real `celery -A minqing worker`
process: (a) Redis stopped while 50 reports arrive, (c) a worker killed with kill -9 mid-task.

Each test runs its own redis-server on a free port (never the machine's Redis on 6379, which
others use) and its own worker subprocess on the test database. The test thread plays beat: it
runs the SLA sweep every second, with the outbox re-send delay shortened to a few seconds (the
production arithmetic, 60 s re-send + 60 s beat ≤ 2 minutes, is checked in tests/issues).
Skipped in the embedded configuration (no REDIS_URL); never skipped when REDIS_URL is set.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from issues import services
from issues.lifecycle import Status
from issues.models import Issue, IssueEvent, Notification, Outbox
from minqing.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REPORTS = 50


def _free_port(start: int = 6390) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a private redis-server")


class PrivateRedis:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


class WorkerProcess:
    """`celery -A minqing worker` on the private Redis and the test database."""

    def __init__(self, redis: PrivateRedis, tmp: Path) -> None:
        self.redis = redis
        self.tmp = tmp
        self.process: subprocess.Popen | None = None
        self.log: Path | None = None

    def start(self) -> None:
        self.log = Path(os.environ.get("E2E_WORKER_LOG_DIR", self.tmp)) / f"worker-{uuid.uuid4().hex[:6]}.log"
        env = {
            **os.environ,
            "DEBUG": "1",
            "REDIS_URL": self.redis.url,
            "DATABASE_URL": _database_url(),
            "VAR_DIR": str(self.tmp / "var"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "minqing",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-l",
                "info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"e2e-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if re.search(r"ready\.", self.log.read_text(errors="replace")):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("the worker did not start:\n" + self.log.read_text(errors="replace")[-3000:])

    def kill9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _use_broker(url: str | None, saved: dict) -> None:
    if url is None:
        celery_app.conf.update(saved)
    else:
        celery_app.conf.update(broker_url=url, broker_transport_options=dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS))
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def stack(tmp_path, settings):
    """A private Redis, this process publishing to it, and a worker process consuming from it."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL): the embedded run has no broker server")
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed")
    settings.RATELIMIT_ENABLE = False
    settings.OUTBOX_RESEND_AFTER_SECONDS = 3
    redis = PrivateRedis(tmp_path)
    redis.start()
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    _use_broker(redis.url, saved)
    worker = WorkerProcess(redis, tmp_path)
    try:
        worker.start()
        yield redis, worker
    finally:
        worker.stop()
        redis.stop()
        _use_broker(None, saved)


def sweep_until(predicate, *, timeout: float, what: str):
    """Play beat: sweep every second until `predicate()` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        services.sla_sweep()
        if predicate():
            return time.monotonic()
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def assert_routed_once(ids: list[int], worker) -> None:
    assert Issue.objects.filter(pk__in=ids, status=Status.ASSIGNED, assignee=worker).count() == len(ids)
    assert IssueEvent.objects.filter(issue_id__in=ids, type="assigned").count() == len(ids)
    for issue_id in ids:
        assert IssueEvent.objects.filter(issue_id=issue_id, type="assigned").count() == 1
        assert Notification.objects.filter(issue_id=issue_id, key__startswith="assigned:").count() == 1
    assert not Outbox.objects.filter(issue_id__in=ids, done_at__isnull=True).exists()


def test_a_redis_outage_loses_no_report_and_routes_none_twice(world, stack):
    redis, _worker = stack
    redis.stop()
    resident = Client()
    page = resident.get(world.loc.report_path())
    assert page.status_code == 200
    statuses = []
    for i in range(REPORTS):
        response = resident.post(
            world.loc.report_path(),
            {"kind": "consult", "description": f"楼道灯不亮 {i}", "idempotency_key": f"outage-{uuid.uuid4().hex}"},
        )
        statuses.append(response.status_code)
    assert statuses == [303] * REPORTS, statuses
    ids = list(Issue.objects.values_list("id", flat=True))
    assert len(ids) == REPORTS
    assert Issue.objects.filter(routed_at__isnull=True).count() == REPORTS

    redis.start()
    back = time.monotonic()
    done = sweep_until(
        lambda: Issue.objects.filter(pk__in=ids, routed_at__isnull=False).count() == REPORTS,
        timeout=120,
        what="all 50 reports to be routed after Redis came back",
    )
    assert done - back < 120
    assert_routed_once(ids, world.worker)


def test_a_worker_killed_mid_task_finishes_the_task_after_a_restart_once(world, stack, monkeypatch):
    _redis, worker = stack
    with monkeypatch.context() as m:
        m.setattr("issues.publish.route", lambda issue_id: None)
        issue, _, _ = services.create_issue(world.loc, description="井盖松动", kind="urgent")

    # Hold the issue's row so that the worker's routing stops in the middle, waiting for it.
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                Issue.objects.select_for_update().get(pk=issue.pk)
                locked.set()
                release.wait(60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(10)
    services.publish_route(issue.pk)
    time.sleep(3)  # the worker has taken the task and waits on the row lock
    assert Issue.objects.get(pk=issue.pk).routed_at is None
    worker.kill9()
    release.set()
    holder.join(30)

    worker.start()
    # The killed worker's message is not acknowledged; the outbox row is still undone, so the
    # sweep publishes the routing again and the new worker does it.
    sweep_until(
        lambda: Issue.objects.filter(pk=issue.pk, routed_at__isnull=False).exists(),
        timeout=90,
        what="the routing to complete after the restart",
    )
    time.sleep(2)  # any duplicate delivery would have landed by now
    services.sla_sweep()
    assert_routed_once([issue.pk], world.worker)
