"""The SLA sweep against one indexed scan, over 100,000 open issues of which 10 % are overdue.

Prints:
  sla_sweep_vs_scan_ratio: time of one sweep run (all phases; a bounded batch of issues claimed,
      advanced, escalated with events and notifications) / time of one indexed SQL scan that
      lists the same overdue rows (goal ≤ 3)
  sla_sweep_queries_1000 / _100000: queries of one sweep with 1,000 and with 100,000 issues (goal: equal)
  sla_sweep_drain_rows_per_second: overdue issues escalated per second, sweeping batch after batch
SQLite in a scratch folder by default; a scratch PostgreSQL database when DATABASE_URL is set.
"""

import datetime as dt
import statistics
import time

from _db import drop, scratch_database
from _setup import django_setup

bench_db = scratch_database()
django_setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from issues import escalation, services  # noqa: E402
from issues.models import Issue, hash_token  # noqa: E402
from workstations.models import Grid, Location, Neighbourhood, Role, Subdistrict, Workstation  # noqa: E402

BATCH = 5000


def world():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    sub = Subdistrict.objects.create(name="天平街道", slug="tp", code="TP")
    ws = Workstation.objects.create(subdistrict=sub, area_name="梧桐片区", name="梧桐片区工作站", slug="wutong")
    hood = Neighbourhood.objects.create(workstation=ws, name="永嘉新村", slug="yj")
    grid = Grid.objects.create(neighbourhood=hood, name="第一网格", code="g1")
    loc = Location.objects.create(grid=grid, name="永嘉路580弄")
    head = User.objects.create_user("head", email="head@example.invalid")
    worker = User.objects.create_user("grid", email="grid@example.invalid")
    Role.objects.create(user=head, kind=Role.Kind.STATION_HEAD, workstation=ws)
    Role.objects.create(user=worker, kind=Role.Kind.GRID_WORKER, grid=grid)
    return ws, grid, loc, worker


def seed(start: int, count: int, now: dt.datetime, place) -> None:
    """`count` open urgent issues, every tenth already past its acceptance deadline."""
    ws, grid, loc, worker = place
    for first in range(start, start + count, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, start + count)):
            overdue = n % 10 == 0
            received = now - dt.timedelta(minutes=30 if overdue else 2)
            accept_due = received + dt.timedelta(minutes=10)
            rows.append(
                Issue(
                    reference=f"TP-BENCH-{n:07d}",
                    kind="urgent",
                    description="弄堂口电线被扯断了",
                    location=loc,
                    workstation=ws,
                    grid=grid,
                    status="assigned",
                    assignee=worker,
                    tracking_token_hash=hash_token(f"bench-{n}"),
                    routed_at=received,
                    assigned_at=received,
                    sla_started_at=received,
                    accept_due_at=accept_due,
                    arrive_due_at=received + dt.timedelta(minutes=30),
                    resolve_due_at=received + dt.timedelta(hours=4),
                    accept_remind_at=received + dt.timedelta(minutes=8) if not overdue else None,
                    sla_next_at=accept_due + dt.timedelta(microseconds=1)
                    if overdue
                    else received + dt.timedelta(minutes=8),
                )
            )
        Issue.objects.bulk_create(rows)


def scan(now: dt.datetime) -> float:
    """One indexed scan listing the overdue rows (what has something due), with their deadlines."""
    start = time.perf_counter()
    rows = list(
        Issue.objects.filter(sla_next_at__lte=now).values_list("id", "sla_next_at", "accept_due_at", "resolve_due_at")
    )
    assert rows
    return time.perf_counter() - start


def sweep(now: dt.datetime) -> tuple[float, int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = services.sla_sweep(now=now)
        elapsed = time.perf_counter() - start
    return elapsed, len(ctx.captured_queries), result


def main() -> None:
    call_command("migrate", verbosity=0)
    import issues.tasks

    issues.tasks.publish_delivery = lambda ids: None  # no broker in this benchmark
    now = timezone.now()
    place = world()
    seed(0, 1000, now, place)
    _t, queries_1000, _r = sweep(now)
    seed(1000, 99_000, now, place)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    scan(now)  # warm the cache
    _t, queries_100000, _r = sweep(now)
    scans, sweeps = [], []
    for _ in range(7):
        scans.append(scan(now))
        elapsed, _q, result = sweep(now)
        sweeps.append(elapsed)
    due = Issue.objects.filter(sla_next_at__lte=now).count()
    start = time.perf_counter()
    drained = 0
    for _ in range(20):  # a sample of the drain: 20 full batches
        result = services.sla_sweep(now=now)
        drained += result["escalated"]
        if not result["more"]:
            break
    drain = time.perf_counter() - start
    print(f"sla_sweep_batch: {escalation.batch_size()} issues")
    print(f"sla_sweep_scan_median: {statistics.median(scans) * 1000:.1f} ms")
    print(f"sla_sweep_run_median: {statistics.median(sweeps) * 1000:.1f} ms")
    print(f"sla_sweep_vs_scan_ratio: {statistics.median(sweeps) / statistics.median(scans):.2f}")
    print(f"sla_sweep_queries_1000: {queries_1000} queries")
    print(f"sla_sweep_queries_100000: {queries_100000} queries")
    print(f"sla_sweep_drain_rows_per_second: {drained / drain:.0f} rows/s ({due} due)")


if __name__ == "__main__":
    try:
        main()
    finally:
        drop(bench_db)
