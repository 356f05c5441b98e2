"""What the resident who left a phone number is told by SMS (issues.notify): each message names
the reference and carries the tracking link the resident needs to follow, confirm or reopen it.
The link is added when the message is sent: the database keeps only the token's digest, and the
stored message keeps no token either. The logging stand-in gateway writes no link to the log."""

import datetime as dt
import logging
import re

import pytest
from django.utils import timezone

from issues import notify, services
from issues.models import Notification
from tests import factories

PHONE = "13812341234"
KEY = "resident-messages-key-0001"


class Gateway:
    sent: list = []

    def send(self, notification) -> None:
        self.sent.append(notification.body)


@pytest.fixture
def sms(settings, monkeypatch) -> list[str]:
    Gateway.sent = []
    # Deliver after each commit here, as the delivery task would.
    monkeypatch.setattr(notify, "deliver_soon", lambda ids, inline: [notify.deliver(pk) for pk in ids])
    settings.NOTIFY_CHANNELS = {**settings.NOTIFY_CHANNELS, "sms": "tests.resident.test_resident_messages.Gateway"}
    settings.SITE_URL = "https://mq.example.cn"
    return Gateway.sent


def handled_to_the_end(world, django_capture_on_commit_callbacks, **report):
    with django_capture_on_commit_callbacks(execute=True):
        issue, token = factories.issue(world.loc, reporter_phone=PHONE, **report)
    with django_capture_on_commit_callbacks(execute=True):
        issue = services.accept_issue(issue, actor=world.worker)
        issue = services.arrive_issue(issue, actor=world.worker)
        issue = services.resolve_issue(issue, actor=world.worker, note="已接好电线")
    return issue, token


def test_every_message_names_the_reference_and_carries_the_tracking_link(
    world, sms, django_capture_on_commit_callbacks
):
    issue, token = handled_to_the_end(world, django_capture_on_commit_callbacks, idempotency_key=KEY)
    link = f"https://mq.example.cn/t/{token}/"
    assert len(sms) == 2  # given to a grid worker; resolved, please confirm
    for body in sms:
        assert issue.reference in body
        assert link in body
    stored = Notification.objects.filter(issue=issue, user=None).values_list("body", flat=True)
    assert len(stored) == 2
    assert not any(token in body for body in stored)


def test_without_a_key_the_link_cannot_be_known_and_the_message_says_no_more(
    world, sms, django_capture_on_commit_callbacks
):
    issue, token = handled_to_the_end(world, django_capture_on_commit_callbacks)
    assert len(sms) == 2
    assert all(issue.reference in body and "/t/" not in body for body in sms)


def test_the_logging_gateway_writes_no_tracking_link_to_the_log(world, settings, caplog):
    settings.SITE_URL = "https://mq.example.cn"
    issue, token = factories.issue(world.loc, route=False, reporter_phone=PHONE, idempotency_key=KEY)
    with caplog.at_level(logging.INFO, logger="issues.notify"):
        [row] = notify.queue_resident(issue, key="r:log", body=f"{issue.reference}: 已收到")
        notify.deliver(row.pk)
    assert issue.reference in caplog.text
    assert "138****1234" in caplog.text
    assert token not in caplog.text and PHONE not in caplog.text
    assert re.search(r"https://mq\.example\.cn/t/\S+/", caplog.text)  # the shape of the link, no secret


def test_a_report_routed_to_nobody_still_tells_the_resident_once_that_it_arrived(
    world, sms, django_capture_on_commit_callbacks
):
    nobody = factories.location(factories.grid(world.ws))  # a grid with no grid worker
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = factories.issue(nobody, kind="consult", reporter_phone=PHONE, idempotency_key=KEY)
        services.route_issue(issue.pk)  # a second delivery of the task: nothing more
    [body] = sms
    assert issue.reference in body and "已收到" in body


def test_a_report_staff_took_before_routing_still_tells_the_resident_once(
    world, sms, django_capture_on_commit_callbacks
):
    issue, _ = factories.issue(world.loc, kind="consult", route=False, reporter_phone=PHONE)
    services.hold_issue(issue, actor=world.staff, reason="等居民补充材料")
    with django_capture_on_commit_callbacks(execute=True):
        services.route_issue(issue.pk)
    [body] = sms
    assert issue.reference in body and "已收到" in body


def test_closing_for_want_of_an_answer_tells_the_resident_what_to_do(
    world, sms, settings, django_capture_on_commit_callbacks
):
    world.ws.phone = "021-64318888"
    world.ws.save(update_fields=["phone"])
    issue, _ = handled_to_the_end(world, django_capture_on_commit_callbacks)
    sms.clear()
    later = timezone.now() + dt.timedelta(days=settings.RESIDENT_CONFIRM_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_unconfirmed(now=later) == 1
        services.close_unconfirmed(now=later)  # a second sweep: nothing more
    [body] = sms
    assert issue.reference in body and "已关闭" in body and "021-64318888" in body


def test_routing_writes_to_the_resident_in_chinese_whoever_runs_it(world, sms, django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        issue, _ = factories.issue(world.loc, kind="consult", reporter_phone=PHONE)
    [body] = sms
    assert body.startswith(f"您反映的问题（编号 {issue.reference}）已交给")
