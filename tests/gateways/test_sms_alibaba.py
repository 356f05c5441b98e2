"""阿里云短信 through its SDK, against a local fake that verifies the ACS3-HMAC-SHA256 signature
and SendSms's parameters and answers as Alibaba does."""

import json

import pytest

from issues import notify
from issues.models import Notification

from . import fakes
from .conftest import PHONE

KEY_ID, SECRET = "LTAI5tTestKeyId", "test-secret-0123456789"


@pytest.fixture
def alibaba(settings, monkeypatch):
    def configure(*answers):
        fake = fakes.Fake(
            check=lambda seen: fakes.acs3_problem(seen, key_id=KEY_ID, secret=SECRET), answers=list(answers)
        )
        return fake

    settings.NOTIFY_CHANNELS = {**settings.NOTIFY_CHANNELS, "sms": "gateways.sms.AlibabaSmsChannel"}
    for name, value in {
        "ALIBABA_SMS_ACCESS_KEY_ID": KEY_ID,
        "ALIBABA_SMS_ACCESS_KEY_SECRET": SECRET,
        "SMS_SIGN_NAME": "民情快办",
        "SMS_TEMPLATE_NOTICE": "SMS_100000001",
        "SMS_TEMPLATE_RECEIVED": "SMS_100000002",
        "SMS_TIMEOUT_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    return configure


def test_a_received_sms_goes_out_as_its_template_signed(alibaba, received, monkeypatch):
    with fakes.serve(alibaba((200, fakes.ALIBABA_OK, 0))) as fake:
        monkeypatch.setenv("ALIBABA_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is True
    assert fake.problems == []
    (seen,) = fake.seen
    assert seen.query["PhoneNumbers"] == PHONE
    assert seen.query["SignName"] == "民情快办"
    assert seen.query["TemplateCode"] == "SMS_100000002"
    params = json.loads(seen.query["TemplateParam"])
    assert set(params) == {"ref", "link"}
    assert params["ref"] == received.issue.reference
    assert "/t/" in params["link"]
    received.refresh_from_db()
    assert received.sent_at is not None and received.last_error == ""


def test_a_refusal_is_recorded_and_sent_again_later(alibaba, received, monkeypatch, later):
    with fakes.serve(alibaba((200, fakes.ALIBABA_LIMITED, 0), (200, fakes.ALIBABA_OK, 0))) as fake:
        monkeypatch.setenv("ALIBABA_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is False
        received.refresh_from_db()
        assert received.sent_at is None
        assert "isv.BUSINESS_LIMIT_CONTROL" in received.last_error
        with later():
            assert received.pk in notify.pending_ids(older_than=notify.CLAIM_LEASE, batch=10)
            assert notify.deliver(received.pk) is True
    assert fake.problems == [] and len(fake.seen) == 2
    received.refresh_from_db()
    assert received.sent_at is not None and received.attempts == 2


def test_an_http_error_of_the_gateway_is_a_visible_failure(alibaba, received, monkeypatch):
    with fakes.serve(alibaba((404, fakes.ALIBABA_BAD_KEY, 0))) as fake:
        monkeypatch.setenv("ALIBABA_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is False
    received.refresh_from_db()
    assert received.sent_at is None and "InvalidAccessKeyId.NotFound" in received.last_error


def test_a_gateway_that_does_not_answer_in_time_is_a_visible_failure(alibaba, received, monkeypatch):
    with fakes.serve(alibaba((200, fakes.ALIBABA_OK, 3))) as fake:
        monkeypatch.setenv("ALIBABA_SMS_ENDPOINT", fake.url)
        assert notify.deliver(received.pk) is False
    received.refresh_from_db()
    assert received.sent_at is None and received.last_error.startswith("alibaba sms:")
    assert Notification.objects.filter(pk=received.pk, attempts=1).exists()
