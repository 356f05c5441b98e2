"""Every public service that changes an issue's status leaves exactly one event of its type
with the old and the new status (issues.transitions.transition), and no other event claims a
status change."""

import datetime as dt

import pytest
from django.utils import timezone

from issues import services
from issues.models import Intake, Issue, IssueEvent
from tests import factories


@pytest.fixture(autouse=True)
def _no_broker(published) -> None:
    """Routing is published to a list instead of the broker."""


def step(issue: Issue, event_type: str, call) -> Issue:
    """Run `call`; check it left exactly one status event, of `event_type`, matching the row."""
    before = set(IssueEvent.objects.filter(issue=issue).values_list("id", flat=True))
    status_before = Issue.objects.get(pk=issue.pk).status
    call()
    issue = Issue.objects.get(pk=issue.pk)
    new = IssueEvent.objects.filter(issue=issue).exclude(id__in=before).exclude(new_status="")
    assert [(e.type, e.old_status, e.new_status) for e in new] == [(event_type, status_before, issue.status)]
    return issue


def test_the_consult_and_urgent_flows(world):
    issue, _ = factories.issue(world.loc, kind="urgent", route=False)
    issue = step(issue, "assigned", lambda: services.route_issue(issue.pk))
    issue = step(issue, "accepted", lambda: services.accept_issue(issue, actor=world.worker))
    issue = step(issue, "arrived", lambda: services.arrive_issue(issue, actor=world.worker))
    issue = step(issue, "resolved", lambda: services.resolve_issue(issue, actor=world.worker, note="修好了"))
    issue = step(issue, "reopened", lambda: services.reopen_issue(issue, reason="又坏了"))
    issue = step(issue, "accepted", lambda: services.accept_issue(issue, actor=world.worker))
    issue = step(
        issue, "reassigned", lambda: services.reassign_issue(issue, to=world.staff, actor=world.head, reason="换人")
    )
    issue = step(issue, "handed_back", lambda: services.hand_back_issue(issue, actor=world.staff, reason="不是我的"))
    issue = step(issue, "assigned", lambda: services.assign_issue(issue, to=world.worker, actor=world.staff))
    issue = step(issue, "held", lambda: services.hold_issue(issue, actor=world.staff, reason="等居民"))
    issue = step(issue, "resumed", lambda: services.resume_issue(issue, actor=world.staff))
    issue = step(issue, "accepted", lambda: services.accept_issue(issue, actor=world.worker))
    issue = step(issue, "arrived", lambda: services.arrive_issue(issue, actor=world.worker))
    issue = step(issue, "resolved", lambda: services.resolve_issue(issue, actor=world.worker, note="修好了"))
    step(issue, "confirmed", lambda: services.confirm_issue(issue, rating=5))

    consult, _ = factories.issue(world.loc, kind="consult", description="垃圾什么时候收")
    consult = step(consult, "answered", lambda: services.answer_issue(consult, actor=world.staff, answer="每天早上"))
    later = timezone.now() + dt.timedelta(days=30)
    step(consult, "unconfirmed", lambda: services.close_unconfirmed(now=later))


def test_coordination_and_merging(world):
    issue, _ = factories.issue(world.loc, kind="consult", description="楼道堆物")
    issue = step(issue, "handed_back", lambda: services.request_coordination(issue, actor=world.worker, reason="难"))
    issue = step(issue, "triaged", lambda: services.triage_issue(issue, actor=world.staff))
    issue = step(issue, "coordinating", lambda: services.coordinate_issue(issue, actor=world.staff))
    issue = step(issue, "milestone", lambda: services.record_milestone(issue, actor=world.staff, note="开过会"))
    step(issue, "resolved", lambda: services.resolve_issue(issue, actor=world.staff, note="清走了"))

    first, _ = factories.issue(world.loc, kind="consult", description="路灯坏了")
    second, _ = factories.issue(world.loc, kind="consult", description="路灯又坏了")
    step(second, "merged", lambda: services.merge_issue(second, into=first, actor=world.staff))


def test_community_ideas_and_patrol_finds(world):
    idea, _ = factories.issue(world.loc, kind="community", description="建议放长椅")
    idea = step(idea, "adopted", lambda: services.adopt_issue(idea, actor=world.staff))
    idea = step(idea, "started", lambda: services.start_issue(idea, actor=world.staff))
    step(idea, "resolved", lambda: services.resolve_issue(idea, actor=world.staff, note="放好了"))

    other, _ = factories.issue(world.loc, kind="community", description="建议种花")
    step(other, "declined", lambda: services.decline_issue(other, actor=world.staff, reason="没地方"))

    found, _token = services.log_matter(world.loc, channel=Intake.PATROL, description="井盖松动", actor=world.worker)
    events = IssueEvent.objects.filter(issue=found).exclude(new_status="")
    assert [(e.type, e.old_status, e.new_status) for e in events] == [
        ("created", "", "new"),
        ("assigned", "new", "assigned"),
        ("accepted", "assigned", "accepted"),  # his own grid: taken on at once (issue 18)
    ]
    elsewhere, _token = services.log_matter(
        world.loc2, channel=Intake.PATROL, description="路灯坏了", actor=world.worker
    )
    events = IssueEvent.objects.filter(issue=elsewhere).exclude(new_status="")
    assert [(e.type, e.new_status) for e in events] == [("created", "new"), ("assigned", "assigned")]
