"""The three rates, volumes and medians that the desk's statistics page, its CSV export and the
API report. Plain functions over an Issue queryset that the caller has already narrowed to what
the person may read (workstations.scope); each table is one query, whatever the number of issues.

The definitions (also written on the page, RATE_DEFINITIONS):

- 响应率 (response rate): of the issues received in the period that have an acceptance target
  (accept_due_at) and whose acceptance is decided — accepted, or the target has passed — the
  share accepted by the target.
- 解决率 (resolution rate): of the issues received in the period whose resolution is decided —
  resolved, or the resolution target has passed (not counting time on hold) — the share resolved
  by the target. Duplicates merged into another report and declined ideas are left out.
- 满意率 (satisfaction rate): of the issues received in the period that the resident rated, the
  share rated 4 or 5 out of 5. Issues closed without a rating (the resident never answered) are
  not in the count: they never count as satisfied.

Medians are of the time from receiving an issue to accepting it, and to resolving it.

Apps' filters of the desk (issues.extensions "desk_filters": estates by estate and by property
company) narrow the statistics the same way (`narrowed`): every number is then of that estate's
or that company's issues only, with the same queries (the filter is a subquery).
"""

import datetime as dt
import statistics as pystats
from dataclasses import dataclass

from django.db.models import Aggregate, Case, Count, F, FloatField, Func, Q, QuerySet, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import extensions
from .lifecycle import Status
from .models import Dispatch, Kind

SATISFIED_FROM = 4  # ratings 4 and 5 of 5 count as satisfied

RATE_DEFINITIONS = {
    "response": _(
        "Response rate (响应率): of the issues received in the period that have an acceptance target and "
        "whose acceptance is decided (accepted, or the target has passed), the share accepted by the target."
    ),
    "resolution": _(
        "Resolution rate (解决率): of the issues received in the period whose resolution is decided "
        "(resolved, or the target has passed; time on hold does not count), the share resolved by the "
        "target. Merged duplicates and declined ideas are left out."
    ),
    "satisfaction": _(
        "Satisfaction rate (满意率): of the issues received in the period that the resident rated, the "
        "share rated 4 or 5 out of 5. Issues closed without a rating are not counted, so they never "
        "count as satisfied."
    ),
}


# --- Portable SQL pieces -----------------------------------------------------------------------


class Seconds(Func):
    """`end - start` in seconds, as a float (NULL if either is NULL)."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL and others
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision", arg_joiner=" - "
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)", arg_joiner=") - julianday("
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        return pystats.median(self.values) if self.values else None


class Median(Aggregate):
    """The median of a numeric expression; NULLs are left out. PostgreSQL's percentile_cont, and
    an aggregate registered on SQLite's connection."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        connection.connection.create_aggregate("minqing_median", 1, _SqliteMedian)
        return super().as_sql(compiler, connection, function="minqing_median", template="%(function)s(%(expressions)s)")


# --- The measures -----------------------------------------------------------------------------


def _measures(now: dt.datetime) -> dict:
    """The aggregates behind every table: counts, the three rates' bases and hits, medians."""
    counted = ~Q(status__in=[Status.MERGED, Status.DECLINED])
    accept_decided = (
        Q(accept_due_at__isnull=False) & (Q(accepted_at__isnull=False) | Q(accept_due_at__lt=now)) & counted
    )
    accept_ok = Q(accepted_at__isnull=False, accept_due_at__isnull=False, accepted_at__lte=F("accept_due_at")) & counted
    resolve_decided = (
        Q(resolve_due_at__isnull=False)
        & (Q(resolved_at__isnull=False) | (Q(resolve_due_at__lt=now) & ~Q(status=Status.ON_HOLD)))
        & counted
    )
    resolve_ok = (
        Q(resolved_at__isnull=False, resolve_due_at__isnull=False, resolved_at__lte=F("resolve_due_at")) & counted
    )
    return {
        "received": Count("pk"),
        "open": Count("pk", filter=Q(status__in=[s for s in Status.values if s not in _DONE])),
        "accept_base": Count("pk", filter=accept_decided),
        "accept_ok": Count("pk", filter=accept_ok),
        "resolve_base": Count("pk", filter=resolve_decided),
        "resolve_ok": Count("pk", filter=resolve_ok),
        "rated": Count("pk", filter=Q(rating__isnull=False)),
        "satisfied": Count("pk", filter=Q(rating__gte=SATISFIED_FROM)),
        "median_accept": Median(Case(When(accepted_at__isnull=False, then=Seconds("accepted_at", "created_at")))),
        "median_resolve": Median(Case(When(resolved_at__isnull=False, then=Seconds("resolved_at", "created_at")))),
    }


_DONE = {Status.RESOLVED, Status.CLOSED, Status.DECLINED, Status.MERGED}


def _share(hits: int, base: int) -> float | None:
    return round(100.0 * hits / base, 1) if base else None


@dataclass
class Row:
    """One line of a table: a group (a week, a neighbourhood …) and its measures."""

    key: object
    label: str
    received: int = 0
    open: int = 0
    accept_base: int = 0
    accept_ok: int = 0
    resolve_base: int = 0
    resolve_ok: int = 0
    rated: int = 0
    satisfied: int = 0
    median_accept: float | None = None  # seconds
    median_resolve: float | None = None

    @property
    def response_rate(self) -> float | None:
        return _share(self.accept_ok, self.accept_base)

    @property
    def resolution_rate(self) -> float | None:
        return _share(self.resolve_ok, self.resolve_base)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.satisfied, self.rated)

    @property
    def median_accept_hours(self) -> float | None:
        return None if self.median_accept is None else round(self.median_accept / 3600, 1)

    @property
    def median_resolve_hours(self) -> float | None:
        return None if self.median_resolve is None else round(self.median_resolve / 3600, 1)


_FIELDS = ("received", "open", "accept_base", "accept_ok", "resolve_base", "resolve_ok", "rated", "satisfied")


def _row(key, label: str, values: dict) -> Row:
    row = Row(key, label, **{f: values.get(f) or 0 for f in _FIELDS})
    row.median_accept = values.get("median_accept")
    row.median_resolve = values.get("median_resolve")
    return row


def received_between(issues: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """Issues received from `start` up to and including `end` (local dates)."""
    tz = timezone.get_current_timezone()
    return issues.filter(
        created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def narrowed(issues: QuerySet, picked: dict[str, int | None]) -> QuerySet:
    """`issues` narrowed by the apps' filters picked (filter name → id; None or absent: not
    picked), as the desk's list is. An id outside the reader's choices narrows to nothing, since
    `issues` is already what they may read."""
    for spec in extensions.desk_filters():
        if picked.get(spec.name):
            issues = spec.apply(issues, picked[spec.name])
    return issues


def overall(issues: QuerySet, *, now: dt.datetime | None = None) -> Row:
    """The three rates and the medians over every issue of `issues`. One query."""
    values = issues.order_by().aggregate(**_measures(now or timezone.now()))
    return _row(None, str(_("All")), values)


def by(issues: QuerySet, field: str, label_field: str | None = None, *, now: dt.datetime | None = None) -> list[Row]:
    """The measures per value of `field` (e.g. "grid__neighbourhood"), labelled by `label_field`.
    One query; the largest groups first."""
    names = [field] + ([label_field] if label_field else [])
    rows = issues.order_by().values(*names).annotate(**_measures(now or timezone.now())).order_by("-received", field)
    return [_row(r[field], str(r[label_field] if label_field else r[field]), r) for r in rows]


def by_kind(issues: QuerySet, *, now: dt.datetime | None = None) -> list[Row]:
    labels = dict(Kind.choices)
    rows = by(issues, "kind", now=now)
    for row in rows:
        row.label = str(labels.get(row.key, row.key))
    return rows


def by_neighbourhood(issues: QuerySet, *, now: dt.datetime | None = None) -> list[Row]:
    return by(issues, "grid__neighbourhood", "grid__neighbourhood__name", now=now)


def by_workstation(issues: QuerySet, *, now: dt.datetime | None = None) -> list[Row]:
    """The comparison of workstations, for those who read more than one. One query."""
    return by(issues, "workstation", "workstation__name", now=now)


def by_grid_worker(issues: QuerySet, *, now: dt.datetime | None = None) -> list[Row]:
    """Per person the issues are (last) assigned to; unassigned ones are one row."""
    now = now or timezone.now()
    names = ["assignee", "assignee__username", "assignee__first_name", "assignee__last_name"]
    rows = issues.order_by().values(*names).annotate(**_measures(now)).order_by("-received", "assignee")
    out = []
    for r in rows:
        full = f"{r['assignee__first_name']} {r['assignee__last_name']}".strip()
        label = full or r["assignee__username"] if r["assignee"] is not None else str(_("Nobody yet"))
        out.append(_row(r["assignee"], label, r))
    return out


def weekly(
    issues: QuerySet, *, now: dt.datetime | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> list[Row]:
    """The trend: one row per week (Monday first, local time), oldest first. With `start` and
    `end`, every week of that range has its row, a week without issues one of zeros (a gap in the
    trend is a quiet week, not a missing one); without them, only the weeks that received issues."""
    week = TruncWeek("created_at", tzinfo=timezone.get_current_timezone())
    rows = (
        issues.order_by()
        .annotate(week=week)
        .values("week")
        .annotate(**_measures(now or timezone.now()))
        .order_by("week")
    )
    found = {}
    for r in rows:
        monday = r["week"].date() if isinstance(r["week"], dt.datetime) else r["week"]
        found[monday] = _row(monday, monday.isoformat(), r)
    if start is None or end is None:
        return list(found.values())
    out = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        out.append(found.pop(monday, None) or _row(monday, monday.isoformat(), {}))
        monday += dt.timedelta(days=7)
    return sorted([*out, *found.values()], key=lambda row: row.key)


# --- Departments (派单) --------------------------------------------------------------------------


@dataclass
class DepartmentRow:
    key: int
    label: str
    sent: int
    acknowledged: int
    done: int
    done_in_time: int
    returned: int
    open_late: int
    median_ack: float | None
    median_done: float | None

    @property
    def on_time_rate(self) -> float | None:
        decided = self.done + self.open_late
        return _share(self.done_in_time, decided)

    @property
    def median_ack_hours(self) -> float | None:
        return None if self.median_ack is None else round(self.median_ack / 3600, 1)

    @property
    def median_done_hours(self) -> float | None:
        return None if self.median_done is None else round(self.median_done / 3600, 1)


def by_department(issues: QuerySet, *, now: dt.datetime | None = None) -> list[DepartmentRow]:
    """派单 of the issues, per department: how many, acknowledged, done (and by the deadline),
    returned, still open past the deadline, and the median times to acknowledge and to finish."""
    now = now or timezone.now()
    rows = (
        Dispatch.objects.filter(issue__in=issues.order_by().values("pk"))
        .exclude(status=Dispatch.Status.WITHDRAWN)  # the issue ended first: not the department's to answer for
        .values("department", "department__name")
        .annotate(
            sent=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            done=Count("pk", filter=Q(status=Dispatch.Status.DONE)),
            done_in_time=Count("pk", filter=Q(status=Dispatch.Status.DONE, done_at__lte=F("due_at"))),
            returned=Count("pk", filter=Q(status=Dispatch.Status.RETURNED)),
            open_late=Count("pk", filter=Q(status__in=Dispatch.OPEN, due_at__lt=now)),
            median_ack=Median(Seconds("acknowledged_at", "created_at")),
            median_done=Median(Seconds("done_at", "created_at")),
        )
        .order_by("-sent", "department")
    )
    return [
        DepartmentRow(
            r["department"],
            r["department__name"],
            r["sent"],
            r["acknowledged"],
            r["done"],
            r["done_in_time"],
            r["returned"],
            r["open_late"],
            r["median_ack"],
            r["median_done"],
        )
        for r in rows
    ]


def volume_by_channel(issues: QuerySet) -> dict[str, int]:
    return dict(issues.order_by().values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


__all__ = [
    "RATE_DEFINITIONS",
    "DepartmentRow",
    "Row",
    "by",
    "by_department",
    "by_grid_worker",
    "by_kind",
    "by_neighbourhood",
    "by_workstation",
    "narrowed",
    "overall",
    "received_between",
    "volume_by_channel",
    "weekly",
]
