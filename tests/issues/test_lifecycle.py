"""The transition table, written out here on its own, kind by kind: a change to issues/lifecycle.py
breaks this. Every (kind, status, action) not listed is refused."""

import itertools

import pytest
from django.utils import translation

from issues.lifecycle import (
    OPEN_STATUSES,
    Action,
    IllegalTransition,
    Status,
    allowed_actions,
    target_of,
)

KINDS = ["consult", "urgent", "complex", "community"]
STATUSES = [
    "new",
    "assigned",
    "accepted",
    "on_site",
    "triaged",
    "coordinating",
    "adopted",
    "in_progress",
    "on_hold",
    "resolved",
    "reopened",
    "closed",
    "declined",
    "merged",
]
ACTIONS = [
    "assign",
    "accept",
    "arrive",
    "resolve",
    "answer",
    "triage",
    "coordinate",
    "milestone",
    "adopt",
    "start",
    "decline",
    "reassign",
    "hand_back",
    "hold",
    "resume",
    "merge",
    "confirm",
    "reopen",
    "close_unconfirmed",
]
OPEN = [
    "new",
    "assigned",
    "accepted",
    "on_site",
    "triaged",
    "coordinating",
    "adopted",
    "in_progress",
    "on_hold",
    "reopened",
]
PREV = "<previous>"  # resume goes back to where the issue was put on hold

# Where someone holds the issue, per kind.
HELD = {
    "consult": ["assigned", "accepted", "on_site", "reopened"],
    "urgent": ["assigned", "accepted", "on_site", "reopened"],
    "complex": ["assigned", "accepted", "reopened", "triaged", "coordinating"],
    "community": ["assigned", "reopened", "adopted", "in_progress"],
}


def common(kind: str) -> dict:
    table = {
        ("new", "assign"): "assigned",
        ("assigned", "assign"): "assigned",
        ("reopened", "assign"): "assigned",
        ("on_hold", "resume"): PREV,
        ("resolved", "confirm"): "closed",
        ("resolved", "reopen"): "reopened",
        ("resolved", "close_unconfirmed"): "closed",
    }
    table.update({(s, "merge"): "merged" for s in OPEN})
    table.update({(s, "hand_back"): "new" for s in HELD[kind]})
    table.update({(s, "hold"): "on_hold" for s in [*HELD[kind], "new"]})
    return table


ALLOWED = {
    "consult": {
        **common("consult"),
        ("assigned", "accept"): "accepted",
        ("reopened", "accept"): "accepted",
        ("accepted", "arrive"): "on_site",
        ("accepted", "resolve"): "resolved",
        ("on_site", "resolve"): "resolved",
        ("new", "answer"): "resolved",
        ("assigned", "answer"): "resolved",
        ("accepted", "answer"): "resolved",
        ("reopened", "answer"): "resolved",
        ("accepted", "reassign"): "assigned",
        ("on_site", "reassign"): "assigned",
    },
    "urgent": {
        **common("urgent"),
        ("assigned", "accept"): "accepted",
        ("reopened", "accept"): "accepted",
        ("accepted", "arrive"): "on_site",
        ("on_site", "resolve"): "resolved",
        ("accepted", "reassign"): "assigned",
        ("on_site", "reassign"): "assigned",
    },
    "complex": {
        **common("complex"),
        ("assigned", "accept"): "accepted",
        ("reopened", "accept"): "accepted",
        ("new", "triage"): "triaged",
        ("assigned", "triage"): "triaged",
        ("accepted", "triage"): "triaged",
        ("reopened", "triage"): "triaged",
        ("triaged", "coordinate"): "coordinating",
        ("coordinating", "milestone"): "coordinating",
        ("coordinating", "resolve"): "resolved",
        ("accepted", "reassign"): "assigned",
        ("triaged", "reassign"): "triaged",
        ("coordinating", "reassign"): "coordinating",
    },
    "community": {
        **common("community"),
        ("new", "adopt"): "adopted",
        ("assigned", "adopt"): "adopted",
        ("reopened", "adopt"): "adopted",
        ("adopted", "start"): "in_progress",
        ("in_progress", "resolve"): "resolved",
        ("new", "decline"): "declined",
        ("assigned", "decline"): "declined",
        ("adopted", "decline"): "declined",
        ("adopted", "reassign"): "adopted",
        ("in_progress", "reassign"): "in_progress",
    },
}

ALLOWED_CASES = [(k, s, a, t) for k in KINDS for (s, a), t in ALLOWED[k].items() if t != PREV]
REFUSED_CASES = [(k, s, a) for k in KINDS for s, a in itertools.product(STATUSES, ACTIONS) if (s, a) not in ALLOWED[k]]


def test_the_statuses_and_actions_are_the_ones_this_table_knows():
    assert sorted(Status.values) == sorted(STATUSES)
    assert sorted(Action.values) == sorted(ACTIONS)
    assert sorted(OPEN_STATUSES) == sorted(OPEN)


@pytest.mark.parametrize(("kind", "status", "action", "target"), ALLOWED_CASES)
def test_an_allowed_action_leads_to_its_target(kind, status, action, target):
    assert target_of(status, action, kind) == target


@pytest.mark.parametrize(("kind", "status", "action"), REFUSED_CASES)
def test_any_other_action_is_refused(kind, status, action):
    with pytest.raises(IllegalTransition) as excinfo:
        target_of(status, action, kind, previous="accepted")
    assert (excinfo.value.status, excinfo.value.action, excinfo.value.kind) == (status, action, kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("previous", STATUSES)
def test_resuming_goes_back_to_where_the_hold_started(kind, previous):
    if (previous, "hold") in ALLOWED[kind]:
        assert target_of("on_hold", "resume", kind, previous=previous) == previous
    else:
        with pytest.raises(IllegalTransition):
            target_of("on_hold", "resume", kind, previous=previous)


def test_an_unknown_action_or_kind_is_refused():
    with pytest.raises(IllegalTransition):
        target_of("new", "delete", "consult")
    with pytest.raises(IllegalTransition):
        target_of("new", "assign", "bogus")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", STATUSES)
def test_allowed_actions_lists_exactly_the_table(kind, status):
    expected = {a for (s, a) in ALLOWED[kind] if s == status}
    assert set(allowed_actions(status, kind)) == expected


def test_without_a_kind_an_action_is_allowed_only_where_every_kind_agrees():
    assert target_of("assigned", "accept") == "accepted"  # consult, urgent, complex: all accepted
    assert target_of("accepted", "resolve") == "resolved"  # only consult allows it
    assert set(allowed_actions("accepted")) >= {"arrive", "resolve", "triage", "reassign"}


@pytest.mark.parametrize("status", ["closed", "declined", "merged"])
def test_a_finished_issue_allows_nothing(status):
    assert all(allowed_actions(status, kind) == [] for kind in KINDS)


def test_urgent_needs_the_visit_before_resolving():
    assert "resolve" not in allowed_actions("accepted", "urgent")
    assert "resolve" in allowed_actions("on_site", "urgent")


def test_the_refusal_message_names_the_status_in_words():
    with translation.override("en"):
        message = str(IllegalTransition("on_site", "confirm", "urgent").message)
    assert "on site" in message
    assert "%(" not in message and "on_site" not in message


def test_an_issue_waits_for_someone_to_take_it_on_where_it_can_be_accepted_and_when_new():
    """issues.transitions clears the accept and on-site times on the way into these statuses
    (hand back, reassign, reopen alike): whoever has it next accepts again."""
    from issues.lifecycle import TABLE, UNACCEPTED_STATUSES

    accept_from = {status for (_kind, status, action) in TABLE if action == Action.ACCEPT}
    assert UNACCEPTED_STATUSES == {"new", "assigned", "reopened"} == accept_from | {"new"}
