"""The resident's words: what each status and each public step means, what kind of report it
is, and who handles it (a role, never a person). One place, used by the tracking page and by
the API's tracking endpoint."""

from django.utils.text import capfirst
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
    IssueEvent.Type.DISPATCHED: gettext_lazy("Sent to a department."),
    IssueEvent.Type.DISPATCH_ACK: gettext_lazy("The department has taken it on."),
    IssueEvent.Type.DISPATCH_DONE: gettext_lazy("The department has done its part."),
    IssueEvent.Type.REASSIGNED: gettext_lazy("Another grid worker was given your report."),
    IssueEvent.Type.HELD: gettext_lazy("On hold while we wait for an answer."),
    IssueEvent.Type.RESUMED: gettext_lazy("Work on it goes on."),
    IssueEvent.Type.TRIAGED: gettext_lazy("The workstation looked at it and decided who does what."),
    IssueEvent.Type.COORDINATING: gettext_lazy("Several departments started working on it together."),
    IssueEvent.Type.ADOPTED: gettext_lazy("The workstation took up your idea."),
    IssueEvent.Type.STARTED: gettext_lazy("Work on your idea started."),
    IssueEvent.Type.DECLINED: gettext_lazy("The workstation cannot take this up."),
    IssueEvent.Type.MERGED: gettext_lazy("The same matter was already reported; it is followed there."),
    IssueEvent.Type.MERGED_IN: gettext_lazy("Someone else reported the same matter; it is followed here."),
}


def event_plain(event: IssueEvent) -> str:
    """The step in the resident's words: its own sentence, else its label written as a heading
    (capitalised, as the sentences are), never a bare lowercase label."""
    plain = EVENT_PLAIN.get(event.type)
    return str(plain) if plain is not None else capfirst(str(event.get_type_display()))


def handler_role(issue: Issue) -> str:
    """Who handles it, as a role: never a person's name or phone."""
    if issue.assignee_id:
        return gettext_lazy("A grid worker")
    if issue.routed_at:
        return gettext_lazy("The workstation staff")
    return gettext_lazy("Being passed to a grid worker")


def kind_label(issue: Issue) -> str:
    return KIND_LABELS.get(issue.kind) or issue.get_kind_display()


# Who did the work, in the resident's words: the status sentence once it is done, and the step in
# the timeline. A consult answered (by staff or the grid worker) is an answer, not a repair.
GRID_WORKER, STAFF, DEPARTMENT, PROPERTY = "grid_worker", "staff", "department", "property"
RESOLVED_BY = {
    GRID_WORKER: gettext_lazy("The grid worker says it is done. Please check and tell us."),
    STAFF: gettext_lazy("The workstation says it is done. Please check and tell us."),
    DEPARTMENT: gettext_lazy("The department says it is done. Please check and tell us."),
    PROPERTY: gettext_lazy("The property company says it is done. Please check and tell us."),
}
RESOLVED_EVENT_BY = {
    GRID_WORKER: gettext_lazy("The grid worker says it is done."),
    STAFF: gettext_lazy("The workstation says it is done."),
    DEPARTMENT: gettext_lazy("The department says it is done."),
    PROPERTY: gettext_lazy("The property company says it is done."),
}
ANSWERED = gettext_lazy("We have answered your question. Please read the answer and tell us if it helps.")
ANSWERED_EVENT = gettext_lazy("We answered your question.")
IDEA_DONE = gettext_lazy("Your idea has been carried out. Please have a look and tell us.")
IDEA_DONE_EVENT = gettext_lazy("Your idea has been carried out.")


def handler_kind(user_id: int | None, issue: Issue) -> str:
    """Who `user_id` acted as on `issue`: its grid worker, a department's (or the property
    company's) liaison, or the workstation's staff. One query."""
    from workstations.models import Department, Role

    if user_id is None:
        return STAFF
    roles = list(Role.objects.filter(user_id=user_id).values_list("kind", "department__category"))
    kinds = {kind for kind, _category in roles}
    if Role.Kind.GRID_WORKER in kinds and (user_id == issue.assignee_id or not kinds & {Role.Kind.STAFF}):
        return GRID_WORKER
    if Role.Kind.LIAISON in kinds and not kinds & {Role.Kind.STAFF, Role.Kind.STATION_HEAD}:
        categories = {category for kind, category in roles if kind == Role.Kind.LIAISON}
        return PROPERTY if categories == {Department.Category.PROPERTY} else DEPARTMENT
    return STAFF


def done_sentences(issue: Issue, events: list[IssueEvent]) -> tuple[str | None, dict[int, str]]:
    """The status sentence for a resolved issue (None when it is not resolved), and the sentence
    of each resolving step of the timeline (event id → sentence), by kind and by who did it."""
    done = [e for e in events if e.type in (IssueEvent.Type.RESOLVED, IssueEvent.Type.ANSWERED)]
    steps: dict[int, str] = {}
    status = None
    who_cache: dict[int | None, str] = {}
    for event in done:
        if event.type == IssueEvent.Type.ANSWERED:
            steps[event.pk], status = ANSWERED_EVENT, ANSWERED
        elif issue.kind == "community":
            steps[event.pk], status = IDEA_DONE_EVENT, IDEA_DONE
        else:
            if event.actor_id not in who_cache:
                who_cache[event.actor_id] = handler_kind(event.actor_id, issue)
            who = who_cache[event.actor_id]
            steps[event.pk], status = RESOLVED_EVENT_BY[who], RESOLVED_BY[who]
    return (status if issue.status == Status.RESOLVED else None), steps
