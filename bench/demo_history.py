"""`seed_demo --history` (issue 18, item 18): about 300 past reports over twelve weeks, lived
through the real services, in under 30 s on SQLite. Runs the command as `make run` does, in a
fresh process against a scratch database (SQLite under a scratch VAR_DIR, or the server of
DATABASE_URL when set — then a database of its own, dropped afterwards), after `migrate` and
a plain `seed_demo`, and times the history alone.
Prints:
  demo_history_seconds: wall time of `seed_demo --history` (goal ≤ 30 on SQLite)
  demo_history_database: which database it ran on
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import figure  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="minqing-bench-history-")
    env = {**os.environ, "DEBUG": "1", "VAR_DIR": scratch}
    database = "sqlite"
    dropdb = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        name = "minqing_bench_history"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"{base}/{name}"
        database = "postgresql"

        def dropdb() -> None:
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)

    try:
        manage("migrate", "--noinput")
        manage("seed_demo")
        started = time.monotonic()
        manage("seed_demo", "--history")
        seconds = time.monotonic() - started
    finally:
        if dropdb:
            dropdb()
    figure("demo_history_database", database)
    figure("demo_history_seconds", seconds, "s", goal="≤ 30 on SQLite", digits=1)


if __name__ == "__main__":
    main()
