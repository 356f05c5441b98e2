"""What one resident's visit costs the server, against a normal Django app doing the same steps.

One visitor's path is three requests: the report form (GET /q/<token>/), a text-only report
(POST, answered 303) and the tracking page (GET /t/<token>/). VISITORS visitors walk it at the
same time, against the real app under gunicorn, and against bench/floor_app under the same
gunicorn, database server and Python, in the same run. The floor is a normal Django app as
`startproject` sets one up (its middleware list, apps and context processors), Django templates,
one model: a ModelForm page, one INSERT on the POST (a 303 with a message), one SELECT by token
on the tracking page. Rounds alternate between the servers.

Each round walks the three steps as three phases: every visitor of the round opens the form,
then every one posts, then every one opens the tracking page; each phase is metered alone, so
the CPU of each step is known (`resident_path_cpu_ms_<step>`), and a path is their sum.

Machine time is CPU time, read from /proc/<pid>/stat: the gunicorn master and workers, plus, on
PostgreSQL, the server backends connected to that server's database (each server has a database
of its own; sampled while the load runs, so a backend that ends early still counts). The load
generator itself is not counted. Rate limits are off (RATELIMIT_ENABLE=false), as the CONTRACT
allows for load tests.

Prints (each with its goal):
  resident_path_database: postgresql | sqlite (DATABASE_URL not set)
  resident_path_app_cpu_ms / _floor_cpu_ms: CPU per path (web + database), median of the rounds
  resident_path_cpu_ms_form / _post / _track: the real app's CPU per step (floor's beside it)
  resident_path_vs_floor_ratio: app / floor, median of the per-round ratios (goal ≤ 3.0)
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

from _report import figure

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
    # Its log goes to a file: a pipe nobody reads while the load runs fills up (64 KB of warnings)
    # and then blocks every worker that logs, which ends the run with "Remote end closed connection".
    log = Path(tempfile.mkstemp(prefix=f"minqing-bench-{name}-", suffix=".log")[1])
    with log.open("w") as stderr:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
    server = Server(name, process, port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name}: gunicorn exited: {log.read_text()[-2000:]}")
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


STEPS = ("form", "post", "track")


@dataclass
class Visitor:
    """One resident's walk through the three steps; each step uses what the one before got."""

    form_path: str
    cookies: dict = field(default_factory=dict)
    page: str = ""
    track_path: str = ""

    def form(self, port: int) -> None:
        status, _, self.page = request(port, "GET", self.form_path, self.cookies)
        if status != 200:
            raise RuntimeError(f"GET {self.form_path}: {status}")

    def post(self, port: int) -> None:
        fields = {"description": DESCRIPTION, "kind": "", "name": "", "phone": "", "website": ""}
        csrf, key = CSRF_RE.search(self.page), KEY_RE.search(self.page)
        if csrf:
            fields["csrfmiddlewaretoken"] = csrf.group(1)
        if key:
            fields["idempotency_key"] = key.group(1)
        body, content_type = multipart(fields)
        headers = {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{port}{self.form_path}"}
        status, location, _ = request(port, "POST", self.form_path, self.cookies, body, headers)
        if status != 303 or not location:
            raise RuntimeError(f"POST {self.form_path}: {status}")
        self.track_path = urlsplit(location).path

    def track(self, port: int) -> None:
        status, _, _ = request(port, "GET", self.track_path, self.cookies)
        if status != 200:
            raise RuntimeError(f"GET {self.track_path}: {status}")


def concurrently(port: int, visitors: list[Visitor], step: str) -> None:
    """Every visitor takes `step`, VISITORS at a time."""
    counter = iter(visitors)
    lock = threading.Lock()
    errors: list[Exception] = []

    def worker() -> None:
        while True:
            with lock:
                visitor = next(counter, None)
            if visitor is None or errors:
                return
            try:
                getattr(visitor, step)(port)
            except Exception as exc:  # noqa: BLE001 - reported below, stops the run
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(VISITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"a visit failed ({step}): {errors[0]}")


def load(server, form_paths: list[str], paths: int, database_pids=None) -> dict[str, tuple[float, float]]:
    """`paths` visits spread over the locations, step by step; (web, database) CPU seconds of each step."""
    visitors = [Visitor(form_paths[n % len(form_paths)]) for n in range(paths)]
    spent = {}
    for step in STEPS:
        with Meter(server.pids) as web, Meter(database_pids or (lambda: [])) as db:
            concurrently(server.port, visitors, step)
        spent[step] = (web.seconds, db.seconds)
    return spent


# --- The database ----------------------------------------------------------------------------


class Postgres:
    """A database of its own on the server DATABASE_URL names, dropped afterwards."""

    def __init__(self, url: str, suffix: str):
        import psycopg

        parts = urlsplit(url)
        self.name = f"minqing_bench_{os.getpid()}_{suffix}"
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
    began = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="minqing-bench-resident-"))
    database_url = os.environ.get("DATABASE_URL", "")
    databases = {name: Postgres(database_url, name) for name in ("app", "floor")} if database_url else {}
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    base.update({"PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"})
    app_env = {
        **base,
        # Production settings: DEBUG off, templates cached, static files from the manifest.
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "RATELIMIT_ENABLE": "false",
        "NOTIFY_SMS_CHANNEL": "log",  # production refuses an unchosen SMS channel
        "VAR_DIR": str(scratch / "var"),
    }
    floor_env = {
        **base,
        "PYTHONPATH": str(BENCH),
        "DJANGO_SETTINGS_MODULE": "floor_app.settings",
        "FLOOR_SQLITE": str(scratch / "floor.sqlite3"),
    }
    if databases:
        app_env["DATABASE_URL"] = databases["app"].url
        floor_env["DATABASE_URL"] = databases["floor"].url
    servers: list[Server] = []
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], app_env, ROOT)
        run([*manage, "collectstatic", "--noinput"], app_env, ROOT)
        demo = json.loads(run([*manage, "seed_demo", "--json"], app_env, ROOT))
        form_paths = [urlsplit(url).path for url in demo["qr_urls"]]
        floor_paths = [f"/q/floor{n}/" for n in range(len(form_paths))]
        run([sys.executable, "-m", "django", "migrate", "--noinput"], floor_env, BENCH)

        app = start_gunicorn("app", "minqing.wsgi:application", app_env, ROOT)
        servers.append(app)
        floor = start_gunicorn("floor", "floor_app.wsgi:application", floor_env, BENCH)
        servers.append(floor)
        runs = [(floor, floor_paths), (app, form_paths)]

        def database_pids(name: str):
            return databases[name].backend_pids if databases else None

        for server, paths in runs:
            load(server, paths, VISITORS * 4)  # warm up: imports, caches, connections

        per_path = {server.name: [] for server, _ in runs}
        steps = {server.name: {step: [] for step in STEPS} for server, _ in runs}
        split = {server.name: [] for server, _ in runs}  # (web, database) per path
        for _ in range(ROUNDS):
            for server, paths in runs:
                spent = load(server, paths, PATHS_PER_ROUND, database_pids(server.name))
                web = sum(w for w, _ in spent.values()) / PATHS_PER_ROUND
                db = sum(d for _, d in spent.values()) / PATHS_PER_ROUND
                per_path[server.name].append(web + db)
                split[server.name].append((web, db))
                for step, (w, d) in spent.items():
                    steps[server.name][step].append((w + d) / PATHS_PER_ROUND)
        ratios = [a / f for a, f in zip(per_path["app"], per_path["floor"], strict=True)]

        def ms(values) -> float:
            return statistics.median(values) * 1000

        figure("resident_path_database", "postgresql" if databases else "sqlite (DATABASE_URL not set)")
        figure("resident_path_visitors", VISITORS, f"concurrent, {PATHS_PER_ROUND} paths a round, {ROUNDS} rounds")
        figure("resident_path_app_cpu_ms", ms(per_path["app"]), "ms per path (web + database)")
        figure("resident_path_floor_cpu_ms", ms(per_path["floor"]), "ms per path (web + database)")
        for step in STEPS:
            figure(
                f"resident_path_cpu_ms_{step}",
                ms(steps["app"][step]),
                f"ms (floor: {ms(steps['floor'][step]):.2f} ms)",
            )
        for name in ("app", "floor"):
            figure(f"resident_path_{name}_web_cpu_ms", ms(w for w, _ in split[name]), "ms")
            if databases:
                figure(f"resident_path_{name}_db_cpu_ms", ms(d for _, d in split[name]), "ms")
        figure("resident_path_rounds", ", ".join(f"{r:.2f}" for r in ratios), "(app / floor of each round)")
        figure("resident_path_vs_floor_ratio", statistics.median(ratios), goal="≤ 3.0")
        figure("resident_path_bench_seconds", f"{time.monotonic() - began:.0f}", "s")
    finally:
        for server in servers:
            server.stop()
        for database in databases.values():
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
