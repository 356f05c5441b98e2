"""Deadlines: from an SLA policy and the Chinese working calendar to two datetimes."""

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils import timezone

from .models import Kind, SLAPolicy, WorkdayOverride


@dataclass(frozen=True)
class Targets:
    unit: str
    accept_within: int | None
    resolve_within: int


# Used when an administrator has not (yet) saved a policy for a kind.
DEFAULT_TARGETS: dict[str, Targets] = {
    Kind.URGENT: Targets(SLAPolicy.Unit.MINUTES, 10, 4 * 60),
    Kind.CONSULT: Targets(SLAPolicy.Unit.WORKING_DAYS, None, 1),
    Kind.COMPLEX: Targets(SLAPolicy.Unit.DAYS, None, 30),
    Kind.COMMUNITY: Targets(SLAPolicy.Unit.DAYS, None, 14),
}


def targets_for(kind: str) -> Targets:
    policy = SLAPolicy.objects.filter(kind=kind).first()
    if policy is None:
        return DEFAULT_TARGETS[kind]
    return Targets(policy.unit, policy.accept_within, policy.resolve_within)


def is_workday(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    """The admin's override first, then the package; for years it does not know, Mon–Fri."""
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day on the `days`-th working day after `start`'s date."""
    local = timezone.localtime(start)
    horizon = local.date() + dt.timedelta(days=days * 3 + 40)
    overrides = dict(
        WorkdayOverride.objects.filter(date__gt=local.date(), date__lte=horizon).values_list("date", "is_workday")
    )
    day = local.date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            remaining -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)


def add_target(start: dt.datetime, unit: str, amount: int) -> dt.datetime:
    if unit == SLAPolicy.Unit.MINUTES:
        return start + dt.timedelta(minutes=amount)
    if unit == SLAPolicy.Unit.DAYS:
        return start + dt.timedelta(days=amount)
    return add_working_days(start, amount)


def deadlines(kind: str, start: dt.datetime) -> tuple[dt.datetime | None, dt.datetime]:
    """(accept by, resolve by) for an issue of `kind` received at `start`."""
    targets = targets_for(kind)
    accept = add_target(start, targets.unit, targets.accept_within) if targets.accept_within else None
    return accept, add_target(start, targets.unit, targets.resolve_within)
