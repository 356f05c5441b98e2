"""The Open311 rate limit counts per api_key only for a real key: made-up keys, one per request,
all count against the client's address, so guessing keys is rate-limited like anything else."""

import secrets

import pytest


@pytest.fixture
def tight(settings):
    settings.RATELIMIT_ENABLE = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "9/minute", "anon": "9/minute", "open311": "2/minute"},
    }


def test_made_up_keys_share_the_addresss_limit(client, services, tight):
    codes = [client.post("/open311/v2/requests.json", {"api_key": secrets.token_hex(16)}).status_code for _ in range(3)]
    assert codes == [403, 403, 429]


def test_a_real_key_has_its_own_limit(client, services, api_key, tight):
    for _ in range(2):
        client.post("/open311/v2/requests.json", {"api_key": secrets.token_hex(16)})
    response = client.post("/open311/v2/requests.json", {"api_key": api_key})
    assert response.status_code != 429
