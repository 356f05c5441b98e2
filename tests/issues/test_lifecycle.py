"""The transition table, written out here on its own: a change to issues/lifecycle.py breaks this."""

import itertools

import pytest
from django.utils import translation

from issues.lifecycle import Action, IllegalTransition, Status, allowed_actions, target_of

STATUSES = ["new", "assigned", "accepted", "on_site", "resolved", "reopened", "closed"]
ACTIONS = ["assign", "accept", "arrive", "resolve", "confirm", "reopen"]

# (status, action) -> target. Every pair not listed here must be refused.
ALLOWED = {
    ("new", "assign"): "assigned",
    ("assigned", "assign"): "assigned",
    ("reopened", "assign"): "assigned",
    ("assigned", "accept"): "accepted",
    ("reopened", "accept"): "accepted",
    ("accepted", "arrive"): "on_site",
    ("accepted", "resolve"): "resolved",
    ("on_site", "resolve"): "resolved",
    ("resolved", "confirm"): "closed",
    ("resolved", "reopen"): "reopened",
}
REFUSED = [pair for pair in itertools.product(STATUSES, ACTIONS) if pair not in ALLOWED]


def test_the_statuses_and_actions_are_the_ones_this_table_knows():
    assert sorted(Status.values) == sorted(STATUSES)
    assert sorted(Action.values) == sorted(ACTIONS)


@pytest.mark.parametrize(("status", "action", "target"), [(s, a, t) for (s, a), t in ALLOWED.items()])
def test_an_allowed_action_leads_to_its_target(status, action, target):
    assert target_of(status, action) == target


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_any_other_action_is_refused(status, action):
    with pytest.raises(IllegalTransition) as excinfo:
        target_of(status, action)
    assert (excinfo.value.status, excinfo.value.action) == (status, action)


def test_an_unknown_action_is_refused():
    with pytest.raises(IllegalTransition):
        target_of("new", "delete")


@pytest.mark.parametrize("status", STATUSES)
def test_allowed_actions_lists_exactly_the_table(status):
    expected = {a for (s, a) in ALLOWED if s == status}
    assert set(allowed_actions(status)) == expected


def test_a_closed_issue_allows_nothing():
    assert allowed_actions("closed") == []


def test_the_refusal_message_names_the_status_in_words():
    with translation.override("en"):
        message = str(IllegalTransition("on_site", "confirm").message)
    assert "on site" in message
    assert "%(" not in message and "on_site" not in message
