"""活动台账: the record of each event (attendance, partners, summary, follow-ups) for a month, as
CSV or Excel for the subdistrict's reporting, and per initiative the counts of events,
participants and partner units. Fixed number of queries, whatever the number of events."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Activity, Initiative, SignUp


@dataclass(frozen=True)
class Attendance:
    confirmed: int  # seats confirmed by sign-up
    present: int  # people checked in (walk-ins included)
    walk_ins: int
    no_shows: int  # confirmed seats never checked in


def _attendance_annotations() -> dict:
    confirmed = Q(signups__status=SignUp.Status.CONFIRMED)
    return {
        "n_confirmed": Sum("signups__seats", filter=confirmed & Q(signups__walk_in=False)),
        "n_present": Sum("signups__seats", filter=confirmed & Q(signups__checked_in_at__isnull=False)),
        "n_walk_ins": Sum("signups__seats", filter=confirmed & Q(signups__walk_in=True)),
        "n_no_shows": Sum(
            "signups__seats", filter=confirmed & Q(signups__walk_in=False, signups__checked_in_at__isnull=True)
        ),
    }


def _of(activity) -> Attendance:
    return Attendance(
        confirmed=activity.n_confirmed or 0,
        present=activity.n_present or 0,
        walk_ins=activity.n_walk_ins or 0,
        no_shows=activity.n_no_shows or 0,
    )


def attendance(activity: Activity) -> Attendance:
    return _of(Activity.objects.filter(pk=activity.pk).annotate(**_attendance_annotations()).get())


def month_activities(queryset: QuerySet, month: dt.date) -> list[Activity]:
    start = timezone.make_aware(dt.datetime(month.year, month.month, 1))
    end = timezone.make_aware(dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
    rows = list(
        queryset.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Activity.Status.DRAFT)
        .select_related("workstation", "location", "initiative")
        .prefetch_related("partners", Prefetch("follow_ups"))
        .annotate(**_attendance_annotations())
        .order_by("starts_at", "id")
    )
    for activity in rows:
        activity.attendance = _of(activity)
    return rows


def headers() -> list[str]:
    return [
        _("Date"),
        _("Event"),
        _("Initiative"),
        _("Place"),
        _("Status"),
        _("Seats"),
        _("Confirmed"),
        _("Present"),
        _("Walk-ins"),
        _("No-shows"),
        _("Partner units"),
        _("Summary"),
        _("Follow-ups"),
    ]


def row(activity: Activity) -> list:
    a = activity.attendance
    return [
        timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
        activity.title,
        activity.initiative.title if activity.initiative_id else "",
        activity.place,
        activity.get_status_display(),
        activity.capacity,
        a.confirmed,
        a.present,
        a.walk_ins,
        a.no_shows,
        "、".join(p.name for p in activity.partners.all()),
        activity.summary,
        "；".join(f.text for f in activity.follow_ups.all()),
    ]


def _safe(value):
    """Spreadsheets run a cell that starts with = + - @ as a formula; typed text must not."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(activities: list[Activity]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for activity in activities:
        writer.writerow([_safe(v) for v in row(activity)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM for Excel on Chinese Windows


def as_xlsx(activities: list[Activity], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for activity in activities:
        sheet.append([_safe(v) for v in row(activity)])
    for column, width in zip("ABCDEFGHIJKLM", (17, 30, 20, 24, 10, 8, 8, 8, 8, 8, 30, 40, 30), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def initiative_counts(queryset: QuerySet) -> list[Initiative]:
    """Each initiative with `n_events` (not drafts, not cancelled), `n_participants` (people
    checked in at its events) and `n_partners` (partner units of the initiative or its events)."""
    held = ~Q(activities__status__in=[Activity.Status.DRAFT, Activity.Status.CANCELLED])
    rows = list(
        queryset.annotate(
            n_events=Count("activities", filter=held, distinct=True),
            n_participants=Sum(
                "activities__signups__seats",
                filter=held & Q(activities__signups__checked_in_at__isnull=False),
            ),
        ).order_by("-created_at")
    )
    partners: dict[int, set[int]] = {i.pk: set() for i in rows}
    for initiative_id, dept_id in Initiative.partners.through.objects.filter(initiative_id__in=partners).values_list(
        "initiative_id", "department_id"
    ):
        partners[initiative_id].add(dept_id)
    for initiative_id, dept_id in Activity.partners.through.objects.filter(
        activity__initiative_id__in=partners
    ).values_list("activity__initiative_id", "department_id"):
        partners[initiative_id].add(dept_id)
    for initiative in rows:
        initiative.n_participants = initiative.n_participants or 0
        initiative.n_partners = len(partners[initiative.pk])
    return rows
