"""Duty: who gets a new issue — primary, backups, the on-call rota for nights and weekends,
and leave — and the duty page where staff keep the rota."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from issues import services as issue_services
from tests import factories
from workstations.duty import on_duty
from workstations.models import Absence, OnCallShift, Role
from workstations.services import grid_worker_for

SH = ZoneInfo("Asia/Shanghai")
# A plain week: Wednesday 2026-12-02 is a working day; Saturday 2026-12-05 a weekend day.
WEDNESDAY_10 = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SH)
WEDNESDAY_23 = dt.datetime(2026, 12, 2, 23, 0, tzinfo=SH)
SATURDAY_15 = dt.datetime(2026, 12, 5, 15, 0, tzinfo=SH)


@pytest.fixture
def rota(world):
    """demo-like rota: the on-call person covers Wednesday night and the whole weekend."""
    person = factories.user("oncall", role=Role.Kind.GRID_WORKER, grid=world.grid2)
    OnCallShift.objects.create(
        workstation=world.ws,
        user=person,
        starts_at=dt.datetime(2026, 12, 2, 17, 30, tzinfo=SH),
        ends_at=dt.datetime(2026, 12, 3, 8, 30, tzinfo=SH),
    )
    OnCallShift.objects.create(
        workstation=world.ws,
        user=person,
        starts_at=dt.datetime(2026, 12, 4, 17, 30, tzinfo=SH),
        ends_at=dt.datetime(2026, 12, 7, 8, 30, tzinfo=SH),
    )
    return person


def away(user, start: dt.datetime, days: int = 1, reason: str = "年假") -> Absence:
    return Absence.objects.create(user=user, starts_at=start, ends_at=start + dt.timedelta(days=days), reason=reason)


def test_in_working_hours_the_primary_takes_urgent_and_normal_matters(world, rota):
    assert on_duty(world.grid, at=WEDNESDAY_10) == world.worker
    assert on_duty(world.grid, at=WEDNESDAY_10, urgent=True) == world.worker


def test_at_night_an_urgent_matter_goes_to_the_person_on_call(world, rota):
    assert on_duty(world.grid, at=WEDNESDAY_23, urgent=True) == rota


def test_at_night_a_normal_matter_waits_for_the_grid_worker(world, rota):
    assert on_duty(world.grid, at=WEDNESDAY_23) == world.worker


def test_at_the_weekend_an_urgent_matter_goes_to_the_person_on_call(world, rota):
    assert on_duty(world.grid, at=SATURDAY_15, urgent=True) == rota
    assert on_duty(world.grid2, at=SATURDAY_15, urgent=True) == rota


def test_the_rota_of_another_workstation_does_not_count(world, rota):
    other_grid = world.other_loc.grid
    assert on_duty(other_grid, at=WEDNESDAY_23, urgent=True) != rota


def test_a_worker_on_leave_is_passed_over_for_the_backup(world):
    backup = factories.user("backup", role=Role.Kind.GRID_WORKER, grid=world.grid, is_primary=False)
    away(world.worker, dt.datetime(2026, 12, 2, tzinfo=SH), days=3)
    assert on_duty(world.grid, at=WEDNESDAY_10) == backup
    assert on_duty(world.grid, at=dt.datetime(2026, 12, 5, 0, 0, tzinfo=SH)) == world.worker  # leave is over


def test_backups_are_asked_in_the_order_they_were_added(world):
    first = factories.user("backup1", role=Role.Kind.GRID_WORKER, grid=world.grid, is_primary=False)
    second = factories.user("backup2", role=Role.Kind.GRID_WORKER, grid=world.grid, is_primary=False)
    away(world.worker, WEDNESDAY_10 - dt.timedelta(hours=1))
    assert on_duty(world.grid, at=WEDNESDAY_10) == first
    away(first, WEDNESDAY_10 - dt.timedelta(hours=1))
    assert on_duty(world.grid, at=WEDNESDAY_10) == second


def test_when_the_whole_grid_is_away_the_person_on_call_takes_normal_matters_too(world, rota):
    away(world.worker, dt.datetime(2026, 12, 2, tzinfo=SH), days=7)
    assert on_duty(world.grid, at=SATURDAY_15) == rota


def test_when_the_whole_grid_is_away_and_nobody_is_on_call_nobody_is_on_duty(world):
    away(world.worker, dt.datetime(2026, 12, 2, tzinfo=SH))
    assert on_duty(world.grid, at=WEDNESDAY_10) is None


def test_an_on_call_person_on_leave_is_passed_over(world, rota):
    away(rota, dt.datetime(2026, 12, 2, 12, 0, tzinfo=SH))
    assert on_duty(world.grid, at=WEDNESDAY_23, urgent=True) == world.worker


def test_a_short_swap_entered_over_a_long_shift_wins(world, rota):
    swap = factories.user("swap", role=Role.Kind.STAFF, workstation=world.ws)
    OnCallShift.objects.create(
        workstation=world.ws,
        user=swap,
        starts_at=dt.datetime(2026, 12, 5, 12, 0, tzinfo=SH),
        ends_at=dt.datetime(2026, 12, 5, 20, 0, tzinfo=SH),
    )
    assert on_duty(world.grid, at=SATURDAY_15, urgent=True) == swap


def test_it_runs_a_fixed_number_of_queries(world, rota, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        on_duty(world.grid, at=WEDNESDAY_23, urgent=True)
    with django_assert_max_num_queries(1):
        on_duty(world.grid, at=WEDNESDAY_10)


def test_grid_worker_for_defaults_to_now(world, rota):
    with time_machine.travel(WEDNESDAY_23):
        assert grid_worker_for(world.grid, urgent=True) == rota
        assert grid_worker_for(world.grid) == world.worker


def test_routing_sends_an_urgent_report_at_night_to_the_person_on_call(world, rota, published):
    with time_machine.travel(WEDNESDAY_23):
        urgent, _ = factories.issue(world.loc, kind="urgent")
        consult, _ = factories.issue(world.loc, kind="consult")
    assert urgent.assignee == rota
    assert consult.assignee == world.worker


def test_routing_skips_a_worker_on_leave(world, published):
    backup = factories.user("backup", role=Role.Kind.GRID_WORKER, grid=world.grid, is_primary=False)
    with time_machine.travel(WEDNESDAY_10):
        away(world.worker, WEDNESDAY_10 - dt.timedelta(hours=2))
        issue, _ = factories.issue(world.loc, kind="consult", route=False)
        issue_services.route_issue(issue.pk)
    issue.refresh_from_db()
    assert issue.assignee == backup


# --- The duty page -----------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["staff", "head"])
def test_staff_see_who_is_on_duty(world, rota, who):
    with time_machine.travel(WEDNESDAY_23):
        response = client_for(getattr(world, who)).get(reverse("duty"))
    assert response.status_code == 200
    assert response.context["workstation"] == world.ws
    assert response.context["on_call_now"] == rota
    assert response.context["can_manage"] is True


def test_staff_add_and_remove_a_shift(world):
    person = world.worker
    client = client_for(world.head)
    response = client.post(
        reverse("duty_shift_add"),
        {"ws": world.ws.slug, "user": person.pk, "starts_at": "2026-12-02T17:30", "ends_at": "2026-12-03T08:30"},
    )
    assert response.status_code == 303
    shift = OnCallShift.objects.get()
    assert (shift.workstation, shift.user) == (world.ws, person)
    assert shift.starts_at == dt.datetime(2026, 12, 2, 17, 30, tzinfo=SH)
    assert client.post(reverse("duty_shift_delete", args=[shift.pk])).status_code == 303
    assert not OnCallShift.objects.exists()


def test_a_shift_that_ends_before_it_starts_is_refused_with_a_message(world):
    response = client_for(world.head).post(
        reverse("duty_shift_add"),
        {"ws": world.ws.slug, "user": world.worker.pk, "starts_at": "2026-12-03T08:30", "ends_at": "2026-12-02T17:30"},
    )
    assert response.status_code == 400
    assert "A shift must end after it starts." in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_staff_record_leave_in_whole_days(world):
    response = client_for(world.staff).post(
        reverse("duty_absence_add"),
        {"ws": world.ws.slug, "user": world.worker.pk, "first_day": "2026-12-02", "last_day": "2026-12-04"},
    )
    assert response.status_code == 303
    absence = Absence.objects.get()
    assert absence.starts_at == dt.datetime(2026, 12, 2, tzinfo=SH)
    assert absence.ends_at == dt.datetime(2026, 12, 5, tzinfo=SH)


def test_nobody_can_put_someone_from_another_workstation_on_the_rota(world):
    response = client_for(world.head).post(
        reverse("duty_shift_add"),
        {
            "ws": world.ws.slug,
            "user": world.outsider.pk,
            "starts_at": "2026-12-02T17:30",
            "ends_at": "2026-12-03T08:30",
        },
    )
    assert response.status_code == 400
    assert not OnCallShift.objects.exists()


def test_an_outsider_cannot_see_or_change_our_duty(world, rota):
    client = client_for(world.outsider)
    assert client.get(reverse("duty"), {"ws": world.ws.slug}).status_code == 404
    assert client.get(reverse("duty")).context["workstation"] == world.other_ws
    shift = OnCallShift.objects.first()
    assert client.post(reverse("duty_shift_delete", args=[shift.pk])).status_code == 404
    response = client.post(
        reverse("duty_shift_add"),
        {"ws": world.ws.slug, "user": world.worker.pk, "starts_at": "2026-12-02T17:30", "ends_at": "2026-12-03T08:30"},
    )
    assert response.status_code == 404
    absence = away(world.worker, WEDNESDAY_10)
    assert client.post(reverse("duty_absence_delete", args=[absence.pk]), {"ws": world.ws.slug}).status_code == 404
    assert OnCallShift.objects.count() == 2
    assert Absence.objects.filter(pk=absence.pk).exists()


def test_grid_workers_and_anonymous_visitors_are_refused_the_duty_page(world):
    assert client_for(world.worker).get(reverse("duty")).status_code == 403
    response = Client().get(reverse("duty"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().post(reverse("duty_shift_add"), {}).status_code == 302


def test_a_supervisor_reads_the_duty_page_but_cannot_change_it(world, rota):
    supervisor = factories.user(role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    client = client_for(supervisor)
    response = client.get(reverse("duty"), {"ws": world.ws.slug})
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    shift = OnCallShift.objects.first()
    assert client.post(reverse("duty_shift_delete", args=[shift.pk])).status_code == 403
    assert OnCallShift.objects.count() == 2


def test_the_duty_page_runs_a_fixed_number_of_queries(world, rota, django_assert_max_num_queries):
    client = client_for(world.head)
    client.get(reverse("duty"))
    for n in range(6):
        grid = factories.grid(world.ws)
        factories.user(f"more{n}", role=Role.Kind.GRID_WORKER, grid=grid)
        away(world.worker, WEDNESDAY_10 + dt.timedelta(days=n))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("duty")).status_code == 200
