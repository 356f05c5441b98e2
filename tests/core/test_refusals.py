"""Refusals are refusals: each service that says no gives its reason in plain words, leaves the
issue (and its 派单) as they were and writes no event."""

import pytest
from django.forms.models import model_to_dict
from django.utils import translation

from issues import services
from issues.models import Dispatch, Intake, Issue, IssueEvent
from tests import factories


@pytest.fixture(autouse=True)
def _no_broker(published) -> None:
    """Routing is published to a list instead of the broker."""


@pytest.fixture(autouse=True)
def _in_english():
    """The messages as written (msgids): the pages show them translated."""
    with translation.override("en"):
        yield


def state(issue: Issue) -> tuple:
    row = Issue.objects.get(pk=issue.pk)
    fields = {f.attname: getattr(row, f.attname) for f in Issue._meta.concrete_fields}
    events = list(IssueEvent.objects.filter(issue=issue).values_list("id", flat=True))
    dispatches = [model_to_dict(d) for d in Dispatch.objects.filter(issue=issue).order_by("id")]
    return fields, events, dispatches


def refuses(issue: Issue, call, message: str) -> None:
    before = state(issue)
    with pytest.raises(services.IssueError) as refused:
        call()
    assert refused.value.message == message
    assert state(issue) == before


def urgent(world) -> Issue:
    return factories.issue(world.loc, kind="urgent")[0]


def resolved(world) -> Issue:
    issue = urgent(world)
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    return services.resolve_issue(issue, actor=world.worker, note="修好了")


CASES = {
    "accept by someone else": (
        urgent,
        lambda w, i: services.accept_issue(i, actor=w.worker2),
        "This task is not assigned to you.",
    ),
    "resolve without a word": (
        urgent,
        lambda w, i: services.resolve_issue(i, actor=w.worker, note="  "),
        "Please say what was done.",
    ),
    "hand back without a reason": (
        urgent,
        lambda w, i: services.hand_back_issue(i, actor=w.worker, reason=""),
        "Please give the reason for handing it back.",
    ),
    "hold by an outsider": (
        urgent,
        lambda w, i: services.hold_issue(i, actor=w.outsider, reason="等"),
        "Only the workstation's staff or the person handling it can do this.",
    ),
    "assign to someone of another workstation": (
        urgent,
        lambda w, i: services.assign_issue(i, to=w.outsider, actor=w.staff),
        "outsider does not work for this workstation.",
    ),
    "reassign to the same person": (
        urgent,
        lambda w, i: services.reassign_issue(i, to=w.worker, actor=w.staff, reason="换人"),
        "It is already with grid1.",
    ),
    "decline by the grid worker": (
        lambda w: factories.issue(w.loc, kind="community", description="建议放长椅")[0],
        lambda w, i: services.decline_issue(i, actor=w.worker, reason="不行"),
        "Only the workstation's staff can do this.",
    ),
    "merge into itself": (
        urgent,
        lambda w, i: services.merge_issue(i, into=i, actor=w.staff),
        "An issue cannot be merged into itself.",
    ),
    "a kind it already has": (
        urgent,
        lambda w, i: services.set_kind(i, kind="urgent", actor=w.staff),
        "It is already of this kind.",
    ),
    "an unknown priority": (
        urgent,
        lambda w, i: services.set_priority(i, priority="asap", actor=w.staff),
        "Unknown priority: asap",
    ),
    "a priority set by the grid worker": (
        urgent,
        lambda w, i: services.set_priority(i, priority="high", actor=w.worker),
        "Only the workstation's staff can do this.",
    ),
    "a rating out of range": (
        resolved,
        lambda w, i: services.confirm_issue(i, rating=6),
        "Please choose a rating from 1 to 5.",
    ),
    "reopen without a reason": (
        resolved,
        lambda w, i: services.reopen_issue(i, reason=" "),
        "Please tell us what is still wrong.",
    ),
    "a note on a closed report": (
        lambda w: services.confirm_issue(resolved(w), rating=5),
        lambda w, i: services.add_resident_note(i, note="还有问题"),
        "This report is no longer open, so nothing can be added to it.",
    ),
    "a dispatch by the grid worker": (
        urgent,
        lambda w, i: services.dispatch_issue(i, to=factories.department(w.ws.subdistrict), actor=w.worker),
        "Only the workstation's staff can do this.",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_refusal_says_why_and_changes_nothing(world, case):
    make, call, message = CASES[case]
    issue = make(world)
    refuses(issue, lambda: call(world, issue), message)


def test_a_refused_intake_writes_no_issue(world):
    with pytest.raises(services.IssueError) as refused:
        services.create_issue(world.loc, description="路灯坏了", kind="whatever")
    assert refused.value.message == "Unknown kind of matter: whatever"
    with pytest.raises(services.IssueError) as refused:
        services.log_matter(world.loc, channel=Intake.WALK_IN, description="路灯坏了", actor=world.outsider)
    assert refused.value.message == "You cannot log matters for this workstation."
    assert not Issue.objects.exists() and not IssueEvent.objects.exists()
