"""The SLA sweep that beat runs every minute: 80 % reminders, missed deadlines, the escalation
ladder, late 派单, and re-sending what the broker never got.

Each phase takes a bounded batch and works on it with a fixed number of queries, whatever the
number of issues: candidates come from one partial index (`issue_sla_next`, `dispatch_open_due`,
`outbox_pending`), rows are claimed by compare-and-set (an UPDATE that only matches rows still
due, to a sentinel value that identifies this sweeper's claim), with `SELECT … FOR UPDATE SKIP
LOCKED` first on PostgreSQL so two sweepers take different rows instead of queueing. Events and
notifications are written in bulk in the same transaction; notifications are delivered by a
task after the commit. Two beats or two workers sweeping at once never tell anyone twice.

The ladder (Level): the grid worker → the station heads → the area secretary → the subdistrict.
The first missed deadline of a round tells level 1; while a deadline stays missed, the next
level is told every `escalate_every` units of the policy; each level is told once per round.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations.models import Role

from . import notify, sla
from .lifecycle import OPEN_STATUSES, Status
from .models import Dispatch, EscalationContact, Issue, IssueEvent, NotificationPreference, Outbox

User = get_user_model()


class Level(models.IntegerChoices):
    GRID_WORKER = 1, gettext_lazy("grid worker")
    STATION_HEAD = 2, gettext_lazy("station head")
    AREA_SECRETARY = 3, gettext_lazy("area secretary")
    SUBDISTRICT = 4, gettext_lazy("subdistrict")


TOP = Level.SUBDISTRICT
WHAT = {"accept": gettext_lazy("acceptance"), "arrive": gettext_lazy("arrival"), "resolve": gettext_lazy("resolution")}
ISSUE_FIELDS = ["accept_remind_at", "arrive_remind_at", "resolve_remind_at", "missed", "escalation_level"]
ISSUE_FIELDS += ["escalate_at", "overdue_at", "sla_next_at"]


def batch_size() -> int:
    return settings.SLA_SWEEP_BATCH


def _sentinel() -> dt.datetime:
    """A moment far in the past, unique to one claim: rows set to it are this sweeper's."""
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=secrets.randbelow(2**40))


def _candidates(queryset, order: str, batch: int) -> list[int]:
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.order_by(order).values_list("id", flat=True)[:batch])


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


# --- What is due for one issue: pure, on the row in memory -------------------------------------


def advance(issue: Issue, now: dt.datetime, *, calendar: sla.WorkCalendar, table) -> tuple[list, list, int | None]:
    """Move `issue`'s SLA state to `now`: (reminders due, deadlines newly missed, level to tell)."""
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
            targets = sla.targets_for(issue.kind, issue.priority, table)
            clock = sla.Clock(targets.unit, calendar)
            issue.escalation_level += 1
            fired = issue.escalation_level
            step = clock.step(targets.escalate_every)
            issue.escalate_at = clock.add(now, step) if issue.escalation_level < TOP else None
        else:
            issue.escalate_at = None
    issue.sla_next_at = sla.next_check(issue)
    return reminders, misses, fired


# --- Who hears, for a whole batch in a fixed number of queries ---------------------------------


class Audience:
    def __init__(self, issues: list[Issue]) -> None:
        ws_ids = {i.workstation_id for i in issues}
        grid_ids = {i.grid_id for i in issues}
        sd_ids = {i.workstation.subdistrict_id for i in issues}
        self.heads: dict[int, list] = {}
        self.grid_workers: dict[int, list] = {}
        self.secretaries: dict[int, list] = {}
        self.subdistrict: dict[int, list] = {}
        kinds = [Role.Kind.STATION_HEAD, Role.Kind.GRID_WORKER]
        supervisor = getattr(Role.Kind, "SUBDISTRICT_SUPERVISOR", None)
        roles = Q(kind=Role.Kind.STATION_HEAD, workstation_id__in=ws_ids) | Q(
            kind=Role.Kind.GRID_WORKER, grid_id__in=grid_ids
        )
        if supervisor is not None:
            kinds.append(supervisor)
            roles |= Q(kind=supervisor, subdistrict_id__in=sd_ids)
        for role in Role.objects.filter(roles, user__is_active=True).select_related("user").order_by("id"):
            if role.kind == Role.Kind.STATION_HEAD:
                self.heads.setdefault(role.workstation_id, []).append(role.user)
            elif role.kind == Role.Kind.GRID_WORKER:
                self.grid_workers.setdefault(role.grid_id, []).append(role.user)
            else:
                self.subdistrict.setdefault(role.subdistrict_id, []).append(role.user)
        contacts = EscalationContact.objects.filter(
            Q(level=Level.AREA_SECRETARY, workstation_id__in=ws_ids)
            | Q(level=Level.SUBDISTRICT, subdistrict_id__in=sd_ids),
            user__is_active=True,
        ).select_related("user")
        for c in contacts.order_by("id"):
            if c.level == Level.AREA_SECRETARY:
                self.secretaries.setdefault(c.workstation_id, []).append(c.user)
            else:
                self.subdistrict.setdefault(c.subdistrict_id, []).append(c.user)
        self._users = {
            u.pk: u
            for group in (self.heads, self.grid_workers, self.secretaries, self.subdistrict)
            for people in group.values()
            for u in people
        }
        self._users.update({i.assignee.pk: i.assignee for i in issues if i.assignee_id})
        self.preferences: dict[int, list] = {}
        for pref in NotificationPreference.objects.filter(user_id__in=self._users):
            self.preferences.setdefault(pref.user_id, []).append(pref)

    def at(self, issue: Issue, level: int) -> list:
        if level == Level.GRID_WORKER:
            people = [issue.assignee] if issue.assignee_id else self.grid_workers.get(issue.grid_id, [])
        elif level == Level.STATION_HEAD:
            people = self.heads.get(issue.workstation_id, [])
        elif level == Level.AREA_SECRETARY:
            people = self.secretaries.get(issue.workstation_id, [])
        else:
            people = self.subdistrict.get(issue.workstation.subdistrict_id, [])
        return list({u.pk: u for u in people}.values())

    def handler(self, issue: Issue) -> list:
        return [issue.assignee] if issue.assignee_id else self.heads.get(issue.workstation_id, [])

    def message(self, user, *, key: str, issue: Issue, subject: str, body: str) -> list:
        return notify.build(
            user, key=key, issue=issue, subject=subject, body=body, preferences=self.preferences.get(user.pk, [])
        )


def _names(people) -> str:
    return "、".join(u.get_full_name() or u.username for u in people) or "—"


def _issue_url(issue: Issue) -> str:
    return settings.SITE_URL + f"/staff/issues/{issue.pk}/"


def _write(events: list[IssueEvent], notifications: list) -> None:
    """Bulk writes, then the post_save receivers (webhooks) that .create() would have run."""
    if events:
        IssueEvent.objects.bulk_create(events)
        for event in events:
            post_save.send(
                sender=IssueEvent, instance=event, created=True, update_fields=None, raw=False, using="default"
            )
    notify.save_many(notifications)


# --- Phase 1: reminders, misses and the ladder --------------------------------------------------


def _sweep_issues(now: dt.datetime, *, batch: int, ids: list[int] | None = None) -> dict[str, int]:
    counts = {"reminded": 0, "escalated": 0, "claimed": 0}
    with transaction.atomic():
        queryset = due_issues(now) if ids is None else due_issues(now).filter(pk__in=ids)
        candidates = _candidates(queryset, "sla_next_at", batch)
        if not candidates:
            return counts
        claim = _sentinel()
        Issue.objects.filter(pk__in=candidates, sla_next_at__lte=now).update(sla_next_at=claim)
        issues = list(Issue.objects.filter(sla_next_at=claim).select_related("workstation", "assignee", "location"))
        counts["claimed"] = len(issues)
        calendar, table = sla.WorkCalendar(), sla.all_targets()
        audience = Audience(issues)
        events: list[IssueEvent] = []
        messages: list = []
        for issue in issues:
            reminders, misses, fired = advance(issue, now, calendar=calendar, table=table)
            for name in reminders:
                counts["reminded"] += 1
                due = getattr(issue, f"{name}_due_at")
                when = timezone.localtime(due).strftime("%m-%d %H:%M")
                events.append(
                    IssueEvent(
                        issue=issue,
                        type=IssueEvent.Type.REMINDED,
                        is_public=False,
                        note=_("The %(what)s deadline is at %(when)s.") % {"what": WHAT[name], "when": when},
                    )
                )
                for user in audience.handler(issue):
                    messages += audience.message(
                        user,
                        key=f"remind:{issue.pk}:{name}:{due.isoformat()}:{user.pk}",
                        issue=issue,
                        subject=_("[%(ref)s] Due soon: %(what)s by %(when)s")
                        % {"ref": issue.reference, "what": WHAT[name], "when": when},
                        body=_("%(text)s\n%(url)s") % {"text": issue.description, "url": _issue_url(issue)},
                    )
            for name in misses:
                events.append(
                    IssueEvent(
                        issue=issue,
                        type=IssueEvent.Type.OVERDUE,
                        is_public=False,
                        note=_("The %(what)s deadline was missed.") % {"what": WHAT[name]},
                    )
                )
            if fired is not None:
                counts["escalated"] += 1
                people = audience.at(issue, fired)
                events.append(
                    IssueEvent(
                        issue=issue,
                        type=IssueEvent.Type.ESCALATED,
                        is_public=False,
                        note=_("Level %(n)d (%(level)s): %(names)s")
                        % {"n": fired, "level": Level(fired).label, "names": _names(people)},
                    )
                )
                missed = "、".join(
                    str(WHAT[n])
                    for n, _m, _b in sla.DEADLINES
                    if sla.pending(issue, n) and getattr(issue, f"{n}_due_at") < now
                )
                for user in people:
                    messages += audience.message(
                        user,
                        key=f"escalated:{issue.pk}:{issue.sla_started_at.isoformat() if issue.sla_started_at else ''}:{fired}:{user.pk}",
                        issue=issue,
                        subject=_("[%(ref)s] Overdue: %(loc)s") % {"ref": issue.reference, "loc": issue.location},
                        body=_("The %(what)s deadline of %(ref)s was missed. %(url)s")
                        % {"what": missed, "ref": issue.reference, "url": _issue_url(issue)},
                    )
        Issue.objects.bulk_update(issues, ISSUE_FIELDS)
        _write(events, messages)
        if messages:
            transaction.on_commit(_deliver_fresh, robust=True)
    return counts


def escalate_overdue(issue_id: int, *, now: dt.datetime) -> bool:
    """Bring one issue's SLA state up to `now` at once (what the sweep does for each issue).
    True if a level of the ladder was told; False if nothing was due or another sweeper had it."""
    return _sweep_issues(now, batch=1, ids=[issue_id])["escalated"] > 0


# --- Phase 2: late 派单 --------------------------------------------------------------------------


def _sweep_dispatches(now: dt.datetime, *, batch: int) -> int:
    with transaction.atomic():
        late = Dispatch.objects.filter(status__in=Dispatch.OPEN, overdue_at__isnull=True, due_at__lt=now)
        candidates = _candidates(late, "due_at", batch)
        if not candidates:
            return 0
        claim = _sentinel()
        late.filter(pk__in=candidates).update(overdue_at=claim)
        dispatches = list(
            Dispatch.objects.filter(overdue_at=claim).select_related(
                "department", "issue__workstation", "issue__assignee"
            )
        )
        Dispatch.objects.filter(overdue_at=claim).update(overdue_at=now)
        issues = [d.issue for d in dispatches]
        audience = Audience(issues)
        liaisons: dict[int, list] = {}
        for role in Role.objects.filter(
            kind=Role.Kind.LIAISON, department_id__in={d.department_id for d in dispatches}, user__is_active=True
        ).select_related("user"):
            liaisons.setdefault(role.department_id, []).append(role.user)
        events, messages = [], []
        for d in dispatches:
            events.append(
                IssueEvent(
                    issue=d.issue,
                    type=IssueEvent.Type.DISPATCH_LATE,
                    is_public=False,
                    note=_("%(dept)s has not finished by its deadline.") % {"dept": d.department.name},
                )
            )
            for user in {
                u.pk: u for u in liaisons.get(d.department_id, []) + audience.at(d.issue, Level.STATION_HEAD)
            }.values():
                messages += audience.message(
                    user,
                    key=f"dispatch-late:{d.pk}:{user.pk}",
                    issue=d.issue,
                    subject=_("[%(ref)s] 派单 overdue: %(dept)s")
                    % {"ref": d.issue.reference, "dept": d.department.name},
                    body=_("The dispatch to %(dept)s was due at %(when)s.")
                    % {"dept": d.department.name, "when": timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M")},
                )
        _write(events, messages)
        if messages:
            transaction.on_commit(_deliver_fresh, robust=True)
    return len(dispatches)


# --- Phase 3: the outbox and undelivered notifications ------------------------------------------


def _resend_outbox(now: dt.datetime, *, batch: int) -> int:
    from .routing import publish_route, resend_after

    with transaction.atomic():
        pending = Outbox.objects.filter(done_at__isnull=True, publish_after__lte=now)
        candidates = _candidates(pending, "publish_after", batch)
        if not candidates:
            return 0
        claim = _sentinel()
        pending.filter(pk__in=candidates).update(publish_after=claim, attempts=F("attempts") + 1)
        issue_ids = list(Outbox.objects.filter(publish_after=claim).values_list("issue_id", flat=True))
        Outbox.objects.filter(publish_after=claim).update(publish_after=now + resend_after())
        transaction.on_commit(lambda: [publish_route(pk) for pk in issue_ids], robust=True)
    return len(issue_ids)


def _deliver_fresh() -> None:
    from .tasks import publish_delivery

    publish_delivery(None)


def _redeliver(now: dt.datetime, *, batch: int) -> int:
    from .tasks import publish_delivery

    ids = notify.pending_ids(
        older_than=dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS), batch=batch, now=now
    )
    if ids:
        publish_delivery(ids)
    return len(ids)


def sla_sweep(*, now: dt.datetime | None = None, batch: int | None = None) -> dict[str, int]:
    """One sweep: every phase takes at most `batch` rows. `more` is true when a phase was full,
    so the caller (the beat task) can sweep again at once instead of waiting a minute."""
    now = now or timezone.now()
    batch = batch or batch_size()
    issues = _sweep_issues(now, batch=batch)
    late = _sweep_dispatches(now, batch=batch)
    resent = _resend_outbox(now, batch=batch)
    redelivered = _redeliver(now, batch=batch)
    return {
        "reminded": issues["reminded"],
        "escalated": issues["escalated"],
        "dispatches_late": late,
        "resent": resent,
        "redelivered": redelivered,
        "more": int(max(issues["claimed"], late, resent) >= batch),
    }
