"""企业微信 and 钉钉 group robots: a workstation's group hears of urgent reports and escalations,
through the same Notification rows (recorded, retried) as every other message."""

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo

import pytest

from gateways.models import GroupRobot
from issues import notify, services
from issues.models import Notification, SLAPolicy
from tests import factories

from . import fakes

SECRET = "SEC0123456789abcdef"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def wecom_problem(seen: fakes.Seen) -> str | None:
    if seen.path != "/cgi-bin/webhook/send" or seen.query.get("key") != "robot-key":
        return f"wrong endpoint {seen.path} {seen.query}"
    body = seen.json()
    if body.get("msgtype") != "text" or not body.get("text", {}).get("content"):
        return f"not a text message: {body}"
    return None


def dingtalk_problem(seen: fakes.Seen) -> str | None:
    if seen.path != "/robot/send" or seen.query.get("access_token") != "robot-token":
        return f"wrong endpoint {seen.path} {seen.query}"
    timestamp = seen.query.get("timestamp", "")
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    # parse_qsl already URL-decoded the query once: the sign is base64 again.
    if seen.query.get("sign") != base64.b64encode(digest).decode():
        return "sign does not match"
    if abs(int(timestamp) / 1000 - dt.datetime.now().timestamp()) > 3600:
        return "timestamp more than an hour off"
    if seen.json().get("msgtype") != "text":
        return "not a text message"
    return None


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


def group_rows() -> list[Notification]:
    return list(Notification.objects.filter(key__startswith="group:").order_by("pk"))


def test_an_urgent_report_is_told_to_the_workstations_wecom_group(world):
    with fakes.serve(fakes.Fake(check=wecom_problem, answers=[(200, fakes.ROBOT_OK, 0)])) as fake:
        GroupRobot.objects.create(
            workstation=world.ws, provider="wecom", webhook_url=f"{fake.url}/cgi-bin/webhook/send?key=robot-key"
        )
        issue, _ = factories.issue(world.loc, kind="urgent", description="电线被扯断了", reporter_phone="13800138000")
        (row,) = group_rows()
        assert notify.deliver(row.pk) is True
    assert fake.problems == []
    content = fake.seen[0].json()["text"]["content"]
    assert issue.reference in content and "电线被扯断了" in content and f"/staff/issues/{issue.pk}/" in content
    assert "13800138000" not in content and "/t/" not in content
    row.refresh_from_db()
    assert row.sent_at is not None


def test_a_report_that_is_not_urgent_is_not_told_to_the_group(world):
    GroupRobot.objects.create(workstation=world.ws, provider="wecom", webhook_url="http://127.0.0.1:9/x")
    factories.issue(world.loc, kind="consult")
    assert group_rows() == []


def test_another_workstations_group_hears_nothing(world):
    GroupRobot.objects.create(workstation=world.other_ws, provider="wecom", webhook_url="http://127.0.0.1:9/x")
    factories.issue(world.loc, kind="urgent")
    assert group_rows() == []


def test_a_wecom_error_answer_is_a_visible_failure(world):
    with fakes.serve(fakes.Fake(check=wecom_problem, answers=[(200, fakes.WECOM_BAD_KEY, 0)])) as fake:
        GroupRobot.objects.create(
            workstation=world.ws, provider="wecom", webhook_url=f"{fake.url}/cgi-bin/webhook/send?key=robot-key"
        )
        factories.issue(world.loc, kind="urgent")
        (row,) = group_rows()
        assert notify.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.sent_at is None and "errcode 93000" in row.last_error


@pytest.mark.usefixtures("sla_policies")
def test_escalations_are_told_to_the_dingtalk_group_signed(world, time_machine):
    SLAPolicy.objects.filter(kind="urgent", priority="normal").update(arrive_within=30, escalate_every=15)
    time_machine.move_to(T0, tick=False)
    with fakes.serve(fakes.Fake(check=dingtalk_problem, answers=[(200, fakes.ROBOT_OK, 0)])) as fake:
        GroupRobot.objects.create(
            workstation=world.ws,
            provider="dingtalk",
            webhook_url=f"{fake.url}/robot/send?access_token=robot-token",
            secret=SECRET,
            urgent_reports=False,
        )
        issue, _ = factories.issue(world.loc, kind="urgent")
        assert group_rows() == []  # this group wants escalations only
        time_machine.move_to(T0 + dt.timedelta(minutes=11), tick=False)
        services.sla_sweep()
        rows = group_rows()
        assert len(rows) == 1 and rows[0].channel == "dingtalk"
        assert notify.deliver(rows[0].pk) is True
        services.sla_sweep()  # the same minute again: nothing new
        assert len(group_rows()) == 1
    assert fake.problems == []
    assert issue.reference in fake.seen[0].json()["text"]["content"]


def test_a_dingtalk_signature_mismatch_is_a_visible_failure(world):
    answers = [(200, fakes.DINGTALK_SIGN_MISMATCH, 0)]
    with fakes.serve(fakes.Fake(check=lambda seen: None, answers=answers)) as fake:
        GroupRobot.objects.create(
            workstation=world.ws, provider="dingtalk", webhook_url=f"{fake.url}/robot/send?access_token=t", secret="x"
        )
        factories.issue(world.loc, kind="urgent")
        (row,) = group_rows()
        assert notify.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.sent_at is None and "errcode 310000" in row.last_error


def test_garbage_from_a_robot_is_a_visible_failure(world):
    with fakes.serve(fakes.Fake(check=lambda seen: None, answers=[(200, ["not", "an", "answer"], 0)])) as fake:
        GroupRobot.objects.create(workstation=world.ws, provider="wecom", webhook_url=f"{fake.url}/send")
        factories.issue(world.loc, kind="urgent")
        (row,) = group_rows()
        assert notify.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.sent_at is None and "wecom: errcode None" in row.last_error


def test_the_dingtalk_sign_is_base64_hmac_of_timestamp_and_secret_url_encoded():
    from gateways.robots import dingtalk_sign

    sign = dingtalk_sign(SECRET, 1700000000000)
    expected = hmac.new(SECRET.encode(), f"1700000000000\n{SECRET}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(unquote_plus(sign)) == expected
