"""The SMS template is chosen by the notification's kind (Notification.kind), not by its key."""

from gateways.sms import message_for
from issues.models import Notification, NotificationKind

from .conftest import PHONE


def test_a_seat_offer_goes_out_as_the_offer_template_with_its_sign_up_link(monkeypatch):
    monkeypatch.setenv("SMS_TEMPLATE_NOTICE", "SMS_1")
    monkeypatch.setenv("SMS_TEMPLATE_OFFER", "SMS_5")
    offer = Notification(
        key="community:offer:2026-11-02T10:00:00+08:00:7",  # a key no prefix table ever matched
        kind=NotificationKind.OFFER,
        channel="sms",
        address=PHONE,
        subject="重阳节包馄饨",
        body="重阳节包馄饨: 有空位了，请确认。\nhttps://mq.example.cn/e/s/abc123/",
    )
    message = message_for(offer)
    assert (message.kind, message.template) == ("offer", "SMS_5")
    assert message.params == {"ref": "重阳节包馄饨", "link": "https://mq.example.cn/e/s/abc123/"}


def test_a_notice_is_a_notice_whatever_its_key_says(monkeypatch):
    monkeypatch.setenv("SMS_TEMPLATE_NOTICE", "SMS_1")
    monkeypatch.setenv("SMS_TEMPLATE_RESOLVED", "SMS_3")
    notice = Notification(
        key="resident:resolved:looks-like-one", channel="sms", address=PHONE, subject="TP-1", body="TP-1: 已收到"
    )
    message = message_for(notice)
    assert (message.kind, message.template, message.params) == ("notice", "SMS_1", {"ref": "TP-1", "text": "已收到"})
