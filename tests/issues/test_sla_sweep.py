"""The SLA sweep: 80 % reminders, missed deadlines, the escalation ladder (each level once), the
pause while on hold, late 派单, and the outbox re-send. Time moves with time_machine, never sleeps."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from kombu.exceptions import OperationalError

from issues import escalation, services
from issues.models import EscalationContact, Issue, IssueEvent, Notification, Outbox
from issues.tasks import route_issue_task
from tests import factories
from workstations.models import Role

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday morning

pytestmark = pytest.mark.usefixtures("sla_policies", "urgent_ladder_policy")


@pytest.fixture
def urgent_ladder_policy(sla_policies):
    """On site within 30 minutes, and the ladder's step of 15 minutes, whatever rows exist."""
    from issues.models import SLAPolicy

    SLAPolicy.objects.filter(kind="urgent", priority="normal").update(arrive_within=30, escalate_every=15)


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
    """An urgent issue reported at T0 and assigned to the grid worker at once: accept by 9:10,
    on site by 9:30, resolved by 13:00; the ladder climbs every 15 minutes."""
    issue, _ = factories.issue(world.loc, kind="urgent")
    return issue


@pytest.fixture
def ladder(world):
    """People for the upper levels: an area secretary and a subdistrict contact."""
    secretary = factories.user("secretary")
    officer = factories.user("officer")
    EscalationContact.objects.create(level=3, workstation=world.ws, user=secretary)
    EscalationContact.objects.create(level=4, subdistrict=world.ws.subdistrict, user=officer)
    return secretary, officer


def sweep_at(clock, when) -> dict:
    clock(when)
    return services.sla_sweep()


def events(issue, *types) -> list[tuple[str, str]]:
    return list(IssueEvent.objects.filter(issue=issue, type__in=types).values_list("type", "note"))


def told(issue, prefix: str) -> list[str]:
    return list(
        Notification.objects.filter(issue=issue, key__startswith=prefix)
        .order_by("id")
        .values_list("user__username", flat=True)
    )


def test_a_reminder_goes_to_the_assignee_at_80_percent(world, urgent, clock):
    assert sweep_at(clock, minutes(7.9))["reminded"] == 0
    with translation.override("en"):
        assert sweep_at(clock, minutes(8))["reminded"] == 1
    assert told(urgent, "remind:") == [world.worker.username]
    [(kind, note)] = events(urgent, "reminded")
    assert "acceptance" in note
    assert sweep_at(clock, minutes(9))["reminded"] == 0


def test_the_ladder_climbs_one_level_at_a_time_and_each_level_hears_once(world, urgent, clock, ladder):
    secretary, officer = ladder
    assert sweep_at(clock, minutes(10))["escalated"] == 0  # due at 9:10 exactly: not yet missed
    with translation.override("en"):
        assert sweep_at(clock, minutes(11))["escalated"] == 1
    urgent.refresh_from_db()
    assert (urgent.overdue_at, urgent.escalation_level) == (minutes(11), 1)
    assert told(urgent, "escalated:") == [world.worker.username]
    assert "acceptance" in events(urgent, "overdue")[0][1]
    assert sweep_at(clock, minutes(20))["escalated"] == 0
    assert sweep_at(clock, minutes(26))["escalated"] == 1  # 15 minutes later: the station head
    assert sweep_at(clock, minutes(31))["escalated"] == 0  # the arrival deadline: missed, noted
    assert sweep_at(clock, minutes(41))["escalated"] == 1  # the area secretary
    assert sweep_at(clock, minutes(56))["escalated"] == 1  # the subdistrict
    assert sweep_at(clock, minutes(5 * 60))["escalated"] == 0  # the top: nothing more, ever
    assert told(urgent, "escalated:") == [world.worker.username, world.head.username, "secretary", "officer"]
    assert len(events(urgent, "escalated")) == 4
    assert [t for t, _n in events(urgent, "overdue")] == ["overdue"] * 3  # accept, arrive, resolve
    assert IssueEvent.objects.filter(issue=urgent, type="escalated", is_public=True).count() == 0


def test_a_cured_breach_stops_the_ladder_until_the_next_miss(world, urgent, clock):
    sweep_at(clock, minutes(11))  # level 1
    clock(minutes(12))
    services.accept_issue(urgent, actor=world.worker)
    services.arrive_issue(urgent, actor=world.worker)
    assert sweep_at(clock, minutes(26))["escalated"] == 0  # nothing is missed now
    urgent.refresh_from_db()
    assert (urgent.escalation_level, urgent.escalate_at) == (1, None)
    assert sweep_at(clock, minutes(4 * 60 + 1))["escalated"] == 1  # the resolve deadline: level 2
    assert told(urgent, "escalated:") == [world.worker.username, world.head.username]


def test_an_issue_accepted_in_time_is_not_escalated_for_acceptance(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    services.arrive_issue(urgent, actor=world.worker)
    assert sweep_at(clock, minutes(11))["escalated"] == 0
    urgent.refresh_from_db()
    assert urgent.overdue_at is None and told(urgent, "escalated:") == []


def test_a_resolved_or_closed_issue_is_never_escalated(world, urgent, clock):
    clock(minutes(5))
    services.accept_issue(urgent, actor=world.worker)
    services.arrive_issue(urgent, actor=world.worker)
    services.resolve_issue(urgent, actor=world.worker, note="已处理")
    urgent.refresh_from_db()
    assert urgent.sla_next_at is None
    assert sweep_at(clock, minutes(5 * 60))["escalated"] == 0
    services.confirm_issue(urgent, rating=5)
    assert sweep_at(clock, minutes(3 * 24 * 60))["escalated"] == 0
    assert events(urgent, "overdue", "escalated") == []


def test_the_clock_stops_while_on_hold(world, urgent, clock):
    clock(minutes(5))
    services.hold_issue(urgent, actor=world.staff, reason="等居民回电")
    assert sweep_at(clock, minutes(60))["escalated"] == 0
    clock(minutes(65))
    services.resume_issue(urgent, actor=world.staff, note="居民回电了")
    urgent.refresh_from_db()
    # Held for 60 minutes: every deadline moves by 60 minutes.
    assert (urgent.accept_due_at, urgent.arrive_due_at, urgent.resolve_due_at) == (
        minutes(70),
        minutes(90),
        minutes(300),
    )
    assert urgent.status == "assigned"
    assert sweep_at(clock, minutes(70))["escalated"] == 0
    assert sweep_at(clock, minutes(71))["escalated"] == 1


def test_escalate_overdue_refuses_an_issue_that_is_no_longer_overdue(world, urgent, clock):
    clock(minutes(11))
    assert list(services.overdue_issues(minutes(11)).values_list("id", flat=True)) == [urgent.pk]
    services.accept_issue(urgent, actor=world.worker)
    services.arrive_issue(urgent, actor=world.worker)
    assert services.escalate_overdue(urgent.pk, now=minutes(11)) is False
    urgent.refresh_from_db()
    assert urgent.overdue_at is None and events(urgent, "overdue", "escalated") == []


def test_without_an_assignee_level_1_is_the_grid_s_workers(world, clock):
    issue, _ = factories.issue(world.loc, kind="urgent", route=False)
    Issue.objects.filter(pk=issue.pk).update(routed_at=T0)
    sweep_at(clock, minutes(11))
    assert told(issue, "escalated:") == [world.worker.username]


def test_late_dispatches_are_flagged_once_to_the_liaison_and_the_head(world, urgent, clock):
    dept = factories.department(world.ws.subdistrict)
    liaison = factories.user("liaison", role=Role.Kind.LIAISON, department=dept)
    services.dispatch_issue(urgent, to=dept, actor=world.staff, due_at=minutes(60))
    assert sweep_at(clock, minutes(59))["dispatches_late"] == 0
    assert sweep_at(clock, minutes(61))["dispatches_late"] == 1
    assert sweep_at(clock, minutes(62))["dispatches_late"] == 0
    assert sorted(told(urgent, "dispatch-late:")) == sorted([liaison.username, world.head.username])
    assert len(events(urgent, "dispatch_late")) == 1


def test_the_sweep_runs_a_fixed_number_of_queries_whatever_the_number_of_issues(world, clock, settings):
    """Bounded batches: with 8 or 30 issues due (batch 6), a sweep costs the same."""
    settings.SLA_SWEEP_BATCH = 6
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n: int) -> int:
        Issue.objects.update(sla_next_at=None)
        for _ in range(n):
            factories.issue(world.loc, kind="urgent")
        clock(minutes(11))
        with CaptureQueriesContext(connection) as ctx:
            services.sla_sweep()
        clock(T0)
        return len(ctx.captured_queries)

    assert count(8) == count(30)
    assert count(3) == count(6)  # a part-full batch costs what a full one does


def test_the_sweep_s_events_reach_webhook_subscriptions_once_per_event(world, urgent, clock, ladder):
    """The sweep writes a batch's events in one statement (no post_save per row); the webhooks
    still get one delivery per event a subscription wants and whose issue its owner may see."""
    from webhooks.models import Delivery, Subscription

    mine = Subscription.objects.create(
        owner=world.staff, name="city platform", url="https://hooks.example.invalid/in", event_types=["escalated"]
    )
    Subscription.objects.create(owner=world.outsider, name="not theirs", url="https://other.example.invalid/in")
    other, _ = factories.issue(world.loc2, kind="urgent")
    sweep_at(clock, minutes(11))
    deliveries = list(Delivery.objects.order_by("id"))
    assert [(d.subscription_id, d.event_type) for d in deliveries] == [(mine.pk, "escalated")] * 2
    assert {d.event.issue_id for d in deliveries} == {urgent.pk, other.pk}
    for d in deliveries:
        assert d.event.type == "escalated" and d.payload["event"]["type"] == "escalated"
        assert d.payload["issue"]["reference"] == Issue.objects.get(pk=d.event.issue_id).reference
    sweep_at(clock, minutes(12))  # nothing new is due: nothing new is sent
    assert Delivery.objects.count() == 2


def test_a_batch_larger_than_one_statement_s_worth_keeps_every_guarantee(world, clock, settings):
    """Many issues in one batch: each gets its own events and one notification per person, and
    a second sweep of the same moment finds nothing left."""
    settings.SLA_SWEEP_BATCH = 500
    issues = [factories.issue(world.loc if n % 2 else world.loc2, kind="urgent")[0] for n in range(40)]
    result = sweep_at(clock, minutes(11))
    assert (result["escalated"], result["more"]) == (40, 0)
    for issue in issues:
        assert [t for t, _n in events(issue, "overdue", "escalated", "reminded")].count("escalated") == 1
        assert len(told(issue, "escalated:")) == 1
        issue.refresh_from_db()
        assert (issue.escalation_level, issue.missed, issue.overdue_at) == (1, 1, minutes(11))
        assert issue.sla_next_at > minutes(11)
    assert sweep_at(clock, minutes(11))["escalated"] == 0


# --- the outbox: routing that never reached the broker -------------------------------------------


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
    outbox = Outbox.objects.get(issue=issue)
    assert (outbox.topic, outbox.done_at) == ("route", None)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_resends_routing_after_60_seconds_and_again_a_minute_later(world, clock, broker_down, monkeypatch):
    issue, _, _ = services.create_issue(world.loc, description="井盖松动", kind="urgent")
    calls: list[list] = []
    monkeypatch.setattr(route_issue_task, "apply_async", lambda args=None, **kw: calls.append(args))
    assert sweep_at(clock, T0 + dt.timedelta(seconds=59))["resent"] == 0
    assert sweep_at(clock, T0 + dt.timedelta(seconds=61))["resent"] == 1
    assert sweep_at(clock, T0 + dt.timedelta(seconds=90))["resent"] == 0
    assert sweep_at(clock, T0 + dt.timedelta(seconds=122))["resent"] == 1  # the message was lost too
    assert calls == [[issue.pk], [issue.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_resent_issue_is_routed_once_by_the_task(world, clock, broker_down, published):
    issue, _, _ = services.create_issue(world.loc, description="井盖松动", kind="urgent")
    sweep_at(clock, minutes(2))
    sweep_at(clock, minutes(4))
    for args in published:
        route_issue_task.run(*args)  # what the worker would do with each message
    issue.refresh_from_db()
    assert issue.assignee == world.worker and issue.routed_at is not None
    assert IssueEvent.objects.filter(issue=issue, type="assigned").count() == 1
    assert Outbox.objects.get(issue=issue).done_at is not None
    assert sweep_at(clock, minutes(6))["resent"] == 0


def test_a_routed_issue_is_not_resent(urgent, clock, published):
    assert sweep_at(clock, minutes(5))["resent"] == 0
    assert published == []


def test_an_issue_with_no_grid_worker_is_not_resent_forever(world, clock, published):
    lonely = factories.location(factories.grid(world.ws))
    issue, _ = factories.issue(lonely, kind="consult")
    assert Issue.objects.get(pk=issue.pk).routed_at is not None
    assert sweep_at(clock, minutes(5))["resent"] == 0


def test_undelivered_notifications_are_handed_to_the_worker_again_after_a_minute(world, urgent, clock, monkeypatch):
    handed: list = []
    monkeypatch.setattr("issues.publish.delivery", lambda ids: handed.append(ids))
    unsent = Notification.objects.filter(issue=urgent, sent_at__isnull=True).values_list("id", flat=True)
    assert list(unsent)  # the assignment notice: the test's transaction never committed
    assert sweep_at(clock, minutes(0.5))["redelivered"] == 0
    assert sweep_at(clock, minutes(1.5))["redelivered"] == len(unsent)
    assert handed == [list(unsent)]


def test_the_beat_interval_and_the_resend_delay_dispatch_within_two_minutes(settings):
    """(a)'s promise on the production settings: a report saved while the broker was down is
    published again at most resend-delay + one beat interval after the broker is back."""
    beat = settings.CELERY_BEAT_SCHEDULE["sla-sweep"]["schedule"]
    assert settings.OUTBOX_RESEND_AFTER_SECONDS + beat <= 120
    assert escalation.batch_size() >= 1
