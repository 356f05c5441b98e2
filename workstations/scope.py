"""Who may see what. The one place that answers it; views, the API and the admin ask here."""

from django.db.models import Q, QuerySet

from .models import Role, Workstation


def _roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_minqing_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user))
        user._minqing_roles = cached
    return cached


def staff_workstation_ids(user) -> set[int]:
    """Workstations whose issues this user works on the dashboard (staff and station heads)."""
    return {r.workstation_id for r in _roles(user) if r.kind in (Role.Kind.STAFF, Role.Kind.STATION_HEAD)}


def is_staff_member(user) -> bool:
    return user.is_superuser or bool(staff_workstation_ids(user))


def is_grid_worker(user) -> bool:
    return any(r.kind == Role.Kind.GRID_WORKER for r in _roles(user))


def workstations_for(user) -> QuerySet[Workstation]:
    if user.is_superuser:
        return Workstation.objects.all()
    return Workstation.objects.filter(pk__in=staff_workstation_ids(user))


def visible_issues(user, queryset: QuerySet) -> QuerySet:
    """Narrow an Issue queryset to what `user` may see: their workstations' issues, and
    tasks assigned to them. Superusers see everything; anyone else, nothing."""
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(workstation_id__in=staff_workstation_ids(user)) | Q(assignee_id=user.pk))


def assigned_tasks(user, queryset: QuerySet) -> QuerySet:
    """A grid worker's own task list: only what is assigned to them."""
    return queryset.filter(assignee_id=user.pk)
