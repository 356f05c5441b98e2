"""The SLA sweep against the least its rules require, over 100,000 open issues of which 10 % are overdue.

The sweep is timed on the whole drain: sweeps run one after another (as the beat task does while
`more` is true) until every due row is handled, i.e. all 10,000 overdue issues claimed, advanced
and escalated, with their events and notifications written. It is called through its public
entry point, `issues.escalation.sla_sweep` (what `manage.py sla_sweep` and the beat task run).

The floor is the bare writes that the audit and notification rules require of any sweep of
those rows, in the same run: one set-based UPDATE of the due rows' SLA columns, one
INSERT … SELECT of one event each and one INSERT … SELECT of the notification rows for those who
must be told (each issue's grid worker, level 1 of the ladder, on the default channel, skipping
keys already told), as plain SQL with no Python per row and rolled back, so no commit is paid.
The real sweep also writes a second event when a deadline is first missed, reads the ladder and
the calendar, builds each message in the workstation's language and commits each batch.

Prints (each with its goal):
  sla_sweep_vs_floor_ratio: median time of the whole drain / median time of the floor (goal ≤ 2.0);
      the drain is repeated (3 times) from the same state, the floor 3 times
  sla_sweep_queries_1000 / _100000: queries of one sweep (one beat tick: one batch of every phase)
      with 1,000 issues (100 due: one part-full batch) and with 100,000 (every sweep of the drain
      that did work is counted; a range is printed if they differ). Goal: equal, a fixed number
      per batch whatever the data size. sla_sweep_queries_first_in_process: the first sweep of a
      process, which also loads the per-process configuration cache (minqing.config_cache)
  sla_sweep_drain_rows_per_second, sla_sweep_us_per_row: the drain's throughput
  sla_sweep_vs_scan_ratio: the drain against one indexed ORM scan of the due rows (the earlier
      goal, replaced by the floor above; printed for comparison with older numbers)
SQLite in a scratch folder by default; a scratch PostgreSQL database when DATABASE_URL is set.
The batch is settings.SLA_SWEEP_BATCH (set SLA_SWEEP_BATCH to try others). No webhook
subscription exists, so the webhook fan-out costs nothing per row; there is no broker, so the
after-commit hand-off of the notifications to the delivery task is a no-op (delivery itself is
the worker's job, not the sweep's).
"""

import datetime as dt
import statistics
import time

from _db import drop, scratch_database
from _report import figure
from _setup import django_setup

bench_db = scratch_database()
django_setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from issues.escalation import sla_sweep  # noqa: E402  (the public entry point: the one line to re-point)
from issues.models import Issue, IssueEvent, Notification, hash_token  # noqa: E402
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


def floor(now: dt.datetime) -> float:
    """The least a sweep must write for the due rows, as plain SQL with no Python per row: their
    SLA columns in one UPDATE, an event each in one INSERT … SELECT, and a notification to each
    one's grid worker (level 1, by email, keys already told skipped) in one INSERT … SELECT;
    rolled back, so the state is unchanged. Returns the seconds the three statements took."""
    event, issue, note = IssueEvent._meta, Issue._meta, Notification._meta
    user = get_user_model()._meta
    qn = connection.ops.quote_name
    at = connection.ops.adapt_datetimefield_value(now)

    def cols(meta, names):
        return ", ".join(qn(meta.get_field(f).column) for f in names)

    i_id, i_ref, i_assignee = (qn(issue.get_field(f).column) for f in ("id", "reference", "assignee"))
    i_overdue = qn(issue.get_field("overdue_at").column)
    with transaction.atomic():
        start = time.perf_counter()
        updated = Issue.objects.filter(sla_next_at__lte=now).update(
            missed=1,
            escalation_level=1,
            overdue_at=now,
            escalate_at=now + dt.timedelta(minutes=30),
            sla_next_at=now + dt.timedelta(minutes=30),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(event.db_table)} "
                f"({cols(event, ('issue', 'type', 'old_status', 'new_status', 'note', 'is_public', 'created_at'))}) "
                f"SELECT {i_id}, %s, '', '', %s, %s, %s FROM {qn(issue.db_table)} WHERE {i_overdue} = %s",
                [IssueEvent.Type.ESCALATED.value, "Level 1 (grid worker)", False, at, at],
            )
            events = cursor.rowcount
            names = ("key", "kind", "channel", "user", "address", "issue", "subject", "body", "created_at", "attempts")
            cursor.execute(
                f"INSERT INTO {qn(note.db_table)} ({cols(note, (*names, 'last_error'))}) "
                f"SELECT 'escalated:' || i.{i_id} || ':1:' || i.{i_assignee}, %s, %s, i.{i_assignee}, u.{qn('email')}, "
                f"i.{i_id}, '[' || i.{i_ref} || '] Overdue', 'The acceptance deadline of ' || i.{i_ref} || "
                f"' was missed.', %s, 0, '' "
                f"FROM {qn(issue.db_table)} i JOIN {qn(user.db_table)} u ON u.{qn(user.pk.column)} = i.{i_assignee} "
                f"WHERE i.{i_overdue} = %s ON CONFLICT DO NOTHING",
                [Notification.Kind.NOTICE.value, Notification.Channel.EMAIL.value, at, at],
            )
            told = cursor.rowcount
        elapsed = time.perf_counter() - start
        assert updated == events == told and updated > 0, (updated, events, told)
        transaction.set_rollback(True)
    return elapsed


def reset(now: dt.datetime) -> int:
    """Every overdue issue back to due and untold, as seeded; the sweep's events and notifications
    gone (bench bookkeeping only: the product never deletes them). Returns how many are due."""
    Issue.objects.filter(accept_due_at__lt=now).update(
        missed=0,
        escalation_level=0,
        escalate_at=None,
        overdue_at=None,
        sla_next_at=F("accept_due_at") + dt.timedelta(microseconds=1),
    )
    IssueEvent.objects.all().delete()
    Notification.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return Issue.objects.filter(sla_next_at__lte=now).count()


def drain(now: dt.datetime) -> tuple[float, int, list[int]]:
    """Sweep until nothing is left: (seconds, issues escalated, queries of each sweep that did work)."""
    escalated, queries, elapsed = 0, [], 0.0
    while True:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = sla_sweep(now=now)
            elapsed += time.perf_counter() - start
        escalated += result["escalated"]
        if result["escalated"]:
            queries.append(len(ctx.captured_queries))
        if not result["more"]:
            return elapsed, escalated, queries


def per_sweep(queries: list[int]) -> str:
    low, high = min(queries), max(queries)
    return f"{low} queries" if low == high else f"{low}–{high} queries"


def main() -> None:
    call_command("migrate", verbosity=0)
    from issues import publish

    # No broker in this benchmark: the after-commit hand-off of the new notifications to the
    # delivery task (issues.notify.deliver_soon → issues.publish.delivery) does nothing.
    publish.delivery = lambda ids: None
    now = timezone.now()
    place = world()
    seed(0, 1000, now, place)
    # The first sweep of a process also loads what it caches per process (minqing.config_cache):
    # counted apart; then the same 100 overdue issues again, swept as every later tick is.
    _t, _e, first = drain(now)
    reset(now)
    _t, escalated_1000, queries_1000 = drain(now)
    assert escalated_1000 == 100, escalated_1000
    seed(1000, 99_000, now, place)
    due = reset(now)
    assert due == 10_000, due
    scan(now)  # warm the cache
    scans = [scan(now) for _ in range(7)]
    floor(now)  # warm up
    floors = [floor(now) for _ in range(3)]
    drains, queries_100000 = [], []
    for _ in range(3):
        reset(now)  # also vacuums away what the rolled-back floor writes left (PostgreSQL)
        elapsed, escalated, queries = drain(now)
        assert escalated == due, (escalated, due)
        assert not Issue.objects.filter(sla_next_at__lte=now).exists()
        drains.append(elapsed)
        queries_100000 += queries
    scan_s, floor_s, drain_s = statistics.median(scans), statistics.median(floors), statistics.median(drains)
    figure("sla_sweep_database", connection.vendor)
    figure("sla_sweep_batch", settings.SLA_SWEEP_BATCH, "issues")
    figure("sla_sweep_drain_median", drain_s * 1000, f"ms ({due} rows, {len(queries)} sweeps with work)", digits=1)
    figure("sla_sweep_drains", ", ".join(f"{d * 1000:.0f}" for d in drains), "ms")
    figure("sla_sweep_floor_median", floor_s * 1000, "ms (one UPDATE, two INSERT … SELECT, rolled back)", digits=1)
    figure("sla_sweep_floors", ", ".join(f"{d * 1000:.0f}" for d in floors), "ms")
    figure("sla_sweep_vs_floor_ratio", drain_s / floor_s, goal="≤ 2.0")
    figure(
        "sla_sweep_queries_1000",
        per_sweep(queries_1000),
        f"per sweep ({escalated_1000} due, {len(queries_1000)} sweep)",
        goal="equal at 1,000 and 100,000",
    )
    figure(
        "sla_sweep_queries_100000",
        per_sweep(queries_100000),
        f"per sweep ({due} due, {len(queries)} sweeps)",
        goal="equal at 1,000 and 100,000",
    )
    figure("sla_sweep_queries_equal", "yes" if set(queries_1000) == set(queries_100000) else "NO", goal="yes")
    figure("sla_sweep_queries_first_in_process", first[0], "queries")
    figure("sla_sweep_drain_rows_per_second", f"{due / drain_s:.0f}", "rows/s")
    figure("sla_sweep_us_per_row", drain_s / due * 1e6, f"µs (floor: {floor_s / due * 1e6:.1f} µs)", digits=1)
    figure("sla_sweep_scan_median", scan_s * 1000, f"ms ({due} rows)", digits=1)
    figure("sla_sweep_vs_scan_ratio", drain_s / scan_s, "(the earlier measure, replaced by the floor)")


if __name__ == "__main__":
    try:
        main()
    finally:
        drop(bench_db)
