"""The demo's 好事常办 (called from seed_demo): the 梧桐院 entrepreneurs' salon with 区就业促进中心
(30 seats, 5 kept for 结对 units) and a garbage-sorting event with 区绿化市容局, both published.
Idempotent: a second run finds them by title and changes nothing (an event that has ended is
moved a week on, so the demo always has something to sign up for)."""

import datetime as dt

from django.utils import timezone

from workstations.models import Department, Location, Workstation

from .models import Activity, Initiative

SALON = "梧桐院创业者沙龙"
SORTING = "垃圾分类进弄堂"


def _next_saturday(hour: int) -> dt.datetime:
    today = timezone.localdate()
    day = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _ensure_activity(initiative: Initiative, *, title: str, hour: int, values: dict, partner) -> tuple[Activity, int]:
    activity = Activity.objects.filter(workstation=initiative.workstation, title=title).first()
    created = 0
    if activity is None:
        start = _next_saturday(hour)
        activity = Activity.objects.create(
            workstation=initiative.workstation,
            initiative=initiative,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=Activity.Status.PUBLISHED,
            **values,
        )
        activity.partners.add(partner)
        created = 1
    elif activity.ends_at <= timezone.now():
        start = _next_saturday(hour)
        Activity.objects.filter(pk=activity.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
        activity.refresh_from_db()
        created = 1
    return activity, created


def _ensure_initiative(workstation: Workstation, *, title: str, topic: str, status: str, partner, organiser):
    initiative, created = Initiative.objects.get_or_create(
        workstation=workstation, title=title, defaults={"topic": topic, "status": status}
    )
    if created:
        initiative.partners.add(partner)
        if organiser is not None:
            initiative.organisers.add(organiser)
    return initiative, int(created)


def seed(workstation: Workstation, *, organiser=None) -> tuple[list[str], int]:
    """Returns (the events' public URLs, salon first; rows created or moved)."""
    employment = Department.objects.get(slug="district-employment")
    greening = Department.objects.get(slug="district-greening")
    place = Location.objects.filter(grid__neighbourhood__workstation=workstation, is_active=True).order_by("pk").first()
    jobs, n1 = _ensure_initiative(
        workstation,
        title="创业就业服务",
        topic="就业",
        status=Initiative.Status.RUNNING,
        partner=employment,
        organiser=organiser,
    )
    green, n2 = _ensure_initiative(
        workstation,
        title="绿色弄堂",
        topic="绿化市容",
        status=Initiative.Status.RUNNING,
        partner=greening,
        organiser=organiser,
    )
    salon, n3 = _ensure_activity(
        jobs,
        title=SALON,
        hour=14,
        partner=employment,
        values={
            "description": "区就业促进中心与街道社区服务中心联合举办：创业导师、新开小店代表现场交流，欢迎有创业想法的居民参加。",
            "place_text": "梧桐院（衡山路）",
            "capacity": 30,
            "reserved_seats": 5,
            "reserved_for": "结对单位",
            "reserved_group": Activity.ReservedGroup.PARTNER,
            "max_seats_per_signup": 2,
        },
    )
    sorting, n4 = _ensure_activity(
        green,
        title=SORTING,
        hour=9,
        partner=greening,
        values={
            "description": "区绿化市容局志愿者讲解垃圾分类，现场发放分类指南，孩子们可以玩分类小游戏。",
            "location": place,
            "capacity": 40,
            "max_seats_per_signup": 4,
        },
    )
    for activity in (salon, sorting):
        if organiser is not None and not activity.organisers.filter(pk=organiser.pk).exists():
            activity.organisers.add(organiser)
    return [salon.public_url(), sorting.public_url()], n1 + n2 + n3 + n4
