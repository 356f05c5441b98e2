"""Failed logins are limited per username and per client address, on the login page and the
admin's; the limit refuses even the right password, with a message saying how long to wait."""

import uuid

import pytest
from django.urls import reverse

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME = 3
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 5
    settings.LANGUAGE_CODE = "en"
    return settings


def person(password: str = "right-password-1", *, superuser: bool = False):
    user = factories.user(f"u-{uuid.uuid4().hex[:10]}")
    user.set_password(password)
    user.is_staff = user.is_superuser = superuser
    user.save(update_fields=["password", "is_staff", "is_superuser"])
    return user


def unique_ip() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def log_in(client, username: str, password: str, *, ip: str, path: str = "login"):
    return client.post(
        reverse(path), {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_a_username_is_refused_after_too_many_wrong_passwords_even_with_the_right_one(client, limits):
    user = person()
    for _n in range(3):
        response = log_in(client, user.username, "wrong", ip=unique_ip())
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    response = log_in(client, user.username, "right-password-1", ip=unique_ip())
    assert response.status_code == 429
    assert "Too many failed attempts. Please wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another person from the same places is not affected.
    other = person()
    assert log_in(client, other.username, "right-password-1", ip=unique_ip()).status_code == 302


def test_one_address_trying_many_usernames_is_refused(client, limits):
    ip = unique_ip()
    for _n in range(5):
        assert log_in(client, f"nobody-{uuid.uuid4().hex[:8]}", "guess", ip=ip).status_code == 200
    user = person()
    assert log_in(client, user.username, "right-password-1", ip=ip).status_code == 429
    assert log_in(client, user.username, "right-password-1", ip=unique_ip()).status_code == 302


def test_the_admin_login_counts_the_same_failures(client, limits):
    admin = person(superuser=True)
    for _n in range(3):
        log_in(client, admin.username, "wrong", ip=unique_ip(), path="admin:login")
    response = log_in(client, admin.username, "right-password-1", ip=unique_ip(), path="admin:login")
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_limits_off_only_the_password_matters(client, limits):
    limits.RATELIMIT_ENABLE = False
    user = person()
    for _n in range(5):
        log_in(client, user.username, "wrong", ip="10.9.9.9")
    assert log_in(client, user.username, "right-password-1", ip="10.9.9.9").status_code == 302
