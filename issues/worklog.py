"""工作日志: the workstation's log of every matter received, whatever the channel, as in the paper
log book kept at the window: when, through which channel, who and where, the matter, what was
done, and the result.

Every channel is an Issue (`Issue.channel`): a QR report, a walk-in or phone call logged by staff
(`log_matter`), and what a grid worker found on patrol (走访). The log reads them for a day or a
week with a fixed number of queries, and writes the same rows as CSV or Excel.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstations import scope
from workstations.models import Location, Role

from .handling import answer_issue
from .intake import create_issue
from .lifecycle import Action, Status, allowed_actions
from .models import Intake, Issue, IssueEvent
from .notes import system_note
from .transitions import IssueError, lock, record, require_text, transition

DESK_CHANNELS = (Intake.WALK_IN, Intake.PHONE)
LOGGED_CHANNELS = (*DESK_CHANNELS, Intake.PATROL)
MAX_ROWS = 5000  # one week of one workstation is far below this; the export says if it was cut


# --- Writing -----------------------------------------------------------------------------------


def _may_log(actor, location: Location, channel: str) -> bool:
    workstation_id = location.grid.neighbourhood.workstation_id
    if scope.can_manage_workstation(actor, workstation_id):
        return True
    # A grid worker logs what they find on patrol in any grid of their workstation.
    return (
        channel == Intake.PATROL
        and Role.objects.filter(
            user=actor, kind=Role.Kind.GRID_WORKER, grid__neighbourhood__workstation_id=workstation_id
        ).exists()
    )


def _covers_grid(actor, location: Location) -> bool:
    """Whether `actor` is a grid worker of the location's own grid (primary or backup)."""
    return Role.objects.filter(user=actor, kind=Role.Kind.GRID_WORKER, grid_id=location.grid_id).exists()


def log_matter(
    location: Location,
    *,
    channel: str,
    description: str,
    actor,
    answer: str = "",
    kind: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    photos=(),
) -> tuple[Issue, str]:
    """A matter that did not come through a QR code: a walk-in or a phone call that staff log in
    three fields, or something a grid worker found on patrol. It becomes an Issue like any other
    (same deadlines, timeline and statistics), marked with its channel.

    With `answer`, staff answered it on the spot: it is resolved at once (answer_issue). A patrol
    find goes straight to the grid worker who found it. Returns (issue, tracking token): staff can
    give the resident the tracking link. A find in the worker's own grid is accepted at once (it
    does not wait in his list for him to accept it from himself). `photos`:
    issues.photos.CleanPhoto objects."""
    if channel not in LOGGED_CHANNELS:
        raise IssueError(_("Unknown channel: %(c)s") % {"c": channel})
    description = require_text(description, _("Please describe the matter."))
    if not _may_log(actor, location, channel):
        raise IssueError(_("You cannot log matters for this workstation."))
    if channel == Intake.PATROL and answer.strip():
        raise IssueError(_("A patrol find is handled as a task: resolve it from your task list."))
    with transaction.atomic():
        issue, token, _created = create_issue(
            location,
            description=description,
            kind=kind,
            channel=channel,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            photos=photos,
        )
        record(
            issue,
            IssueEvent.Type.NOTE,
            actor=actor,
            note=system_note(gettext_lazy("Logged at the desk: %(channel)s."), channel=Intake(channel).label),
            public=False,
        )
        if channel == Intake.PATROL:
            issue = lock(issue)
            now = timezone.now()
            issue.assignee, issue.assigned_at = actor, now
            issue.routed_at = now  # the routing task finds nothing left to do
            transition(
                issue,
                Action.ASSIGN,
                actor=actor,
                event_type=IssueEvent.Type.ASSIGNED,
                note=system_note(gettext_lazy("Found on patrol by the grid worker, who handles it.")),
                fields=["assignee", "assigned_at", "routed_at"],
            )
            if _covers_grid(actor, location) and Action.ACCEPT in allowed_actions(issue.status, issue.kind):
                # His own grid: nothing to accept from himself, it is taken on at once.
                issue.accepted_at = timezone.now()
                transition(
                    issue,
                    Action.ACCEPT,
                    actor=actor,
                    event_type=IssueEvent.Type.ACCEPTED,
                    note=system_note(gettext_lazy("Taken on at once: found on patrol in the grid worker's own grid.")),
                    fields=["accepted_at"],
                )
        elif answer.strip():
            issue = answer_issue(issue, actor=actor, answer=answer)
    return issue, token


# --- Reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    days: int  # 1 (a day) or 7 (a week, Monday first)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days)

    @property
    def is_week(self) -> bool:
        return self.days == 7

    @property
    def previous(self) -> dt.date:
        return self.start - dt.timedelta(days=self.days)

    @property
    def next(self) -> dt.date:
        return self.end

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end, dt.time.min, tzinfo=tz),
        )


def period(day: dt.date, *, week: bool) -> Period:
    if week:
        return Period(day - dt.timedelta(days=day.weekday()), 7)
    return Period(day, 1)


def entries(issues: QuerySet, p: Period, *, channel: str = "") -> QuerySet:
    """The matters received in the period (issues already narrowed by scope), oldest first, with
    everything a log row shows loaded in the same query."""
    start, end = p.bounds()
    rows = issues.filter(created_at__gte=start, created_at__lt=end)
    if channel in Intake.values:
        rows = rows.filter(channel=channel)
    return rows.select_related("location", "grid__neighbourhood", "assignee").order_by("created_at", "pk")


def result_of(issue: Issue) -> str:
    """The 结果 column: where the matter stands, in words."""
    if issue.status == Status.CLOSED:
        if issue.rating:
            return _("Closed, rated %(n)s of 5") % {"n": issue.rating}
        return _("Closed without the resident's rating")
    if issue.status == Status.RESOLVED:
        return _("Resolved, waiting for the resident")
    if issue.status == Status.MERGED:
        return _("Merged into another report")
    return issue.get_status_display()


def handler_of(issue: Issue) -> str:
    if issue.assignee is None:
        return ""
    return issue.assignee.get_full_name() or issue.assignee.username


HEADERS = (
    "Reference",
    "Received",
    "Channel",
    "Kind",
    "Neighbourhood",
    "Location",
    "Resident",
    "Matter",
    "Handled by",
    "What was done",
    "Result",
)


def headers() -> list[str]:
    labels = {
        "Reference": _("Reference"),
        "Received": _("Received"),
        "Channel": _("Channel"),
        "Kind": _("Kind"),
        "Neighbourhood": _("Neighbourhood"),
        "Location": _("Location"),
        "Resident": _("Resident"),
        "Matter": _("Matter"),
        "Handled by": _("Handled by"),
        "What was done": _("What was done"),
        "Result": _("Result"),
    }
    return [str(labels[h]) for h in HEADERS]


def row(issue: Issue) -> list[str]:
    """One log line. The resident's phone stays masked in every export."""
    resident = " ".join(x for x in (issue.reporter_name, issue.masked_phone) if x)
    return [
        issue.reference,
        timezone.localtime(issue.created_at).strftime("%Y-%m-%d %H:%M"),
        str(issue.get_channel_display()),
        str(issue.get_kind_display()),
        issue.grid.neighbourhood.name,
        issue.location.name,
        resident,
        issue.description,
        handler_of(issue),
        issue.resolution,
        str(result_of(issue)),
    ]


def _safe(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; a resident's text must not."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def as_csv(issues) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for issue in issues:
        writer.writerow([_safe(v) for v in row(issue)])
    # A BOM, so that Excel on a Chinese Windows opens the UTF-8 file correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(issues, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for issue in issues:
        sheet.append([_safe(v) for v in row(issue)])
    widths = (18, 17, 10, 14, 12, 16, 16, 40, 12, 40, 20)
    for column, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
