"""Who may see and do what, and where. The one place that answers it: views, the API and the
admin ask here, and nothing else decides.

Roles (workstations.models.Role) and what they give:

| role                     | scope        | reads                                   | works on (writes)            |
| ------------------------ | ------------ | --------------------------------------- | ---------------------------- |
| station head, staff      | workstation  | the workstation's issues and places     | the same                     |
| housing officer (房管专员) | workstation  | the workstation's issues and places     | tasks assigned to them       |
| area secretary (片区书记)  | workstation  | the workstation's issues and places     | tasks assigned to them       |
| subdistrict supervisor   | subdistrict  | every workstation of the 街道            | nothing                      |
| district supervisor      | district     | every workstation of every 街道 of the 区 | nothing                      |
| grid worker              | grid(s)      | tasks assigned to them                  | tasks assigned to them       |
| department liaison       | department   | tasks assigned to them                  | tasks assigned to them       |

Superusers see and do everything. Anyone else sees nothing, and subdistricts never see each
other's data: every rule below narrows by workstation ids derived from the user's own roles.
"""

from django.db.models import Q, QuerySet

from .models import (
    Absence,
    Department,
    District,
    Grid,
    Location,
    Neighbourhood,
    OnCallShift,
    Role,
    Subdistrict,
    Workstation,
)

# Roles that work a workstation's desk and manage its places (QR codes, posters, duty).
WORKSTATION_WORKERS = frozenset({Role.Kind.STATION_HEAD, Role.Kind.STAFF})
# Roles that read a workstation's desk without running it.
WORKSTATION_READERS = frozenset({Role.Kind.HOUSING_OFFICER, Role.Kind.AREA_SECRETARY, Role.Kind.DEPUTY_SECRETARY})
SUPERVISORS = frozenset({Role.Kind.SUBDISTRICT_SUPERVISOR, Role.Kind.DISTRICT_SUPERVISOR})


def _roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_minqing_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user))
        user._minqing_roles = cached
    return cached


def staff_workstation_ids(user) -> set[int]:
    """Workstations this user works for (staff and station heads): their desk, places and duty."""
    return {r.workstation_id for r in _roles(user) if r.kind in WORKSTATION_WORKERS}


def readable_workstation_ids(user) -> set[int]:
    """Workstations whose issues and places this user may read: their own, a housing officer's or
    an area secretary's, and every workstation under a supervisor's subdistrict or district."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_minqing_readable", None)
    if cached is not None:
        return cached
    roles = _roles(user)
    ids = {r.workstation_id for r in roles if r.kind in WORKSTATION_WORKERS | WORKSTATION_READERS}
    subdistricts = {r.subdistrict_id for r in roles if r.kind == Role.Kind.SUBDISTRICT_SUPERVISOR}
    districts = {r.district_id for r in roles if r.kind == Role.Kind.DISTRICT_SUPERVISOR}
    if subdistricts or districts:
        overseen = Workstation.objects.filter(
            Q(subdistrict_id__in=subdistricts) | Q(subdistrict__district_id__in=districts)
        ).values_list("pk", flat=True)
        ids |= set(overseen)
    user._minqing_readable = ids
    return ids


def is_staff_member(user) -> bool:
    """May open the staff desk (dashboard, issue pages, locations) — to read. Whether they may
    change anything there is `can_manage_workstation` / `can_act_on_issue`."""
    return user.is_superuser or bool(readable_workstation_ids(user))


def is_read_only(user) -> bool:
    """Someone whose every role only reads (supervisors, housing officers, area secretaries)."""
    if user.is_superuser:
        return False
    kinds = {r.kind for r in _roles(user)}
    return bool(kinds) and kinds <= (SUPERVISORS | WORKSTATION_READERS)


def is_supervisor(user) -> bool:
    return any(r.kind in SUPERVISORS for r in _roles(user))


def is_grid_worker(user) -> bool:
    return any(r.kind == Role.Kind.GRID_WORKER for r in _roles(user))


def can_manage_workstation(user, workstation_id: int) -> bool:
    """Rotate and revoke QR codes, print posters, keep the duty rota: staff and heads only."""
    return user.is_superuser or workstation_id in staff_workstation_ids(user)


def erasure_workstation_ids(user) -> set[int] | None:
    """Workstations whose residents' names and phones this user may erase on request (the
    erasure desk): station heads their own; superusers every one (None: no limit)."""
    if user.is_superuser:
        return None
    return headed_workstation_ids(user)


def headed_workstation_ids(user) -> set[int]:
    """Workstations this user is the station head of: they unlock its people's logins."""
    return {r.workstation_id for r in _roles(user) if r.kind == Role.Kind.STATION_HEAD}


def can_unlock_logins(user, workstation_id: int) -> bool:
    return user.is_superuser or workstation_id in headed_workstation_ids(user)


def workstations_for(user) -> QuerySet[Workstation]:
    """The workstations this user may read (superuser: all)."""
    if user.is_superuser:
        return Workstation.objects.all()
    return Workstation.objects.filter(pk__in=readable_workstation_ids(user))


def managed_workstations(user) -> QuerySet[Workstation]:
    if user.is_superuser:
        return Workstation.objects.all()
    return Workstation.objects.filter(pk__in=staff_workstation_ids(user))


# --- Issues ------------------------------------------------------------------------------------


def visible_issues(user, queryset: QuerySet) -> QuerySet:
    """Narrow an Issue queryset to what `user` may see: the issues of the workstations they may
    read, and tasks assigned to them. Superusers see everything; anyone else, nothing."""
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(workstation_id__in=readable_workstation_ids(user)) | Q(assignee_id=user.pk))


def desk_issues(user, queryset: QuerySet) -> QuerySet:
    """The staff desk's list: the issues of the workstations `user` may read, without tasks
    assigned to them elsewhere."""
    if user.is_superuser:
        return queryset
    return queryset.filter(workstation_id__in=readable_workstation_ids(user))


def assigned_tasks(user, queryset: QuerySet) -> QuerySet:
    """A grid worker's own task list: only what is assigned to them."""
    return queryset.filter(assignee_id=user.pk)


def can_act_on_issue(user, issue) -> bool:
    """Staff and heads of the issue's workstation, and its assignee. Supervisors, housing
    officers and area secretaries read only."""
    return user.is_authenticated and (
        user.is_superuser or issue.workstation_id in staff_workstation_ids(user) or issue.assignee_id == user.pk
    )


# --- Places ------------------------------------------------------------------------------------

# How each model reaches its workstation, for narrowing any places queryset (used by the admin).
_WORKSTATION_PATH = {
    Workstation: "pk",
    Neighbourhood: "workstation_id",
    Grid: "neighbourhood__workstation_id",
    Location: "grid__neighbourhood__workstation_id",
    OnCallShift: "workstation_id",
}


def visible_locations(user, queryset: QuerySet | None = None) -> QuerySet[Location]:
    return places(user, Location.objects.all() if queryset is None else queryset)


def managed_locations(user, queryset: QuerySet | None = None) -> QuerySet[Location]:
    """Locations whose codes and posters this user may manage."""
    queryset = Location.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(grid__neighbourhood__workstation_id__in=staff_workstation_ids(user))


def places(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of any places model (and the duty tables) to what `user` may read."""
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    ids = readable_workstation_ids(user)
    model = queryset.model
    if model in _WORKSTATION_PATH:
        return queryset.filter(**{f"{_WORKSTATION_PATH[model]}__in": ids})
    if model is Subdistrict:
        return queryset.filter(workstations__in=ids).distinct()
    if model is District:
        return queryset.filter(subdistricts__workstations__in=ids).distinct()
    if model is Department:
        return queryset.filter(subdistrict__workstations__in=ids).distinct()
    if model is Role:
        return queryset.filter(
            Q(workstation_id__in=ids) | Q(grid__neighbourhood__workstation_id__in=ids) | Q(user_id=user.pk)
        )
    if model is Absence:
        # Absences of the people who work in the user's workstations, and the user's own.
        people = Role.objects.filter(Q(workstation_id__in=ids) | Q(grid__neighbourhood__workstation_id__in=ids)).values(
            "user_id"
        )
        return queryset.filter(Q(user_id__in=people) | Q(user_id=user.pk))
    raise TypeError(f"scope.places does not know {model.__name__}")
