"""What the people of the ladder receive: a link they can open (the grid worker's task page, the
desk for staff), and a level with nobody configured is said so and passed at once, so the ladder
never stalls on it. Time moves with time_machine."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation

from issues import services
from issues.models import EscalationContact, IssueEvent, Notification
from tests import factories

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday morning

pytestmark = pytest.mark.usefixtures("sla_policies", "ladder_every_15_minutes")


@pytest.fixture
def ladder_every_15_minutes(sla_policies):
    from issues.models import SLAPolicy

    SLAPolicy.objects.filter(kind="urgent", priority="normal").update(arrive_within=30, escalate_every=15)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return lambda when: time_machine.move_to(when, tick=False)


@pytest.fixture
def urgent(world, clock):
    issue, _ = factories.issue(world.loc, kind="urgent")
    return issue


def sweep_at(clock, n: float) -> dict:
    clock(T0 + dt.timedelta(minutes=n))
    with translation.override("en"):
        return services.sla_sweep()


def bodies(issue, prefix: str) -> dict[str, str]:
    rows = Notification.objects.filter(issue=issue, key__startswith=prefix).select_related("user")
    return {n.user.username: n.body for n in rows}


def test_a_new_task_tells_the_grid_worker_where_to_open_it(world, urgent):
    [body] = bodies(urgent, "assigned:").values()
    assert f"{settings.SITE_URL}/tasks/{urgent.pk}/" in body
    assert "急事快办" in body  # the staff language, whatever the request's


def test_a_task_given_by_staff_carries_its_link(world, clock):
    issue, _ = factories.issue(world.loc, kind="consult", route=False)
    services.assign_issue(issue, to=world.worker2, actor=world.staff)
    assert f"{settings.SITE_URL}/tasks/{issue.pk}/" in bodies(issue, "assigned:")[world.worker2.username]


def test_the_assignee_s_reminder_and_escalation_open_the_task_and_the_head_s_the_desk(world, urgent, clock):
    sweep_at(clock, 8)  # the 80 % reminder
    sweep_at(clock, 11)  # level 1: the grid worker
    sweep_at(clock, 26)  # level 2: the station head
    task, desk = f"{settings.SITE_URL}/tasks/{urgent.pk}/", f"{settings.SITE_URL}/staff/issues/{urgent.pk}/"
    assert task in bodies(urgent, "remind:")[world.worker.username]
    escalated = bodies(urgent, "escalated:")
    assert task in escalated[world.worker.username]
    assert desk in escalated[world.head.username]


def test_a_level_with_nobody_set_is_said_and_the_next_level_is_told_at_once(world, urgent, clock):
    officer = factories.user("officer")
    EscalationContact.objects.create(level=4, subdistrict=world.ws.subdistrict, user=officer)
    sweep_at(clock, 11)
    sweep_at(clock, 26)
    assert sweep_at(clock, 41)["escalated"] == 1  # no area secretary: the subdistrict hears now
    assert list(bodies(urgent, "escalated:")) == [world.worker.username, world.head.username, "officer"]
    notes = list(IssueEvent.objects.filter(issue=urgent, type="escalated").values_list("note", flat=True))
    assert len(notes) == 4
    assert "nobody" in notes[2] and "officer" in notes[3]
    urgent.refresh_from_db()
    assert (urgent.escalation_level, urgent.escalate_at) == (4, None)
    assert sweep_at(clock, 56)["escalated"] == 0


def test_a_ladder_with_nobody_above_the_station_ends_without_an_error(world, urgent, clock):
    sweep_at(clock, 11)
    sweep_at(clock, 26)
    assert sweep_at(clock, 41)["escalated"] == 1
    notes = list(IssueEvent.objects.filter(issue=urgent, type="escalated").values_list("note", flat=True))
    assert len(notes) == 4 and "nobody" in notes[2] and "nobody" in notes[3]
    urgent.refresh_from_db()
    assert (urgent.escalation_level, urgent.escalate_at, urgent.sla_next_at is not None) == (4, None, True)


def test_a_late_dispatch_tells_the_liaison_where_their_list_is_and_the_head_the_desk(world, clock):
    from issues.models import Category
    from workstations.models import Role

    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    Category.objects.create(name="电力", slug="power", keywords="电线").departments.add(dept)
    liaison = factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    issue, _ = factories.issue(world.loc, kind="urgent", description="弄堂口的电线断了")
    sweep_at(clock, 4 * 60 + 1)  # the 派单 is due with the issue's resolution
    late = bodies(issue, "dispatch-late:")
    assert late[liaison.username].endswith(f"{settings.SITE_URL}/dispatches/")
    assert late[world.head.username].endswith(f"{settings.SITE_URL}/staff/issues/{issue.pk}/")
