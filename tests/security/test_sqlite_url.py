"""DATABASE_URL=sqlite:///… gets the embedded default's SQLite options (issue 14, item 7): busy
timeout, IMMEDIATE transactions and WAL, so concurrent writes wait instead of failing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_races_on_a_sqlite_url_lose_nothing_and_answer_no_5xx(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="1", VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/from-url.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/security/races_on_a_sqlite_url.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout


def test_every_sqlite_database_gets_the_same_options():
    from minqing.settings import sqlite_database

    url = sqlite_database({"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/x.sqlite3", "OPTIONS": {}})
    assert url["OPTIONS"]["timeout"] == 30
    assert url["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in url["OPTIONS"]["init_command"]
    assert url["TEST"]["NAME"] != ":memory:"
