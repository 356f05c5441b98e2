from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from workstations import scope


class IsStaffMember(BasePermission):
    """Workstation staff and station heads (superusers too): the dashboard's people."""

    message = _("This is for workstation staff.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and scope.is_staff_member(user))
