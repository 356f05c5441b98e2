"""The one table of allowed status transitions, per kind of issue. Pure: no database, no models.

Every write that changes an issue's status goes through `issues.services`, which asks
`target_of(status, action, kind=...)` here first. The flows, in words:

- consult (小事即办): routed to a grid worker, who accepts (and may visit) and resolves; staff or
  the grid worker may also answer it directly. Closed when the resident confirms (or never answers).
- urgent (急事快办): routed at once to whoever is on duty, with 派单 to departments in parallel;
  accepted → on site → resolved. Resolving needs the visit.
- complex (难事共办): staff triage it, open a coordination case (milestones recorded while it
  runs) and resolve it when the departments are done.
- community (好事常办): adopted → in progress → done (resolved), or declined with a reason.
- every kind: assign / reassign / hand back, hold (the SLA clock pauses) and resume, merge into
  a duplicate, confirm, reopen, close when the resident never answers.
"""

from dataclasses import dataclass
from itertools import product

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("received")  # written to the database; routing pending, or handed back to staff
    ASSIGNED = "assigned", _("assigned")  # given to a person, waiting for them to accept
    ACCEPTED = "accepted", _("accepted")  # the person has taken it on
    ON_SITE = "on_site", _("on site")  # the grid worker is at the location
    TRIAGED = "triaged", _("triaged")  # complex: staff have looked at it and named who coordinates
    COORDINATING = "coordinating", _("coordinating")  # complex: departments work on it together
    ADOPTED = "adopted", _("adopted")  # community: the workstation takes the idea up
    IN_PROGRESS = "in_progress", _("in progress")  # community: being carried out
    ON_HOLD = "on_hold", _("on hold")  # waiting for the resident or a third party; SLA paused
    RESOLVED = "resolved", _("resolved")  # handled; waiting for the resident to confirm
    REOPENED = "reopened", _("reopened")  # the resident says it is not solved
    CLOSED = "closed", _("closed")  # confirmed by the resident, or no answer in time
    DECLINED = "declined", _("declined")  # community: not taken up, with a reason
    MERGED = "merged", _("merged")  # a duplicate: followed on the issue it was merged into


# Statuses in which someone still owes the resident something. Resolved is not among them: the
# work is done and the resident's answer is awaited.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.ON_SITE,
        Status.TRIAGED,
        Status.COORDINATING,
        Status.ADOPTED,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.REOPENED,
    }
)
# The ends of the table (no action leads on from them): the open 派单 are withdrawn.
FINAL_STATUSES = frozenset({Status.CLOSED, Status.DECLINED, Status.MERGED})
# Statuses in which nobody has taken the issue on (yet, or again): new or handed back, given to
# someone who has not accepted, reopened. A transition into one clears the accept and on-site
# times (issues.transitions), so the next person accepts and goes on site again.
UNACCEPTED_STATUSES = frozenset({Status.NEW, Status.ASSIGNED, Status.REOPENED})


class Action(models.TextChoices):
    ASSIGN = "assign", _("assign")
    ACCEPT = "accept", _("accept")
    ARRIVE = "arrive", _("mark on site")
    RESOLVE = "resolve", _("resolve")
    ANSWER = "answer", _("answer")
    TRIAGE = "triage", _("triage")
    COORDINATE = "coordinate", _("start coordinating")
    MILESTONE = "milestone", _("record a milestone")
    ADOPT = "adopt", _("adopt")
    START = "start", _("start work")
    DECLINE = "decline", _("decline")
    REASSIGN = "reassign", _("reassign")
    HAND_BACK = "hand_back", _("hand back")
    HOLD = "hold", _("put on hold")
    RESUME = "resume", _("resume")
    MERGE = "merge", _("merge into another issue")
    CONFIRM = "confirm", _("confirm")
    REOPEN = "reopen", _("reopen")
    # The resident gave no answer within RESIDENT_CONFIRM_DAYS: closed with no rating (never
    # counted as satisfied). Used by services.close_unconfirmed.
    CLOSE_UNCONFIRMED = "close_unconfirmed", _("close without the resident's answer")


KINDS = ("consult", "urgent", "complex", "community")
ALL = frozenset(KINDS)
# Targets that are not a status: the status does not change, or goes back to where it was.
SAME = "=same"
PREVIOUS = "=previous"

S = Status


@dataclass(frozen=True)
class Rule:
    action: str
    kinds: frozenset
    sources: frozenset
    target: str


def _rule(action: str, kinds, sources, target: str) -> Rule:
    return Rule(action, frozenset(kinds), frozenset(sources), target)


# Where someone holds the issue, per kind: they can hand it back, and staff can put it on hold.
_HELD = {
    "consult": {S.ASSIGNED, S.ACCEPTED, S.ON_SITE, S.REOPENED},
    "urgent": {S.ASSIGNED, S.ACCEPTED, S.ON_SITE, S.REOPENED},
    "complex": {S.ASSIGNED, S.ACCEPTED, S.REOPENED, S.TRIAGED, S.COORDINATING},
    "community": {S.ASSIGNED, S.REOPENED, S.ADOPTED, S.IN_PROGRESS},
}

RULES: tuple[Rule, ...] = (
    # --- every kind -----------------------------------------------------------------------
    # Routing, or staff giving an unassigned (or not yet accepted) issue to someone.
    _rule(Action.ASSIGN, ALL, {S.NEW, S.ASSIGNED, S.REOPENED}, S.ASSIGNED),
    *(_rule(Action.HAND_BACK, {kind}, held, S.NEW) for kind, held in _HELD.items()),
    *(_rule(Action.HOLD, {kind}, held | {S.NEW}, S.ON_HOLD) for kind, held in _HELD.items()),
    _rule(Action.RESUME, ALL, {S.ON_HOLD}, PREVIOUS),
    _rule(Action.MERGE, ALL, OPEN_STATUSES, S.MERGED),
    _rule(Action.CONFIRM, ALL, {S.RESOLVED}, S.CLOSED),
    _rule(Action.REOPEN, ALL, {S.RESOLVED}, S.REOPENED),
    _rule(Action.CLOSE_UNCONFIRMED, ALL, {S.RESOLVED}, S.CLOSED),
    # --- consult: accept, maybe visit, resolve; or answer straight away ----------------------
    _rule(Action.ACCEPT, {"consult"}, {S.ASSIGNED, S.REOPENED}, S.ACCEPTED),
    _rule(Action.ARRIVE, {"consult"}, {S.ACCEPTED}, S.ON_SITE),
    _rule(Action.RESOLVE, {"consult"}, {S.ACCEPTED, S.ON_SITE}, S.RESOLVED),
    _rule(Action.ANSWER, {"consult"}, {S.NEW, S.ASSIGNED, S.ACCEPTED, S.REOPENED}, S.RESOLVED),
    _rule(Action.REASSIGN, {"consult"}, {S.ACCEPTED, S.ON_SITE}, S.ASSIGNED),
    # --- urgent: accepted → on site → resolved ----------------------------------------------
    _rule(Action.ACCEPT, {"urgent"}, {S.ASSIGNED, S.REOPENED}, S.ACCEPTED),
    _rule(Action.ARRIVE, {"urgent"}, {S.ACCEPTED}, S.ON_SITE),
    _rule(Action.RESOLVE, {"urgent"}, {S.ON_SITE}, S.RESOLVED),
    _rule(Action.REASSIGN, {"urgent"}, {S.ACCEPTED, S.ON_SITE}, S.ASSIGNED),
    # --- complex: triaged → coordinating (milestones) → resolved -----------------------------
    _rule(Action.ACCEPT, {"complex"}, {S.ASSIGNED, S.REOPENED}, S.ACCEPTED),
    _rule(Action.TRIAGE, {"complex"}, {S.NEW, S.ASSIGNED, S.ACCEPTED, S.REOPENED}, S.TRIAGED),
    _rule(Action.COORDINATE, {"complex"}, {S.TRIAGED}, S.COORDINATING),
    _rule(Action.MILESTONE, {"complex"}, {S.COORDINATING}, SAME),
    _rule(Action.RESOLVE, {"complex"}, {S.COORDINATING}, S.RESOLVED),
    _rule(Action.REASSIGN, {"complex"}, {S.ACCEPTED}, S.ASSIGNED),
    _rule(Action.REASSIGN, {"complex"}, {S.TRIAGED, S.COORDINATING}, SAME),
    # --- community: adopted → in progress → done, or declined ---------------------------------
    _rule(Action.ADOPT, {"community"}, {S.NEW, S.ASSIGNED, S.REOPENED}, S.ADOPTED),
    _rule(Action.START, {"community"}, {S.ADOPTED}, S.IN_PROGRESS),
    _rule(Action.RESOLVE, {"community"}, {S.IN_PROGRESS}, S.RESOLVED),
    _rule(Action.DECLINE, {"community"}, {S.NEW, S.ASSIGNED, S.ADOPTED}, S.DECLINED),
    _rule(Action.REASSIGN, {"community"}, {S.ADOPTED, S.IN_PROGRESS}, SAME),
)


def _build() -> dict[tuple[str, str, str], str]:
    table: dict[tuple[str, str, str], str] = {}
    for rule in RULES:
        for kind, source in product(rule.kinds, rule.sources):
            key = (kind, source, rule.action)
            if key in table:
                raise AssertionError(f"two rules for {key}")
            table[key] = rule.target
    return table


# (kind, status, action) -> target status, SAME or PREVIOUS. Every other triple is refused.
TABLE: dict[tuple[str, str, str], str] = _build()

# Statuses a resumed issue may go back to: exactly those it may be put on hold from.
HOLDABLE = frozenset(s for (_k, s, a) in TABLE if a == Action.HOLD)


class IllegalTransition(Exception):
    """The action is not allowed from the issue's current status (for its kind)."""

    def __init__(self, status: str, action: str, kind: str | None = None):
        self.status = status
        self.action = action
        self.kind = kind
        super().__init__(f"cannot {action} a {kind or ''} issue that is {status}".replace("  ", " "))

    @property
    def message(self) -> str:
        try:
            label = Status(self.status).label
        except ValueError:
            label = self.status
        return _("This cannot be done now: the issue is “%(status)s”.") % {"status": label}


def target_of(status: str, action: str, kind: str | None = None, *, previous: str | None = None) -> str:
    """The status `action` leads to from `status` for an issue of `kind`, or IllegalTransition.

    `previous` is the status an issue on hold came from; RESUME returns to it. Without `kind`
    (older callers) the action must lead to the same place for every kind that allows it."""
    if kind is None:
        targets = {TABLE[(k, status, action)] for k in KINDS if (k, status, action) in TABLE}
        if len(targets) != 1:
            raise IllegalTransition(status, action)
        target = targets.pop()
    else:
        target = TABLE.get((kind, status, action))
        if target is None:
            raise IllegalTransition(status, action, kind)
    if target == SAME:
        return status
    if target == PREVIOUS:
        holdable = HOLDABLE if kind is None else {s for (k, s, a) in TABLE if k == kind and a == Action.HOLD}
        if previous not in holdable:
            raise IllegalTransition(status, action, kind)
        return previous
    return target


def allowed_actions(status: str, kind: str | None = None) -> list[str]:
    """The actions the table allows from `status` for `kind` (pass it: without it, the actions
    allowed for at least one kind), in the order of `Action`."""
    kinds = KINDS if kind is None else (kind,)
    return [a for a in Action.values if any((k, status, a) in TABLE for k in kinds)]
