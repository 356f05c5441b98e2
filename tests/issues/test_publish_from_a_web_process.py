"""A web process publishes by task name (issues.publish): in a fresh process that never imported
a tasks module, as gunicorn and management commands are, the publish must still reach the broker
(found by the scale-out test: every report waited for the sweep before the fix)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django
django.setup()
from celery import current_app
from issues import publish
assert "issues.tasks.route_issue_task" not in current_app.tasks  # nothing imported it yet
print("published" if publish.send(publish.ROUTE_ISSUE, [1]) else "refused")
"""


def test_a_fresh_web_process_publishes_a_route_task(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update({"DEBUG": "1", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "minqing.settings"})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "published", result.stderr[-2000:]
    assert list((tmp_path / "celery").rglob("*.msg")), "no message reached the broker's folder"
