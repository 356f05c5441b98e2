"""Erasing residents' personal data: after the retention period, and on request."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from community import retention as signups
from issues.lifecycle import FINAL_STATUSES
from issues.models import Issue, IssueEvent, Notification
from issues.notes import split, system_note

BATCH = 500


def _has_personal_data() -> Q:
    return ~Q(reporter_name="") | ~Q(reporter_phone="")


def expired(now: dt.datetime, *, days: int):
    """Ended issues (closed, declined, merged) that ended more than `days` ago and still hold a
    name or phone. An issue's end is its closing time, else its last change."""
    return (
        Issue.objects.filter(status__in=FINAL_STATUSES)
        .filter(_has_personal_data())
        .alias(ended_at=Coalesce("closed_at", "updated_at"))
        .filter(ended_at__lt=now - dt.timedelta(days=days))
    )


def erase(issue_ids: list[int], *, note, actor=None) -> int:
    """Blank the name and phone of these issues and their residents' message addresses, with an
    internal ERASED event each. One transaction; returns how many issues were erased."""
    text, source = split(note)
    with transaction.atomic():
        ids = list(
            Issue.objects.select_for_update(of=("self",))
            .filter(pk__in=issue_ids)
            .filter(_has_personal_data())
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        # update(), not save(): the issue's updated_at (its end, for retention) stays as it was.
        Issue.objects.filter(pk__in=ids).update(reporter_name="", reporter_phone="")
        Notification.objects.filter(issue_id__in=ids, user__isnull=True).update(address="")
        IssueEvent.objects.bulk_create(
            IssueEvent(
                issue_id=pk, type=IssueEvent.Type.ERASED, actor=actor, note=text, note_source=source, is_public=False
            )
            for pk in ids
        )
    return len(ids)


def erase_expired(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """The retention sweep (beat): in bounded batches, until nothing expired is left. Reports'
    contacts here; events' sign-ups by the same period in community.retention. Returns how many
    reports were erased."""
    now = now or timezone.now()
    days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
    signups.erase_expired(now=now, days=days)
    note = system_note(gettext_lazy("Name and phone erased: %(n)d days after the report ended."), n=days)
    total = 0
    while True:
        ids = list(expired(now, days=days).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return total
        total += erase(ids, note=note)


def find_person(*, phone: str = "", name: str = ""):
    """The issues holding this phone (exact) or this name (exact), for a request to erase."""
    phone, name = phone.strip(), name.strip()
    if not phone and not name:
        return Issue.objects.none()
    query = Q()
    if phone:
        query |= Q(reporter_phone=phone)
    if name:
        query |= Q(reporter_name=name)
    return Issue.objects.filter(query).select_related("workstation").order_by("created_at")


def erase_on_request(issues, *, actor) -> int:
    """Erase what `find_person` found, at the person's request; the events name who did it."""
    note = system_note(gettext_lazy("Name and phone erased at the resident's request."))
    return erase(list(issues.values_list("pk", flat=True)), note=note, actor=actor)
