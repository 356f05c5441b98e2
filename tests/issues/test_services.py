"""issues.services: creating, routing and moving an issue through its life, with its audit rows."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from issues import services
from issues.lifecycle import IllegalTransition, Status
from issues.models import Issue, IssueEvent, Notification, hash_token
from tests import factories

SH = ZoneInfo("Asia/Shanghai")
KEY = "k" * 8 + "0123456789abcdef"  # 24 characters of [A-Za-z0-9_-]

pytestmark = pytest.mark.usefixtures("sla_policies")


def events(issue) -> list[str]:
    return list(IssueEvent.objects.filter(issue=issue).values_list("type", flat=True))


def report(loc, **kw):
    return services.create_issue(loc, **{"description": "楼道灯不亮", "kind": "consult", **kw})


# --- create_issue --------------------------------------------------------------------------


def test_it_writes_the_issue_and_a_created_event(world):
    issue, _, created = report(world.loc, description="  楼道灯不亮  ", reporter_name=" 王阿姨 ")
    assert created is True
    issue.refresh_from_db()
    assert (issue.status, issue.description, issue.reporter_name) == (Status.NEW, "楼道灯不亮", "王阿姨")
    assert (issue.workstation, issue.grid, issue.location) == (world.ws, world.grid, world.loc)
    assert issue.routed_at is None and issue.assignee is None
    event = IssueEvent.objects.get(issue=issue)
    assert (event.type, event.new_status, event.is_public) == ("created", "new", True)


def test_it_sets_the_deadlines_of_the_kind(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False)
    issue, _, _ = report(world.loc, kind="urgent")
    assert issue.accept_due_at == dt.datetime(2026, 3, 2, 9, 10, tzinfo=SH)
    assert issue.resolve_due_at == dt.datetime(2026, 3, 2, 13, 0, tzinfo=SH)


def test_an_empty_kind_means_consult(world):
    issue, _, _ = report(world.loc, kind="")
    assert issue.kind == "consult"


def test_the_reference_counts_up_within_a_day(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 23, 58, tzinfo=SH), tick=False)
    first, _, _ = report(world.loc)
    second, _, _ = report(world.loc2)
    code = world.ws.subdistrict.code
    assert first.reference == f"{code}-20260302-0001"
    assert second.reference == f"{code}-20260302-0002"


def test_the_reference_starts_again_at_1_the_next_day(world, time_machine):
    code = world.ws.subdistrict.code
    time_machine.move_to(dt.datetime(2026, 3, 2, 23, 59, tzinfo=SH), tick=False)
    report(world.loc)
    report(world.loc)
    time_machine.move_to(dt.datetime(2026, 3, 3, 0, 1, tzinfo=SH), tick=False)
    assert report(world.loc)[0].reference == f"{code}-20260303-0001"


def test_the_reference_date_is_the_shanghai_date(world, time_machine):
    # 16:30 UTC on 2 March is 00:30 on 3 March in Shanghai.
    time_machine.move_to(dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC), tick=False)
    assert report(world.loc)[0].reference == f"{world.ws.subdistrict.code}-20260303-0001"


def test_each_subdistrict_has_its_own_counter(world):
    ours, _, _ = report(world.loc)
    theirs, _, _ = report(world.other_loc)
    assert ours.reference.endswith("-0001") and theirs.reference.endswith("-0001")
    assert ours.reference != theirs.reference


def test_the_same_idempotency_key_twice_returns_the_first_issue_and_token(world):
    first, token1, created1 = report(world.loc, idempotency_key=KEY)
    again, token2, created2 = report(world.loc, idempotency_key=KEY, description="second tap")
    assert (created1, created2) == (True, False)
    assert again.pk == first.pk and token2 == token1
    assert Issue.objects.count() == 1
    assert events(first) == ["created"]


@pytest.mark.parametrize("key", ["short", "", None, "has spaces in it but is long", "x" * 65, "键" * 20])
def test_an_invalid_idempotency_key_is_ignored(world, key):
    first, token1, _ = report(world.loc, idempotency_key=key)
    second, token2, created = report(world.loc, idempotency_key=key)
    assert created is True
    assert first.pk != second.pk and token1 != token2
    assert first.idempotency_key is None
    assert Issue.objects.count() == 2


def test_only_the_hash_of_the_tracking_token_is_stored(world):
    issue, token, _ = report(world.loc, idempotency_key=KEY)
    issue.refresh_from_db()
    assert issue.tracking_token_hash == hash_token(token)
    for field in Issue._meta.concrete_fields:
        assert token not in str(field.value_from_object(issue)), field.name


def test_find_by_token_finds_the_issue(world):
    issue, token, _ = report(world.loc)
    assert services.find_by_token(token) == issue


def test_a_wrong_token_finds_nothing(world):
    _, token, _ = report(world.loc)
    assert services.find_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert services.find_by_token("") is None


# --- route_issue ---------------------------------------------------------------------------


def test_routing_assigns_the_issue_to_the_grid_worker(world, django_capture_on_commit_callbacks):
    issue, _, _ = report(world.loc)
    with django_capture_on_commit_callbacks(execute=True):
        services.route_issue(issue.pk)
    issue.refresh_from_db()
    assert (issue.status, issue.assignee) == (Status.ASSIGNED, world.worker)
    assert issue.routed_at is not None and issue.assigned_at is not None
    assert events(issue) == ["created", "assigned"]
    note = Notification.objects.get(issue=issue)
    assert note.user == world.worker and note.sent_at is not None


def test_routing_twice_is_harmless(world):
    issue, _, _ = report(world.loc)
    services.route_issue(issue.pk)
    assert services.route_issue(issue.pk) is None
    assert events(issue).count("assigned") == 1
    assert Notification.objects.filter(issue=issue).count() == 1


def test_without_a_grid_worker_the_issue_stays_new_and_the_station_head_hears(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    lonely = factories.location(factories.grid(world.ws))
    issue, _, _ = report(lonely)
    with django_capture_on_commit_callbacks(execute=True):
        services.route_issue(issue.pk)
    issue.refresh_from_db()
    assert (issue.status, issue.assignee, issue.routed_at is not None) == (Status.NEW, None, True)
    unrouted = IssueEvent.objects.get(issue=issue, type="unrouted")
    assert unrouted.is_public is False
    assert list(Notification.objects.filter(issue=issue).values_list("user", flat=True)) == [world.head.pk]
    assert [m.to for m in mailoutbox] == [[world.head.email]]


# --- the grid worker's steps -----------------------------------------------------------------


@pytest.fixture
def assigned(world):
    issue, _ = factories.issue(world.loc)
    return issue


def test_the_assignee_accepts_arrives_and_resolves(world, assigned):
    issue = services.accept_issue(assigned, actor=world.worker)
    assert issue.status == Status.ACCEPTED and issue.accepted_at is not None
    issue = services.arrive_issue(issue, actor=world.worker)
    assert issue.status == Status.ON_SITE and issue.on_site_at is not None
    issue = services.resolve_issue(issue, actor=world.worker, note="  换了灯泡  ")
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == (Status.RESOLVED, "换了灯泡")
    assert issue.resolved_at is not None
    rows = IssueEvent.objects.filter(issue=issue).order_by("id")
    assert [(e.type, e.old_status, e.new_status, e.actor) for e in rows][2:] == [
        ("accepted", "assigned", "accepted", world.worker),
        ("arrived", "accepted", "on_site", world.worker),
        ("resolved", "on_site", "resolved", world.worker),
    ]
    assert rows.last().note == "换了灯泡"


def test_a_consult_may_be_resolved_without_going_on_site(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    services.accept_issue(issue, actor=world.worker)
    assert services.resolve_issue(issue, actor=world.worker, note="电话答复").status == Status.RESOLVED


def test_an_urgent_matter_needs_the_visit_before_it_is_resolved(world, assigned):
    services.accept_issue(assigned, actor=world.worker)
    with pytest.raises(IllegalTransition):
        services.resolve_issue(assigned, actor=world.worker, note="电话答复")
    services.arrive_issue(assigned, actor=world.worker)
    assert services.resolve_issue(assigned, actor=world.worker, note="现场修好").status == Status.RESOLVED


@pytest.mark.parametrize("who", ["worker2", "staff", "head", "outsider"])
def test_someone_else_cannot_accept(world, assigned, who):
    with pytest.raises(services.IssueError):
        services.accept_issue(assigned, actor=getattr(world, who))
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED
    assert events(assigned) == ["created", "assigned"]


def test_someone_else_cannot_arrive_or_resolve(world, assigned):
    services.accept_issue(assigned, actor=world.worker)
    with pytest.raises(services.IssueError):
        services.arrive_issue(assigned, actor=world.worker2)
    with pytest.raises(services.IssueError):
        services.resolve_issue(assigned, actor=world.worker2, note="done")
    assigned.refresh_from_db()
    assert assigned.status == Status.ACCEPTED


@pytest.mark.parametrize("note", ["", "   "])
def test_resolving_needs_a_note(world, assigned, note):
    services.accept_issue(assigned, actor=world.worker)
    with pytest.raises(services.IssueError) as excinfo:
        services.resolve_issue(assigned, actor=world.worker, note=note)
    assert excinfo.value.message
    assigned.refresh_from_db()
    assert assigned.status == Status.ACCEPTED and assigned.resolved_at is None


# --- the resident's steps --------------------------------------------------------------------


@pytest.fixture
def resolved(world, assigned):
    services.accept_issue(assigned, actor=world.worker)
    services.arrive_issue(assigned, actor=world.worker)
    return services.resolve_issue(assigned, actor=world.worker, note="修好了")


@pytest.mark.parametrize("rating", [1, 5])
def test_confirming_with_a_rating_closes_the_issue(resolved, rating):
    services.confirm_issue(resolved, rating=rating, comment=" 谢谢 ")
    resolved.refresh_from_db()
    assert (resolved.status, resolved.rating, resolved.rating_comment) == (Status.CLOSED, rating, "谢谢")
    assert resolved.closed_at is not None
    event = IssueEvent.objects.filter(issue=resolved).last()
    assert (event.type, event.actor, event.new_status) == ("confirmed", None, "closed")


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(resolved, rating):
    with pytest.raises(services.IssueError):
        services.confirm_issue(resolved, rating=rating)
    resolved.refresh_from_db()
    assert (resolved.status, resolved.rating) == (Status.RESOLVED, None)


@pytest.mark.parametrize("reason", ["", "  "])
def test_reopening_needs_a_reason(resolved, reason):
    with pytest.raises(services.IssueError):
        services.reopen_issue(resolved, reason=reason)
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_reopening_goes_back_to_the_same_worker_who_can_accept_again(world, resolved):
    services.reopen_issue(resolved, reason=" 灯又灭了 ")
    resolved.refresh_from_db()
    assert (resolved.status, resolved.assignee) == (Status.REOPENED, world.worker)
    assert resolved.resolved_at is None and resolved.accepted_at is None
    event = IssueEvent.objects.filter(issue=resolved).last()
    assert (event.type, event.note, event.old_status) == ("reopened", "灯又灭了", "resolved")
    assert Notification.objects.filter(issue=resolved, user=world.worker, body="灯又灭了").exists()
    assert services.accept_issue(resolved, actor=world.worker).status == Status.ACCEPTED


# --- illegal transitions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        lambda issue, w: services.arrive_issue(issue, actor=w),
        lambda issue, w: services.resolve_issue(issue, actor=w, note="done"),
        lambda issue, w: services.confirm_issue(issue, rating=5),
        lambda issue, w: services.reopen_issue(issue, reason="not fixed"),
    ],
    ids=["arrive", "resolve", "confirm", "reopen"],
)
def test_an_illegal_transition_is_refused_and_writes_no_event(world, assigned, step):
    with pytest.raises(IllegalTransition):
        step(assigned, world.worker)
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED
    assert events(assigned) == ["created", "assigned"]


def test_a_closed_issue_cannot_be_accepted_again(world, resolved):
    services.confirm_issue(resolved, rating=4)
    count = IssueEvent.objects.filter(issue=resolved).count()
    with pytest.raises(IllegalTransition):
        services.accept_issue(resolved, actor=world.worker)
    assert IssueEvent.objects.filter(issue=resolved).count() == count


def test_an_unrouted_issue_cannot_be_accepted(world):
    issue, _, _ = report(world.loc)
    with pytest.raises((IllegalTransition, services.IssueError)):
        services.accept_issue(issue, actor=world.worker)
    assert events(issue) == ["created"]


def test_an_unknown_kind_is_refused_with_a_clear_error(world):
    with pytest.raises(services.IssueError):
        services.create_issue(world.loc, description="有事", kind="bogus")
    assert not Issue.objects.exists()


def test_reopening_restarts_the_sla_clock_and_allows_a_new_escalation(world, sla_policies, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False)
    issue, _token = factories.issue(world.loc, kind="urgent")
    time_machine.shift(dt.timedelta(minutes=20))
    assert services.sla_sweep()["escalated"] == 1
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    services.resolve_issue(issue, actor=world.worker, note="已修好")
    time_machine.shift(dt.timedelta(hours=1))
    reopened = services.reopen_issue(issue, reason="还是没电")
    assert (reopened.overdue_at, reopened.escalation_level, reopened.missed) == (None, 0, 0)
    assert reopened.accept_due_at == dt.datetime(2026, 3, 2, 10, 30, tzinfo=SH)
    time_machine.shift(dt.timedelta(minutes=11))
    assert services.sla_sweep()["escalated"] == 1
    assert issue.events.filter(type=IssueEvent.Type.ESCALATED).count() == 2
