#!/usr/bin/env bash
# The web server, a Celery worker and Celery beat, for `make run` (which has already migrated
# and seeded). The web server runs in the foreground; Ctrl-C stops all three. The banner below is
# the one place that prints the URLs and demo logins (`seed_demo` itself only says what it did).
# Works embedded (no DATABASE_URL / REDIS_URL: SQLite and a folder as the broker) and with them set.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
CELERY="$VENV/bin/celery"
export DEBUG=${DEBUG:-1}
export PORT=${PORT:-8000}
export SITE_ERROR_PAGES=${SITE_ERROR_PAGES:-1}
LOG_DIR=var/log
mkdir -p "$LOG_DIR"

pids=()

stop_background() {
    trap - EXIT INT TERM
    if [ ${#pids[@]} -eq 0 ]; then return; fi
    echo "Stopping the web server, the Celery worker and beat ..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # A warm shutdown finishes the task in hand; give it 10 seconds, then insist.
    for _ in $(seq 20); do
        [ -z "$(jobs -rp)" ] && break
        sleep 0.5
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$CELERY" -A minqing worker --pool=solo --concurrency=1 -l info >>"$LOG_DIR/worker.log" 2>&1 &
pids+=($!)
"$CELERY" -A minqing beat -l info >>"$LOG_DIR/beat.log" 2>&1 &
pids+=($!)

demo_json=$("$PY" manage.py seed_demo --json)

DEMO_JSON="$demo_json" LOG_DIR="$LOG_DIR" "$PY" - <<'PYTHON'
import json
import os

demo = json.loads(os.environ["DEMO_JSON"])
base = demo["base_url"]
database = "PostgreSQL (DATABASE_URL)" if os.environ.get("DATABASE_URL") else "SQLite under var/"
broker = "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "a folder under var/celery (no server)"
rows = [
    ("Home", f"{base}/"),
    ("Report form (QR)", demo["qr_urls"][0]),
    ("FAQ", f"{base}/faq/"),
    ("Staff dashboard", f"{base}/staff/"),
    ("Grid worker tasks", f"{base}/tasks/"),
    ("Admin", f"{base}/admin/"),
    ("Health", f"{base}/healthz"),
]
label_width = max(len(label) for label, _ in rows)
user_width = max(len(username) for username in demo["users"].values())
line = "=" * 72
print(line)
print("  民情快办 is starting: web server, Celery worker and Celery beat")
print(line)
for label, url in rows:
    print(f"  {label:<{label_width}}  {url}")
print()
print(f"  Demo logins (password: {demo['password']})")
for role, username in demo["users"].items():
    print(f"    {username:<{user_width}}  {role}")
print()
print(f"  Database: {database}")
print(f"  Broker:   {broker}")
print(f"  Logs:     {os.environ['LOG_DIR']}/worker.log, {os.environ['LOG_DIR']}/beat.log")
print("  Press Ctrl-C to stop everything.")
print(line, flush=True)
PYTHON

# In the background and waited for, so that a signal to this shell alone (not only Ctrl-C, which
# reaches the whole process group) interrupts `wait` at once and the trap stops all three.
"$PY" manage.py runserver --noreload "127.0.0.1:$PORT" &
server=$!
pids+=("$server")
wait "$server"
