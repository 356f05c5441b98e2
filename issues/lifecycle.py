"""The one table of allowed status transitions. Pure: no database, no Django models.

Every write that changes an issue's status goes through `issues.services`, which asks
`target_of(status, action)` here first.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("received")  # written to the database, not yet routed to anyone
    ASSIGNED = "assigned", _("assigned")  # routed to a grid worker, waiting for them to accept
    ACCEPTED = "accepted", _("accepted")  # the grid worker has taken it on
    ON_SITE = "on_site", _("on site")  # the grid worker is at the location
    RESOLVED = "resolved", _("resolved")  # handled; waiting for the resident to confirm
    REOPENED = "reopened", _("reopened")  # the resident says it is not solved
    CLOSED = "closed", _("closed")  # confirmed (and rated) by the resident; the loop is closed


OPEN_STATUSES = frozenset({Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.ON_SITE, Status.REOPENED})


class Action(models.TextChoices):
    ASSIGN = "assign", _("assign")
    ACCEPT = "accept", _("accept")
    ARRIVE = "arrive", _("mark on site")
    RESOLVE = "resolve", _("resolve")
    CONFIRM = "confirm", _("confirm")
    REOPEN = "reopen", _("reopen")


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str


TRANSITIONS: dict[str, Transition] = {
    Action.ASSIGN: Transition(frozenset({Status.NEW, Status.ASSIGNED, Status.REOPENED}), Status.ASSIGNED),
    Action.ACCEPT: Transition(frozenset({Status.ASSIGNED, Status.REOPENED}), Status.ACCEPTED),
    Action.ARRIVE: Transition(frozenset({Status.ACCEPTED}), Status.ON_SITE),
    Action.RESOLVE: Transition(frozenset({Status.ACCEPTED, Status.ON_SITE}), Status.RESOLVED),
    Action.CONFIRM: Transition(frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.REOPEN: Transition(frozenset({Status.RESOLVED}), Status.REOPENED),
}


class IllegalTransition(Exception):
    """The action is not allowed from the issue's current status."""

    def __init__(self, status: str, action: str):
        self.status = status
        self.action = action
        super().__init__(f"cannot {action} an issue that is {status}")

    @property
    def message(self) -> str:
        return _("This cannot be done now: the issue is “%(status)s”.") % {"status": Status(self.status).label}


def target_of(status: str, action: str) -> str:
    """The status `action` leads to from `status`, or IllegalTransition."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise IllegalTransition(status, action)
    return transition.target


def allowed_actions(status: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]
