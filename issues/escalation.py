"""The SLA sweep that beat runs every minute: 80 % reminders, missed deadlines, the escalation
ladder, late 派单, and re-sending what the broker never got (issues.resend).

Each phase takes a bounded batch and works on it with a fixed number of queries, whatever the
number of issues and however many rows the batch holds: candidates come from one partial index
(`issue_sla_next`, `dispatch_open_due`, `outbox_pending`), rows are claimed by compare-and-set (an
UPDATE that only matches rows still due; issues on SQLite are set to a sentinel value that
identifies this sweeper's claim), with `SELECT … FOR UPDATE SKIP LOCKED` first on PostgreSQL so
two sweepers take different rows instead of queueing. A row is updated once per claim: see
issues.resend.resend_outbox for the deadlock a second UPDATE would risk. Two beats or two workers sweeping at once never tell anyone twice.

The work on a batch is set-based: the claimed issues are read in one query (only the columns
the sweep needs: LOADED), advanced in memory, and written back in one statement (bulk_update);
the batch's events and notifications are each inserted in one statement (bulk_create;
notifications skip keys already notified), and webhooks hear of the events once per batch (issues.signals.events_created).
Notifications are delivered by a task after the commit.

The ladder (issues.ladder.Level): the grid worker → the station heads → the area secretary → the subdistrict.
The first missed deadline of a round tells level 1; while a deadline stays missed, the next
level is told every `escalate_every` units of the policy; each level is told once per round.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Role

from . import batch, notify, publish, resend, sla
from .ladder import TOP, Audience, Level, names
from .lifecycle import OPEN_STATUSES, Status
from .models import Dispatch, Issue, IssueEvent, Notification
from .signals import events_created
from .sweeping import claimable_ids

User = get_user_model()


WHAT = {"accept": gettext_lazy("acceptance"), "arrive": gettext_lazy("arrival"), "resolve": gettext_lazy("resolution")}


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


# --- Claiming a batch ---------------------------------------------------------------------------

# What the sweep reads of a claimed issue (its SLA state, and what its messages name).
LOADED = ["reference", "description", "workstation_id", "grid_id", "assignee_id", *sla.SWEEP_READS, "location__name"]


def _claim(now: dt.datetime, batch: int, ids: list[int] | None) -> list[Issue]:
    """Take up to `batch` due issues for this sweeper, soonest first, and read them (one query on
    PostgreSQL, three elsewhere, whatever the batch holds).

    PostgreSQL: one `SELECT … FOR UPDATE OF issue SKIP LOCKED`: the rows stay locked until the
    commit, another sweeper skips them, and a row another sweeper has just committed is
    re-checked against its new `sla_next_at` before it is locked. Elsewhere (SQLite):
    compare-and-set, an UPDATE of the candidates still due to a sentinel unique to this claim,
    then the rows that carry it."""
    due = due_issues(now) if ids is None else due_issues(now).filter(pk__in=ids)
    read = Issue.objects.select_related("location").only(*LOADED)
    if connection.features.has_select_for_update_skip_locked:
        claimed = read.filter(sla_next_at__lte=now) if ids is None else read.filter(sla_next_at__lte=now, pk__in=ids)
        return list(claimed.select_for_update(skip_locked=True, of=("self",)).order_by("sla_next_at")[:batch])
    candidates = claimable_ids(due, "sla_next_at", batch)
    if not candidates:
        return []
    claim = _sentinel()
    Issue.objects.filter(pk__in=candidates, sla_next_at__lte=now).update(sla_next_at=claim)
    return list(read.filter(sla_next_at=claim))


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
    `issue` is an Issue (of the sweep, with only LOADED read); `clocks` caches the policies' clocks across a batch."""
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


def _save_state(issues: list[Issue]) -> None:
    """Write what the sweep changed (issues.sla.SWEPT_FIELDS) of every claimed issue, in one
    statement (issues.batch: bulk_update's per-row CASE took most of the sweep's time)."""
    batch.update_many(Issue, sla.SWEPT_FIELDS, issues)


def _write(events: list[tuple], notifications: list[tuple]) -> None:
    """A batch's events (issue id, type, note, public) and notifications (key, channel, user id,
    address, issue id, subject, body), a statement each; then the webhooks hear of the events;
    the notifications are delivered after the commit."""
    if events:
        created = IssueEvent.objects.bulk_create(
            IssueEvent(issue_id=issue_id, type=type_, note=note, is_public=public)
            for issue_id, type_, note, public in events
        )
        events_created.send(sender=IssueEvent, events=[(e.pk, e.issue_id, e.type) for e in created])
    if notifications:
        Notification.objects.bulk_create(
            (
                Notification(
                    key=key,
                    channel=channel,
                    user_id=user_id,
                    address=address,
                    issue_id=issue_id,
                    subject=subject,
                    body=body,
                )
                for key, channel, user_id, address, issue_id, subject, body in notifications
            ),
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: publish.delivery(None), robust=True)


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
                subject = text.overdue_subject % {"ref": issue.reference, "loc": issue.location.name}
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
        candidates = claimable_ids(late, "due_at", batch)
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
    photos_stored = resend.store_pending_photos(now, batch=batch)
    # Other apps' deadlines (settings.SLA_SWEEP_STEPS: dotted paths of functions taking `now`
    # and `batch`, returning counts): the core names no app, the setting does.
    extra: dict[str, int] = {}
    for path in getattr(settings, "SLA_SWEEP_STEPS", ()):
        extra.update(import_string(path)(now=now, batch=batch))
    return {
        **extra,
        "reminded": issues["reminded"],
        "escalated": issues["escalated"],
        "dispatches_late": late,
        "resent": resent,
        "redelivered": redelivered,
        "photos_stored": photos_stored,
        "more": int(max(issues["claimed"], late, resent, *extra.values(), 0) >= batch),
    }
