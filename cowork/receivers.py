"""结对 routing: a report in a topic a partnership co-owns is sent, when it is routed, to the
partner bureau as a 派单 (not required: the bureau helps, it does not hold the report up).
Connected to issues.signals.issue_routed, which the core sends inside route_issue's transaction
with the issue row locked."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from issues.dispatch import create_dispatch
from issues.lifecycle import OPEN_STATUSES
from issues.signals import issue_routed
from issues.transitions import IssueError

from .models import Partnership


@receiver(issue_routed)
def send_to_partners(sender, issue, **kwargs) -> None:
    if not issue.category_id or issue.status not in OPEN_STATUSES:
        return
    partners = Partnership.objects.filter(
        workstation_id=issue.workstation_id, is_active=True, categories=issue.category_id
    ).select_related("department")
    for partnership in partners:
        try:
            create_dispatch(
                issue,
                partnership.department,
                instructions=_("A co-owned topic of the 结对 partnership."),
                required=False,
                inline=True,
            )
        except IssueError:
            continue  # a bureau of another subdistrict is never sent this subdistrict's reports
