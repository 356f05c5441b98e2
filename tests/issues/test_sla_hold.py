"""The clock stands still while an issue is on hold, on the Chinese working calendar: a hold
across National Day, and re-planning (a new priority or kind) during or after a hold, which
keeps the time spent on hold."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from issues import services
from issues.lifecycle import Status
from issues.models import Issue, IssueEvent, SLAPolicy
from tests import factories

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(autouse=True)
def no_policies(db):
    """Start from DEFAULT_TARGETS (consult: 1 working day; complex: accept in 2 working days,
    high priority in 1), whatever a data migration seeded."""
    SLAPolicy.objects.all().delete()


@pytest.fixture
def clock(time_machine):
    def move(when: dt.datetime) -> None:
        time_machine.move_to(when, tick=False)

    return move


def test_a_hold_across_national_day_gives_back_the_working_time_it_took(world, clock):
    clock(at(2025, 9, 30, 10))  # the Tuesday before National Day (10-01 .. 10-08)
    issue, _ = factories.issue(world.loc, kind="consult")
    assert issue.resolve_due_at == at(2025, 10, 9, 10)
    clock(at(2025, 9, 30, 12))  # 22 working hours left
    services.hold_issue(issue, actor=world.staff, reason="等居民回电")
    clock(at(2025, 10, 9, 12))
    services.resume_issue(issue, actor=world.staff)
    issue.refresh_from_db()
    assert issue.resolve_due_at == at(2025, 10, 10, 10)


def test_a_new_priority_during_a_hold_keeps_the_time_on_hold(world, clock):
    clock(at(2026, 3, 2, 10))  # a Monday
    issue, _ = factories.issue(world.loc, kind="complex")
    clock(at(2026, 3, 2, 11))  # high priority: accept by Tuesday 10:00, 23 working hours left
    services.hold_issue(issue, actor=world.staff, reason="等产权人")
    clock(at(2026, 3, 4, 10))
    services.set_priority(issue, priority="high", actor=world.staff, reason="居民多次来电")
    clock(at(2026, 3, 4, 11))
    services.resume_issue(issue, actor=world.staff)
    issue.refresh_from_db()
    assert issue.accept_due_at == at(2026, 3, 5, 10)
    assert issue.sla_next_at > at(2026, 3, 4, 11)


def test_a_new_priority_after_a_hold_keeps_the_time_that_hold_took(world, clock):
    clock(at(2026, 3, 2, 10))
    issue, _ = factories.issue(world.loc, kind="complex")
    clock(at(2026, 3, 2, 11))
    services.hold_issue(issue, actor=world.staff, reason="等产权人")
    clock(at(2026, 3, 4, 11))  # two working days on hold
    services.resume_issue(issue, actor=world.staff)
    clock(at(2026, 3, 4, 12))
    services.set_priority(issue, priority="high", actor=world.staff, reason="居民多次来电")
    issue.refresh_from_db()
    assert issue.accept_due_at == at(2026, 3, 5, 10)


def test_a_new_kind_during_a_hold_keeps_the_time_on_hold(world, clock):
    clock(at(2026, 3, 2, 10))
    issue, _ = factories.issue(world.loc, kind="consult")  # resolve by Tuesday 10:00
    clock(at(2026, 3, 2, 11))
    services.hold_issue(issue, actor=world.staff, reason="等物业")
    clock(at(2026, 3, 4, 10))
    services.set_kind(issue, kind="complex", actor=world.staff, reason="要几个部门")
    clock(at(2026, 3, 4, 11))
    services.resume_issue(issue, actor=world.staff)
    issue.refresh_from_db()
    # complex: 20 working days from Monday 10:00 is Monday 03-30 10:00, plus two days on hold.
    assert issue.resolve_due_at == at(2026, 4, 1, 10)


def test_the_kind_is_not_changed_on_hold_to_one_the_issue_could_not_resume_in(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    services.accept_issue(issue, actor=world.worker)
    services.hold_issue(issue, actor=world.staff, reason="等居民回电")
    with pytest.raises(services.IssueError):
        services.set_kind(issue, kind="community", actor=world.staff, reason="其实是建议")
    issue.refresh_from_db()
    assert issue.kind == "consult"
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.KIND).exists()
    services.resume_issue(issue, actor=world.staff)
    assert Issue.objects.get(pk=issue.pk).status == Status.ACCEPTED
