"""Sign-ups' personal data after the event (issue 19, data care): a name, a phone and a year of
birth are kept for PERSONAL_DATA_RETENTION_DAYS after the event ends, as a report's contact is
kept after the report ends (privacy.erasure), then blanked, with an entry in the event's log.
Counts (seats, attendance, the monthly record) are unaffected. Run by privacy's retention task."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from issues.models import Notification

from .models import ActivityLog, SignUp

BATCH = 500


def expired(now: dt.datetime, *, days: int):
    """Sign-ups of events that ended more than `days` ago and still hold a name, phone or year."""
    return SignUp.objects.filter(activity__ends_at__lt=now - dt.timedelta(days=days)).filter(
        ~Q(name="") | ~Q(phone="") | Q(birth_year__isnull=False)
    )


def erase_expired(*, now: dt.datetime, days: int) -> int:
    """Blank what `expired` finds, in bounded batches; returns how many sign-ups were erased."""
    note = gettext("Name, phone and year of birth erased: %(n)d days after the event ended.") % {"n": days}
    total = 0
    while True:
        ids = list(expired(now, days=days).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return total
        with transaction.atomic():
            rows = list(SignUp.objects.select_for_update().filter(pk__in=ids).values_list("pk", "activity_id", "phone"))
            SignUp.objects.filter(pk__in=ids).update(name="", phone="", birth_year=None)
            # The SMS written to them (community.services._tell) hold the number as their address.
            phones = {phone for _pk, _activity, phone in rows if phone}
            if phones:
                Notification.objects.filter(
                    key__startswith="community:", user__isnull=True, issue__isnull=True, address__in=phones
                ).filter(created_at__lt=now - dt.timedelta(days=days)).update(address="")
            ActivityLog.objects.bulk_create(
                ActivityLog(activity_id=activity, signup_id=pk, type=ActivityLog.Type.ERASED, note=note[:300])
                for pk, activity, _phone in rows
            )
        total += len(rows)
