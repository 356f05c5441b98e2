"""The SLA sweep that beat runs every minute: 80 % reminders, missed deadlines, the escalation
ladder, late 派单, and re-sending what the broker never got (issues.resend).

Each phase takes a bounded batch and works on it with a fixed number of queries, whatever the
number of issues and however many rows the batch holds: candidates come from one partial index
(`issue_sla_next`, `dispatch_open_due`, `outbox_pending`), rows are claimed by compare-and-set (an
UPDATE that only matches rows still due; issues on SQLite are set to a sentinel value that
identifies this sweeper's claim), with `SELECT … FOR UPDATE SKIP LOCKED` first on PostgreSQL so
two sweepers take different rows instead of queueing. A row is updated once per claim: see
issues.resend.resend_outbox for the deadlock a second UPDATE would risk. Two beats or two workers sweeping at once never tell anyone twice.

The work on a batch is set-based: the claimed issues are read as plain rows (only the columns
the sweep needs, one query), advanced in memory, and written back in one statement; the batch's
events and notifications are each inserted in one statement (notifications skip keys already
notified), and webhooks hear of the events once per batch (issues.signals.events_created).
Notifications are delivered by a task after the commit.

The ladder (issues.ladder.Level): the grid worker → the station heads → the area secretary → the subdistrict.
The first missed deadline of a round tells level 1; while a deadline stays missed, the next
level is told every `escalate_every` units of the policy; each level is told once per round.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minqing import rows
from workstations.models import Location, Role

from . import extensions, notify, resend, sla
from .ladder import TOP, Audience, Level, names
from .lifecycle import OPEN_STATUSES, Status
from .models import Dispatch, Issue, IssueEvent, Notification
from .signals import events_created

User = get_user_model()


WHAT = {"accept": gettext_lazy("acceptance"), "arrive": gettext_lazy("arrival"), "resolve": gettext_lazy("resolution")}
ISSUE_FIELDS = ["accept_remind_at", "arrive_remind_at", "resolve_remind_at", "missed", "escalation_level"]
ISSUE_FIELDS += ["escalate_at", "overdue_at", "sla_next_at"]


def batch_size() -> int:
    return settings.SLA_SWEEP_BATCH


def _sentinel() -> dt.datetime:
    """A moment far in the past, unique to one claim: rows set to it are this sweeper's."""
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=secrets.randbelow(2**40))


def due_issues(now: dt.datetime):
    return Issue.objects.filter(sla_next_at__lte=now)


def overdue_issues(now: dt.datetime):
    """Open issues (not on hold) with a deadline missed and its milestone still not reached."""
    return (
        Issue.objects.filter(status__in=OPEN_STATUSES, paused_at__isnull=True)
        .exclude(status=Status.ON_HOLD)
        .filter(
            Q(accepted_at__isnull=True, accept_due_at__lt=now)
            | Q(on_site_at__isnull=True, arrive_due_at__lt=now)
            | Q(resolved_at__isnull=True, resolve_due_at__lt=now)
        )
    )


# --- A claimed issue, as the sweep reads it -----------------------------------------------------

# The columns of Issue the sweep reads; the location's name comes with them (for the message).
LOADED = (
    "id",
    "reference",
    "kind",
    "priority",
    "status",
    "description",
    "workstation_id",
    "grid_id",
    "assignee_id",
    "paused_at",
    "sla_started_at",
    "accepted_at",
    "on_site_at",
    "resolved_at",
    "accept_due_at",
    "arrive_due_at",
    "resolve_due_at",
    "accept_remind_at",
    "arrive_remind_at",
    "resolve_remind_at",
    "missed",
    "escalation_level",
    "escalate_at",
    "overdue_at",
)


class Due:
    """One claimed issue: its SLA state and what the messages about it need. A plain row rather
    than a model instance (a batch holds a thousand of them); it has an Issue's attribute names,
    so issues.sla reads it as it reads an Issue."""

    __slots__ = (*LOADED, "location_name", "sla_next_at")

    def __init__(self, row) -> None:
        (
            self.id,
            self.reference,
            self.kind,
            self.priority,
            self.status,
            self.description,
            self.workstation_id,
            self.grid_id,
            self.assignee_id,
            self.paused_at,
            self.sla_started_at,
            self.accepted_at,
            self.on_site_at,
            self.resolved_at,
            self.accept_due_at,
            self.arrive_due_at,
            self.resolve_due_at,
            self.accept_remind_at,
            self.arrive_remind_at,
            self.resolve_remind_at,
            self.missed,
            self.escalation_level,
            self.escalate_at,
            self.overdue_at,
            self.location_name,
        ) = row
        self.sla_next_at = None

    @property
    def pk(self) -> int:
        return self.id


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model, name: str) -> str:
    return _qn(model._meta.get_field(name.removesuffix("_id")).column)


def _select(where: str, params: list, tail: str = "") -> list[Due]:
    """The LOADED columns (and the location's name) of the issues matching `where`, one query."""
    issue, location = Issue._meta, Location._meta
    sqlite = not connection.features.supports_timezones
    columns = []
    for name in LOADED:
        column = f"i.{_column(Issue, name)}"
        if sqlite and isinstance(Issue._meta.get_field(name.removesuffix("_id")), models.DateTimeField):
            column += " || ''"  # the stored text as it is: parsed below, faster than the row converter
        columns.append(column)
    sql = (
        f"SELECT {', '.join(columns)}, l.{_column(Location, 'name')} FROM {_qn(issue.db_table)} i "
        f"JOIN {_qn(location.db_table)} l ON l.{_qn(location.pk.column)} = i.{_column(Issue, 'location')} "
        f"WHERE {where} {tail}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if sqlite:
        # SQLite stores naive datetimes in the connection's time zone (Django's format).
        tz, parse = connection.timezone, dt.datetime.fromisoformat
        dates = [isinstance(Issue._meta.get_field(n.removesuffix("_id")), models.DateTimeField) for n in LOADED]
        dates.append(False)  # the location's name
        rows = [
            [parse(v).replace(tzinfo=tz) if d and v is not None else v for v, d in zip(row, dates, strict=True)]
            for row in rows
        ]
    return [Due(row) for row in rows]


def _claim(now: dt.datetime, batch: int, ids: list[int] | None) -> list[Due]:
    """Take up to `batch` due issues for this sweeper, soonest first, and read them.

    PostgreSQL: one `SELECT … FOR UPDATE SKIP LOCKED`: the rows stay locked until the commit,
    another sweeper skips them, and a row another sweeper has just committed is re-checked
    against its new `sla_next_at` before it is locked. Elsewhere (SQLite): compare-and-set, an
    UPDATE of the candidates still due to a sentinel unique to this claim, then the rows that
    carry it."""
    due_at = f"i.{_column(Issue, 'sla_next_at')}"
    only = f" AND i.{_qn(Issue._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})" if ids else ""
    if connection.features.has_select_for_update_skip_locked:
        order = f"ORDER BY {due_at} LIMIT %s FOR UPDATE OF i SKIP LOCKED"
        return _select(f"{due_at} <= %s{only}", [now, *(ids or []), batch], order)
    queryset = due_issues(now) if ids is None else due_issues(now).filter(pk__in=ids)
    candidates = rows.claimable_ids(queryset, "sla_next_at", batch)
    if not candidates:
        return []
    claim = _sentinel()
    Issue.objects.filter(pk__in=candidates, sla_next_at__lte=now).update(sla_next_at=claim)
    return _select(f"{due_at} = %s", [connection.ops.adapt_datetimefield_value(claim)])


# --- What is due for one issue: pure, on the row in memory -------------------------------------


def _ladder_clock(issue, calendar: sla.WorkCalendar, table, cache: dict) -> tuple[sla.Clock, dt.timedelta]:
    """The clock of `issue`'s policy and its ladder step (cached per kind and priority)."""
    key = (issue.kind, issue.priority)
    if key not in cache:
        targets = sla.targets_for(issue.kind, issue.priority, table)
        clock = sla.Clock(targets.unit, calendar)
        cache[key] = (clock, clock.step(targets.escalate_every))
    return cache[key]


def advance(
    issue, now: dt.datetime, *, calendar: sla.WorkCalendar, table, clocks: dict | None = None
) -> tuple[list, list, int | None]:
    """Move `issue`'s SLA state to `now`: (reminders due, deadlines newly missed, level to tell).
    `issue` is an Issue or a Due row; `clocks` caches the policies' clocks across a batch."""
    reminders: list[str] = []
    misses: list[str] = []
    fired = None
    if not sla.is_clock_running(issue):
        issue.sla_next_at = None
        return reminders, misses, fired
    for name, _milestone, bit in sla.DEADLINES:
        if not sla.pending(issue, name):
            continue
        due = getattr(issue, f"{name}_due_at")
        remind_at = getattr(issue, f"{name}_remind_at")
        if remind_at is not None and remind_at <= now:
            setattr(issue, f"{name}_remind_at", None)
            if due > now:
                reminders.append(name)
        if due < now and not issue.missed & bit:
            issue.missed |= bit
            misses.append(name)
    if misses and issue.overdue_at is None:
        issue.overdue_at = now
    ladder_due = (misses and issue.escalate_at is None) or (issue.escalate_at is not None and issue.escalate_at <= now)
    if ladder_due:
        if issue.escalation_level < TOP and sla.breached(issue, now):
            fired = climb(issue, now, calendar=calendar, table=table, clocks=clocks)
        else:
            issue.escalate_at = None
    issue.sla_next_at = sla.next_check(issue)
    return reminders, misses, fired


def climb(issue, now: dt.datetime, *, calendar: sla.WorkCalendar, table, clocks: dict | None = None) -> int:
    """Move `issue` one level up the ladder now (below the top); the next level is due one
    `escalate_every` later. Returns the new level. The caller sets `sla_next_at`."""
    clock, step = _ladder_clock(issue, calendar, table, {} if clocks is None else clocks)
    issue.escalation_level += 1
    issue.escalate_at = clock.add(now, step) if issue.escalation_level < TOP else None
    return issue.escalation_level


# --- Writing a batch: a statement per table ----------------------------------------------------

EVENT_FIELDS = ("issue", "type", "note", "is_public")
NOTIFICATION_FIELDS = ("key", "channel", "user", "address", "issue", "subject", "body")


def _save_state(issues: list[Due]) -> None:
    """Write the sweep's fields (ISSUE_FIELDS) of every claimed issue in one statement."""
    rows.update_many(Issue, ISSUE_FIELDS, issues)


def _write(events: list[tuple], notifications: list[tuple]) -> None:
    """A batch's events (EVENT_FIELDS) and notifications (NOTIFICATION_FIELDS), a statement each;
    then the webhooks hear of the events; the notifications are delivered after the commit."""
    if events:
        ids = rows.insert_many(IssueEvent, EVENT_FIELDS, events, returning=True)
        events_created.send(
            sender=IssueEvent, events=[(pk, row[0], row[1]) for pk, row in zip(ids, events, strict=True)]
        )
    if notifications:
        rows.insert_many(Notification, NOTIFICATION_FIELDS, notifications, ignore_conflicts=True)
        transaction.on_commit(resend.deliver_fresh, robust=True)


class _Texts:
    """The sweep's words, translated once per batch."""

    def __init__(self) -> None:
        self.what = {name: str(label) for name, label in WHAT.items()}
        self.levels = {level: str(level.label) for level in Level}
        self.remind_note = _("The %(what)s deadline is at %(when)s.")
        self.remind_subject = _("[%(ref)s] Due soon: %(what)s by %(when)s")
        self.remind_body = _("%(text)s\n%(url)s")
        self.missed = {
            name: _("The %(what)s deadline was missed.") % {"what": what} for name, what in self.what.items()
        }
        self.escalated_note = _("Level %(n)d (%(level)s): %(names)s")
        self.nobody_note = _(
            "Level %(n)d (%(level)s): nobody is set for this level (escalation contacts in the admin); "
            "the next level is told now."
        )
        self.nobody_top_note = _(
            "Level %(n)d (%(level)s): nobody is set for this level (escalation contacts in the admin)."
        )
        self.overdue_subject = _("[%(ref)s] Overdue: %(loc)s")
        self.overdue_body = _("The %(what)s deadline of %(ref)s was missed. %(url)s")


REMINDED, OVERDUE, ESCALATED = (
    IssueEvent.Type.REMINDED.value,
    IssueEvent.Type.OVERDUE.value,
    IssueEvent.Type.ESCALATED.value,
)


# --- Phase 1: reminders, misses and the ladder --------------------------------------------------


def _sweep_issues(now: dt.datetime, *, batch: int, ids: list[int] | None = None) -> dict[str, int]:
    counts = {"reminded": 0, "escalated": 0, "claimed": 0}
    with transaction.atomic():
        issues = _claim(now, batch, ids)
        counts["claimed"] = len(issues)
        if not issues:
            return counts
        calendar, table, clocks = sla.WorkCalendar(), sla.all_targets(), {}
        audience = Audience(issues)
        text = _Texts()
        events: list[tuple] = []
        messages: list[tuple] = []
        for issue in issues:
            reminders, misses, fired = advance(issue, now, calendar=calendar, table=table, clocks=clocks)
            for name in reminders:
                counts["reminded"] += 1
                due = getattr(issue, f"{name}_due_at")
                when = timezone.localtime(due).strftime("%m-%d %H:%M")
                what = text.what[name]
                events.append((issue.id, REMINDED, text.remind_note % {"what": what, "when": when}, False))
                subject = text.remind_subject % {"ref": issue.reference, "what": what, "when": when}
                for user in audience.handler(issue):
                    messages += audience.message(
                        user,
                        key=f"remind:{issue.id}:{name}:{due.isoformat()}:{user.pk}",
                        issue_id=issue.id,
                        subject=subject,
                        body=text.remind_body % {"text": issue.description, "url": notify.issue_link(user.pk, issue)},
                    )
            for name in misses:
                events.append((issue.id, OVERDUE, text.missed[name], False))
            if fired is not None:
                counts["escalated"] += 1
                people = audience.at(issue, fired)
                while not people:
                    # Nobody at this level (no area secretary set, say): on the timeline, and the
                    # next level hears now rather than one step later.
                    level = {"n": fired, "level": text.levels[fired]}
                    if fired >= TOP:
                        events.append((issue.id, ESCALATED, text.nobody_top_note % level, False))
                        break
                    events.append((issue.id, ESCALATED, text.nobody_note % level, False))
                    fired = climb(issue, now, calendar=calendar, table=table, clocks=clocks)
                    issue.sla_next_at = sla.next_check(issue)
                    people = audience.at(issue, fired)
                else:
                    note = text.escalated_note % {"n": fired, "level": text.levels[fired], "names": names(people)}
                    events.append((issue.id, ESCALATED, note, False))
                missed = "、".join(
                    text.what[n]
                    for n, _m, _b in sla.DEADLINES
                    if sla.pending(issue, n) and getattr(issue, f"{n}_due_at") < now
                )
                round_ = issue.sla_started_at.isoformat() if issue.sla_started_at else ""
                subject = text.overdue_subject % {"ref": issue.reference, "loc": issue.location_name}
                for user in people:
                    body = text.overdue_body % {
                        "what": missed,
                        "ref": issue.reference,
                        "url": notify.issue_link(user.pk, issue),
                    }
                    messages += audience.message(
                        user,
                        key=f"escalated:{issue.id}:{round_}:{fired}:{user.pk}",
                        issue_id=issue.id,
                        subject=subject,
                        body=body,
                    )
        _save_state(issues)
        _write(events, messages)
    return counts


def escalate_overdue(issue_id: int, *, now: dt.datetime) -> bool:
    """Bring one issue's SLA state up to `now` at once (what the sweep does for each issue).
    True if a level of the ladder was told; False if nothing was due or another sweeper had it."""
    return _sweep_issues(now, batch=1, ids=[issue_id])["escalated"] > 0


# --- Phase 2: late 派单 --------------------------------------------------------------------------


def _sweep_dispatches(now: dt.datetime, *, batch: int) -> int:
    with transaction.atomic():
        late = Dispatch.objects.filter(status__in=Dispatch.OPEN, overdue_at__isnull=True, due_at__lt=now)
        candidates = rows.claimable_ids(late, "due_at", batch)
        if not candidates:
            return 0
        # Compare-and-set in one UPDATE per row (see issues.resend.resend_outbox), then the rows it changed.
        late.filter(pk__in=candidates).update(overdue_at=now)
        dispatches = list(
            Dispatch.objects.filter(pk__in=candidates, overdue_at=now).select_related("department", "issue")
        )
        audience = Audience([d.issue for d in dispatches])
        liaisons: dict[int, list] = {}
        for role in Role.objects.filter(
            kind=Role.Kind.LIAISON, department_id__in={d.department_id for d in dispatches}, user__is_active=True
        ).select_related("user"):
            liaisons.setdefault(role.department_id, []).append(role.user)
        events, messages = [], []
        liaison_ids = {u.pk for people in liaisons.values() for u in people}
        for d in dispatches:
            events.append(
                (
                    d.issue_id,
                    IssueEvent.Type.DISPATCH_LATE.value,
                    _("%(dept)s has not finished by its deadline.") % {"dept": d.department.name},
                    False,
                )
            )
            for user in {
                u.pk: u for u in liaisons.get(d.department_id, []) + audience.at(d.issue, Level.STATION_HEAD)
            }.values():
                messages += audience.message(
                    user,
                    key=f"dispatch-late:{d.pk}:{user.pk}",
                    issue_id=d.issue_id,
                    subject=_("[%(ref)s] 派单 overdue: %(dept)s")
                    % {"ref": d.issue.reference, "dept": d.department.name},
                    body=_("The dispatch to %(dept)s was due at %(when)s.")
                    % {"dept": d.department.name, "when": timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M")}
                    + "\n"
                    + (
                        f"{settings.SITE_URL}/dispatches/"
                        if user.pk in liaison_ids
                        else notify.issue_link(user.pk, d.issue)
                    ),
                )
        _write(events, messages)
    return len(dispatches)


def sla_sweep(*, now: dt.datetime | None = None, batch: int | None = None) -> dict[str, int]:
    """One sweep: every phase takes at most `batch` rows. `more` is true when a phase was full,
    so the caller (the beat task) can sweep again at once instead of waiting a minute."""
    now = now or timezone.now()
    batch = batch or batch_size()
    issues = _sweep_issues(now, batch=batch)
    late = _sweep_dispatches(now, batch=batch)
    resent = resend.resend_outbox(now, batch=batch)
    redelivered = resend.redeliver(now, batch=batch)
    # Other apps' deadlines (settings.ISSUES_EXTENSIONS["sweep"], e.g. estates' hand-overs).
    extra = [step(now, batch) for step in extensions.hooks("sweep")]
    return {
        "reminded": issues["reminded"],
        "escalated": issues["escalated"],
        "dispatches_late": late,
        "resent": resent,
        "redelivered": redelivered,
        "extensions": sum(extra),
        "more": int(max(issues["claimed"], late, resent, *extra) >= batch),
    }
