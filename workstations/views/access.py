"""Who may open the staff pages. Every rule comes from workstations.scope."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import scope


def staff_required(view: Callable) -> Callable:
    """Login first (redirect to the login page), then someone who may read a workstation's desk
    (staff, heads, housing officers, supervisors) or 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not scope.is_staff_member(request.user):
            raise PermissionDenied(_("This page is for workstation staff."))
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: Callable) -> Callable:
    """Like staff_required, but only for people who run a workstation (staff and heads):
    supervisors and housing officers read, they do not change places or duty."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_superuser or scope.staff_workstation_ids(request.user)):
            raise PermissionDenied(_("Only the workstation's staff can do this."))
        return view(request, *args, **kwargs)

    return wrapper
