"""SLA clocks: policies per kind × priority, the Chinese working calendar, deadlines, 80 % reminders
and the pause while an issue is on hold.

Three clocks, one per policy unit:
- minutes: around the clock (urgent matters, 24 × 7);
- calendar days;
- working days: time runs only on working days of the Chinese calendar (`chinese_calendar`,
  public holidays and 调休 make-up working days included), with the admin's WorkdayOverride rows
  first and Monday–Friday for years the package does not know yet. A target of N working days
  falls at the same local time on the N-th working day; a pause, a reminder or an escalation step
  counts the working minutes in between.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from minqing import config_cache

from .lifecycle import OPEN_STATUSES, Status
from .models import IssueEvent, Kind, Priority, SLAPolicy, WorkdayOverride

DAY = dt.timedelta(days=1)
REMIND_AT = 0.8  # a reminder when 80 % of the time to a deadline has passed
JUST_AFTER = dt.timedelta(microseconds=1)

# The deadlines of a round, in the order they fall due, with the milestone that meets each and
# its bit in Issue.missed once the sweep has handled its miss.
MISSED_ACCEPT, MISSED_ARRIVE, MISSED_RESOLVE = 1, 2, 4
DEADLINES = (
    ("accept", "accepted_at", MISSED_ACCEPT),
    ("arrive", "on_site_at", MISSED_ARRIVE),
    ("resolve", "resolved_at", MISSED_RESOLVE),
)
MILESTONE = {name: milestone for name, milestone, _bit in DEADLINES}


@dataclass(frozen=True)
class Targets:
    unit: str
    accept_within: int | None
    resolve_within: int
    arrive_within: int | None = None
    escalate_every: int = 1


# Used when an administrator has not (yet) saved a policy for a kind and priority. Non-urgent
# kinds count working days; urgent matters count minutes around the clock.
DEFAULT_TARGETS: dict[tuple[str, str], Targets] = {
    (Kind.URGENT, Priority.NORMAL): Targets(SLAPolicy.Unit.MINUTES, 10, 4 * 60, arrive_within=30, escalate_every=15),
    (Kind.URGENT, Priority.HIGH): Targets(SLAPolicy.Unit.MINUTES, 5, 2 * 60, arrive_within=20, escalate_every=10),
    (Kind.CONSULT, Priority.NORMAL): Targets(SLAPolicy.Unit.WORKING_DAYS, None, 1),
    (Kind.CONSULT, Priority.HIGH): Targets(SLAPolicy.Unit.WORKING_DAYS, None, 1),
    (Kind.COMPLEX, Priority.NORMAL): Targets(SLAPolicy.Unit.WORKING_DAYS, 2, 20, escalate_every=2),
    (Kind.COMPLEX, Priority.HIGH): Targets(SLAPolicy.Unit.WORKING_DAYS, 1, 10, escalate_every=1),
    (Kind.COMMUNITY, Priority.NORMAL): Targets(SLAPolicy.Unit.WORKING_DAYS, 3, 10, escalate_every=2),
    (Kind.COMMUNITY, Priority.HIGH): Targets(SLAPolicy.Unit.WORKING_DAYS, 2, 5, escalate_every=1),
}


def _targets(policy: SLAPolicy) -> Targets:
    return Targets(
        policy.unit, policy.accept_within, policy.resolve_within, policy.arrive_within, max(policy.escalate_every, 1)
    )


def all_targets() -> dict[tuple[str, str], Targets]:
    """Every (kind, priority)'s targets, in one query: saved policies over the defaults."""
    table = dict(DEFAULT_TARGETS)
    table.update({(p.kind, p.priority): _targets(p) for p in SLAPolicy.objects.all()})
    return table


def targets_for(kind: str, priority: str = Priority.NORMAL, table: dict | None = None) -> Targets:
    """The policy of `kind` at `priority` (a saved row, else the default), else the kind's normal
    one. `table` is all_targets(), for callers that look up many issues at once."""
    if table is None:
        rows = SLAPolicy.objects.filter(kind=kind, priority__in={priority, Priority.NORMAL})
        table = {**DEFAULT_TARGETS, **{(p.kind, p.priority): _targets(p) for p in rows}}
    return table.get((kind, priority)) or table[(kind, Priority.NORMAL)]


# --- The working calendar ----------------------------------------------------------------------


class WorkCalendar:
    """Which days are working days. Override rows are read once per year touched."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[dt.date, bool]] = {}
        self._known: dict[dt.date, bool] = {}
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._overrides:
            self._overrides[year] = dict(
                WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday")
            )
        return self._overrides[year]

    def is_workday(self, day: dt.date) -> bool:
        """The admin's override first, then the package; for years it does not know, Mon–Fri.
        Answers are remembered per calendar (the package scans its whole table per call)."""
        if day not in self._known:
            self._known[day] = self._is_workday(day)
        return self._known[day]

    def _is_workday(self, day: dt.date) -> bool:
        overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def _local(self, when: dt.datetime) -> dt.datetime:
        return timezone.localtime(when, self.tz)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The same local time of day on the `days`-th working day after `start`'s date."""
        local = self._local(start)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += DAY
            if self.is_workday(day):
                remaining -= 1
        return local.replace(year=day.year, month=day.month, day=day.day)

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """`start` plus `amount` of time that runs only on working days."""
        cursor = self._local(start)
        remaining = amount
        for _ in range(20 * 366):
            midnight = dt.datetime.combine(cursor.date() + DAY, dt.time(), cursor.tzinfo)
            if self.is_workday(cursor.date()):
                if remaining <= midnight - cursor:
                    return cursor + remaining
                remaining -= midnight - cursor
            cursor = midnight
        raise ValueError("working time too far ahead")

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """How much working time runs from `start` to `end` (zero if `end` is earlier)."""
        cursor, end = self._local(start), self._local(end)
        total = dt.timedelta()
        while cursor < end:
            midnight = dt.datetime.combine(cursor.date() + DAY, dt.time(), cursor.tzinfo)
            stop = min(midnight, end)
            if self.is_workday(cursor.date()):
                total += stop - cursor
            cursor = stop
        return total


# --- Clocks ------------------------------------------------------------------------------------


class Clock:
    """Time as one SLA unit counts it."""

    def __init__(self, unit: str, calendar: WorkCalendar | None = None) -> None:
        self.unit = unit
        self.calendar = calendar or WorkCalendar()

    @property
    def working(self) -> bool:
        return self.unit == SLAPolicy.Unit.WORKING_DAYS

    def target(self, start: dt.datetime, amount: int) -> dt.datetime:
        """The deadline `amount` units after `start`."""
        if self.unit == SLAPolicy.Unit.MINUTES:
            return start + dt.timedelta(minutes=amount)
        if self.unit == SLAPolicy.Unit.DAYS:
            return start + dt.timedelta(days=amount)
        return self.calendar.add_working_days(start, amount)

    def step(self, amount: int) -> dt.timedelta:
        """`amount` units as a span of clock time (working time on the working clock)."""
        return dt.timedelta(minutes=amount) if self.unit == SLAPolicy.Unit.MINUTES else dt.timedelta(days=amount)

    def add(self, start: dt.datetime, span: dt.timedelta) -> dt.datetime:
        return self.calendar.add_working_time(start, span) if self.working else start + span

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        if self.working:
            return self.calendar.working_time_between(start, end)
        return max(end - start, dt.timedelta())


# --- Deadlines of a round ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    accept_due_at: dt.datetime | None
    arrive_due_at: dt.datetime | None
    resolve_due_at: dt.datetime
    accept_remind_at: dt.datetime | None
    arrive_remind_at: dt.datetime | None
    resolve_remind_at: dt.datetime


def plan(kind: str, priority: str, start: dt.datetime, *, calendar: WorkCalendar | None = None, table=None) -> Plan:
    """The deadlines and 80 % reminders of a round that starts at `start`."""
    targets = targets_for(kind, priority, table)
    clock = Clock(targets.unit, calendar)

    def due(amount: int | None) -> dt.datetime | None:
        return clock.target(start, amount) if amount else None

    def remind(deadline: dt.datetime | None) -> dt.datetime | None:
        return clock.add(start, clock.between(start, deadline) * REMIND_AT) if deadline else None

    accept, arrive, resolve = due(targets.accept_within), due(targets.arrive_within), due(targets.resolve_within)
    return Plan(accept, arrive, resolve, remind(accept), remind(arrive), remind(resolve))


def deadlines(kind: str, start: dt.datetime, priority: str = Priority.NORMAL) -> tuple[dt.datetime | None, dt.datetime]:
    """(accept by, resolve by) for an issue of `kind` received at `start`."""
    p = plan(kind, priority, start)
    return p.accept_due_at, p.resolve_due_at


def cached_targets() -> dict:
    """all_targets(), read once per process and configuration version (minqing.config_cache;
    issues.apps watches SLAPolicy): what every report's deadlines are computed from."""
    return config_cache.get("issues.sla_targets", all_targets)


def cached_calendar() -> WorkCalendar:
    """One working calendar per process and configuration version (issues.apps watches
    WorkdayOverride): its override rows are read once per year it is asked about."""
    return config_cache.get("issues.work_calendar", WorkCalendar)


# --- An issue's SLA state -----------------------------------------------------------------------

# The SLA columns of Issue, named once, from DEADLINES.
DUE_FIELDS = [f"{name}_due_at" for name, _m, _b in DEADLINES]
REMIND_FIELDS = [f"{name}_remind_at" for name, _m, _b in DEADLINES]
MILESTONE_FIELDS = [milestone for _n, milestone, _b in DEADLINES]
LADDER_FIELDS = ["missed", "escalation_level", "escalate_at", "overdue_at"]
# What a new round sets (start_round), what a hold moves on (resume, replan), what the sweep
# writes back after advancing an issue, and what it reads to do so.
ROUND_FIELDS = ["sla_started_at", *DUE_FIELDS, *REMIND_FIELDS, *LADDER_FIELDS, "sla_next_at"]
SHIFTED_FIELDS = [*DUE_FIELDS, *REMIND_FIELDS, "escalate_at"]
SWEPT_FIELDS = [*REMIND_FIELDS, *LADDER_FIELDS, "sla_next_at"]
SWEEP_READS = ["kind", "priority", "status", "paused_at", "sla_started_at", *MILESTONE_FIELDS, *DUE_FIELDS]
SWEEP_READS += [*REMIND_FIELDS, *LADDER_FIELDS]


def start_round(issue, now: dt.datetime, *, calendar: WorkCalendar | None = None, table=None) -> list[str]:
    """New deadlines from `now` (a new report, or a reopened one): the ladder starts again at the
    bottom. Sets the fields on `issue`; returns their names for `save(update_fields=…)`."""
    p = plan(issue.kind, issue.priority, now, calendar=calendar, table=table)
    issue.sla_started_at = now
    for name in (*DUE_FIELDS, *REMIND_FIELDS):
        setattr(issue, name, getattr(p, name))
    issue.missed = 0
    issue.escalation_level = 0
    issue.escalate_at = None
    issue.overdue_at = None
    issue.sla_next_at = next_check(issue)
    return list(ROUND_FIELDS)


def pending(issue, name: str) -> bool:
    """The deadline `name` is set and its milestone not reached."""
    return getattr(issue, f"{name}_due_at") is not None and getattr(issue, MILESTONE[name]) is None


def breached(issue, now: dt.datetime) -> bool:
    return any(pending(issue, n) and getattr(issue, f"{n}_due_at") < now for n, _m, _b in DEADLINES)


def is_clock_running(issue) -> bool:
    return issue.status in OPEN_STATUSES and issue.status != Status.ON_HOLD and issue.paused_at is None


def next_check(issue) -> dt.datetime | None:
    """When the sweep next has something to do for `issue`: a reminder, a deadline not yet
    handled, or the next rung of the ladder. None while on hold or once the issue is done."""
    if not is_clock_running(issue):
        return None
    moments = []
    for name, _milestone, bit in DEADLINES:
        if not pending(issue, name):
            continue
        remind_at = getattr(issue, f"{name}_remind_at")
        if remind_at is not None:
            moments.append(remind_at)
        if not issue.missed & bit:
            # A deadline is missed once it has passed: the first moment a sweep can see that.
            moments.append(getattr(issue, f"{name}_due_at") + JUST_AFTER)
    if issue.escalate_at is not None:
        moments.append(issue.escalate_at)
    return min(moments, default=None)


def pause(issue, now: dt.datetime) -> list[str]:
    issue.paused_at = now
    issue.sla_next_at = None
    return ["paused_at", "sla_next_at"]


def resume(issue, now: dt.datetime, *, calendar: WorkCalendar | None = None, table=None) -> list[str]:
    """Move every pending deadline, reminder and ladder step on by the time spent on hold, as the
    issue's clock counts it (working time for working-day policies)."""
    if issue.paused_at is not None:
        clock = Clock(targets_for(issue.kind, issue.priority, table).unit, calendar)
        held = clock.between(issue.paused_at, now)
        for name in SHIFTED_FIELDS:
            value = getattr(issue, name)
            if value is not None:
                setattr(issue, name, clock.add(value, held))
    issue.paused_at = None
    issue.sla_next_at = next_check(issue)
    return [*SHIFTED_FIELDS, "paused_at", "sla_next_at"]


def held_spans(issue) -> list[tuple[dt.datetime, dt.datetime]]:
    """The holds of the issue's current round that have ended, (put on hold, resumed), from its
    timeline. A hold still running is `paused_at`."""
    events = (
        IssueEvent.objects.filter(
            issue_id=issue.pk,
            type__in=[IssueEvent.Type.HELD, IssueEvent.Type.RESUMED],
            created_at__gte=issue.sla_started_at or issue.created_at,
        )
        .order_by("created_at", "id")
        .values_list("type", "created_at")
    )
    spans, held_at = [], None
    for type_, when in events:
        if type_ == IssueEvent.Type.HELD:
            held_at = when
        elif held_at is not None:
            spans.append((held_at, when))
            held_at = None
    return spans


def replan(issue) -> list[str]:
    """This round's deadlines again from its start, for the issue's (new) kind and priority, moved
    on by the time its ended holds took (as the new policy's clock counts it). A hold still running
    keeps its `paused_at`: resume() moves them on by it. Returns the fields to save."""
    start = issue.sla_started_at or issue.created_at
    p = plan(issue.kind, issue.priority, start)
    clock = Clock(targets_for(issue.kind, issue.priority).unit)
    held = sum((clock.between(a, b) for a, b in held_spans(issue)), dt.timedelta())
    for name in (*DUE_FIELDS, *REMIND_FIELDS):
        value = getattr(p, name)
        setattr(issue, name, clock.add(value, held) if value is not None and held else value)
    issue.missed = 0
    issue.sla_next_at = next_check(issue)
    return ["missed", "sla_next_at", *DUE_FIELDS, *REMIND_FIELDS]
