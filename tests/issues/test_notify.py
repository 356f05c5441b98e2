"""issues.notify: one notifier, a channel per gateway, per-user preferences, one message per key
and channel however often anything is called or delivered."""

import logging

import pytest

from issues import notify
from issues.models import Notification, NotificationPreference
from tests import factories


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run the after-commit deliveries of whatever the block does (the test runs in a transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_it_records_and_emails_a_notification(world, mailoutbox, now):
    with now():
        assert notify.send(world.head, key="k:1", subject="主题", body="正文") is True
    note = Notification.objects.get(key="k:1")
    assert (note.user, note.subject, note.body, note.channel) == (world.head, "主题", "正文", "email")
    assert note.sent_at is not None and note.attempts == 1
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [([world.head.email], "主题", "正文")]


def test_it_sends_a_key_only_once(world, mailoutbox, now):
    with now():
        notify.send(world.head, key="k:1", subject="主题", body="正文")
        assert notify.send(world.head, key="k:1", subject="再说一次", body="正文") is False
    assert Notification.objects.filter(key="k:1").count() == 1
    assert len(mailoutbox) == 1


def test_a_different_key_is_sent_again(world, mailoutbox, now):
    with now():
        notify.send(world.head, key="k:1", subject="主题", body="正文")
        assert notify.send(world.head, key="k:2", subject="主题", body="正文") is True
    assert len(mailoutbox) == 2


def test_nothing_is_sent_before_the_commit(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify.send(world.head, key="k:1", subject="主题", body="正文")
    assert mailoutbox == [] and len(callbacks) == 1
    assert Notification.objects.get(key="k:1").sent_at is None


def test_delivering_twice_sends_once(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify.send(world.head, key="k:1", subject="主题", body="正文")
    note = Notification.objects.get(key="k:1")
    assert notify.deliver(note.pk) is True
    assert notify.deliver(note.pk) is False
    assert len(mailoutbox) == 1


def test_a_user_without_email_is_recorded_but_not_mailed(db, mailoutbox, now):
    user = factories.user()
    user.email = ""
    user.save(update_fields=["email"])
    with now():
        assert notify.send(user, key="k:3", subject="主题", body="正文") is True
    assert Notification.objects.filter(key="k:3", user=user).exists()
    assert mailoutbox == []


def test_a_mail_outage_keeps_the_record_unsent_for_a_later_try(world, monkeypatch, now):
    def fail(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notify, "send_mail", fail)
    with now():
        assert notify.send(world.head, key="k:4", subject="主题", body="正文") is True
    note = Notification.objects.get(key="k:4")
    assert note.sent_at is None and "smtp down" in note.last_error


def test_preferences_choose_the_channels(world, mailoutbox, now, caplog):
    NotificationPreference.objects.create(user=world.head, channel="sms", address="13812341234")
    NotificationPreference.objects.create(user=world.head, channel="email", enabled=False)
    with caplog.at_level(logging.INFO, logger="issues.notify"), now():
        notify.send(world.head, key="k:5", subject="主题", body="有急事")
    assert list(Notification.objects.filter(key="k:5").values_list("channel", "address")) == [("sms", "13812341234")]
    assert mailoutbox == []
    assert "SMS to 138****1234: 有急事" in caplog.text
    assert "13812341234" not in caplog.text


def test_several_channels_each_get_the_message_once(world, mailoutbox, now):
    NotificationPreference.objects.create(user=world.head, channel="email")
    NotificationPreference.objects.create(user=world.head, channel="wechat", address="openid-1")
    with now():
        notify.send(world.head, key="k:6", subject="主题", body="正文")
        notify.send(world.head, key="k:6", subject="主题", body="正文")
    assert sorted(Notification.objects.filter(key="k:6").values_list("channel", flat=True)) == ["email", "wechat"]
    assert Notification.objects.filter(key="k:6", sent_at__isnull=True).count() == 0
    assert len(mailoutbox) == 1


def test_the_sms_gateway_is_chosen_by_settings(world, settings, now):
    sent = []
    settings.NOTIFY_CHANNELS = {**settings.NOTIFY_CHANNELS, "sms": "tests.issues.test_notify.RecordingGateway"}
    RecordingGateway.sent = sent
    issue, _ = factories.issue(world.loc, route=False, reporter_phone="13912345678")
    with now():
        notify.queue_resident(issue, key="r:1", body="您的反映已收到", inline=True)
    assert sent == [("13912345678", "您的反映已收到")]


class RecordingGateway:
    sent: list = []

    def send(self, notification):
        self.sent.append((notification.address, notification.body))


def test_a_resident_without_a_phone_gets_nothing(world):
    issue, _ = factories.issue(world.loc, route=False)
    assert notify.queue_resident(issue, key="r:2", body="x") == []
