"""Group robots of 企业微信 (WeCom) and 钉钉 (DingTalk): channels for issues.notify.

A group message is a Notification row like any other (channel "wecom" or "dingtalk", address
"robot:<GroupRobot id>", no user and no issue, so the resident's tracking link is never added):
it is delivered, recorded and re-sent by issues.notify exactly as an SMS is.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse

from issues.models import Notification

from .models import GroupRobot
from .sms import GatewayError

ADDRESS_PREFIX = "robot:"


def address_of(robot: GroupRobot) -> str:
    return f"{ADDRESS_PREFIX}{robot.pk}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def _robot(notification: Notification) -> GroupRobot:
    pk = notification.address.removeprefix(ADDRESS_PREFIX)
    robot = GroupRobot.objects.filter(pk=pk if pk.isdigit() else 0, enabled=True).first()
    if robot is None:
        raise GatewayError(f"group robot {pk} is gone or disabled")
    return robot


def _post(url: str, payload: dict, provider: str) -> None:
    from minqing.outbound import post

    outcome = post(url, json.dumps(payload, ensure_ascii=False).encode(), {"Content-Type": "application/json"})
    if not outcome.ok:
        raise GatewayError(f"{provider}: {outcome.error or f'answered {outcome.status_code}'}")
    try:
        answer = json.loads(outcome.response_excerpt)
    except ValueError:
        raise GatewayError(f"{provider}: not JSON: {outcome.response_excerpt[:100]!r}") from None
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        errcode = answer.get("errcode") if isinstance(answer, dict) else None
        errmsg = answer.get("errmsg") if isinstance(answer, dict) else answer
        raise GatewayError(f"{provider}: errcode {errcode}: {errmsg}"[:300])


def _text(notification: Notification) -> str:
    return f"{notification.subject}\n{notification.body}".strip()


class WeComRobotChannel:
    """企业微信群机器人: POST {"msgtype": "text", …} to the robot's URL; {"errcode": 0} is success."""

    def send(self, notification: Notification) -> None:
        robot = _robot(notification)
        _post(robot.webhook_url, {"msgtype": "text", "text": {"content": _text(notification)}}, "wecom")


class DingTalkRobotChannel:
    """钉钉自定义机器人: the same text message, with timestamp and sign added to the URL when the robot
    is secured by 加签."""

    def send(self, notification: Notification) -> None:
        robot = _robot(notification)
        url = robot.webhook_url
        if robot.secret:
            timestamp = int(time.time() * 1000)
            url += f"{'&' if '?' in url else '?'}timestamp={timestamp}&sign={dingtalk_sign(robot.secret, timestamp)}"
        _post(url, {"msgtype": "text", "text": {"content": _text(notification)}}, "dingtalk")
