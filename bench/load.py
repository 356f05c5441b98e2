"""Load on the resident's path (issue 19, item 8): locust, headless, against gunicorn with
production settings, for LOAD_SECONDS (60). Each simulated resident opens a report form, sends a
report — four in five text only, one in five with a 2 MB photo — and opens its tracking page.

On PostgreSQL (DATABASE_URL: a database of its own beside it) and Redis (REDIS_URL) when set,
else SQLite and the filesystem broker. Rate limits are off (RATELIMIT_ENABLE=false, as the
CONTRACT allows for load tests on one machine).

Prints:
  load_rps: requests per second, all requests
  load_p50_ms / load_p95_ms: latency of all requests
  load_errors: failed requests (goal 0)
  load_post_text_p95_ms / load_post_photo_p95_ms: the report POST's p95, text only and with a 2 MB photo
  load_photo_vs_text_p95_ratio: photo / text (goal ≤ 4.0)
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from _report import figure
from resident_path import BIN, ROOT, Postgres, Server, run, start_gunicorn

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "8"))


def main() -> None:
    began = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="minqing-bench-load-"))
    database_url = os.environ.get("DATABASE_URL", "")
    database = Postgres(database_url, "load") if database_url else None
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "RATELIMIT_ENABLE": "false",
            "NOTIFY_SMS_CHANNEL": "log",
            "VAR_DIR": str(scratch / "var"),
        }
    )
    if database:
        env["DATABASE_URL"] = database.url
    server: Server | None = None
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], env, ROOT)
        run([*manage, "collectstatic", "--noinput"], env, ROOT)
        demo = json.loads(run([*manage, "seed_demo", "--json"], env, ROOT))
        form_paths = [urlsplit(url).path for url in demo["qr_urls"]]
        server = start_gunicorn("app", "minqing.wsgi:application", env, ROOT)
        prefix = scratch / "locust"
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "_locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(USERS),
                "--run-time",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{server.port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "LOAD_FORM_PATHS": ",".join(form_paths)},
            capture_output=True,
            text=True,
        )
        rows = {row["Name"]: row for row in csv.DictReader((prefix.parent / "locust_stats.csv").open())}
        if "Aggregated" not in rows:
            raise SystemExit(f"locust ran nothing:\n{locust.stderr[-3000:]}")
        total = rows["Aggregated"]
        text, photo = rows.get("POST report text"), rows.get("POST report 2MB photo")
        figure("load_database", "postgresql" if database else "sqlite (DATABASE_URL not set)")
        figure("load_broker", "redis" if env.get("REDIS_URL") else "filesystem (REDIS_URL not set)")
        figure("load_users", USERS, f"concurrent residents for {SECONDS} s, gunicorn with 2 workers")
        figure("load_requests", int(total["Request Count"]))
        figure("load_rps", float(total["Requests/s"]), "requests/s")
        figure("load_p50_ms", float(total["50%"]), "ms")
        figure("load_p95_ms", float(total["95%"]), "ms")
        figure("load_errors", int(total["Failure Count"]), goal="0")
        if text and photo:
            figure("load_post_text_p95_ms", float(text["95%"]), "ms")
            figure("load_post_photo_p95_ms", float(photo["95%"]), "ms (a 2 MB photo)")
            figure("load_photo_vs_text_p95_ratio", float(photo["95%"]) / max(float(text["95%"]), 1.0), goal="≤ 4.0")
        failures = prefix.parent / "locust_failures.csv"
        if failures.exists():
            for row in list(csv.DictReader(failures.open()))[:5]:
                figure("load_failure", f"{row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error'][:200]}")
        figure("load_bench_seconds", f"{time.monotonic() - began:.0f}", "s")
    finally:
        if server:
            server.stop()
        if database:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
