"""削峰斩尾 (cutting the peaks and the tails): estates and companies ranked by property-service
complaints per 100 households, by recurrence (the same category at the same estate again within
90 days) and by the long tail (open past twice their deadline), with a month-by-month trend.
Two queries whatever the number of estates: the estates, and the complaints' few columns."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from issues.lifecycle import OPEN_STATUSES

from .models import Complaint, Estate

RECURRENCE_DAYS = 90
MONTHS = 6


@dataclass
class Theme:
    name: str
    count: int = 0
    issue_ids: list[int] = field(default_factory=list)


@dataclass
class Row:
    name: str
    households: int = 0
    complaints: int = 0
    recurring: int = 0
    long_tail: int = 0
    estate: Estate | None = None
    company: str = ""
    workstation_id: int | None = None
    workstation_slug: str = ""
    months: list[int] = field(default_factory=list)
    # category id → Theme, for the themes that came back: a coordination case (难事共办, with
    # the theme's reports) or a proactive one (未诉先办) rather than one more single fix.
    themes: dict = field(default_factory=dict)

    @property
    def per_100(self) -> float:
        return round(100 * self.complaints / self.households, 1) if self.households else 0.0


def month_starts(today: dt.date, n: int = MONTHS) -> list[dt.date]:
    first = today.replace(day=1)
    starts = []
    for _ in range(n):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def rankings(estates, *, now: dt.datetime | None = None, since: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    since = since or now - dt.timedelta(days=365)
    estate_list = list(estates.select_related("company", "neighbourhood__workstation").order_by("pk"))
    by_estate = {
        e.pk: Row(
            name=e.name,
            households=e.households,
            estate=e,
            company=e.company.name if e.company_id else "",
            workstation_id=e.neighbourhood.workstation_id,
            workstation_slug=e.neighbourhood.workstation.slug,
        )
        for e in estate_list
    }
    months = month_starts(timezone.localdate(now))
    for row in by_estate.values():
        row.months = [0] * len(months)
    rows = (
        Complaint.objects.filter(estate_id__in=list(by_estate), created_at__gte=since)
        .order_by("estate_id", "issue__category_id", "created_at")
        .values_list(
            "issue_id",
            "estate_id",
            "issue__category_id",
            "issue__category__name",
            "created_at",
            "issue__status",
            "issue__resolve_due_at",
        )
    )
    last_seen: dict[tuple[int, int], tuple[dt.datetime, int]] = {}
    trend = [0] * len(months)
    for issue_id, estate_id, category_id, category_name, created, status, due in rows.iterator():
        row = by_estate[estate_id]
        row.complaints += 1
        if category_id is not None:
            previous = last_seen.get((estate_id, category_id))
            if previous is not None and created - previous[0] <= dt.timedelta(days=RECURRENCE_DAYS):
                row.recurring += 1
                theme = row.themes.setdefault(category_id, Theme(category_name, issue_ids=[previous[1]]))
                theme.count += 1
                theme.issue_ids.append(issue_id)
            last_seen[(estate_id, category_id)] = (created, issue_id)
        if status in OPEN_STATUSES and due is not None and now - created > 2 * (due - created):
            row.long_tail += 1
        local = timezone.localdate(created).replace(day=1)
        if local in months:
            index = months.index(local)
            row.months[index] += 1
            trend[index] += 1
    estates_rows = list(by_estate.values())
    companies: dict[str, Row] = defaultdict(lambda: Row(name=""))
    for row in estates_rows:
        if not row.company:
            continue
        c = companies[row.company]
        c.name = row.company
        c.households += row.households
        c.complaints += row.complaints
        c.recurring += row.recurring
        c.long_tail += row.long_tail
    return {
        "by_rate": sorted(estates_rows, key=lambda r: (-r.per_100, r.name)),
        "by_recurrence": sorted((r for r in estates_rows if r.recurring), key=lambda r: (-r.recurring, r.name)),
        "by_long_tail": sorted((r for r in estates_rows if r.long_tail), key=lambda r: (-r.long_tail, r.name)),
        "companies": sorted(companies.values(), key=lambda r: (-r.per_100, r.name)),
        "months": months,
        "trend": trend,
    }
