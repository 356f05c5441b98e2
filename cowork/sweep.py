"""Action items in the core's SLA sweep (named in settings.SLA_SWEEP_STEPS, called by
issues.escalation.sla_sweep every minute): a reminder at 80 % of the time, the miss, then one
level of the core's ladder (issues.ladder) per interval: the owner unit and the station heads,
the area secretary, the subdistrict. Rows are claimed by compare-and-set, so two sweepers never
tell anyone twice; no timers of their own."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import notify
from issues.dispatch import liaisons
from issues.ladder import TOP, Audience, Level
from issues.sweeping import claimable_ids

from .models import ActionItem, CaseEvent
from .services import case_link


@dataclass(frozen=True)
class _Place:
    """What issues.ladder.Audience needs of an issue: the case's workstation, no grid, no assignee."""

    workstation_id: int
    grid_id: int | None = None
    assignee_id: int | None = None


def escalate_every() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "COWORK_ESCALATE_EVERY_HOURS", 24))


def _claim(queryset, order: str, batch: int, **changes) -> list[ActionItem]:
    ids = claimable_ids(queryset, order, batch)
    claimed = []
    for pk in ids:
        if queryset.filter(pk=pk).update(**changes):
            claimed.append(pk)
    return list(ActionItem.objects.filter(pk__in=claimed).select_related("case", "owner_unit", "owner").order_by("id"))


def _people(action: ActionItem, audience: Audience | None, level: int) -> list:
    people = list(liaisons(action.owner_unit_id))
    if action.owner_id:
        people.append(action.owner)
    if audience is not None:
        people += audience.at(_Place(action.case.workstation_id), level)
    return list({u.pk: u for u in people}.values())


def _tell(action: ActionItem, people, *, key: str, subject: str, body: str) -> None:
    for person in people:
        notify.queue(person, key=f"{key}:{person.pk}"[:200], subject=subject[:200], body=body)


def sweep_action_items(*, now: dt.datetime, batch: int) -> dict[str, int]:
    """A step of the SLA sweep (settings.SLA_SWEEP_STEPS): reminders, overdue items and the
    ladder, written in the workstation's language (read when the sweep runs, not at import)."""
    with notify.workstation_language():
        return _sweep_action_items(now=now, batch=batch)


def _sweep_action_items(*, now: dt.datetime, batch: int) -> dict[str, int]:
    open_items = ActionItem.objects.filter(status=ActionItem.Status.OPEN, case__status="open")
    with transaction.atomic():
        due_soon = _claim(open_items.filter(remind_at__lte=now), "remind_at", batch, remind_at=None)
        for a in due_soon:
            _tell(
                a,
                _people(a, None, 0),
                key=f"action-remind:{a.pk}",
                subject=_("Due soon: %(what)s") % {"what": a.title},
                body=_("%(dept)s: due %(due)s.\n%(url)s")
                % {
                    "dept": a.owner_unit.name,
                    "due": timezone.localtime(a.due_at).strftime("%Y-%m-%d %H:%M"),
                    "url": case_link(a.case),
                },
            )
            CaseEvent.objects.create(
                case=a.case, type=CaseEvent.Type.ACTION_REMINDED, department=a.owner_unit, note=a.title
            )

        late = _claim(
            open_items.filter(overdue_at__isnull=True, due_at__lt=now),
            "due_at",
            batch,
            overdue_at=now,
            remind_at=None,
            escalation_level=Level.STATION_HEAD,
            escalate_at=now + escalate_every(),
        )
        audience = Audience([_Place(a.case.workstation_id) for a in late]) if late else None
        for a in late:
            _tell(
                a,
                _people(a, audience, Level.STATION_HEAD),
                key=f"action-late:{a.pk}",
                subject=_("Overdue: %(what)s (%(dept)s)") % {"what": a.title, "dept": a.owner_unit.name},
                body=_("It was due %(due)s.\n%(url)s")
                % {"due": timezone.localtime(a.due_at).strftime("%Y-%m-%d %H:%M"), "url": case_link(a.case)},
            )
            CaseEvent.objects.create(
                case=a.case, type=CaseEvent.Type.ACTION_OVERDUE, department=a.owner_unit, note=a.title
            )

        climbing = ActionItem.objects.filter(
            status=ActionItem.Status.OPEN, escalate_at__lte=now, escalation_level__lt=TOP, overdue_at__isnull=False
        )
        ids = claimable_ids(climbing, "escalate_at", batch)
        climbed = []
        for a in ActionItem.objects.filter(pk__in=ids).select_related("case", "owner_unit", "owner"):
            level = a.escalation_level + 1
            changes = {"escalation_level": level, "escalate_at": now + escalate_every() if level < TOP else None}
            if climbing.filter(pk=a.pk, escalation_level=a.escalation_level).update(**changes):
                a.escalation_level = level
                climbed.append(a)
        audience = Audience([_Place(a.case.workstation_id) for a in climbed]) if climbed else None
        for a in climbed:
            _tell(
                a,
                audience.at(_Place(a.case.workstation_id), a.escalation_level),
                key=f"action-escalated:{a.pk}:{a.escalation_level}",
                subject=_("Escalated: %(what)s (%(dept)s) is overdue") % {"what": a.title, "dept": a.owner_unit.name},
                body=_("Case %(case)s. It was due %(due)s.\n%(url)s")
                % {
                    "case": a.case.title,
                    "due": timezone.localtime(a.due_at).strftime("%Y-%m-%d %H:%M"),
                    "url": case_link(a.case),
                },
            )
            CaseEvent.objects.create(
                case=a.case,
                type=CaseEvent.Type.ACTION_ESCALATED,
                department=a.owner_unit,
                note=f"{a.title} → {Level(a.escalation_level).label}",
            )
    return {"actions_reminded": len(due_soon), "actions_late": len(late), "actions_escalated": len(climbed)}
