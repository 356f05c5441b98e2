"""Who may see and do what with a case. Staff and heads of the case's workstation run it; a
unit's liaisons see their own part (their unit, its action items, its cost shares); readers of
the workstation (supervisors, housing officers, secretaries) read it all; anyone else sees
nothing. Built on workstations.scope and the core's liaison lookup."""

from django.db.models import Q, QuerySet

from issues.dispatch import liaison_department_ids
from workstations import scope

from .models import Case


def can_run(user, case: Case) -> bool:
    return bool(user.is_authenticated) and (
        user.is_superuser or case.workstation_id in scope.staff_workstation_ids(user)
    )


def can_run_workstation(user, workstation_id: int) -> bool:
    return bool(user.is_authenticated) and (user.is_superuser or workstation_id in scope.staff_workstation_ids(user))


def reads_all(user, case: Case) -> bool:
    """Everything of the case (staff, heads, readers and supervisors of its workstation)."""
    return bool(user.is_authenticated) and (
        user.is_superuser or case.workstation_id in scope.readable_workstation_ids(user)
    )


def unit_ids(user) -> set[int]:
    """The departments `user` acts for as a liaison."""
    return liaison_department_ids(user)


def visible_cases(user, queryset: QuerySet | None = None) -> QuerySet:
    """Cases the user may open: those of the workstations they read, and those in which one of
    their units has a part."""
    queryset = Case.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    units = unit_ids(user)
    q = Q(workstation_id__in=scope.readable_workstation_ids(user))
    if units:
        q |= Q(units__department_id__in=units)
    return queryset.filter(q).distinct()


def is_case_user(user) -> bool:
    return bool(user.is_authenticated) and (user.is_superuser or scope.is_staff_member(user) or bool(unit_ids(user)))
