"""Issue 14 item 13: wrong API tokens are counted per client address, and an address that sent
too many is refused (429) before its token is looked up; the 401 no longer comes first."""

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken

pytestmark = pytest.mark.django_db

URL = "/api/v1/issues/"


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.API_TOKEN_FAILURES_PER_IP = 3
    return settings


def call(key: str, ip: str):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    return client.get(URL, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=ip)


def test_an_address_guessing_tokens_is_refused_before_they_are_checked(limits, world):
    _token, key = ApiToken.issue(world.staff, name="city platform")
    for n in range(3):
        response = call(f"guess-{n}", "10.7.7.7")
        assert response.status_code == 401
        assert response.json()["detail"] == "Invalid or revoked token."
    response = call("guess-4", "10.7.7.7")
    assert response.status_code == 429
    assert "Too many wrong tokens from this address" in response.json()["detail"]
    assert response["Retry-After"]
    # Even a right token from that address waits; from another address it works.
    assert call(key, "10.7.7.7").status_code == 429
    assert call(key, "10.8.8.8").status_code == 200


def test_right_tokens_do_not_count(limits, world):
    _token, key = ApiToken.issue(world.staff, name="city platform")
    for _n in range(5):
        assert call(key, "10.9.9.9").status_code == 200


def test_with_limits_off_only_the_token_matters(limits, world):
    limits.RATELIMIT_ENABLE = False
    for n in range(5):
        assert call(f"guess-{n}", "10.6.6.6").status_code == 401
