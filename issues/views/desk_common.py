"""What every desk page shares: the scoped issue list, the workstation picker of people who read
several, who may act, and answering a refused action with its message."""

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from minqing import params
from workstations import scope
from workstations.models import Role, Workstation

from .. import services
from ..lifecycle import IllegalTransition
from ..models import Issue

User = get_user_model()
REFUSED = (services.IssueError, IllegalTransition)


def desk_issues(user) -> QuerySet[Issue]:
    """The issues of the workstations `user` may read (superuser: all)."""
    return scope.desk_issues(user, Issue.objects.all())


def workstation_choice(request: HttpRequest) -> tuple[list[Workstation], Workstation | None]:
    """The workstations this person reads, and the one picked with `?ws=` (None: all of them).
    One query."""
    choices = list(scope.workstations_for(request.user).order_by("name")[:200])
    picked = request.GET.get("ws", "")
    chosen = next((w for w in choices if str(w.pk) == picked), None)
    if chosen is None and len(choices) == 1:
        chosen = choices[0]
    return choices, chosen


def in_workstation(issues: QuerySet, chosen: Workstation | None) -> QuerySet:
    return issues.filter(workstation_id=chosen.pk) if chosen is not None else issues


def can_manage(user, workstation_id: int) -> bool:
    return scope.can_manage_workstation(user, workstation_id)


def date_param(request: HttpRequest, name: str, default: dt.date | None = None) -> dt.date | None:
    """A YYYY-MM-DD query parameter; anything unreadable falls back to `default`. A date outside
    minqing.params' range is refused with its reason (a 400), not computed with into a 500."""
    raw = request.GET.get(name, "").strip()
    try:
        value = parse_date(raw) if raw else None
    except ValueError:
        value = None
    if not params.within_range(value):
        raise params.BadParameter(params.out_of_range(name))
    return value or default


def today() -> dt.date:
    return timezone.localdate()


def see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def attempt(request: HttpRequest, work: Callable[[], str]) -> bool:
    """Run one service call (`work` returns what to tell the person); a refusal becomes an error
    message instead, never a 500."""
    try:
        done = work()
    except REFUSED as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


def handlers_for(workstation_ids) -> QuerySet:
    """People who can be given an issue of these workstations: their grid workers, staff and
    heads, active, by name. One query."""
    return (
        User.objects.filter(
            Q(roles__kind=Role.Kind.GRID_WORKER, roles__grid__neighbourhood__workstation_id__in=workstation_ids)
            | Q(roles__kind__in=[Role.Kind.STAFF, Role.Kind.STATION_HEAD], roles__workstation_id__in=workstation_ids),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def next_deadline(issue: Issue) -> tuple[str, dt.datetime | None]:
    """The soonest deadline still pending: ("accept" | "arrive" | "resolve", when); ("", None)
    when none is, or while the issue is on hold (its clock stands still)."""
    from ..lifecycle import Status

    pending = [
        (due, name)
        for name, due, done in (
            ("accept", issue.accept_due_at, issue.accepted_at),
            ("arrive", issue.arrive_due_at, issue.on_site_at),
            ("resolve", issue.resolve_due_at, issue.resolved_at),
        )
        if due is not None and done is None
    ]
    if not pending or issue.status == Status.ON_HOLD or not issue.is_open:
        return "", None
    due, name = min(pending)
    return name, due


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


BIGINT_MAX = 2**63 - 1  # the largest id (and the largest number) the database compares


def int_or_none(value) -> int | None:
    """An id or number from a request, or None if it is none, or too large for the database."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -BIGINT_MAX <= number <= BIGINT_MAX else None


def refused(message: str) -> str:
    return _("Not done: %(why)s") % {"why": message}
