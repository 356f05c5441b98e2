"""Who sees which estates (workstations.scope answers for places and issues; this for estates).

- property company staff (Role `property` of the company's department): the estates of their
  company and of its branches; they publish those estates' disclosures and handle their complaints;
- a housing officer: the estates they are named for, and every estate of the workstations they
  hold the housing-officer role of; they read everything of those estates;
- the workstation's staff and heads, and supervisors: the estates of the workstations they read;
- superusers: every estate. Anyone else: none."""

from django.db.models import Q, QuerySet

from workstations import scope as places
from workstations.models import Role

from .models import Estate, PropertyCompany


def company_ids(user) -> set[int]:
    """Companies whose staff `user` is (a parent company's staff also serve its branches)."""
    if not user.is_authenticated:
        return set()
    departments = [r.department_id for r in places._roles(user) if r.kind == Role.Kind.PROPERTY]
    if not departments:
        return set()
    return set(
        PropertyCompany.objects.filter(
            Q(department_id__in=departments) | Q(parent__department_id__in=departments)
        ).values_list("pk", flat=True)
    )


def is_company_staff(user) -> bool:
    return any(r.kind == Role.Kind.PROPERTY for r in places._roles(user)) if user.is_authenticated else False


def housing_workstation_ids(user) -> set[int]:
    return {r.workstation_id for r in places._roles(user) if r.kind == Role.Kind.HOUSING_OFFICER}


def is_housing_officer(user) -> bool:
    return user.is_authenticated and (bool(housing_workstation_ids(user)) or user.housing_estates.exists())


def visible_estates(user, queryset: QuerySet | None = None) -> QuerySet[Estate]:
    queryset = Estate.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(company_id__in=company_ids(user))
        | Q(housing_officer=user)
        | Q(neighbourhood__workstation_id__in=places.readable_workstation_ids(user))
    )


def company_estates(user, queryset: QuerySet | None = None) -> QuerySet[Estate]:
    """Estates whose disclosures and complaints `user` works on as company staff."""
    queryset = Estate.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(company_id__in=company_ids(user))


def may_publish(user, estate: Estate) -> bool:
    return user.is_authenticated and (user.is_superuser or estate.company_id in company_ids(user))


def housing_estates(user, queryset: QuerySet | None = None) -> QuerySet[Estate]:
    queryset = Estate.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(housing_officer=user) | Q(neighbourhood__workstation_id__in=housing_workstation_ids(user)))
