"""What one resident's visit costs the server, against the least a Django app can do.

One visitor's path is three requests: the report form (GET /q/<token>/), a text-only report
(POST, answered 303) and the tracking page (GET /t/<token>/). VISITORS visitors walk it at the
same time, against the real app under gunicorn, and against bench/floor_app (the same three
steps with one INSERT and one SELECT, no middleware, no templates) under the same gunicorn,
database and Python, in the same run. Rounds alternate between the two.

Machine time is CPU time, read from /proc/<pid>/stat: the gunicorn master and workers, plus, on
PostgreSQL, the server backends connected to the benchmark's database (sampled while the load
runs, so a backend that ends early still counts). The load generator itself is not counted.
Rate limits are off (RATELIMIT_ENABLE=false), as the CONTRACT allows for load tests.

Prints:
  resident_path_database: postgresql | sqlite (DATABASE_URL not set)
  resident_path_app_cpu_ms: CPU per path of the real app (web + database), median of the rounds
  resident_path_floor_cpu_ms: the same for the floor app
  resident_path_vs_floor_ratio: app / floor, median of the per-round ratios
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")

VISITORS = int(os.environ.get("BENCH_VISITORS", "8"))
PATHS_PER_ROUND = int(os.environ.get("BENCH_PATHS", "120"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DESCRIPTION = "弄堂口的路灯不亮了，晚上很黑，老人走路不方便。"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')


# --- CPU time from /proc ---------------------------------------------------------------------


def cpu_seconds(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry))
    return found


@dataclass
class Meter:
    """Samples the CPU time of a changing set of processes while a phase runs."""

    pids: object  # () -> list of pids to watch
    interval: float = 0.2
    first: dict = field(default_factory=dict)
    last: dict = field(default_factory=dict)

    def sample(self, *, starting: bool = False) -> None:
        for pid in self.pids():
            cpu = cpu_seconds(pid)
            if cpu is None:
                continue
            # A process first seen during the phase started during it: count all its time.
            self.first.setdefault(pid, cpu if starting else 0.0)
            self.last[pid] = cpu

    def __enter__(self):
        self.sample(starting=True)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int

    def pids(self) -> list[int]:
        return [self.process.pid, *children_of(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(name: str, app: str, env: dict, cwd: Path) -> Server:
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(name, process, port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name}: gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise SystemExit(f"{name}: gunicorn did not start")


def run(command: list[str], env: dict, cwd: Path) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


# --- The visitor -----------------------------------------------------------------------------


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A browser sends the report form as multipart/form-data (it can carry photos)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


def request(port: int, method: str, path: str, cookies: dict, body: bytes = b"", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        all_headers = {"Host": "127.0.0.1", "Accept-Language": "zh-CN,zh;q=0.9", **(headers or {})}
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body or None, headers=all_headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), text
    finally:
        conn.close()


def visit(port: int, form_path: str) -> None:
    """One resident: the form, a text-only report, the tracking page."""
    cookies: dict = {}
    status, _, page = request(port, "GET", form_path, cookies)
    if status != 200:
        raise RuntimeError(f"GET {form_path}: {status}")
    fields = {"description": DESCRIPTION, "kind": "", "name": "", "phone": "", "website": ""}
    csrf, key = CSRF_RE.search(page), KEY_RE.search(page)
    if csrf:
        fields["csrfmiddlewaretoken"] = csrf.group(1)
    if key:
        fields["idempotency_key"] = key.group(1)
    body, content_type = multipart(fields)
    headers = {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{port}{form_path}"}
    status, location, _ = request(port, "POST", form_path, cookies, body, headers)
    if status != 303 or not location:
        raise RuntimeError(f"POST {form_path}: {status}")
    status, _, _ = request(port, "GET", urlsplit(location).path, cookies)
    if status != 200:
        raise RuntimeError(f"GET {location}: {status}")


def load(port: int, form_paths: list[str], paths: int) -> None:
    """`paths` visits by VISITORS concurrent visitors, spread over the locations."""
    counter = iter(range(paths))
    lock = threading.Lock()
    errors: list[Exception] = []

    def visitor() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None or errors:
                return
            try:
                visit(port, form_paths[n % len(form_paths)])
            except Exception as exc:  # noqa: BLE001 - reported below, stops the run
                errors.append(exc)

    threads = [threading.Thread(target=visitor) for _ in range(VISITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"a visit failed: {errors[0]}")


# --- The database ----------------------------------------------------------------------------


class Postgres:
    """A database of its own on the server DATABASE_URL names, dropped afterwards."""

    def __init__(self, url: str):
        import psycopg

        parts = urlsplit(url)
        self.name = f"minqing_bench_{os.getpid()}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.admin = psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
        self.admin.execute(f'CREATE DATABASE "{self.name}"')

    def backend_pids(self) -> list[int]:
        rows = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.name]
        ).fetchall()
        return [pid for (pid,) in rows]

    def drop(self) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.close()


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="minqing-bench-resident-"))
    database_url = os.environ.get("DATABASE_URL", "")
    postgres = Postgres(database_url) if database_url else None
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    base.update({"PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"})
    app_env = {
        **base,
        # Production settings: DEBUG off, templates cached, static files from the manifest.
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "RATELIMIT_ENABLE": "false",
        "VAR_DIR": str(scratch / "var"),
    }
    floor_env = {**base, "PYTHONPATH": str(BENCH), "FLOOR_SQLITE": str(scratch / "floor.sqlite3")}
    if postgres:
        app_env["DATABASE_URL"] = floor_env["DATABASE_URL"] = postgres.url
    servers: list[Server] = []
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], app_env, ROOT)
        run([*manage, "collectstatic", "--noinput"], app_env, ROOT)
        demo = json.loads(run([*manage, "seed_demo", "--json"], app_env, ROOT))
        form_paths = [urlsplit(url).path for url in demo["qr_urls"]]
        floor_paths = [f"/q/floor{n}/" for n in range(len(form_paths))]
        create = (
            "import django; django.setup(); from django.db import connection; from floor_app.urls import CREATE_TABLE;"
            "pk = 'BIGSERIAL PRIMARY KEY' if connection.vendor == 'postgresql' else 'INTEGER PRIMARY KEY AUTOINCREMENT';"
            "connection.cursor().execute(CREATE_TABLE.format(pk=pk))"
        )
        run([sys.executable, "-c", create], {**floor_env, "DJANGO_SETTINGS_MODULE": "floor_app.settings"}, BENCH)

        app = start_gunicorn("app", "minqing.wsgi:application", app_env, ROOT)
        servers.append(app)
        floor = start_gunicorn("floor", "floor_app.wsgi:application", floor_env, BENCH)
        servers.append(floor)

        def database_pids() -> list[int]:
            return postgres.backend_pids() if postgres else []

        for server, paths in ((app, form_paths), (floor, floor_paths)):
            load(server.port, paths, VISITORS * 4)  # warm up: imports, caches, connections

        per_path = {"app": [], "floor": []}
        split = {"app": [], "floor": []}  # (web, database) per path
        for _ in range(ROUNDS):
            for server, paths in ((floor, floor_paths), (app, form_paths)):
                with Meter(server.pids) as web, Meter(database_pids) as db:
                    load(server.port, paths, PATHS_PER_ROUND)
                per_path[server.name].append((web.seconds + db.seconds) / PATHS_PER_ROUND)
                split[server.name].append((web.seconds / PATHS_PER_ROUND, db.seconds / PATHS_PER_ROUND))
        ratios = [a / f for a, f in zip(per_path["app"], per_path["floor"], strict=True)]

        print("resident_path_database:", "postgresql" if postgres else "sqlite (DATABASE_URL not set)")
        print(f"resident_path_visitors: {VISITORS} concurrent")
        print(f"resident_path_app_cpu_ms: {statistics.median(per_path['app']) * 1000:.2f} ms")
        print(f"resident_path_floor_cpu_ms: {statistics.median(per_path['floor']) * 1000:.2f} ms")
        for name in ("app", "floor"):
            web = statistics.median(w for w, _ in split[name]) * 1000
            db = statistics.median(d for _, d in split[name]) * 1000
            print(f"resident_path_{name}_web_cpu_ms: {web:.2f} ms")
            if postgres:
                print(f"resident_path_{name}_db_cpu_ms: {db:.2f} ms")
        print(f"resident_path_vs_floor_ratio: {statistics.median(ratios):.2f}")
    finally:
        for server in servers:
            server.stop()
        if postgres:
            postgres.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
