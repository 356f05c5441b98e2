"""Statistics at the desk: the three rates with their definitions written out, volume by kind,
median times, by neighbourhood, grid worker and department, and the weekly trend. Each chart
(ECharts, vendored under static/vendor/) has its table beside it, and each table a CSV export.
The numbers come from issues.stats, which the API reuses. The apps' filters of the desk
(issues.extensions "desk_filters": by estate and by property company) narrow every number, the
tables and the CSV alike."""

import csv
import datetime as dt
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from workstations.views import staff_required

from .. import extensions, stats
from ..worklog import _safe as safe_cell
from .desk_common import date_param, desk_issues, in_workstation, int_or_none, today, workstation_choice

DEFAULT_WEEKS = 8
MAX_DAYS = 366 * 2


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    end = date_param(request, "to", today())
    start = date_param(request, "from", end - dt.timedelta(days=end.weekday() + 7 * (DEFAULT_WEEKS - 1)))
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        start = end - dt.timedelta(days=MAX_DAYS)
    return start, end


def _picked(request: HttpRequest) -> dict[str, int | None]:
    """The apps' filters (estate, company) as ids; anything not a number is ignored."""
    return {spec.name: int_or_none(request.GET.get(spec.name)) for spec in extensions.desk_filters()}


def _issues(request: HttpRequest):
    choices, chosen = workstation_choice(request)
    start, end = _period(request)
    issues = stats.received_between(in_workstation(desk_issues(request.user), chosen), start, end)
    return stats.narrowed(issues, _picked(request)), choices, chosen, start, end


def _extra_filters(request: HttpRequest, choices, chosen) -> list[tuple[extensions.DeskFilter, list, int | None]]:
    """Each app filter with its choices for the workstations shown and the value picked; the
    choices are a per-process snapshot, so no query."""
    ws_ids = [chosen.pk] if chosen else [w.pk for w in choices]
    picked = _picked(request)
    shown = []
    for spec in extensions.desk_filters():
        options = spec.choices(ws_ids)
        if options:
            shown.append((spec, options, picked[spec.name]))
    return shown


def _rate_columns() -> list[tuple[str, str]]:
    return [
        ("received", _("Issues received")),
        ("open", _("Still open")),
        ("response_rate", _("Response rate %")),
        ("resolution_rate", _("Resolution rate %")),
        ("satisfaction_rate", _("Satisfaction rate %")),
        ("rated", _("Rated")),
        ("median_accept_hours", _("Median hours to accept")),
        ("median_resolve_hours", _("Median hours to resolve")),
    ]


def _department_columns() -> list[tuple[str, str]]:
    return [
        ("sent", _("派单 sent")),
        ("acknowledged", _("Acknowledged")),
        ("done", _("Done")),
        ("on_time_rate", _("Done on time %")),
        ("returned", _("Returned")),
        ("open_late", _("Open and late")),
        ("median_ack_hours", _("Median hours to acknowledge")),
        ("median_done_hours", _("Median hours to finish")),
    ]


TABLES = {
    "kind": stats.by_kind,
    "neighbourhood": stats.by_neighbourhood,
    "worker": stats.by_grid_worker,
    "weekly": stats.weekly,
    "department": stats.by_department,
    "workstation": stats.by_workstation,
}


def _tables(issues, choices, chosen, start: dt.date, end: dt.date) -> dict:
    """Each table of the page: the weekly trend has every week of the period; the comparison of
    workstations is there for those who read several and have not picked one."""
    names = [n for n in TABLES if n != "workstation" or (chosen is None and len(choices) > 1)]
    return {n: stats.weekly(issues, start=start, end=end) if n == "weekly" else TABLES[n](issues) for n in names}


def _chart(rows, columns) -> dict:
    """What static/js/desk-stats.js draws: labels and one series per column."""
    return {
        "labels": [r.label for r in rows],
        "series": {key: [getattr(r, key) for r in rows] for key, _label in columns},
        "names": {key: str(label) for key, label in columns},
    }


@require_safe
@staff_required
def stats_page(request: HttpRequest) -> HttpResponse:
    issues, choices, chosen, start, end = _issues(request)
    rate_cols, dept_cols = _rate_columns(), _department_columns()
    tables = _tables(issues, choices, chosen, start, end)
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if chosen:
        query["ws"] = chosen.pk
    extra_filters = _extra_filters(request, choices, chosen)
    query.update({name: value for name, value in _picked(request).items() if value})
    # What the numbers are narrowed to, for the heading (a value outside the choices gives none).
    narrowed_to = [dict(options)[value] for _spec, options, value in extra_filters if value in dict(options)]
    charts = {name: _chart(rows, dept_cols if name == "department" else rate_cols) for name, rows in tables.items()}
    return render(
        request,
        "issues/stats.html",
        {
            "overall": stats.overall(issues),
            "tables": tables,
            "rate_columns": rate_cols,
            "department_columns": dept_cols,
            "charts": charts,
            "definitions": stats.RATE_DEFINITIONS,
            "start": start,
            "end": end,
            "workstations": choices,
            "chosen": chosen,
            "query": urlencode(query),
            "compare_workstations": "workstation" in tables,
            "extra_filters": extra_filters,
            "narrowed_to": narrowed_to,
        },
    )


def _cell(value) -> str:
    return "" if value is None else str(value)


@require_safe
@staff_required
def stats_csv(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("table", "")
    if name not in TABLES:
        raise Http404
    issues, choices, chosen, start, end = _issues(request)
    tables = _tables(issues, choices, chosen, start, end) if name in ("weekly", "workstation") else None
    if tables is not None and name not in tables:
        raise Http404
    columns = _department_columns() if name == "department" else _rate_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Group"), *[str(label) for _key, label in columns]])
    for row in tables[name] if tables is not None else TABLES[name](issues):
        writer.writerow([safe_cell(row.label), *[_cell(getattr(row, key)) for key, _label in columns]])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stats-{name}-{start}-{end}.csv"'
    return response
