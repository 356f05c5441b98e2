"""50 residents sign up at once for an event with 20 seats, over HTTP, against the real app under
gunicorn (production settings) on PostgreSQL when DATABASE_URL is set (SQLite otherwise).

Each resident opens the event page (CSRF cookie and token), then all POST `name`, `seats=1`
together (a barrier releases them). Confirmed seats must be exactly 20, waiting 30, and no
answer a 5xx. In the same run, the same number of residents POST a text-only report at once,
and the sign-up POST's time is compared with the report POST's (median latency per round,
median of the rounds' ratios). Rate limits are off (RATELIMIT_ENABLE=false), as the CONTRACT
allows for load tests on one machine.

Prints `name: value unit (goal …)`:
  event_signup_race_database, _confirmed, _waiting, _5xx, _signup_post_ms, _report_post_ms,
  event_signup_race_signup_vs_report_ratio (goal ≤ 1.5)
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from resident_path import CSRF_RE, DESCRIPTION, KEY_RE, Postgres, multipart, request, run, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
RESIDENTS = int(os.environ.get("BENCH_SIGNUPS", "50"))
SEATS = int(os.environ.get("BENCH_SEATS", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))

MAKE_EVENT = """
import datetime as dt, django, sys
django.setup()
from django.utils import timezone
from community.models import Activity
from workstations.models import Workstation
start = timezone.now() + dt.timedelta(days=2)
a = Activity.objects.create(workstation=Workstation.objects.get(slug="wutong"), title=sys.argv[1],
    starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=int(sys.argv[2]),
    max_seats_per_signup=1, status="published", place_text="梧桐院")
print(a.public_path())
"""

COUNT_SEATS = """
import django, json, sys
django.setup()
from community.models import Activity
from community.services import seats_of
s = seats_of(Activity.objects.get(public_token=sys.argv[1].strip("/").split("/")[-1]))
print(json.dumps({"confirmed": s.held, "waiting": s.waiting}))
"""


def page_form(port: int, path: str) -> tuple[dict, dict]:
    cookies: dict = {}
    status, _, page = request(port, "GET", path, cookies)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    fields = {}
    if csrf := CSRF_RE.search(page):
        fields["csrfmiddlewaretoken"] = csrf.group(1)
    if key := KEY_RE.search(page):
        fields["idempotency_key"] = key.group(1)
    return cookies, fields


def race(port: int, path: str, n: int, make_body) -> tuple[list[int], list[float]]:
    """n residents: each opens `path`, then all POST at once. Returns (statuses, POST seconds)."""
    prepared = [page_form(port, path) for _ in range(n)]
    barrier = threading.Barrier(n)
    statuses: list[int] = [0] * n
    seconds: list[float] = [0.0] * n

    def resident(i: int) -> None:
        cookies, fields = prepared[i]
        body, content_type = make_body(i, fields)
        headers = {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{port}{path}"}
        barrier.wait()
        started = time.perf_counter()
        try:
            statuses[i] = request(port, "POST", path, cookies, body, headers)[0]
        except Exception:  # noqa: BLE001 - counted as a failure (0), as a 5xx would be
            statuses[i] = 0
        seconds[i] = time.perf_counter() - started

    threads = [threading.Thread(target=resident, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, seconds


def signup_body(i: int, fields: dict) -> tuple[bytes, str]:
    form = {**fields, "name": f"居民{i}", "seats": "1"}
    body = urlencode(form).encode()
    return body, "application/x-www-form-urlencoded"


def report_body(i: int, fields: dict) -> tuple[bytes, str]:
    return multipart({**fields, "description": DESCRIPTION, "kind": "", "name": "", "phone": "", "website": ""})


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="minqing-bench-signup-"))
    database_url = os.environ.get("DATABASE_URL", "")
    postgres = Postgres(database_url, "signup") if database_url else None
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "RATELIMIT_ENABLE": "false",
            "NOTIFY_SMS_CHANNEL": "log",  # production refuses an unchosen SMS channel
            "VAR_DIR": str(scratch / "var"),
            "DJANGO_SETTINGS_MODULE": "minqing.settings",
        }
    )
    if postgres:
        env["DATABASE_URL"] = postgres.url
    server = None
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], env, ROOT)
        run([*manage, "collectstatic", "--noinput"], env, ROOT)
        demo = json.loads(run([*manage, "seed_demo", "--json"], env, ROOT))
        report_path = urlsplit(demo["qr_urls"][0]).path

        def event(title: str, seats: int) -> str:
            return run([sys.executable, "-c", MAKE_EVENT, title, str(seats)], env, ROOT).strip()

        race_path = event("抢座测试", SEATS)
        timing_paths = [event(f"计时{n}", 10_000) for n in range(ROUNDS)]
        server = start_gunicorn("app", "minqing.wsgi:application", env, ROOT)
        race(server.port, timing_paths[0], 10, signup_body)  # warm up both paths
        race(server.port, report_path, 10, report_body)

        statuses, signup_seconds = race(server.port, race_path, RESIDENTS, signup_body)
        report_statuses, report_seconds = race(server.port, report_path, RESIDENTS, report_body)
        rounds = [(statistics.median(signup_seconds), statistics.median(report_seconds))]
        errors = sum(1 for s in statuses + report_statuses if s >= 500 or s == 0)
        for path in timing_paths[1:]:
            s_statuses, s_seconds = race(server.port, path, RESIDENTS, signup_body)
            r_statuses, r_seconds = race(server.port, report_path, RESIDENTS, report_body)
            errors += sum(1 for s in s_statuses + r_statuses if s >= 500 or s == 0)
            rounds.append((statistics.median(s_seconds), statistics.median(r_seconds)))
        seats = json.loads(run([sys.executable, "-c", COUNT_SEATS, race_path], env, ROOT))
        not_303 = sum(1 for s in statuses if s != 303)

        print("event_signup_race_database:", "postgresql" if postgres else "sqlite (DATABASE_URL not set)")
        print(f"event_signup_race_confirmed: {seats['confirmed']} seats (goal {SEATS})")
        print(f"event_signup_race_waiting: {seats['waiting']} seats (goal {RESIDENTS - SEATS})")
        print(f"event_signup_race_5xx: {errors} responses (goal 0)")
        print(f"event_signup_race_not_303: {not_303} sign-ups (goal 0)")
        print(f"event_signup_race_signup_post_ms: {statistics.median(s for s, _ in rounds) * 1000:.1f} ms")
        print(f"event_signup_race_report_post_ms: {statistics.median(r for _, r in rounds) * 1000:.1f} ms")
        ratio = statistics.median(s / r for s, r in rounds)
        print(f"event_signup_race_signup_vs_report_ratio: {ratio:.2f} (goal ≤ 1.5)")
    finally:
        if server is not None:
            server.stop()
        if postgres:
            postgres.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
