"""From one machine to many (issue 19, item 7): two gunicorn servers, three Celery worker processes
and one beat, as separate machines would run them, on one PostgreSQL, one Redis and one S3 store.
300 reports are posted to both servers at once, 30 of them with a photo. Then every report is
routed exactly once, every escalation that falls due fires exactly once, no message is sent twice,
and no photo is missing from the shared store.

The processes share the test database (PostgreSQL), a private redis-server of the test's own
(tests/e2e/test_nothing_lost.PrivateRedis) and a moto S3 server. Beat sweeps every 2 s
(SLA_SWEEP_EVERY_SECONDS) instead of 60. Skipped unless DATABASE_URL is PostgreSQL and REDIS_URL
is set; it takes under 3 minutes.
"""

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from PIL import Image

from issues.models import Issue, IssueEvent, IssuePhoto, Notification, Outbox
from minqing.media import default_storage
from tests.e2e.test_nothing_lost import PrivateRedis, _database_url
from tests.s3server import BUCKET, start_s3, stop_s3

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REPORTS, WITH_PHOTOS, URGENT_EVERY = 300, 30, 3
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, processes=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for name, process, log in processes:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


class Machines:
    """Every process of the deployment, each logging to a file of its own."""

    def __init__(self, tmp: Path, env: dict) -> None:
        self.tmp, self.env = tmp, env
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], **extra: str) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        process = subprocess.Popen(
            command, cwd=ROOT, env={**self.env, **extra}, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        self.processes.append((name, process, log))
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for _, process, _ in self.processes:
            if process.poll() is None:
                process.terminate()
        for _, process, _ in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def post_report(base: str, path: str, n: int) -> str:
    """One resident: open the form, send the report, land on the tracking page (its token)."""
    session = requests.Session()
    form = session.get(base + path, timeout=60)
    assert form.status_code == 200, form.text[:300]
    kind = "urgent" if n % URGENT_EVERY == 0 else "consult"
    data = {
        "csrfmiddlewaretoken": CSRF_RE.search(form.text).group(1),
        "idempotency_key": KEY_RE.search(form.text).group(1),
        "description": f"第{n}号：楼道灯坏了，晚上看不见",
        "kind": kind,
        "phone": f"139{n:08d}",
    }
    files = {"photos": (f"p{n}.jpg", photo(), "image/jpeg")} if n < WITH_PHOTOS else None
    answer = session.post(base + path, data=data, files=files, allow_redirects=False, timeout=60)
    assert answer.status_code == 303, answer.text[:300]
    return answer.headers["Location"]


@pytest.fixture
def deployment(tmp_path, settings, world, sla_policies):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("the scale-out test needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    s3, s3_process = start_s3()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NOTIFY_"))},
        **s3.environ(),
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis.url,
        "RATELIMIT_ENABLE": "false",
        "SLA_SWEEP_EVERY_SECONDS": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    machines = Machines(tmp_path, env)
    try:
        celery = str(BIN / "celery")
        for n in range(3):
            machines.start(
                f"worker{n}",
                [
                    celery,
                    "-A",
                    "minqing",
                    "worker",
                    "--pool=solo",
                    "-l",
                    "info",
                    "-n",
                    f"scale{n}-{uuid.uuid4().hex[:4]}@%h",
                ],
                VAR_DIR=str(tmp_path / f"worker{n}"),
            )
        machines.start(
            "beat",
            [celery, "-A", "minqing", "beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
            VAR_DIR=str(tmp_path / "beat"),
        )
        ports = [free_port(), free_port()]
        for n, port in enumerate(ports):
            machines.start(
                f"web{n}",
                [
                    str(BIN / "gunicorn"),
                    "minqing.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--no-control-socket",
                    "--graceful-timeout",
                    "3",
                ],
                VAR_DIR=str(tmp_path / f"web{n}"),
            )

        def up() -> bool:
            workers_ready = all("ready." in machines.log(f"worker{n}") for n in range(3))
            webs = []
            for port in ports:
                with socket.socket() as s:
                    webs.append(s.connect_ex(("127.0.0.1", port)) == 0)
            return workers_ready and all(webs)

        wait_for(up, timeout=90, what="the workers and web servers to start", processes=machines.processes)
        settings.STORAGES = {**settings.STORAGES, "default": default_storage(s3.environ())}
        yield machines, [f"http://127.0.0.1:{port}" for port in ports], s3
    finally:
        machines.stop()
        stop_s3(s3_process)
        redis.stop()


def test_two_servers_three_workers_and_one_beat_lose_nothing_and_do_nothing_twice(deployment, world):
    machines, servers, s3 = deployment
    paths = [world.loc.report_path(), world.loc2.report_path()]
    # 300 reports, to both servers at once.
    with ThreadPoolExecutor(max_workers=12) as pool:
        tracked = list(pool.map(lambda n: post_report(servers[n % 2], paths[n // 2 % 2], n), range(REPORTS)))
    assert len(set(tracked)) == REPORTS
    assert Issue.objects.count() == REPORTS

    # Every report routed exactly once, by whichever worker took it.
    def routed() -> bool:
        return not Outbox.objects.filter(done_at__isnull=True).exists()

    wait_for(routed, timeout=60, what="every report to be routed", processes=machines.processes)
    assigned = Counter(IssueEvent.objects.filter(type=IssueEvent.Type.ASSIGNED).values_list("issue_id", flat=True))
    assert len(assigned) == REPORTS and set(assigned.values()) == {1}
    worked = {
        n
        for n in range(3)
        if "route_issue_task" in machines.log(f"worker{n}") and "succeeded" in machines.log(f"worker{n}")
    }
    assert len(worked) >= 2, "the routing was not shared between the workers"

    # The urgent ones miss their acceptance deadline: beat's sweep escalates each once.
    urgent = Issue.objects.filter(kind="urgent")
    past = timezone.now() - timezone.timedelta(minutes=1)
    urgent.update(accept_due_at=past, sla_next_at=past)

    def escalated() -> bool:
        return not urgent.filter(escalation_level=0).exists()

    wait_for(escalated, timeout=60, what="the urgent reports to be escalated", processes=machines.processes)
    time.sleep(6)  # three more sweeps: none may escalate again
    overdue = Counter(IssueEvent.objects.filter(type=IssueEvent.Type.OVERDUE).values_list("issue_id", flat=True))
    assert set(overdue) == set(urgent.values_list("pk", flat=True)) and set(overdue.values()) == {1}
    for row in urgent.annotate(escalations=Count("events", filter=Q(events__type=IssueEvent.Type.ESCALATED))).values(
        "escalation_level", "escalations"
    ):
        assert row["escalations"] == row["escalation_level"] >= 1

    # No message twice: every message sent, each claimed (compare-and-set) and sent exactly once,
    # the residents' SMS among them; (key, channel) is unique, so none was written twice either.
    def delivered() -> bool:
        return not Notification.objects.filter(sent_at__isnull=True).exists()

    wait_for(delivered, timeout=60, what="every message to be sent", processes=machines.processes)
    assert Notification.objects.exclude(attempts=1).count() == 0
    told = Counter(
        Notification.objects.filter(channel="sms", key__startswith="resident:assigned:").values_list(
            "issue_id", flat=True
        )
    )
    assert len(told) == REPORTS and set(told.values()) == {1}

    # No photo missing from the shared store.
    photos = IssuePhoto.objects.all()
    assert photos.count() == WITH_PHOTOS
    keys = set()
    paginator = s3.client().get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=BUCKET):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    for p in photos:
        assert p.image.name in keys and p.thumbnail.name in keys
