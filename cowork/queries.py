"""Reads: a case's progress, the open-cases board sorted by risk, what a unit owes, a
partnership's figures. Each runs a fixed number of queries whatever the number of cases."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from . import access
from .models import ActionItem, Case, CaseUnit, Partnership


def progress(actions) -> int:
    """The case's progress in percent, rolled up from its action items: the weighted mean where
    weights are set (an item without a weight counts 1), else the plain mean; 0 with no items."""
    actions = list(actions)
    if not actions:
        return 0
    if any(a.weight is not None for a in actions):
        weights = [a.weight if a.weight is not None else Decimal(1) for a in actions]
        total = sum(weights)
        return round(sum(w * a.progress for w, a in zip(weights, actions, strict=True)) / total) if total else 0
    return round(sum(a.progress for a in actions) / len(actions))


def days_late(due_at: dt.datetime, now: dt.datetime) -> int:
    return max((now - due_at).days, 0) if due_at < now else 0


@dataclass
class BoardRow:
    case: Case
    next_what: str
    owed_by: str
    due_at: dt.datetime | None
    days_overdue: int
    progress: int

    @property
    def risk(self) -> tuple:
        """Most days overdue first, then the nearest deadline."""
        return (-self.days_overdue, self.due_at or dt.datetime.max.replace(tzinfo=dt.UTC))


def with_parts(queryset):
    return queryset.select_related("workstation").prefetch_related(
        Prefetch("units", queryset=CaseUnit.objects.select_related("department")),
        Prefetch("actions", queryset=ActionItem.objects.select_related("owner_unit")),
    )


def board_row(case: Case, now: dt.datetime) -> BoardRow:
    open_actions = sorted((a for a in case.actions.all() if a.is_open), key=lambda a: a.due_at)
    waiting_units = sorted((u for u in case.units.all() if not u.signed_off_at), key=lambda u: u.due_at)
    if open_actions:
        first = open_actions[0]
        what, who, due = first.title, first.owner_unit.name, first.due_at
    elif waiting_units:
        first = waiting_units[0]
        what, who, due = first.get_part_display(), first.department.name, first.due_at
    else:
        what, who, due = "", "", case.due_at
    dues = [a.due_at for a in open_actions] + [u.due_at for u in waiting_units] + [case.due_at]
    late = max(days_late(d, now) for d in dues)
    return BoardRow(
        case=case, next_what=what, owed_by=who, due_at=due, days_overdue=late, progress=progress(case.actions.all())
    )


def open_board(user) -> list[BoardRow]:
    now = timezone.now()
    cases = with_parts(access.visible_cases(user).filter(status=Case.Status.OPEN))
    return sorted((board_row(c, now) for c in cases), key=lambda r: r.risk)


def owed_by_units(user) -> tuple[list[CaseUnit], list[ActionItem]]:
    """What the user's units owe: their open parts of cases and their open action items."""
    units = access.unit_ids(user)
    parts = list(
        CaseUnit.objects.filter(department_id__in=units, case__status=Case.Status.OPEN, signed_off_at__isnull=True)
        .select_related("case", "department")
        .order_by("due_at", "id")
    )
    actions = list(
        ActionItem.objects.filter(owner_unit_id__in=units, status=ActionItem.Status.OPEN, case__status=Case.Status.OPEN)
        .select_related("case", "owner_unit", "owner")
        .order_by("due_at", "id")
    )
    return parts, actions


@dataclass
class PartnershipFigures:
    partnership: Partnership
    commitments: list
    fulfilled: int
    rate: int
    open_items: list


def partnership_figures(partnership: Partnership, year: int | None = None) -> PartnershipFigures:
    """Commitments (of `year`, else all), how many are fulfilled, and the bureau's open 派单 and
    action items in the area."""
    from issues.models import Dispatch

    commitments = list(partnership.commitments.all() if year is None else partnership.commitments.filter(year=year))
    fulfilled = sum(1 for c in commitments if c.fulfilled_at)
    rate = round(100 * fulfilled / len(commitments)) if commitments else 0
    open_items = list(
        Dispatch.objects.filter(
            department_id=partnership.department_id,
            issue__workstation_id=partnership.workstation_id,
            status__in=Dispatch.OPEN,
        )
        .select_related("issue")
        .order_by("due_at")[:50]
    )
    return PartnershipFigures(partnership, commitments, fulfilled, rate, open_items)
