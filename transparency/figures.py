"""The figures of a transparency page: computed once per calendar month and cached, over whole
months only (last month, and this year up to the end of last month), so that they are final.

Every rate comes from issues.stats — the same functions as the desk's statistics page — never a
second formula. The clock they are computed at is the first moment of this month."""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from issues import stats
from issues.models import FAQ, Issue
from workstations.models import Neighbourhood, Workstation

CACHE_SECONDS = 40 * 24 * 3600


@dataclass
class Figures:
    month_start: dt.date
    month_end: dt.date
    year_start: dt.date
    last_month: stats.Row
    this_year: stats.Row
    by_kind: list[stats.Row]
    answered: list[tuple[str, str]]  # published FAQ entries of the year: (question, answer)


def periods(today: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.datetime]:
    """(last month's first day, its last day, the year's first day, the computing instant)."""
    this_month = today.replace(day=1)
    month_end = this_month - dt.timedelta(days=1)
    at = dt.datetime.combine(this_month, dt.time.min, tzinfo=timezone.get_current_timezone())
    return month_end.replace(day=1), month_end, dt.date(month_end.year, 1, 1), at


def compute(workstation: Workstation, neighbourhood: Neighbourhood | None, *, today: dt.date) -> Figures:
    month_start, month_end, year_start, at = periods(today)
    issues = Issue.objects.filter(workstation=workstation)
    if neighbourhood is not None:
        issues = issues.filter(grid__neighbourhood=neighbourhood)
    year = stats.received_between(issues, year_start, month_end)
    answered = list(
        FAQ.objects.filter(is_published=True, created_at__date__gte=year_start, created_at__lt=at)
        .order_by("-created_at")
        .values_list("question", "answer")[:12]
    )
    return Figures(
        month_start=month_start,
        month_end=month_end,
        year_start=year_start,
        last_month=stats.overall(stats.received_between(issues, month_start, month_end), now=at),
        this_year=stats.overall(year, now=at),
        by_kind=stats.by_kind(year, now=at),
        answered=answered,
    )


def figures(workstation: Workstation, neighbourhood: Neighbourhood | None = None, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    month = today.strftime("%Y-%m")
    key = f"transparency:{workstation.pk}:{neighbourhood.pk if neighbourhood else '-'}:{month}"
    cached = cache.get(key)
    if cached is None:
        cached = compute(workstation, neighbourhood, today=today)
        cache.set(key, cached, CACHE_SECONDS)
    return cached
