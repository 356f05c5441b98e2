"""The SLA sweep: escalates each missed deadline exactly once, and re-sends routing that never
reached the broker. Time is moved with time_machine, never slept."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import translation
from kombu.exceptions import OperationalError

from issues import services
from issues.models import Issue, IssueEvent, Notification
from issues.tasks import route_issue_task
from tests import factories

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday morning

pytestmark = pytest.mark.usefixtures("sla_policies")


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)

    def move(when: dt.datetime) -> None:
        time_machine.move_to(when, tick=False)

    return move


@pytest.fixture
def urgent(world, clock):
    """An urgent issue reported at T0 and assigned to the grid worker at once."""
    issue, _ = factories.issue(world.loc, kind="urgent")
    return issue


def escalations(issue) -> list[Notification]:
    return list(Notification.objects.filter(issue=issue, key__startswith="escalated:"))


def internal_events(issue) -> list[tuple[str, bool]]:
    return list(
        IssueEvent.objects.filter(issue=issue, type__in=["overdue", "escalated"]).values_list("type", "is_public")
    )


def test_an_urgent_issue_not_accepted_in_10_minutes_is_escalated(world, urgent, clock, mailoutbox):
    clock(minutes(11))
    with translation.override("en"):
        assert services.sla_sweep() == {"escalated": 1, "resent": 0}
    urgent.refresh_from_db()
    assert urgent.overdue_at == minutes(11)
    assert internal_events(urgent) == [("overdue", False), ("escalated", False)]
    assert "acceptance" in IssueEvent.objects.get(issue=urgent, type="overdue").note
    [note] = escalations(urgent)
    assert note.user == world.head and note.sent_at is not None
    assert [m for m in mailoutbox if m.to == [world.head.email]][0].subject == note.subject


def test_it_escalates_once(world, urgent, clock, mailoutbox):
    clock(minutes(11))
    services.sla_sweep()
    mails = len(mailoutbox)
    clock(minutes(12))
    assert services.sla_sweep()["escalated"] == 0
    clock(minutes(5 * 60))  # the resolve deadline has passed too by now
    assert services.sla_sweep()["escalated"] == 0
    urgent.refresh_from_db()
    assert urgent.overdue_at == minutes(11)
    assert len(internal_events(urgent)) == 2
    assert len(escalations(urgent)) == 1
    assert len(mailoutbox) == mails


def test_nothing_is_escalated_before_the_deadline(urgent, clock):
    clock(minutes(10))  # due at 9:10 exactly: not yet missed
    assert services.sla_sweep()["escalated"] == 0
    assert internal_events(urgent) == []


def test_an_issue_accepted_in_time_is_not_escalated_for_acceptance(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    clock(minutes(11))
    assert services.sla_sweep()["escalated"] == 0
    urgent.refresh_from_db()
    assert urgent.overdue_at is None
    assert escalations(urgent) == []


def test_an_issue_accepted_in_time_is_escalated_when_the_resolve_deadline_passes(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    clock(minutes(4 * 60 + 1))
    with translation.override("en"):
        assert services.sla_sweep()["escalated"] == 1
    assert internal_events(urgent) == [("overdue", False), ("escalated", False)]
    assert "resolution" in IssueEvent.objects.get(issue=urgent, type="overdue").note
    assert [n.user for n in escalations(urgent)] == [world.head]


def test_a_closed_issue_is_never_escalated(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    services.resolve_issue(urgent, actor=world.worker, note="已处理")
    services.confirm_issue(urgent, rating=5)
    clock(minutes(3 * 24 * 60))
    assert services.sla_sweep()["escalated"] == 0
    assert internal_events(urgent) == []
    assert escalations(urgent) == []


def test_a_resolved_issue_waiting_for_the_resident_is_not_escalated(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    services.resolve_issue(urgent, actor=world.worker, note="已处理")
    clock(minutes(5 * 60))
    assert services.sla_sweep()["escalated"] == 0
    assert internal_events(urgent) == []


def test_escalate_overdue_refuses_an_issue_that_is_no_longer_overdue(world, urgent, clock):
    # The sweep lists ids first; the worker may accept before escalate_overdue reaches the id.
    clock(minutes(11))
    overdue_ids = list(services.overdue_issues(minutes(11)).values_list("id", flat=True))
    assert overdue_ids == [urgent.pk]
    services.accept_issue(urgent, actor=world.worker)
    assert services.escalate_overdue(urgent.pk, now=minutes(11)) is False
    urgent.refresh_from_db()
    assert urgent.overdue_at is None
    assert internal_events(urgent) == []


def test_escalate_overdue_refuses_an_issue_closed_since_the_sweep_listed_it(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    clock(minutes(4 * 60 + 1))
    assert list(services.overdue_issues(minutes(4 * 60 + 1)).values_list("id", flat=True)) == [urgent.pk]
    services.resolve_issue(urgent, actor=world.worker, note="已处理")
    services.confirm_issue(urgent, rating=4)
    assert services.escalate_overdue(urgent.pk, now=minutes(4 * 60 + 1)) is False
    assert internal_events(urgent) == []
    assert escalations(urgent) == []


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_escalate_each_issue_once(world, clock, published, mailoutbox):
    issues = [factories.issue(loc, kind="urgent")[0] for loc in (world.loc, world.loc2, world.loc)]
    clock(minutes(11))
    barrier = threading.Barrier(2, timeout=30)
    results: list[dict] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(services.sla_sweep())
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r["escalated"] for r in results) == 3
    for issue in issues:
        assert IssueEvent.objects.filter(issue=issue, type="escalated").count() == 1
        assert IssueEvent.objects.filter(issue=issue, type="overdue").count() == 1
        assert len(escalations(issue)) == 1
    assert sum(m.to == [world.head.email] for m in mailoutbox) == 3


# --- the outbox: routing that never reached the broker -----------------------------------------


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(route_issue_task, "apply_async", refuse)


@pytest.mark.django_db(transaction=True)
def test_a_report_is_saved_even_when_the_broker_is_down(world, clock, broker_down):
    issue, token, created = services.create_issue(world.loc, description="井盖松动", kind="urgent")
    assert created is True
    issue.refresh_from_db()
    assert issue.status == "new" and issue.routed_at is None
    assert services.find_by_token(token) == issue
    assert list(IssueEvent.objects.filter(issue=issue).values_list("type", flat=True)) == ["created"]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_resends_routing_after_60_seconds(world, clock, broker_down, monkeypatch):
    issue, _, _ = services.create_issue(world.loc, description="井盖松动", kind="urgent")
    calls: list[list] = []
    monkeypatch.setattr(route_issue_task, "apply_async", lambda args=None, **kw: calls.append(args))
    clock(T0 + dt.timedelta(seconds=59))
    assert services.sla_sweep()["resent"] == 0
    assert calls == []
    clock(T0 + dt.timedelta(seconds=61))
    assert services.sla_sweep()["resent"] == 1
    assert calls == [[issue.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_resent_issue_is_routed_once_by_the_task(world, clock, broker_down, published):
    issue, _, _ = services.create_issue(world.loc, description="井盖松动", kind="urgent")
    clock(minutes(2))
    services.sla_sweep()
    services.sla_sweep()
    for args in published:
        route_issue_task.run(*args)  # what the worker would do with each message
    issue.refresh_from_db()
    assert issue.assignee == world.worker and issue.routed_at is not None
    assert IssueEvent.objects.filter(issue=issue, type="assigned").count() == 1
    assert services.sla_sweep()["resent"] == 0


def test_a_routed_issue_is_not_resent(urgent, clock, published):
    clock(minutes(5))
    assert services.sla_sweep()["resent"] == 0
    assert published == []


def test_an_issue_with_no_grid_worker_is_not_resent_forever(world, clock, published):
    lonely = factories.location(factories.grid(world.ws))
    issue, _ = factories.issue(lonely, kind="consult")
    assert Issue.objects.get(pk=issue.pk).routed_at is not None
    clock(minutes(5))
    assert services.sla_sweep()["resent"] == 0
