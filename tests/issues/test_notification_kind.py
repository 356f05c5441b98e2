"""Notification.kind says what a message is; how it goes out (waiting out the night, a reminder
not sent once answered, the SMS template) reads the kind, never the start of the key."""

import datetime as dt
import importlib

import time_machine
from django.apps import apps

from issues import notify, resident, services
from issues.models import Issue, Notification, NotificationKind
from tests import factories

PHONE = "13812341234"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def kinds_told_to_the_resident(issue: Issue) -> list[str]:
    return list(Notification.objects.filter(issue=issue, user=None).order_by("pk").values_list("kind", flat=True))


def test_each_message_to_the_resident_says_what_it_is(world, settings):
    settings.RESIDENT_CONFIRM_DAYS = 7
    issue, _token = factories.issue(world.loc, reporter_phone=PHONE, idempotency_key="kind-0001")
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)
    issue = services.resolve_issue(issue, actor=world.worker, note="已接好电线")
    with time_machine.travel(issue.resolved_at + dt.timedelta(days=6, hours=1), tick=False):
        assert resident.remind_unconfirmed() == 1
    with time_machine.travel(issue.resolved_at + dt.timedelta(days=7, hours=1), tick=False):
        assert resident.close_unconfirmed() == 1
    assert kinds_told_to_the_resident(issue) == [
        NotificationKind.RECEIVED,  # given to a grid worker
        NotificationKind.RESOLVED,
        NotificationKind.REMINDER,
        NotificationKind.CLOSED,
    ]
    # What staff are told is a plain notice.
    assert set(Notification.objects.filter(issue=issue, user=world.worker).values_list("kind", flat=True)) == {
        NotificationKind.NOTICE
    }


def test_at_night_what_waits_is_chosen_by_kind_not_by_key(world, settings):
    settings.RESIDENT_QUIET_HOURS = (21, 8)
    issue, _token = factories.issue(world.loc, reporter_phone=PHONE, route=False)
    evening = dt.datetime(2026, 11, 2, 22, 0, tzinfo=SHANGHAI)
    with time_machine.travel(evening, tick=False):
        reminder = Notification.objects.create(
            key="any-key-at-all", kind=NotificationKind.REMINDER, channel="sms", address=PHONE, issue=issue, subject="x"
        )
        notice = Notification.objects.create(
            key="resident:confirm-reminder:looks-like-one", channel="sms", address=PHONE, issue=issue, subject="x"
        )
    night = evening + dt.timedelta(hours=1)
    pending = notify.pending_ids(older_than=dt.timedelta(), batch=100, now=night)
    assert notice.pk in pending and reminder.pk not in pending
    morning = dt.datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)
    assert {notice.pk, reminder.pk} <= set(notify.pending_ids(older_than=dt.timedelta(), batch=100, now=morning))


def test_the_migration_gives_existing_rows_the_kind_their_key_meant(world):
    migration = importlib.import_module("issues.migrations.0017_notification_kind")
    issue, _token = factories.issue(world.loc, route=False)
    keys = {
        f"resident:received:{issue.pk}": NotificationKind.RECEIVED,
        f"resident:assigned:{issue.pk}": NotificationKind.RECEIVED,
        f"resident:resolved:{issue.pk}:2026-11-02": NotificationKind.RESOLVED,
        f"resident:confirm-reminder:{issue.pk}:2026-11-02": NotificationKind.REMINDER,
        f"resident:closed-unanswered:{issue.pk}": NotificationKind.CLOSED,
        "community:offer:2026-11-02T10:00:00:7": NotificationKind.OFFER,
        f"assigned:{issue.pk}:3:2026-11-02": NotificationKind.NOTICE,
        f"resident:answered:2026-11-02:{issue.pk}": NotificationKind.NOTICE,
    }
    Notification.objects.bulk_create(
        Notification(key=key, channel="sms", address=PHONE, issue=issue, subject="x") for key in keys
    )
    migration.kind_from_key(apps, None)
    assert dict(Notification.objects.values_list("key", "kind")) == keys
