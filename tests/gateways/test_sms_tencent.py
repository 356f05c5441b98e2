"""腾讯云短信 through its SDK, against a local fake that verifies the TC3-HMAC-SHA256 signature
and SendSms's parameters and answers as Tencent does."""

import pytest

from issues import notify

from . import fakes
from .conftest import PHONE

SECRET_ID, SECRET_KEY = "AKIDtestSecretId", "test-secret-key-0123456789"


@pytest.fixture
def tencent(settings, monkeypatch):
    settings.NOTIFY_CHANNELS = {**settings.NOTIFY_CHANNELS, "sms": "gateways.sms.TencentSmsChannel"}
    for name, value in {
        "TENCENT_SMS_SECRET_ID": SECRET_ID,
        "TENCENT_SMS_SECRET_KEY": SECRET_KEY,
        "TENCENT_SMS_SDK_APP_ID": "1400006666",
        "SMS_SIGN_NAME": "民情快办",
        "SMS_TEMPLATE_NOTICE": "1000001",
        "SMS_TEMPLATE_RECEIVED": "1000002",
        "SMS_TIMEOUT_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)

    def configure(*answers):
        return fakes.Fake(
            check=lambda seen: fakes.tc3_problem(seen, secret_id=SECRET_ID, secret_key=SECRET_KEY),
            answers=list(answers),
        )

    return configure


def test_a_received_sms_goes_out_as_its_template_signed(tencent, received, monkeypatch):
    with fakes.serve(tencent((200, fakes.tencent_ok(f"+86{PHONE}"), 0))) as fake:
        monkeypatch.setenv("TENCENT_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is True
    assert fake.problems == []
    body = fake.seen[0].json()
    assert body["PhoneNumberSet"] == [f"+86{PHONE}"]
    assert (body["SmsSdkAppId"], body["SignName"], body["TemplateId"]) == ("1400006666", "民情快办", "1000002")
    ref, link = body["TemplateParamSet"]
    assert ref == received.issue.reference and "/t/" in link
    received.refresh_from_db()
    assert received.sent_at is not None and received.last_error == ""


def test_a_number_over_its_limit_is_recorded_and_sent_again_later(tencent, received, monkeypatch, later):
    answers = [(200, fakes.tencent_limited(f"+86{PHONE}"), 0), (200, fakes.tencent_ok(f"+86{PHONE}"), 0)]
    with fakes.serve(tencent(*answers)) as fake:
        monkeypatch.setenv("TENCENT_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is False
        received.refresh_from_db()
        assert received.sent_at is None and "LimitExceeded.PhoneNumberThirtySecondLimit" in received.last_error
        with later():
            assert notify.deliver(received.pk) is True
    assert fake.problems == []
    received.refresh_from_db()
    assert received.sent_at is not None and received.attempts == 2


def test_an_authentication_failure_is_a_visible_failure(tencent, received, monkeypatch):
    with fakes.serve(tencent((200, fakes.TENCENT_AUTH_FAILURE, 0))) as fake:
        monkeypatch.setenv("TENCENT_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is False
    received.refresh_from_db()
    assert received.sent_at is None and "AuthFailure.SignatureFailure" in received.last_error


def test_a_gateway_that_does_not_answer_in_time_is_a_visible_failure(tencent, received, monkeypatch):
    with fakes.serve(tencent((200, fakes.tencent_ok(f"+86{PHONE}"), 3))) as fake:
        monkeypatch.setenv("TENCENT_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is False
    received.refresh_from_db()
    assert received.sent_at is None and received.last_error.startswith("tencent sms:")
