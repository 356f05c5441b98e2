"""Who gets in: tokens (only their hash is stored), sessions, and nobody else."""

import base64

import pytest
from django.urls import reverse

from api.models import ApiToken, digest

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db


def test_a_token_acts_as_its_user(world, reported):
    client, key = token_client(world.staff)
    response = client.get(reverse("api:issue-list"))
    assert response.status_code == 200
    assert [i["reference"] for i in response.json()["results"]] == [reported.reference]
    token = ApiToken.objects.get()
    assert token.key_hash == digest(key)
    assert key not in {token.key_hash, token.prefix}
    assert token.last_used_at is not None


def test_bearer_works_too(world, reported):
    _, key = ApiToken.issue(world.staff, name="x")
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(reverse("api:issue-list")).status_code == 200


@pytest.mark.parametrize("header", ["Token nope", "Token a b", "Bearer ", "Token"])
def test_a_bad_token_is_401(world, header):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(reverse("api:issue-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_revoked_token_is_refused(world):
    client, _ = token_client(world.staff)
    ApiToken.objects.get().revoke()
    assert client.get(reverse("api:issue-list")).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(world):
    client, _ = token_client(world.staff)
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    assert client.get(reverse("api:issue-list")).status_code == 401


def test_the_dashboard_session_works(world, reported):
    from django.test import Client

    client = Client()
    client.force_login(world.staff)
    response = client.get(reverse("api:issue-list"))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_session_writes_need_csrf(world, reported):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker)
    response = client.post(reverse("api:issue-accept", args=[reported.pk]))
    assert response.status_code == 403
    reported.refresh_from_db()
    assert reported.status == "assigned"


def test_throttling_answers_429(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute", "open311": "2/minute"},
    }
    client, _ = token_client(world.staff)
    codes = [client.get(reverse("api:faq-list")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_throttling_follows_ratelimit_enable(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/minute", "anon": "1/minute", "open311": "1/minute"},
    }
    settings.RATELIMIT_ENABLE = False
    client, _ = token_client(world.staff)
    assert {client.get(reverse("api:faq-list")).status_code for _ in range(3)} == {200}


def test_the_api_token_command_prints_a_working_key(world, reported):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", world.staff.username, name="区平台", stdout=out)
    key = out.getvalue().strip()
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api:issue-list")).json()["count"] == 1


def test_a_cache_outage_does_not_fail_requests(world, settings, monkeypatch):
    from rest_framework import throttling

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

        set = get

    monkeypatch.setattr(throttling.SimpleRateThrottle, "cache", Down())
    client, _ = token_client(world.staff)
    assert client.get(reverse("api:faq-list")).status_code == 200


def test_a_password_sent_as_http_basic_is_not_accepted(world):
    """Passwords go only into the login page, where failures are rate-limited; the API takes
    tokens and the dashboard's session."""
    world.staff.set_password("pw-of-staff-1")
    world.staff.save(update_fields=["password"])
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"staff:pw-of-staff-1").decode())
    response = client.get(reverse("api:issue-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
