"""A person's own webhook (notification settings, channel "webhook") is sent through the same
guarded POST as webhook subscriptions: it arrives as JSON where allowed, and is never sent to this
server or a private network, nor followed through a redirect, unless that is allowed."""

import json

import pytest

from issues import notify
from issues.models import Channel, Notification
from tests import factories

pytestmark = pytest.mark.django_db


def to(url: str) -> Notification:
    user = factories.user()
    return Notification.objects.create(
        key=f"k:{url}", channel=Channel.WEBHOOK, user=user, address=url, subject="新工单", body="永嘉路580弄"
    )


def test_it_arrives_as_json(receiver):
    notify.channel(Channel.WEBHOOK).send(to(receiver.url + "hook"))
    [got] = receiver.received
    assert json.loads(got.body) == {
        "key": f"k:{receiver.url}hook",
        "issue": None,
        "subject": "新工单",
        "body": "永嘉路580弄",
    }


def test_a_private_address_is_refused_unless_allowed(receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(OSError, match="private address"):
        notify.channel(Channel.WEBHOOK).send(to(receiver.url + "hook"))
    assert receiver.received == []


def test_a_redirect_is_not_followed(receiver):
    receiver.answers.append(302)
    with pytest.raises(OSError, match="302"):
        notify.channel(Channel.WEBHOOK).send(to(receiver.url + "hook"))
    assert len(receiver.received) == 1
