"""issues.notify.send: one record and one email per key, however often it is called."""

from issues import notify
from issues.models import Notification
from tests import factories


def test_it_records_and_emails_a_notification(world, mailoutbox):
    assert notify.send(world.head, key="k:1", subject="主题", body="正文") is True
    note = Notification.objects.get(key="k:1")
    assert (note.user, note.subject, note.body) == (world.head, "主题", "正文")
    assert note.sent_at is not None
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [([world.head.email], "主题", "正文")]


def test_it_sends_a_key_only_once(world, mailoutbox):
    notify.send(world.head, key="k:1", subject="主题", body="正文")
    assert notify.send(world.head, key="k:1", subject="再说一次", body="正文") is False
    assert Notification.objects.filter(key="k:1").count() == 1
    assert len(mailoutbox) == 1


def test_a_different_key_is_sent_again(world, mailoutbox):
    notify.send(world.head, key="k:1", subject="主题", body="正文")
    assert notify.send(world.head, key="k:2", subject="主题", body="正文") is True
    assert len(mailoutbox) == 2


def test_a_user_without_email_is_recorded_but_not_mailed(db, mailoutbox):
    user = factories.user()
    user.email = ""
    user.save(update_fields=["email"])
    assert notify.send(user, key="k:3", subject="主题", body="正文") is True
    assert Notification.objects.filter(key="k:3", user=user).exists()
    assert mailoutbox == []


def test_a_mail_outage_keeps_the_record_unsent(world, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(notify, "send_mail", fail)
    assert notify.send(world.head, key="k:4", subject="主题", body="正文") is True
    assert Notification.objects.get(key="k:4").sent_at is None
