"""Rules about places and people that other apps ask."""

from django.contrib.auth import get_user_model

from .models import Grid, Role

User = get_user_model()


def grid_worker_for(grid: Grid) -> User | None:
    """Who gets a new task in this grid: the primary grid worker, else any active one."""
    role = (
        Role.objects.filter(kind=Role.Kind.GRID_WORKER, grid=grid, user__is_active=True)
        .select_related("user")
        .order_by("-is_primary", "id")
        .first()
    )
    return role.user if role else None
