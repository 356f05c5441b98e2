"""The kind-specific flows and the steps every kind shares, through issues.services: each writes
its event with actor and reason, refuses the wrong person, and keeps both timelines on a merge."""

import threading

import pytest
from django.db import connection

from issues import services
from issues.lifecycle import IllegalTransition, Status
from issues.models import FAQ, Issue, IssueEvent, Notification
from tests import factories

pytestmark = pytest.mark.usefixtures("sla_policies")


def timeline(issue) -> list[tuple[str, str, object]]:
    return list(IssueEvent.objects.filter(issue=issue).values_list("type", "new_status", "actor__username"))


def status(issue) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=issue.pk)


# --- consult --------------------------------------------------------------------------------------


def test_staff_answer_a_question_directly_and_may_keep_it_as_an_faq(world):
    issue, _ = factories.issue(world.loc, kind="consult", description="公积金在哪里提取？")
    services.answer_issue(issue, actor=world.staff, answer="随申办 App 可以在线提取。", make_faq=True)
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == (Status.RESOLVED, "随申办 App 可以在线提取。")
    assert issue.accepted_at is not None and issue.resolved_at is not None
    assert timeline(issue)[-1] == ("answered", "resolved", world.staff.username)
    faq = FAQ.objects.get(question="公积金在哪里提取？")
    assert faq.is_published is False  # staff polish and publish it


def test_someone_outside_the_workstation_cannot_answer(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    with pytest.raises(services.IssueError):
        services.answer_issue(issue, actor=world.outsider, answer="x")
    assert status(issue) == Status.ASSIGNED


# --- complex ----------------------------------------------------------------------------------------


def test_a_complex_matter_is_triaged_coordinated_with_milestones_and_resolved(world):
    dept = factories.department(world.ws.subdistrict)
    issue, _ = factories.issue(world.loc, kind="complex", description="小区加装电梯")
    services.triage_issue(issue, actor=world.staff, note="需要房管、规划协调")
    services.coordinate_issue(issue, actor=world.staff, note="召开协调会", departments=[dept])
    services.record_milestone(issue, actor=world.staff, note="居民意见征询完成")
    assert status(issue) == Status.COORDINATING
    with pytest.raises(services.IssueError) as refused:
        services.resolve_issue(issue, actor=world.staff, note="已完成")
    assert dept.name in refused.value.message
    dispatch = issue.dispatches.get()
    liaison = factories.user("liaison", role="liaison", department=dept)
    services.complete_dispatch(dispatch, actor=liaison, note="已审批")
    services.resolve_issue(issue, actor=world.staff, note="电梯方案通过")
    assert [t for t, _s, _a in timeline(issue)] == [
        "created",
        "assigned",
        "triaged",
        "coordinating",
        "dispatched",
        "milestone",
        "dispatch_done",
        "resolved",
    ]


def test_only_staff_triage(world):
    issue, _ = factories.issue(world.loc, kind="complex")
    with pytest.raises(services.IssueError):
        services.triage_issue(issue, actor=world.worker)


# --- community -------------------------------------------------------------------------------------


def test_a_community_idea_is_adopted_carried_out_and_done(world):
    issue, _ = factories.issue(world.loc, kind="community", description="建议在弄堂口放一个爱心雨伞架")
    services.adopt_issue(issue, actor=world.staff)
    services.start_issue(issue, actor=world.staff)
    services.resolve_issue(issue, actor=world.staff, note="雨伞架已安装")
    assert status(issue) == Status.RESOLVED


def test_a_community_idea_is_declined_only_with_a_reason(world):
    issue, _ = factories.issue(world.loc, kind="community", reporter_phone="13812341234")
    with pytest.raises(services.IssueError):
        services.decline_issue(issue, actor=world.staff, reason="  ")
    services.decline_issue(issue, actor=world.staff, reason="场地不属于本小区")
    issue.refresh_from_db()
    assert issue.status == Status.DECLINED and issue.closed_at is not None
    assert IssueEvent.objects.get(issue=issue, type="declined").note == "场地不属于本小区"
    assert Notification.objects.filter(issue=issue, channel="sms", address="13812341234").exists()


# --- every kind -------------------------------------------------------------------------------------


def test_hand_back_and_reassign(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    services.accept_issue(issue, actor=world.worker)
    services.hand_back_issue(issue, actor=world.worker, reason="不在我的网格")
    issue.refresh_from_db()
    assert (issue.status, issue.assignee, issue.accepted_at) == (Status.NEW, None, None)
    assert Notification.objects.filter(issue=issue, user=world.head, key__startswith="handed-back:").exists()
    services.assign_issue(issue, to=world.worker2, actor=world.staff)
    services.accept_issue(issue, actor=world.worker2)
    services.reassign_issue(issue, to=world.worker, actor=world.staff, reason="张伟更熟悉")
    issue.refresh_from_db()
    assert (issue.status, issue.assignee) == (Status.ASSIGNED, world.worker)
    reassigned = IssueEvent.objects.get(issue=issue, type="reassigned")
    assert (reassigned.actor, reassigned.note, reassigned.is_public) == (world.staff, "张伟更熟悉", False)


@pytest.mark.parametrize("kind", ["urgent", "consult"])
def test_the_new_assignee_of_a_reassigned_issue_accepts_and_arrives_again(world, kind):
    issue, _ = factories.issue(world.loc, kind=kind)
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    services.reassign_issue(issue, to=world.worker2, actor=world.staff, reason="张伟在现场附近")
    issue.refresh_from_db()
    assert (issue.status, issue.assignee, issue.accepted_at, issue.on_site_at) == (
        Status.ASSIGNED,
        world.worker2,
        None,
        None,
    )
    with pytest.raises(IllegalTransition):  # not accepted yet: nothing to arrive for
        services.arrive_issue(issue, actor=world.worker2)
    services.accept_issue(issue, actor=world.worker2)
    services.arrive_issue(issue, actor=world.worker2)
    issue.refresh_from_db()
    assert issue.accepted_at is not None and issue.on_site_at is not None


def test_reassigning_a_coordinated_matter_keeps_the_time_the_workstation_took_it_on(world):
    """Complex and community reassignments keep their status (the table's SAME): nobody has to
    accept again, so the acceptance stays met."""
    issue, _ = factories.issue(world.loc, kind="complex")
    services.triage_issue(issue, actor=world.staff)
    accepted_at = Issue.objects.get(pk=issue.pk).accepted_at
    services.reassign_issue(issue, to=world.worker2, actor=world.staff, reason="换人跟进")
    issue.refresh_from_db()
    assert (issue.status, issue.assignee, issue.accepted_at) == (Status.TRIAGED, world.worker2, accepted_at)


def test_only_people_of_the_workstation_can_be_given_an_issue(world):
    issue, _ = factories.issue(world.loc, kind="consult", route=False)
    with pytest.raises(services.IssueError):
        services.assign_issue(issue, to=world.outsider, actor=world.staff)
    with pytest.raises(services.IssueError):
        services.assign_issue(issue, to=world.worker, actor=world.worker2)


def test_hold_and_resume_return_to_where_it_was(world):
    issue, _ = factories.issue(world.loc, kind="urgent")
    services.accept_issue(issue, actor=world.worker)
    services.hold_issue(issue, actor=world.worker, reason="等物业拿钥匙")
    issue.refresh_from_db()
    assert (issue.status, issue.held_from_status, issue.sla_next_at) == (Status.ON_HOLD, "accepted", None)
    with pytest.raises(IllegalTransition):
        services.arrive_issue(issue, actor=world.worker)
    services.resume_issue(issue, actor=world.worker)
    issue.refresh_from_db()
    assert (issue.status, issue.held_from_status, issue.paused_at) == (Status.ACCEPTED, "", None)
    assert [t for t, _s, _a in timeline(issue)][-2:] == ["held", "resumed"]


def test_a_duplicate_is_merged_and_both_timelines_keep_their_story(world):
    first, _ = factories.issue(world.loc, kind="urgent", description="弄堂口电线断了")
    second, _ = factories.issue(world.loc, kind="urgent", description="电线掉下来了")
    services.merge_issue(second, into=first, actor=world.staff, reason="同一处电线")
    second.refresh_from_db()
    assert (second.status, second.merged_into) == (Status.MERGED, first)
    assert [t for t, _s, _a in timeline(second)] == ["created", "assigned", "merged"]
    assert [t for t, _s, _a in timeline(first)] == ["created", "assigned", "merged_in"]
    assert second.reference in IssueEvent.objects.get(issue=first, type="merged_in").note
    with pytest.raises(services.IssueError):
        services.merge_issue(first, into=second, actor=world.staff)
    with pytest.raises(services.IssueError):
        services.merge_issue(first, into=first, actor=world.staff)


def test_raising_the_priority_replans_the_deadlines(world, time_machine):
    import datetime as dt
    from zoneinfo import ZoneInfo

    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    time_machine.move_to(t0, tick=False)
    issue, _ = factories.issue(world.loc, kind="urgent")
    services.set_priority(issue, priority="high", actor=world.staff, reason="老人独居")
    issue.refresh_from_db()
    assert issue.priority == "high"
    assert issue.resolve_due_at < t0 + dt.timedelta(hours=4)
    assert IssueEvent.objects.get(issue=issue, type="priority").actor == world.staff


def test_nothing_is_ever_deleted(world):
    issue, _ = factories.issue(world.loc)
    event = IssueEvent.objects.filter(issue=issue).first()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()


# --- (d) two concurrent accepts ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins_the_other_gets_a_clear_conflict(world):
    issue, _ = factories.issue(world.loc, kind="urgent")
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list = []

    def accept() -> None:
        try:
            barrier.wait()
            services.accept_issue(issue, actor=world.worker)
            outcomes.append("won")
        except IllegalTransition as exc:
            outcomes.append(exc)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("won") == 1, outcomes
    [conflict] = [o for o in outcomes if o != "won"]
    assert isinstance(conflict, IllegalTransition), conflict
    assert (conflict.status, conflict.action) == ("accepted", "accept")
    assert IssueEvent.objects.filter(issue=issue, type="accepted").count() == 1
