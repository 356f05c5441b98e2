from django.utils.functional import SimpleLazyObject


def retention(request) -> dict:
    """How long residents' names and phones are kept, for the report form's notice; and whether
    the viewer may use the erasure desk (for the desk's menu; worked out only where a page asks,
    from the roles the page's own permission check already read)."""
    from django.conf import settings

    from workstations import scope

    def may_erase() -> bool:
        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and scope.erasure_workstation_ids(user) != set())

    return {
        "PERSONAL_DATA_RETENTION_DAYS": settings.PERSONAL_DATA_RETENTION_DAYS,
        "may_erase": SimpleLazyObject(may_erase),
    }
