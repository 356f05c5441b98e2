"""Production settings: refuse to start without a secret, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"} and not k.startswith("NOTIFY_")
    }
    environment.update({"VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp9" * 10,
        ALLOWED_HOSTS="mq.example.cn",
        NOTIFY_SMS_CHANNEL="log",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_when_no_sms_channel_is_chosen(tmp_path):
    """Unset, residents would silently get no SMS: the logging channel must be chosen on purpose."""
    result = manage(
        "check",
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp9" * 10,
        ALLOWED_HOSTS="mq.example.cn",
    )
    assert result.returncode != 0
    assert "NOTIFY_SMS_CHANNEL must be set when DEBUG is off" in result.stderr


def test_development_needs_no_sms_channel(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr


def proxy_ssl_header(tmp_path, **env) -> str:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp9" * 10,
        ALLOWED_HOSTS="mq.example.cn",
        NOTIFY_SMS_CHANNEL="log",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_x_forwarded_proto_is_trusted_only_when_the_operator_names_it(tmp_path, monkeypatch):
    """Issue 14 item 15: with DEBUG off, a client must not make its request HTTPS by a header."""
    monkeypatch.delenv("SECURE_PROXY_SSL_HEADER", raising=False)
    assert proxy_ssl_header(tmp_path) == "None"
    assert (
        proxy_ssl_header(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    assert proxy_ssl_header(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Ssl: on") == "('HTTP_X_FORWARDED_SSL', 'on')"
