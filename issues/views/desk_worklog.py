"""工作日志 at the desk: a day or a week of every matter received, through every channel; the
three-field quick entry for walk-ins and phone calls; printing (static/css/desk.css has the print
rules), CSV and Excel."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from workstations import scope
from workstations.views import manager_required, staff_required

from .. import services, worklog
from ..models import Intake
from .desk_common import date_param, desk_issues, in_workstation, see_other, today, workstation_choice
from .desk_forms import QuickEntryForm


def _locations(request: HttpRequest, chosen):
    locations = scope.managed_locations(request.user).filter(is_active=True).select_related("grid")
    if chosen is not None:
        locations = locations.filter(grid__neighbourhood__workstation_id=chosen.pk)
    return locations.order_by("grid__name", "name")


def _selection(request: HttpRequest):
    choices, chosen = workstation_choice(request)
    week = request.GET.get("view") == "week"
    period = worklog.period(date_param(request, "day", today()), week=week)
    channel = request.GET.get("channel", "")
    channel = channel if channel in Intake.values else ""
    issues = in_workstation(desk_issues(request.user), chosen)
    return choices, chosen, period, channel, issues


@require_safe
@staff_required
def worklog_page(request: HttpRequest) -> HttpResponse:
    return _render_log(request)


def _render_log(request: HttpRequest, *, form: QuickEntryForm | None = None, status: int = 200) -> HttpResponse:
    """The log; `form`: a quick entry that was refused, shown again with what was typed and why."""
    choices, chosen, period, channel, issues = _selection(request)
    rows = list(worklog.entries(issues, period, channel=channel)[: worklog.MAX_ROWS + 1])
    cut = len(rows) > worklog.MAX_ROWS
    rows = rows[: worklog.MAX_ROWS]
    start, end = period.bounds()
    by_channel = dict(
        issues.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("channel")
        .annotate(n=Count("pk"))
    )
    days: dict = {}
    for issue in rows:
        issue.result = worklog.result_of(issue)
        days.setdefault(timezone.localtime(issue.created_at).date(), []).append(issue)
    can_log = request.user.is_superuser or bool(scope.staff_workstation_ids(request.user))
    query = {"view": "week" if period.is_week else "day", "day": period.start.isoformat()}
    if chosen:
        query["ws"] = chosen.pk
    if channel:
        query["channel"] = channel
    context = {
        "period": period,
        "previous_day": period.previous.isoformat(),
        "next_day": period.next.isoformat(),
        "days": sorted(days.items()),
        "rows": rows,
        "cut": cut,
        "channel": channel,
        "channels": [(value, label, by_channel.get(value, 0)) for value, label in Intake.choices],
        "total": sum(by_channel.values()),
        "workstations": choices,
        "chosen": chosen,
        "query": urlencode(query),
        "form": (form or QuickEntryForm(locations=_locations(request, chosen))) if can_log else None,
    }
    return render(request, "issues/worklog.html", context, status=status)


def _export_rows(request: HttpRequest):
    _choices, chosen, period, channel, issues = _selection(request)
    rows = list(worklog.entries(issues, period, channel=channel)[: worklog.MAX_ROWS])
    name = f"worklog-{period.start.isoformat()}{'-week' if period.is_week else ''}"
    return rows, name


@require_safe
@staff_required
def worklog_csv(request: HttpRequest) -> HttpResponse:
    rows, name = _export_rows(request)
    response = HttpResponse(worklog.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_safe
@staff_required
def worklog_xlsx(request: HttpRequest) -> HttpResponse:
    rows, name = _export_rows(request)
    response = HttpResponse(
        worklog.as_xlsx(rows, title=_("Work log")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_POST
@manager_required
def worklog_entry(request: HttpRequest) -> HttpResponse:
    """The quick entry: where, what was asked, what we answered; the button is the channel."""
    back = request.POST.get("next", "")
    if not back.startswith("/staff/"):
        back = reverse("worklog")
    form = QuickEntryForm(request.POST, locations=_locations(request, None))
    if not form.is_valid():
        # The log again, with what was typed kept in the fields and the reasons beside them.
        return _render_log(request, form=form, status=400)
    data = form.cleaned_data
    try:
        issue, token = services.log_matter(
            data["location"],
            channel=data["channel"],
            description=data["description"],
            answer=data["answer"],
            reporter_name=data["caller_name"].strip(),
            reporter_phone=data["caller_phone"],
            actor=request.user,
        )
    except services.IssueError as exc:
        form.add_error(None, exc.message)
        return _render_log(request, form=form, status=400)
    messages.success(
        request,
        _("Logged as %(ref)s. The resident can follow it at %(url)s")
        % {"ref": issue.reference, "url": request.build_absolute_uri(reverse("track", args=[token]))},
    )
    return see_other(back)
