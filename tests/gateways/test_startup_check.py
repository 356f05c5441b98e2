"""Production refuses to start when a chosen gateway lacks a variable, and names it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gateways.config import missing_variables, refuse_missing_credentials


def start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_", "TENCENT_", "SMS_", "NOTIFY_"))}
    environ = {**base, "DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "CRITICAL"],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_with_alibaba_and_no_key_refuses_to_start_naming_it():
    result = start(NOTIFY_SMS_CHANNEL="alibaba")
    assert result.returncode != 0
    assert "ALIBABA_SMS_ACCESS_KEY_ID must be set" in result.stderr


def test_production_with_the_logging_channel_chosen_on_purpose_starts():
    result = start(NOTIFY_SMS_CHANNEL="log")
    assert result.returncode == 0, result.stderr


def test_each_missing_variable_of_tencent_is_named():
    channels = {"sms": "gateways.sms.TencentSmsChannel"}
    environ = {"TENCENT_SMS_SECRET_ID": "id", "TENCENT_SMS_SECRET_KEY": "key", "SMS_SIGN_NAME": "民情快办"}
    assert missing_variables(channels, environ) == [("sms", "TENCENT_SMS_SDK_APP_ID"), ("sms", "SMS_TEMPLATE_NOTICE")]
    with pytest.raises(ImproperlyConfigured, match="TENCENT_SMS_SDK_APP_ID must be set"):
        refuse_missing_credentials(channels, environ)
