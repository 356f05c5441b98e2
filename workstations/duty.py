"""Who is on duty: the grid's primary worker and backups, the workstation's on-call rota for
nights, weekends and holidays, and leave. Dispatch routing asks `on_duty` and nothing else.

The rule, for a new issue in a grid at moment `at`:
1. an urgent matter goes to whoever the on-call rota names for the grid's workstation at `at`
   (a shift covers nights, weekends, holidays: whatever the station head put in the rota);
2. otherwise, and when nobody is on call, to the grid's primary grid worker, else its backups
   in the order they were added;
3. if every grid worker of the grid is away, to whoever is on call at `at`, urgent or not;
4. else nobody: the issue stays unrouted and the station heads are told.
People on leave (an Absence covering `at`) and deactivated accounts are passed over throughout.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from .models import Absence, Grid, OnCallShift, Role, Workstation

User = get_user_model()


def _away(at: dt.datetime, user_field: str = "user") -> Exists:
    return Exists(Absence.objects.filter(user=OuterRef(user_field), starts_at__lte=at, ends_at__gt=at))


def grid_workers(grid: Grid, at: dt.datetime) -> QuerySet[Role]:
    """The grid's workers who can take work at `at`: primary first, then backups."""
    return (
        Role.objects.filter(kind=Role.Kind.GRID_WORKER, grid=grid, user__is_active=True)
        .exclude(_away(at))
        .select_related("user")
        .order_by("-is_primary", "id")
    )


def on_call_shifts(at: dt.datetime, **workstation) -> QuerySet[OnCallShift]:
    """Shifts covering `at` whose person is active and not away; the latest-starting first
    (a short swap entered over a long shift wins)."""
    return (
        OnCallShift.objects.filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True, **workstation)
        .exclude(_away(at))
        .select_related("user")
        .order_by("-starts_at", "id")
    )


def on_call(workstation: Workstation, at: dt.datetime | None = None) -> User | None:
    shift = on_call_shifts(at or timezone.now(), workstation=workstation).first()
    return shift.user if shift else None


def on_duty(grid: Grid, *, at: dt.datetime | None = None, urgent: bool = False) -> User | None:
    """Who gets a new issue in `grid` at `at` (default: now). See the module docstring."""
    at = at or timezone.now()
    # The grid's workstation through a join, so the caller's grid needs nothing preloaded.
    shifts = on_call_shifts(at, workstation__neighbourhoods__grids=grid)
    if urgent:
        shift = shifts.first()
        if shift is not None:
            return shift.user
    role = grid_workers(grid, at).first()
    if role is not None:
        return role.user
    if not urgent:
        shift = shifts.first()
        if shift is not None:
            return shift.user
    return None


def is_away(user, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    return Absence.objects.filter(user=user, starts_at__lte=at, ends_at__gt=at).exists()


@dataclass
class GridDuty:
    grid: Grid
    workers: list[Role]  # every grid worker, primary first
    away: set[int]  # user ids on leave now
    on_duty: User | None  # who gets a normal (non-urgent) issue now


def overview(workstation: Workstation, at: dt.datetime | None = None) -> list[GridDuty]:
    """Each grid of the workstation with its people and who takes its issues at `at`.
    Three queries whatever the number of grids."""
    at = at or timezone.now()
    grids = list(
        Grid.objects.filter(neighbourhood__workstation=workstation)
        .select_related("neighbourhood")
        .order_by("neighbourhood__name", "name", "id")
    )
    roles = list(
        Role.objects.filter(kind=Role.Kind.GRID_WORKER, grid__in=grids)
        .select_related("user")
        .order_by("-is_primary", "id")
    )
    away = set(
        Absence.objects.filter(user_id__in={r.user_id for r in roles}, starts_at__lte=at, ends_at__gt=at).values_list(
            "user_id", flat=True
        )
    )
    by_grid: dict[int, list[Role]] = {}
    for role in roles:
        by_grid.setdefault(role.grid_id, []).append(role)
    result = []
    for grid in grids:
        workers = by_grid.get(grid.pk, [])
        available = [r.user for r in workers if r.user.is_active and r.user_id not in away]
        result.append(GridDuty(grid, workers, away, available[0] if available else None))
    return result
