"""Who is who for an issue: its workstation's staff and heads, the liaisons of a department,
and who may be given an issue. Reads only."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from workstations import scope
from workstations.models import Role

from .models import Issue

User = get_user_model()


def is_staff_for(user, issue: Issue) -> bool:
    """Staff or a station head of the issue's workstation (or a superuser)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or issue.workstation_id in scope.staff_workstation_ids(user)


def station_heads(workstation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            roles__kind=Role.Kind.STATION_HEAD, roles__workstation_id=workstation_id, is_active=True
        ).distinct()
    )


def may_handle(user, issue: Issue) -> bool:
    """A person who can be given the issue: active, and a grid worker, staff member or head of
    its workstation."""
    if user is None or not user.is_active:
        return False
    return Role.objects.filter(
        Q(kind=Role.Kind.GRID_WORKER, grid__neighbourhood__workstation_id=issue.workstation_id)
        | Q(kind__in=[Role.Kind.STAFF, Role.Kind.STATION_HEAD], workstation_id=issue.workstation_id),
        user=user,
    ).exists()


def liaison_department_ids(user) -> set[int]:
    """Departments `user` acts for as a liaison (cached on the user object for one request)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_minqing_liaison_departments", None)
    if cached is None:
        cached = set(
            Role.objects.filter(user=user, kind=Role.Kind.LIAISON, department__isnull=False).values_list(
                "department_id", flat=True
            )
        )
        user._minqing_liaison_departments = cached
    return cached


def is_liaison(user) -> bool:
    return bool(liaison_department_ids(user))


def liaisons(department_id: int) -> list[User]:
    return list(
        User.objects.filter(
            roles__kind=Role.Kind.LIAISON, roles__department_id=department_id, is_active=True
        ).distinct()
    )
