"""The resident's words: what each status and each public step means, what kind of report it
is, and who handles it (a role, never a person). One place, used by the tracking page and by
the API's tracking endpoint."""

from django.utils.translation import gettext_lazy

from .forms import KIND_LABELS
from .lifecycle import Status
from .models import Issue, IssueEvent

# What each status means, in the words a resident would use.
STATUS_PLAIN = {
    Status.NEW: gettext_lazy("We have received your report."),
    Status.ASSIGNED: gettext_lazy("A grid worker has been given your report."),
    Status.ACCEPTED: gettext_lazy("The grid worker is working on it."),
    Status.ON_SITE: gettext_lazy("The grid worker is at the place now."),
    Status.RESOLVED: gettext_lazy("The grid worker says it is done. Please check and tell us."),
    Status.REOPENED: gettext_lazy("You said it is not solved yet. We are looking at it again."),
    Status.CLOSED: gettext_lazy("Finished. Thank you!"),
    Status.TRIAGED: gettext_lazy("The workstation has looked at it and is deciding who does what."),
    Status.COORDINATING: gettext_lazy("Several departments are working on it together."),
    Status.ADOPTED: gettext_lazy("The workstation has taken up your idea."),
    Status.IN_PROGRESS: gettext_lazy("Your idea is being carried out."),
    Status.ON_HOLD: gettext_lazy("Waiting for an answer (from you or someone else). The clock is paused meanwhile."),
    Status.DECLINED: gettext_lazy("The workstation cannot take this up. The reason is in the timeline."),
    Status.MERGED: gettext_lazy("The same matter was already reported; it is followed on that report."),
}

# The public timeline, one plain sentence per step; other steps show their own label.
EVENT_PLAIN = {
    IssueEvent.Type.CREATED: gettext_lazy("We received your report."),
    IssueEvent.Type.ASSIGNED: gettext_lazy("A grid worker was given your report."),
    IssueEvent.Type.ACCEPTED: gettext_lazy("The grid worker took it on."),
    IssueEvent.Type.ARRIVED: gettext_lazy("The grid worker came to the place."),
    IssueEvent.Type.RESOLVED: gettext_lazy("The grid worker says it is done."),
    IssueEvent.Type.CONFIRMED: gettext_lazy("You said it is solved."),
    IssueEvent.Type.REOPENED: gettext_lazy("You said it is not solved yet."),
    IssueEvent.Type.RESIDENT_NOTE: gettext_lazy("You added something."),
    IssueEvent.Type.UNCONFIRMED: gettext_lazy("Closed without your answer, so without a rating."),
}


def handler_role(issue: Issue) -> str:
    """Who handles it, as a role: never a person's name or phone."""
    if issue.assignee_id:
        return gettext_lazy("A grid worker")
    if issue.routed_at:
        return gettext_lazy("The workstation staff")
    return gettext_lazy("Being passed to a grid worker")


def kind_label(issue: Issue) -> str:
    return KIND_LABELS.get(issue.kind) or issue.get_kind_display()
