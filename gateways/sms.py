"""SMS through Alibaba Cloud (阿里云短信) and Tencent Cloud (腾讯云短信), with their official SDKs.

Chinese SMS gateways send approved templates, not free text: each message kind has its template
(SMS_TEMPLATE_<KIND> in the environment, falling back to SMS_TEMPLATE_NOTICE) and the parameters
below. The kind is the notification's own (`Notification.kind`, set by whoever wrote it). A
provider's refusal or a time-out raises, so issues.notify.deliver records it on the Notification
row (last_error) and the sweep sends the row again later.
"""

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from issues.models import Notification

# The resident's tracking link (/t/…/), or a sign-up's page (/e/s/…/) in a seat offer.
LINK_RE = re.compile(r"https?://\S+/(?:t|e/s)/[^/\s]+/")
# The parameters each kind's template takes (names as in the template: ${ref} at Alibaba; the same
# order as {1}, {2} … at Tencent). Write the templates with exactly these.
TEMPLATE_PARAMS = {
    "received": ("ref", "link"),  # 您的诉求${ref}已收到，进展请看 ${link}
    "resolved": ("ref", "link"),  # 您的诉求${ref}已办结，请确认：${link}
    "reminder": ("ref", "link"),  # 您的诉求${ref}待您确认，明日将自动结案：${link}
    "closed": ("ref", "phone"),  # 您的诉求${ref}因未获答复已结案，如未解决请再报或致电${phone}
    "offer": ("ref", "link"),  # 您候补的活动${ref}有空位了，请在时限内确认：${link}
    "notice": ("ref", "text"),  # ${ref}：${text}
}
# Alibaba limits a variable to 35 characters; Tencent to a few dozen (for an individual sign).
MAX_PARAM_CHARS = 35


class GatewayError(Exception):
    """A provider refused or garbled the message; the row records it and is sent again later."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    kind: str
    template: str
    params: dict[str, str]


def template_for(kind: str) -> str:
    return os.environ.get(f"SMS_TEMPLATE_{kind.upper()}", "").strip() or os.environ.get("SMS_TEMPLATE_NOTICE", "")


def message_for(notification: Notification) -> SmsMessage:
    """The template and its parameters for one notification (the body is what deliver built, with
    the resident's tracking link when there is one)."""
    kind = notification.kind if notification.kind in TEMPLATE_PARAMS else "notice"
    link_match = LINK_RE.search(notification.body)
    link = link_match.group(0) if link_match else ""
    if kind in ("received", "resolved", "reminder", "offer") and not link:
        kind = "notice"  # a template with a link needs one
    ref = notification.issue.reference if notification.issue_id else notification.subject
    text = LINK_RE.sub("", notification.body).strip()
    if text.startswith(f"{ref}:"):
        text = text[len(ref) + 1 :].strip()
    values = {
        "ref": ref,
        "link": link,
        "phone": notification.issue.workstation.phone if notification.issue_id else "",
        "text": text,
    }
    params = {
        name: values[name][:MAX_PARAM_CHARS] if name != "link" else values[name] for name in TEMPLATE_PARAMS[kind]
    }
    return SmsMessage(phone=notification.address, kind=kind, template=template_for(kind), params=params)


def _endpoint(variable: str, default: str) -> tuple[str, str]:
    """(host[:port], scheme) from e.g. 'dysmsapi.aliyuncs.com' or 'http://127.0.0.1:8080'."""
    value = os.environ.get(variable, "").strip() or default
    if "://" not in value:
        return value, "https"
    parts = urlsplit(value)
    return parts.netloc, parts.scheme


def _timeout() -> float:
    return float(os.environ.get("SMS_TIMEOUT_SECONDS", "5"))


class AlibabaSmsChannel:
    """阿里云短信 SendSms (API version 2017-05-25), signed by the SDK (ACS3-HMAC-SHA256)."""

    def send(self, notification: Notification) -> None:
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import utils_models
        from darabonba.runtime import RuntimeOptions

        message = message_for(notification)
        host, scheme = _endpoint("ALIBABA_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
        timeout_ms = int(_timeout() * 1000)
        client = Client(
            utils_models.Config(
                access_key_id=os.environ["ALIBABA_SMS_ACCESS_KEY_ID"],
                access_key_secret=os.environ["ALIBABA_SMS_ACCESS_KEY_SECRET"],
                endpoint=host,
                protocol=scheme,
                read_timeout=timeout_ms,
                connect_timeout=timeout_ms,
            )
        )
        request = models.SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=os.environ["SMS_SIGN_NAME"],
            template_code=message.template,
            template_param=json.dumps(message.params, ensure_ascii=False),
            out_id=notification.key[:100],
        )
        runtime = RuntimeOptions(autoretry=False, read_timeout=timeout_ms, connect_timeout=timeout_ms)
        try:
            response = client.send_sms_with_options(request, runtime)
        except Exception as exc:  # noqa: BLE001 - the SDK's client/server errors and network errors
            raise GatewayError(f"alibaba sms: {getattr(exc, 'code', '') or type(exc).__name__}: {exc}"[:300]) from exc
        body = response.body
        if body is None or body.code != "OK":
            code = getattr(body, "code", None)
            raise GatewayError(f"alibaba sms: {code}: {getattr(body, 'message', 'no answer')}"[:300])


class TencentSmsChannel:
    """腾讯云短信 SendSms (API version 2021-01-11), signed by the SDK (TC3-HMAC-SHA256)."""

    def send(self, notification: Notification) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models, sms_client

        message = message_for(notification)
        host, scheme = _endpoint("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com")
        profile = ClientProfile(httpProfile=HttpProfile(protocol=scheme, endpoint=host, reqTimeout=int(_timeout())))
        client = sms_client.SmsClient(
            credential.Credential(os.environ["TENCENT_SMS_SECRET_ID"], os.environ["TENCENT_SMS_SECRET_KEY"]),
            os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou"),
            profile,
        )
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.phone if message.phone.startswith("+") else f"+86{message.phone}"]
        request.SmsSdkAppId = os.environ["TENCENT_SMS_SDK_APP_ID"]
        request.SignName = os.environ["SMS_SIGN_NAME"]
        request.TemplateId = message.template
        request.TemplateParamSet = [message.params[name] for name in TEMPLATE_PARAMS[message.kind]]
        request.SessionContext = notification.key[:100]
        try:
            response = client.SendSms(request)
        except Exception as exc:  # noqa: BLE001 - TencentCloudSDKException and network errors
            code = getattr(exc, "code", None) or type(exc).__name__
            raise GatewayError(f"tencent sms: {code}: {getattr(exc, 'message', exc)}"[:300]) from exc
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            status = statuses[0] if statuses else None
            raise GatewayError(
                f"tencent sms: {getattr(status, 'Code', None)}: {getattr(status, 'Message', 'no answer')}"[:300]
            )
