"""The three rates, medians and tables of issues.stats, and the statistics page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import stats
from issues.models import Dispatch, Issue
from tests import factories
from tests.desk.conftest import client_for, many_issues, queries_of

H = dt.timedelta(hours=1)


@pytest.fixture
def now():
    return timezone.now()


def make(world, now, *, loc=None, **fields):
    """One issue received two days ago with the given milestones and deadlines."""
    created = now - 48 * H
    (issue,) = many_issues(loc or world.loc, 1, created_at=created, **fields)
    return Issue.objects.get(pk=issue.pk)


def test_response_rate_counts_only_decided_acceptances(world, now):
    t0 = now - 48 * H
    make(world, now, accept_due_at=t0 + H, accepted_at=t0 + H / 2)  # in time
    make(world, now, accept_due_at=t0 + H, accepted_at=t0 + 2 * H)  # late
    make(world, now, accept_due_at=t0 + H)  # never accepted, target passed: a miss
    make(world, now, accept_due_at=now + H)  # still running: not decided, left out
    make(world, now)  # no acceptance target (a consult): left out
    row = stats.overall(Issue.objects.all(), now=now)
    assert (row.accept_ok, row.accept_base) == (1, 3)
    assert row.response_rate == pytest.approx(33.3)


def test_resolution_rate_leaves_out_merged_declined_and_paused(world, now):
    t0 = now - 48 * H
    make(world, now, resolve_due_at=t0 + 10 * H, resolved_at=t0 + 5 * H, status="closed")
    make(world, now, resolve_due_at=t0 + 10 * H, resolved_at=t0 + 20 * H, status="resolved")
    make(world, now, resolve_due_at=t0 + 10 * H, status="accepted")  # past and open: a miss
    make(world, now, resolve_due_at=t0 + 10 * H, status="on_hold")  # clock stopped: not decided
    make(world, now, resolve_due_at=t0 + 10 * H, status="merged")
    make(world, now, resolve_due_at=t0 + 10 * H, status="declined")
    make(world, now, resolve_due_at=now + H, status="accepted")  # still running
    row = stats.overall(Issue.objects.all(), now=now)
    assert (row.resolve_ok, row.resolve_base) == (1, 3)


def test_satisfaction_counts_only_ratings_and_never_an_unrated_closure(world, now):
    for rating in (5, 4, 3, 1):
        make(world, now, status="closed", rating=rating)
    make(world, now, status="closed")  # closed without the resident's answer
    make(world, now, status="closed")
    row = stats.overall(Issue.objects.all(), now=now)
    assert (row.satisfied, row.rated) == (2, 4)
    assert row.satisfaction_rate == 50.0


def test_no_decided_issue_means_no_rate_not_zero(world, now):
    make(world, now, accept_due_at=now + H, resolve_due_at=now + H)
    row = stats.overall(Issue.objects.all(), now=now)
    assert row.response_rate is None and row.resolution_rate is None and row.satisfaction_rate is None


def test_medians_of_time_to_accept_and_resolve(world, now):
    t0 = now - 48 * H
    for hours in (1, 2, 10):
        make(world, now, accepted_at=t0 + hours * H, resolved_at=t0 + 2 * hours * H)
    make(world, now)  # neither: left out
    row = stats.overall(Issue.objects.all(), now=now)
    assert row.median_accept_hours == pytest.approx(2.0, abs=0.01)
    assert row.median_resolve_hours == pytest.approx(4.0, abs=0.01)


def test_tables_by_kind_neighbourhood_worker_and_week(world, now):
    make(world, now, kind="urgent", assignee=world.worker)
    make(world, now, kind="consult", assignee=world.worker)
    make(world, now, loc=world.loc2, kind="consult", assignee=world.worker2)
    issues = Issue.objects.all()
    assert {r.key: r.received for r in stats.by_kind(issues, now=now)} == {"consult": 2, "urgent": 1}
    hoods = {r.label: r.received for r in stats.by_neighbourhood(issues, now=now)}
    assert hoods == {world.grid.neighbourhood.name: 2, world.grid2.neighbourhood.name: 1}
    assert {r.label: r.received for r in stats.by_grid_worker(issues, now=now)} == {"grid1": 2, "grid2": 1}
    weeks = stats.weekly(issues, now=now)
    assert sum(r.received for r in weeks) == 3
    assert all(isinstance(r.key, dt.date) and r.key.weekday() == 0 for r in weeks)


def test_departments_table(world, now):
    department = factories.department(world.ws.subdistrict)
    a, b = make(world, now), make(world, now)
    Dispatch.objects.create(
        issue=a, department=department, due_at=now - H, status="done", done_at=now - 2 * H, acknowledged_at=now - 3 * H
    )
    Dispatch.objects.create(issue=b, department=department, due_at=now - H)  # open and late
    # Withdrawn when its issue ended before the department answered: not the department's to count.
    Dispatch.objects.create(issue=b, department=department, due_at=now - H, status="withdrawn", acknowledged_at=now)
    (row,) = stats.by_department(Issue.objects.all(), now=now)
    assert (row.sent, row.done, row.done_in_time, row.open_late, row.acknowledged) == (2, 1, 1, 1, 1)
    assert row.on_time_rate == 50.0


def test_the_page_writes_each_definition_and_a_table_behind_each_chart(world):
    make(world, timezone.now(), status="closed", rating=5, assignee=world.worker)
    response = client_for(world.staff).get(reverse("stats"))
    page = response.content.decode()
    for definition in stats.RATE_DEFINITIONS.values():
        assert str(definition) in page
    for name in ("weekly", "kind", "neighbourhood", "worker"):
        assert f'data-chart="{name}"' in page
        assert f'id="chart-data-{name}"' in page
        assert f'data-table="{name}"' in page
    assert "vendor/echarts/echarts.min.js" in page


def test_csv_export_of_a_table(world):
    make(world, timezone.now(), kind="urgent")
    response = client_for(world.staff).get(reverse("stats_csv") + "?table=kind")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Group"
    assert rows[1][0] == "Urgent matters (急事快办)" and rows[1][1] == "1"
    assert client_for(world.staff).get(reverse("stats_csv") + "?table=nope").status_code == 404


def test_outsiders_see_none_of_our_numbers(world):
    make(world, timezone.now())
    response = client_for(world.outsider).get(reverse("stats"))
    assert response.context["overall"].received == 0
    assert client_for(world.worker).get(reverse("stats")).status_code == 403


def test_the_page_runs_the_same_queries_at_10_and_2000_issues(world):
    client = client_for(world.staff)
    now = timezone.now()
    many_issues(world.loc, 10, created_at=now - 24 * H, assignee=world.worker)
    client.get(reverse("stats"))  # per-process snapshots filled, as on a running server (the apps' filters)
    small, _ = queries_of(client, reverse("stats"))
    many_issues(world.loc, 1000, created_at=now - 72 * H, assignee=world.worker, status="closed", rating=4)
    many_issues(world.loc2, 990, created_at=now - 30 * H, assignee=world.worker2)
    large, response = queries_of(client, reverse("stats"))
    assert response.context["overall"].received == 2000
    assert large == small


# --- Issue 18: every week of the range; workstations compared ------------------------------------


def test_the_weekly_trend_has_every_week_of_the_range_with_zeros(world):
    tz = timezone.get_current_timezone()
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 35)  # six weeks back
    at = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(10), tzinfo=tz)
    many_issues(world.loc, 2, created_at=at)
    many_issues(world.loc, 1, created_at=at + dt.timedelta(days=21))
    weeks = stats.weekly(Issue.objects.all(), start=monday + dt.timedelta(days=3), end=monday + dt.timedelta(days=40))
    assert [r.key for r in weeks] == [monday + dt.timedelta(days=7 * i) for i in range(6)]
    assert [r.received for r in weeks] == [2, 0, 0, 1, 0, 0]
    assert weeks[1].response_rate is None and weeks[1].median_resolve_hours is None
    # The page's table and its CSV: eight weeks by default, the empty ones as 0.
    client = client_for(world.staff)
    rows = client.get(reverse("stats")).context["tables"]["weekly"]
    assert len(rows) == 8 and sum(r.received for r in rows) == 3 and [r.received for r in rows].count(0) >= 6
    lines = list(
        csv.reader(io.StringIO(client.get(reverse("stats_csv") + "?table=weekly").content.decode("utf-8-sig")))
    )
    assert len(lines) == 1 + 8 and [line[1] for line in lines[1:]].count("0") >= 6


def test_workstations_compared_for_those_who_read_several(world):
    from workstations.models import Role

    second = factories.workstation(world.ws.subdistrict, name="第二工作站")
    many_issues(world.loc, 3, created_at=timezone.now() - 24 * H)
    many_issues(factories.location(factories.grid(second)), 1, created_at=timezone.now() - 24 * H)
    supervisor = factories.user("sup", role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    client = client_for(supervisor)
    response = client.get(reverse("stats"))
    rows = {r.label: r.received for r in response.context["tables"]["workstation"]}
    assert rows == {world.ws.name: 3, "第二工作站": 1}
    page = response.content.decode()
    assert 'data-chart="workstation"' in page and 'data-table="workstation"' in page
    lines = list(
        csv.reader(io.StringIO(client.get(reverse("stats_csv") + "?table=workstation").content.decode("utf-8-sig")))
    )
    assert {line[0]: line[1] for line in lines[1:]} == {world.ws.name: "3", "第二工作站": "1"}
    # One workstation picked, or only one to read: no comparison.
    assert "workstation" not in client.get(reverse("stats"), {"ws": second.pk}).context["tables"]
    staff = client_for(world.staff)
    assert "workstation" not in staff.get(reverse("stats")).context["tables"]
    assert staff.get(reverse("stats_csv") + "?table=workstation").status_code == 404
