"""Staff pages about places (locations, QR codes, posters, duty) and the resident's QR entry.

`staff_required` is shared with the desk (issues.views.desk)."""

from .access import manager_required, staff_required

__all__ = ["manager_required", "staff_required"]
