"""Small builders for places, people and issues. Tests call these instead of repeating setup."""

import itertools

from django.conf import settings
from django.contrib.auth import get_user_model

from issues import services
from workstations.models import Department, Grid, Location, Neighbourhood, Role, Subdistrict, Workstation

User = get_user_model()
_seq = itertools.count(1)
PASSWORD = settings.DEMO_PASSWORD


def subdistrict(**kw) -> Subdistrict:
    n = next(_seq)
    return Subdistrict.objects.create(**{"name": f"街道{n}", "slug": f"sd{n}", "code": f"S{n}", **kw})


def workstation(sub: Subdistrict | None = None, **kw) -> Workstation:
    n = next(_seq)
    sub = sub or subdistrict()
    return Workstation.objects.create(
        **{
            "subdistrict": sub,
            "area_name": f"片区{n}",
            "name": f"片区{n}工作站",
            "slug": f"ws{n}",
            "phone": "021-64000000",
            **kw,
        }
    )


def grid(ws: Workstation | None = None, **kw) -> Grid:
    n = next(_seq)
    ws = ws or workstation()
    hood = Neighbourhood.objects.create(workstation=ws, name=f"居民区{n}", slug=f"hood{n}")
    return Grid.objects.create(**{"neighbourhood": hood, "name": f"网格{n}", "code": f"grid{n}", **kw})


def location(g: Grid | None = None, **kw) -> Location:
    n = next(_seq)
    g = g or grid()
    return Location.objects.create(**{"grid": g, "name": f"永嘉路{n}弄", "address": f"永嘉路{n}弄口", **kw})


def department(sub: Subdistrict, **kw) -> Department:
    n = next(_seq)
    return Department.objects.create(
        **{"subdistrict": sub, "name": f"部门{n}", "slug": f"dept{n}", "category": Department.Category.POWER, **kw}
    )


def user(username: str | None = None, *, role: str | None = None, **scope) -> User:
    """A user with a password of PASSWORD and, if `role` is given, that role on `scope`."""
    username = username or f"user{next(_seq)}"
    u = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.invalid")
    if role:
        Role.objects.create(user=u, kind=role, **scope)
    return u


def issue(loc: Location, *, description: str = "弄堂口电线被扯断了", kind: str = "urgent", route: bool = True, **kw):
    """Create an issue through the service; route it now unless route=False. Returns (issue, token)."""
    created, token, _ = services.create_issue(loc, description=description, kind=kind, **kw)
    if route:
        services.route_issue(created.pk)
        created.refresh_from_db()
    return created, token


def admin_client(user, app_label: str):
    """A test client logged in as `user`, given admin access (is_staff) and every permission of
    `app_label`'s models, as the admin allows for someone who is not a superuser."""
    from django.contrib.auth.models import Permission
    from django.test import Client

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label=app_label))
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client
